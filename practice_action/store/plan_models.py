"""Tables of the action plan (the BMA menu decisions and their history)."""

"""Tables of the daily contact counter."""

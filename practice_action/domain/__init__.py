"""Plain Python: the practice's own words and rules, with no database and no Qt."""

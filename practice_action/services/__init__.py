"""Use cases: each opens one transaction, checks permission, and writes its audit entry."""

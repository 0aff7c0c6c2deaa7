"""Documents: data in, PDF bytes out. No database, no Qt."""

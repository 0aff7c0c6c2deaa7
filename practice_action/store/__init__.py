"""The database: SQLAlchemy models, the engine for SQLite or PostgreSQL, migrations, backups."""

"""Migration scripts, oldest first (``r0001_…``); each serves SQLite and PostgreSQL."""

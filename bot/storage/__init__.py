"""Storage back-ends: sessions (memory, PostgreSQL) and the consultation register (SQLite,
PostgreSQL)."""

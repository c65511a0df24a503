"""The history of alerts: every alert and revision kept in a SQL database (SQLite or PostgreSQL).

``store`` writes and queries, ``consumer`` fills it from ``vigie.alerts``, ``export`` turns
rows into CSV, JSON lines or GeoJSON; the schema is migrated by Alembic (``migrations/``).
"""

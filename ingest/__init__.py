"""Ingest: poll RSS/Atom wire feeds and publish each new item to ``vigie.items``."""

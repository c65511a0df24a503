"""Vigie: a streaming news-alert monitor for city captures and casualty reports."""

__version__ = "0.1.0"

"""Streams: detect events in wire items, dedup them in Redis, emit alerts."""

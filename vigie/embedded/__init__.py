"""The embedded stack: a Tansu broker, a Redis-protocol server and the Vigie processes."""

"""The operator web process: the status page, its data, and the app serving them."""

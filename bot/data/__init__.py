"""Keeping and moving a deployment's data: export to an archive, import into an empty database, and
erasing one person's personal rows (``steward export``, ``steward import``, ``steward forget``)."""

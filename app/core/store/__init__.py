"""Persistence: engines, migrations and plain data-access functions over the model."""

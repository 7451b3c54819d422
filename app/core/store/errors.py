"""Errors the store raises for things a caller asked for that cannot be."""


class NotFound(LookupError):
    """No such object (or not visible to the caller)."""


class Conflict(ValueError):
    """The change contradicts what is stored (e.g. an edit of a deleted entry)."""

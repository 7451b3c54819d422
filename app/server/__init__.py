"""Offline-first sync: the service (``server``: accounts, push, pull, plans) and the app's
client (``client``: outbox push, cursor pull, backoff). Both sides share one database schema.
"""

"""Rejon: field log for community police officers (dzielnicowi)."""

"""Folio: an offline desktop writing assistant."""

__version__ = "0.1.0"

"""Folio's PySide6 user interface. It talks to the models only through :mod:`desktop.runtime`'s engines,
and runs them in worker threads that report by signal: the UI thread never runs inference."""

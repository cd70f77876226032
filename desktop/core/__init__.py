"""Folio's Qt-free core: documents on disk (files, text formats, recovery), preferences and application state,
text statistics, search, Markdown structure and UTF-16 positions. Imported by the UI and by the runtime; it
never imports Qt, torch or onnx (``tests/test_boundaries.py``)."""

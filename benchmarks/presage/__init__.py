"""presage, the n-gram baseline of the keystroke-savings benchmark (benchmarks/keystrokes.py)."""

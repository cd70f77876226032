"""Training code for Folio's models (PyTorch). Not part of the installed app."""

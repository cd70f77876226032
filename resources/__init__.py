"""Shipped resources (model packages, icons); installed as ``desktop.resources``."""

"""Factsheet: turns annotated news articles into a static site of sourced fact sheets."""

__version__ = "0.1.0"

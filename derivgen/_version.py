"""derivgen's version: the one place it is written (pyproject reads it, the JSON carries it)."""

__version__ = "0.1.0"

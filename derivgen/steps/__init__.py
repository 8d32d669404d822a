"""Derivation steps as frozen data: what the derivation says, as sympy objects, never LaTeX."""

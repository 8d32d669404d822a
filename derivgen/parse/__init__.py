"""Text in, trees out: the equation, the derivative target and shape declarations."""

from derivgen.parse.grammar import parse_equation
from derivgen.parse.shapes import parse_shape
from derivgen.parse.target import parse_target

__all__ = ["parse_equation", "parse_shape", "parse_target"]

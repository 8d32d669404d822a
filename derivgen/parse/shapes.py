"""Shape declarations: `W=C,D` on the command line, `{"W": "C,D"}` through the API.

Both forms are checked against the text `NAME=DIMS`, so an error reads (and its caret points)
the same whichever way the shape was given. The grammar is too small for the tokenizer:

    shape = NAME '=' dim (',' dim)?
    dim   = INTEGER | NAME
"""

from __future__ import annotations

import re

from derivgen.errors import ParseError
from derivgen.parse.ast import Dim, ShapeDeclaration
from derivgen.parse.names import refusal
from derivgen.parse.tokens import MAX_DIGITS

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[0-9]+")
_BLANK = re.compile(r"\s*")

MAX_DIMS = 2


def parse_shape(text: str) -> ShapeDeclaration:
    """Parse the CLI form `NAME=ROWS,COLS` (or `NAME=ROWS` for a column vector)."""
    name, equals, _ = text.partition("=")
    if not equals:
        raise ParseError("a shape reads NAME=ROWS,COLS, as in W=C,D", text, _missing_equals(text))
    return _parse_declaration(text, name)


def parse_dims(name: str, dims: str) -> ShapeDeclaration:
    """Parse the API form, a name and its dimensions (`"W"`, `"C,D"`), shown as `W=C,D`."""
    return _parse_declaration(f"{name}={dims}", name)


def _parse_declaration(text: str, name: str) -> ShapeDeclaration:
    """`text` is `name=dims`; positions in errors are offsets into it."""
    start = _BLANK.match(name).end()
    if not _NAME.fullmatch(name.strip()):
        length = len(name.strip())
        raise ParseError("expected a symbol name before '='", text, start, length)
    dims = _parse_dims(text, len(name) + 1)
    rows, cols = dims if len(dims) == MAX_DIMS else (dims[0], 1)
    return ShapeDeclaration(name=name.strip(), rows=rows, cols=cols)


def _parse_dims(text: str, offset: int) -> list[Dim]:
    """
    dims = dim (',' dim)?

    Read left to right, so the caret lands on the first bad dimension.
    """
    dims: list[Dim] = []
    for piece in text[offset:].split(","):
        if len(dims) == MAX_DIMS:
            extra = text[offset:]
            start = offset + _BLANK.match(extra).end()
            reason = "a shape has at most two dimensions (rows, columns)"
            raise ParseError(reason, text, start, len(extra.strip()))
        dims.append(_parse_dim(text, offset, piece))
        offset += len(piece) + 1
    return dims


def _parse_dim(text: str, offset: int, piece: str) -> Dim:
    """
    dim = INTEGER | NAME

    A size name such as `D` or `n_1` stays symbolic; a number must be at least 1.
    """
    start = offset + _BLANK.match(piece).end()
    word = piece.strip()
    if _INTEGER.fullmatch(word):
        if len(word) > MAX_DIGITS:
            reason = f"a dimension has at most {MAX_DIGITS} digits"
            raise ParseError(reason, text, start, len(word))
        if int(word) == 0:
            raise ParseError("a dimension must be at least 1", text, start, len(word))
        return int(word)
    if _NAME.fullmatch(word):
        if (reason := refusal(word)) is not None:
            raise ParseError(reason, text, start, len(word))
        return word
    raise ParseError(
        "a dimension is a positive whole number or a size name", text, start, len(word)
    )


def _missing_equals(text: str) -> int:
    """Where the '=' should have been: after a leading name, at the first thing that is not."""
    start = _BLANK.match(text).end()
    name = _NAME.match(text, start)
    if name is None:
        return start
    return _BLANK.match(text, name.end()).end()

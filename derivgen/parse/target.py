"""The derivative-target grammar: `dy[3]/dx[7]`, `∂L/∂W`, `dY[i,j]/dX[k,l]` and the like.

Recursive descent over the shared tokens, each rule in its function's docstring. The one
subtlety is that `dy` is a single NAME token, so the derivative sign is split off by hand.
"""

from __future__ import annotations

from derivgen.errors import ParseError
from derivgen.parse.ast import Index, Target
from derivgen.parse.names import refusal
from derivgen.parse.tokens import Tokenizer

EXAMPLE = "'dy[3]/dx[7]'"

Half = tuple[str, tuple[int, int], tuple[Index, ...] | None]
"""One side of the fraction: the symbol name, its span and its indices (None if none given)."""


def parse_target(text: str) -> Target:
    """Parse a target such as `dy[3]/dx[7]`; a ParseError puts its caret at the first problem."""
    tokenizer = Tokenizer(text)
    if tokenizer.check("END"):
        raise ParseError(f"expected a target such as {EXAMPLE}", text, 0)
    return _parse_target(tokenizer)


def _parse_target(tokenizer: Tokenizer) -> Target:
    """
    target = half '/' half END
    """
    of, of_span, of_indices = _parse_half(
        tokenizer, f"a target starts with d or ∂, as in {EXAMPLE}"
    )
    tokenizer.expect("SLASH", "expected '/' between the two halves of the target")
    by, by_span, by_indices = _parse_half(tokenizer, f"after '/' comes d or ∂, as in {EXAMPLE}")
    if not tokenizer.check("END"):
        raise tokenizer.error(f"unexpected {tokenizer.peek().text!r} after the target")
    return Target(
        of=of,
        of_indices=of_indices,
        by=by,
        by_indices=by_indices,
        text=tokenizer.text,
        of_span=of_span,
        by_span=by_span,
    )


def _parse_half(tokenizer: Tokenizer, unsigned: str) -> Half:
    """
    half = differential indices?

    `unsigned` is the message for a half that does not start with d or ∂.
    """
    name, span = _parse_differential(tokenizer, unsigned)
    indices = _parse_indices(tokenizer) if tokenizer.check("LBRACKET") else None
    return name, span, indices


def _parse_differential(tokenizer: Tokenizer, unsigned: str) -> tuple[str, tuple[int, int]]:
    """
    differential = ('∂' | 'd') NAME | 'd'NAME

    `dy` arrives as one NAME token: its d is the sign and the rest the symbol; a lone `d`
    (as in `d y`) is followed by the name as its own token. The span is the name's alone.
    """
    token = tokenizer.peek()
    if token.kind == "PARTIAL" or (token.kind == "NAME" and token.text == "d"):
        tokenizer.read()
        name = tokenizer.expect("NAME", f"expected a name after {token.text}, as in {EXAMPLE}")
        return name.text, (name.start, name.end)
    if token.kind == "NAME" and token.text.startswith("d"):
        tokenizer.read()
        return token.text[1:], (token.start + 1, token.end)
    raise tokenizer.error(unsigned)


def _parse_indices(tokenizer: Tokenizer) -> tuple[Index, ...]:
    """
    indices = '[' index (',' index)* ']'
    """
    tokenizer.read()
    indices = [_parse_index(tokenizer)]
    while tokenizer.consume("COMMA"):
        indices.append(_parse_index(tokenizer))
    tokenizer.expect("RBRACKET", "expected ']'")
    return tuple(indices)


def _parse_index(tokenizer: Tokenizer) -> Index:
    """
    index = NUMBER | NAME

    A number is a whole 1-based position, as in the note; a name (`i`) stands for any entry.
    """
    token = tokenizer.peek()
    if token.kind == "NAME":
        if (reason := refusal(token.text)) is not None:
            raise tokenizer.error(reason)
        tokenizer.read()
        return token.text
    if token.kind == "NUMBER" and token.text.isdigit():
        if int(token.text) == 0:
            raise tokenizer.error("indices start at 1")
        tokenizer.read()
        return int(token.text)
    raise tokenizer.error("an index is a whole number or a name")

"""The tokenizer shared by the equation and target grammars.

As in pypa/packaging's `_tokenizer.py`, the token kinds are a table of regular expressions and
the tokenizer is lazy: it reads one token when the parser asks, so the first error reported is
the leftmost one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from derivgen.errors import ParseError

TOKEN_RULES: dict[str, str] = {
    "NAME": r"[A-Za-z][A-Za-z0-9_]*",
    # `1e3` and `2.5e-3` are numbers; `1 e3` (with a space) is 1 times a vector e3.
    "NUMBER": r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?",
    # `.T` is a transpose only when no name character follows (`x.Tail` is not `x.T ail`).
    "INVERSE": r"\^-1|\^\{-1\}|\^-T|\^\{-T\}",
    "TRANSPOSE": r"\^T|\.T(?![A-Za-z0-9_])|'",
    "HADAMARD": r"\.\*|∘",
    "TIMES": r"\*",
    "AT": r"@",
    "PLUS": r"\+",
    "MINUS": r"-",
    "LPAREN": r"\(",
    "RPAREN": r"\)",
    "LBRACKET": r"\[",
    "RBRACKET": r"\]",
    "COMMA": r",",
    "SLASH": r"/",
    "EQUALS": r"=",
    "PARTIAL": r"∂",
}
"""Token kind -> pattern; the digit and letter classes are ASCII so int() and Fraction() agree."""

_TOKEN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in TOKEN_RULES.items()))
_WHITESPACE = re.compile(r"\s*")

MAX_NESTING = 50
"""Deeper parentheses or minus signs are refused, instead of exhausting Python's stack."""

MAX_DIGITS = 200
"""A number with more digits (or a larger exponent) is refused: 10^100 is a fine index or size,
but Python refuses to read integers of 4,300 digits and `1e999999999` would take forever."""

MAX_TOKENS = 200
"""Longer text is refused: a flat product of thousands of factors is a tree thousands deep,
and every later stage walks trees recursively."""


@dataclass(frozen=True)
class Token:
    """One token: `start` and `end` are 0-based offsets into the text, for spans and carets."""

    kind: str
    text: str
    start: int
    end: int

    def describe(self) -> str:
        """How an error message names this token: quoted, or `end of input`."""
        return "end of input" if self.kind == "END" else repr(self.text)


class Tokenizer:
    """Reads tokens on demand; `peek` looks without consuming, `read` consumes.

    The END token (empty text, at len(text)) repeats forever, so the parser never sees None.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.depth = 0
        self.count = 0
        self._next: Token | None = None

    def peek(self) -> Token:
        """The next token, without consuming it."""
        if self._next is None:
            self._next = self._scan()
        return self._next

    def check(self, *kinds: str) -> bool:
        """Whether the next token is one of `kinds`."""
        return self.peek().kind in kinds

    def consume(self, *kinds: str) -> Token | None:
        """Read the next token if it is one of `kinds`; None (and nothing read) otherwise."""
        return self.read() if self.check(*kinds) else None

    def read(self) -> Token:
        """Consume and return the next token."""
        token = self.peek()
        self._next = None
        self.position = token.end
        return token

    def expect(self, kind: str, reason: str) -> Token:
        """Read a token of `kind`, or raise `reason` with the caret under what is there instead."""
        if not self.check(kind):
            raise self.error(reason)
        return self.read()

    def error(self, reason: str, token: Token | None = None) -> ParseError:
        """A ParseError whose caret spans `token` (by default the next one)."""
        token = token or self.peek()
        return ParseError(reason, self.text, token.start, token.end - token.start)

    @contextlib.contextmanager
    def nested(self) -> Iterator[None]:
        """Count one level of parentheses or minus: runaway depth is a user error, not a crash."""
        if self.depth >= MAX_NESTING:
            raise self.error(f"the expression nests more than {MAX_NESTING} levels deep")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def _scan(self) -> Token:
        start = _WHITESPACE.match(self.text, self.position).end()
        if start == len(self.text):
            return Token("END", "", start, start)
        if self.count == MAX_TOKENS:
            raise ParseError(f"the text is longer than {MAX_TOKENS} tokens", self.text, start)
        self.count += 1
        match = _TOKEN.match(self.text, start)
        if match is None:
            char = self.text[start]
            if char == "^":
                raise ParseError(
                    "only ^T (transpose), ^-1 (inverse) or ^-T may follow ^", self.text, start
                )
            raise ParseError(f"unexpected character {char!r}", self.text, start)
        token = Token(match.lastgroup or "", match[0], start, match.end())
        if token.kind == "NUMBER":
            _check_number(token, self.text)
        return token


def _check_number(token: Token, text: str) -> None:
    """Refuse numbers too long to read quickly, with the caret under the whole number."""
    mantissa, _, exponent = token.text.lower().partition("e")
    power = exponent.lstrip("+-")
    too_large = len(power) > len(str(MAX_DIGITS)) or (power and int(power) > MAX_DIGITS)
    if len(mantissa) > MAX_DIGITS or too_large:
        reason = f"a number has at most {MAX_DIGITS} digits and an exponent of at most {MAX_DIGITS}"
        raise ParseError(reason, text, token.start, token.end - token.start)

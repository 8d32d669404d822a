"""The equation grammar, parsed by hand with recursive descent (as pypa/packaging's `_parser.py`).

Each function parses the rule quoted in its docstring. Hand-written rather than generated so
that every error names what was expected in the user's terms and puts the caret under the
exact token; the tree keeps the order written, which sympy would not.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from derivgen.errors import ParseError
from derivgen.parse.ast import (
    ELEMENTWISE_FUNCTIONS,
    MATRIX_FUNCTIONS,
    REDUCTIONS,
    Add,
    Determinant,
    Elementwise,
    Equation,
    Hadamard,
    Inverse,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)
from derivgen.parse.names import refusal
from derivgen.parse.tokens import Token, Tokenizer

FUNCTIONS = ELEMENTWISE_FUNCTIONS + REDUCTIONS + MATRIX_FUNCTIONS
"""Names that are always applied with parentheses, never symbols."""

UNSUPPORTED = {
    "pinv": "a pseudo-inverse",
    "norm": "a norm; write it as a product, such as x^T x",
    "diag": "a diagonal matrix; write it as a Hadamard product",
    "max": "a maximum",
    "relu": "a function with a kink",
    "softmax": "a function that mixes entries",
}
"""Names users reach for that derivgen does not derive yet, refused with what they are."""

MAX_FACTORS = 24
"""A longer product is refused: the chain rule takes a stage per factor and the time grows
faster than the length (40 factors take ten seconds), while no exercise needs a dozen."""

PRIMARY_STARTS = ("NAME", "NUMBER", "LPAREN")
"""Tokens that begin a primary: after an operand, one of these means juxtaposition (`W x`)."""


def source(node: Node, text: str) -> str:
    """The text a node was parsed from, so later errors can quote the user's own words."""
    return text[node.span[0] : node.span[1]]


def parse_equation(text: str) -> Equation:
    """Parse an equation such as `y = W x`; a ParseError puts its caret at the first problem."""
    tokenizer = Tokenizer(text)
    if tokenizer.check("END"):
        raise ParseError("expected an equation such as 'y = W x'", text, 0)
    return _parse_equation(tokenizer)


def _parse_equation(tokenizer: Tokenizer) -> Equation:
    """
    equation = NAME '=' expr END

    The output is one plain name: derivgen differentiates it, so it cannot be an expression.
    """
    name = tokenizer.peek()
    if name.kind != "NAME":
        raise tokenizer.error("an equation starts with the output name, as in 'y = W x'")
    if name.text in FUNCTIONS:
        raise tokenizer.error(f"{name.text} is a function, so it cannot name the output")
    _check_name(tokenizer, name)
    tokenizer.read()
    tokenizer.expect("EQUALS", "expected '=' after the output name")
    rhs = _parse_expr(tokenizer)
    if not tokenizer.check("END"):
        # A second '=' lands here too: an equation has exactly one.
        junk = tokenizer.peek().text
        raise tokenizer.error(f"unexpected {junk!r} after the end of the expression")
    lhs = Symbol(name=name.text, span=(name.start, name.end))
    return Equation(lhs=lhs, rhs=rhs, text=tokenizer.text)


def _parse_expr(tokenizer: Tokenizer) -> Node:
    """
    expr = term (('+' | '-') term)*

    Left-associative, so `a - b - c` is `(a - b) - c`.
    """
    node = _parse_term(tokenizer)
    while operator := tokenizer.consume("PLUS", "MINUS"):
        right = _parse_term(tokenizer)
        subtract = operator.kind == "MINUS"
        node = Add(left=node, right=right, subtract=subtract, span=_cover(node, right))
    return node


def _parse_term(tokenizer: Tokenizer) -> Node:
    """
    term = unary (('*' | '@' | '.*' | '∘' | <juxtaposition>) unary)*

    Left-associative, so `V W x` is `(V W) x`, the order the engine reads products in.
    Juxtaposition applies only when a primary follows: `a -b` stays a difference.
    """
    node = _parse_unary(tokenizer)
    while True:
        operator = tokenizer.consume("TIMES", "AT", "HADAMARD")
        if operator is None and not tokenizer.check(*PRIMARY_STARTS):
            return node
        right = _parse_unary(tokenizer)
        if _factors(node) + _factors(right) > MAX_FACTORS:
            reason = f"a product has at most {MAX_FACTORS} factors"
            raise ParseError(reason, tokenizer.text, right.span[0], right.span[1] - right.span[0])
        if operator is not None and operator.kind == "HADAMARD":
            node = Hadamard(left=node, right=right, span=_cover(node, right))
        else:
            node = MatMul(left=node, right=right, span=_cover(node, right))


def _parse_unary(tokenizer: Tokenizer) -> Node:
    """
    unary = '-' unary | postfix

    Minus binds tighter than products, so `-W x` is `(-W) x`; the value is the same.
    """
    minus = tokenizer.peek()
    if minus.kind != "MINUS":
        return _parse_postfix(tokenizer)
    with tokenizer.nested():
        tokenizer.read()
        operand = _parse_unary(tokenizer)
    return Negate(operand=operand, span=(minus.start, operand.span[1]))


def _parse_postfix(tokenizer: Tokenizer) -> Node:
    """
    postfix = primary ('^T' | '.T' | "'" | '^-1' | '^{-1}' | '^-T' | '^{-T}')*

    The tokenizer already refused any other `^`; `A^-T` is the transposed inverse.
    """
    node = _parse_primary(tokenizer)
    while mark := tokenizer.consume("TRANSPOSE", "INVERSE"):
        span = (node.span[0], mark.end)
        if mark.kind == "INVERSE":
            node = Inverse(operand=node, span=span)
            if "T" in mark.text:
                node = Transpose(operand=node, span=span)
        else:
            node = Transpose(operand=node, span=span)
    return node


def _parse_primary(tokenizer: Tokenizer) -> Node:
    """
    primary = NUMBER | call | NAME | '(' expr ')'

    A name of two letters or more directly followed by '(' is a call of an unknown function
    (`foo(x)`), refused rather than read as the product `foo x`; `W(x)` is still W times x.

    A parenthesised node's span is widened to take in its parentheses, so that the span of
    every node around it quotes balanced text (`(W x - t)^T`, not `W x - t)^T`).
    """
    token = tokenizer.peek()
    if token.kind == "NUMBER":
        tokenizer.read()
        return Number(value=Fraction(token.text), span=(token.start, token.end))
    if token.kind == "NAME" and token.text in FUNCTIONS:
        return _parse_call(tokenizer)
    if token.kind == "NAME":
        _check_name(tokenizer, token)
        tokenizer.read()
        if token.text in UNSUPPORTED and tokenizer.check("LPAREN"):
            raise tokenizer.error(
                f"derivgen cannot derive {token.text}(...) ({UNSUPPORTED[token.text]}) yet", token
            )
        if len(token.text) > 1 and tokenizer.peek().kind == "LPAREN" and (
            tokenizer.peek().start == token.end
        ):
            known = ", ".join(FUNCTIONS)
            raise tokenizer.error(
                f"unknown function {token.text} (the functions are {known}; "
                f"for a product write {token.text} (...) with a space)",
                token,
            )
        return Symbol(name=token.text, span=(token.start, token.end))
    if token.kind == "LPAREN":
        with tokenizer.nested():
            tokenizer.read()
            inner = _parse_expr(tokenizer)
            close = tokenizer.expect("RPAREN", "expected ')'")
        return replace(inner, span=(token.start, close.end))
    raise tokenizer.error(f"expected a name, a number or '(' but found {token.describe()}")


def _parse_call(tokenizer: Tokenizer) -> Node:
    """
    call     = FUNCTION '(' expr ')'
    FUNCTION = 'sigma' | 'tanh' | 'exp' | 'log' | 'sin' | 'cos' | 'tr' | 'sum'
             | 'inv' | 'det' | 'logdet'

    `logdet(A)` is read as `log(det(A))`: one tree, so both spellings derive alike.

    The parentheses are required: `tr A` would be ambiguous with a product.
    """
    name = tokenizer.read()
    if not tokenizer.check("LPAREN"):
        raise tokenizer.error(f"{name.text} needs parentheses: {name.text}(...)", name)
    with tokenizer.nested():
        tokenizer.read()
        operand = _parse_expr(tokenizer)
        close = tokenizer.expect("RPAREN", "expected ')'")
    span = (name.start, close.end)
    if name.text in REDUCTIONS:
        return Reduction(function=name.text, operand=operand, span=span)
    if name.text == "inv":
        return Inverse(operand=operand, span=span)
    if name.text == "det":
        return Determinant(operand=operand, span=span)
    if name.text == "logdet":
        determinant = Determinant(operand=operand, span=span)
        return Elementwise(function="log", operand=determinant, span=span)
    return Elementwise(function=name.text, operand=operand, span=span)


def _factors(node: Node) -> int:
    """How many factors a product holds, counting through parentheses, transposes and minus
    (`(A B)^T C` has three), as the engine flattens them."""
    if isinstance(node, MatMul | Hadamard):
        return _factors(node.left) + _factors(node.right)
    if isinstance(node, Transpose | Negate):
        return _factors(node.operand)
    return 1


def _check_name(tokenizer: Tokenizer, name: Token) -> None:
    """Refuse a symbol name the JSON could not carry (`lambda`, `Sum`), caret under it."""
    if (reason := refusal(name.text)) is not None:
        raise tokenizer.error(reason, name)


def _cover(left: Node, right: Node) -> tuple[int, int]:
    """The span of a binary node: from its left operand's start to its right operand's end."""
    return (left.span[0], right.span[1])

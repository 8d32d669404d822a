"""Random trees survive printing and parsing; random text fails only with DerivgenError.

The printer here is the test's own, fully parenthesised and choosing among the spellings the
grammar allows (`^T`, `.T`, `'`; juxtaposition, `*`, `@`; `.*`, `∘`), so the round trip
checks the parser against an independent statement of the grammar.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derivgen.errors import DerivgenError, ParseError
from derivgen.parse import parse_equation, parse_shape, parse_target
from derivgen.parse.ast import (
    ELEMENTWISE_FUNCTIONS,
    REDUCTIONS,
    Add,
    Elementwise,
    Hadamard,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)
from derivgen.parse.grammar import source
from derivgen.parse.shapes import parse_dims

NO_SPAN = (0, 0)

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,3}", fullmatch=True).filter(
    lambda name: name not in ELEMENTWISE_FUNCTIONS + REDUCTIONS
)
numbers = st.one_of(
    st.integers(0, 10**6).map(Fraction),
    st.integers(0, 10**6).map(lambda thousandths: Fraction(thousandths, 1000)),
)
leaves = st.one_of(
    st.builds(Symbol, name=names, span=st.just(NO_SPAN)),
    st.builds(Number, value=numbers, span=st.just(NO_SPAN)),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    span = st.just(NO_SPAN)
    return st.one_of(
        st.builds(Negate, operand=children, span=span),
        st.builds(Transpose, operand=children, span=span),
        st.builds(
            Elementwise,
            function=st.sampled_from(ELEMENTWISE_FUNCTIONS),
            operand=children,
            span=span,
        ),
        st.builds(Reduction, function=st.sampled_from(REDUCTIONS), operand=children, span=span),
        st.builds(Add, left=children, right=children, subtract=st.booleans(), span=span),
        st.builds(MatMul, left=children, right=children, span=span),
        st.builds(Hadamard, left=children, right=children, span=span),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)

GRAMMAR_ALPHABET = "xyWAdT∂^.'*@+-()[],/=∘ 0123456789sigmatr"
"""Characters the grammars use, so random text reaches past the tokenizer more often."""

texts = st.one_of(st.text(), st.text(alphabet=GRAMMAR_ALPHABET))


def bare(node: Node) -> Node:
    """The tree with every span zeroed, to compare structure alone."""
    children = {
        f.name: bare(getattr(node, f.name))
        for f in fields(node)
        if isinstance(getattr(node, f.name), Node)
    }
    return replace(node, span=NO_SPAN, **children)


def children(node: Node) -> list[Node]:
    return [getattr(node, f.name) for f in fields(node) if isinstance(getattr(node, f.name), Node)]


def nodes(node: Node) -> list[Node]:
    """The node and every node below it."""
    return [node] + [below for child in children(node) for below in nodes(child)]


def depth(node: Node) -> int:
    return 1 + max((depth(child) for child in children(node)), default=0)


def printable(node: Node) -> bool:
    """Within the parser's limits: two nesting levels a node at most, four tokens a node."""
    return depth(node) <= 20 and len(nodes(node)) <= 40


def show(node: Node, rng: random.Random) -> str:
    """Print a tree as equation text; every compound operand is parenthesised."""
    space = rng.choice(["", " "])
    match node:
        case Symbol(name=name):
            return name
        case Number(value=value) if value.denominator == 1:
            return str(value.numerator)
        case Number(value=value):
            return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        case Negate(operand=operand):
            return "-" + space + wrap(operand, rng)
        case Transpose(operand=operand):
            return wrap(operand, rng) + rng.choice(["^T", ".T", "'"])
        case (
            Elementwise(function=function, operand=operand)
            | Reduction(function=function, operand=operand)
        ):
            return f"{function}{space}({show(operand, rng)})"
        case Add(left=left, right=right, subtract=subtract):
            operator = "-" if subtract else "+"
            return f"{wrap(left, rng)}{space}{operator}{space}{wrap(right, rng)}"
        case MatMul(left=left, right=right):
            operator = rng.choice([" ", f"{space}*{space}", f"{space}@{space}"])
            return f"{wrap(left, rng)}{operator}{wrap(right, rng)}"
        case Hadamard(left=left, right=right):
            operator = rng.choice([".*", "∘"])
            return f"{wrap(left, rng)}{space}{operator}{space}{wrap(right, rng)}"
    raise TypeError(type(node).__name__)


def wrap(node: Node, rng: random.Random) -> str:
    """An operand: bare if it is a name, a number or a call, parenthesised otherwise."""
    text = show(node, rng)
    if isinstance(node, Symbol | Number | Elementwise | Reduction):
        return text
    return f"({text})"


@settings(max_examples=200, deadline=None)
@given(output=names, tree=trees, rng=st.randoms(use_true_random=False))
def test_printed_trees_parse_back(output: str, tree: Node, rng: random.Random) -> None:
    assume(printable(tree))
    text = f"{output} = {show(tree, rng)}"
    equation = parse_equation(text)
    assert equation.lhs.name == output
    assert bare(equation.rhs) == tree


@settings(max_examples=200, deadline=None)
@given(tree=trees, rng=st.randoms(use_true_random=False))
def test_every_span_quotes_text_that_parses_to_its_node(tree: Node, rng: random.Random) -> None:
    assume(printable(tree))
    text = f"y = {show(tree, rng)}"
    for node in nodes(parse_equation(text).rhs):
        quoted = source(node, text)
        assert quoted == quoted.strip()
        assert bare(parse_equation(f"y = {quoted}").rhs) == bare(node)


def _only_derivgen_errors(parse, *arguments: str) -> None:
    """Run a parser: it returns, or raises a DerivgenError whose caret lies within the text."""
    error: DerivgenError | None = None
    try:
        parse(*arguments)
    except DerivgenError as raised:
        error = raised
    if isinstance(error, ParseError):
        assert 0 <= error.position <= len(error.text)
        assert len(error.lines()) == 2


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_any_equation_text_fails_only_with_derivgen_errors(text: str) -> None:
    _only_derivgen_errors(parse_equation, text)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_any_target_text_fails_only_with_derivgen_errors(text: str) -> None:
    _only_derivgen_errors(parse_target, text)


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_any_shape_text_fails_only_with_derivgen_errors(text: str) -> None:
    _only_derivgen_errors(parse_shape, text)


@settings(max_examples=200, deadline=None)
@given(name=texts, dims=texts)
def test_any_dims_fail_only_with_derivgen_errors(name: str, dims: str) -> None:
    _only_derivgen_errors(parse_dims, name, dims)


@settings(max_examples=200, deadline=None)
@given(
    of=names,
    by=names,
    of_indices=st.none() | st.lists(st.integers(1, 99) | names, min_size=1, max_size=3),
    by_indices=st.none() | st.lists(st.integers(1, 99) | names, min_size=1, max_size=3),
    sign=st.sampled_from(["d", "∂", "d "]),
)
def test_printed_targets_parse_back(of, by, of_indices, by_indices, sign) -> None:
    def half(name: str, indices: list | None) -> str:
        return sign + name + ("" if indices is None else f"[{','.join(map(str, indices))}]")

    target = parse_target(f"{half(of, of_indices)}/{half(by, by_indices)}")
    assert (target.of, target.by) == (of, by)
    assert target.of_indices == (None if of_indices is None else tuple(of_indices))
    assert target.by_indices == (None if by_indices is None else tuple(by_indices))
    assert target.text[slice(*target.of_span)] == of
    assert target.text[slice(*target.by_span)] == by

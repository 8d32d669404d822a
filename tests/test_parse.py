"""The parsers: exact trees for every form of the grammar, exact errors with exact carets.

Expected caret lines are written out in full, aligned under the message line, so that each
position can be checked by eye against the text above it.
"""

from __future__ import annotations

from dataclasses import fields, replace
from fractions import Fraction

import pytest

from derivgen.errors import DerivgenError, ParseError
from derivgen.parse import parse_equation, parse_shape, parse_target
from derivgen.parse.ast import (
    Add,
    Elementwise,
    Equation,
    Hadamard,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    ShapeDeclaration,
    Symbol,
    Target,
    Transpose,
    symbols_in,
)
from derivgen.parse.grammar import MAX_FACTORS, source
from derivgen.parse.shapes import parse_dims
from derivgen.parse.tokens import MAX_NESTING, MAX_TOKENS, Token, Tokenizer

NO_SPAN = (0, 0)


def bare(node: Node) -> Node:
    """The tree with every span zeroed, to compare structure alone."""
    children = {
        f.name: bare(getattr(node, f.name))
        for f in fields(node)
        if isinstance(getattr(node, f.name), Node)
    }
    return replace(node, span=NO_SPAN, **children)


def s(name: str) -> Symbol:
    return Symbol(name=name, span=NO_SPAN)


def n(value: str) -> Number:
    return Number(value=Fraction(value), span=NO_SPAN)


def mm(left: Node, right: Node) -> MatMul:
    return MatMul(left=left, right=right, span=NO_SPAN)


def had(left: Node, right: Node) -> Hadamard:
    return Hadamard(left=left, right=right, span=NO_SPAN)


def add(left: Node, right: Node) -> Add:
    return Add(left=left, right=right, span=NO_SPAN)


def sub(left: Node, right: Node) -> Add:
    return Add(left=left, right=right, subtract=True, span=NO_SPAN)


def neg(operand: Node) -> Negate:
    return Negate(operand=operand, span=NO_SPAN)


def t(operand: Node) -> Transpose:
    return Transpose(operand=operand, span=NO_SPAN)


def ew(function: str, operand: Node) -> Elementwise:
    return Elementwise(function=function, operand=operand, span=NO_SPAN)


def red(function: str, operand: Node) -> Reduction:
    return Reduction(function=function, operand=operand, span=NO_SPAN)


# --- the tokenizer -------------------------------------------------------------------------


def tokens(text: str) -> list[tuple[str, str]]:
    tokenizer = Tokenizer(text)
    found = []
    while not tokenizer.check("END"):
        token = tokenizer.read()
        found.append((token.kind, token.text))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W x", [("NAME", "W"), ("NAME", "x")]),
        ("n_1 W2", [("NAME", "n_1"), ("NAME", "W2")]),
        ("2 0.5 10", [("NUMBER", "2"), ("NUMBER", "0.5"), ("NUMBER", "10")]),
        ("2x", [("NUMBER", "2"), ("NAME", "x")]),
        (
            "x^T x.T x'",
            [
                ("NAME", "x"),
                ("TRANSPOSE", "^T"),
                ("NAME", "x"),
                ("TRANSPOSE", ".T"),
                ("NAME", "x"),
                ("TRANSPOSE", "'"),
            ],
        ),
        ("2.T", [("NUMBER", "2"), ("TRANSPOSE", ".T")]),
        (
            "a.*b∘c",
            [("NAME", "a"), ("HADAMARD", ".*"), ("NAME", "b"), ("HADAMARD", "∘"), ("NAME", "c")],
        ),
        (
            "*@+-()[],/=∂",
            [
                ("TIMES", "*"),
                ("AT", "@"),
                ("PLUS", "+"),
                ("MINUS", "-"),
                ("LPAREN", "("),
                ("RPAREN", ")"),
                ("LBRACKET", "["),
                ("RBRACKET", "]"),
                ("COMMA", ","),
                ("SLASH", "/"),
                ("EQUALS", "="),
                ("PARTIAL", "∂"),
            ],
        ),
        (" \t\n", []),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert tokens(text) == expected


def test_token_offsets_and_end() -> None:
    tokenizer = Tokenizer("y = W^T")
    assert [tokenizer.read() for _ in range(5)] == [
        Token("NAME", "y", 0, 1),
        Token("EQUALS", "=", 2, 3),
        Token("NAME", "W", 4, 5),
        Token("TRANSPOSE", "^T", 5, 7),
        Token("END", "", 7, 7),
    ]
    assert tokenizer.peek().describe() == "end of input"


def test_tokens_are_read_lazily_so_the_leftmost_error_wins() -> None:
    with pytest.raises(ParseError) as e:
        parse_equation("y = W x ) ^ 2")
    assert e.value.reason == "unexpected ')' after the end of the expression"


# --- equations -----------------------------------------------------------------------------


def test_matrix_vector_product_with_spans() -> None:
    assert parse_equation("y = W x") == Equation(
        lhs=Symbol(name="y", span=(0, 1)),
        rhs=MatMul(
            left=Symbol(name="W", span=(4, 5)),
            right=Symbol(name="x", span=(6, 7)),
            span=(4, 7),
        ),
        text="y = W x",
    )


def test_products_associate_left_with_spans() -> None:
    assert parse_equation("y = V W x").rhs == MatMul(
        left=MatMul(
            left=Symbol(name="V", span=(4, 5)),
            right=Symbol(name="W", span=(6, 7)),
            span=(4, 7),
        ),
        right=Symbol(name="x", span=(8, 9)),
        span=(4, 9),
    )


def test_transpose_of_a_square_matrix_is_a_transpose_with_spans() -> None:
    assert parse_equation("B = A^T").rhs == Transpose(
        operand=Symbol(name="A", span=(4, 5)), span=(4, 7)
    )


def test_function_span_covers_the_call() -> None:
    equation = parse_equation("y = sigma(W x)")
    assert equation.rhs == Elementwise(
        function="sigma",
        operand=MatMul(
            left=Symbol(name="W", span=(10, 11)),
            right=Symbol(name="x", span=(12, 13)),
            span=(10, 13),
        ),
        span=(4, 14),
    )
    assert source(equation.rhs, equation.text) == "sigma(W x)"


def test_parentheses_widen_the_span_so_quoted_text_balances() -> None:
    text = "L = (W x - t)^T (W x - t)"
    rhs = parse_equation(text).rhs
    assert rhs == MatMul(
        left=Transpose(
            operand=Add(
                left=MatMul(
                    left=Symbol(name="W", span=(5, 6)),
                    right=Symbol(name="x", span=(7, 8)),
                    span=(5, 8),
                ),
                right=Symbol(name="t", span=(11, 12)),
                subtract=True,
                span=(4, 13),
            ),
            span=(4, 15),
        ),
        right=Add(
            left=MatMul(
                left=Symbol(name="W", span=(17, 18)),
                right=Symbol(name="x", span=(19, 20)),
                span=(17, 20),
            ),
            right=Symbol(name="t", span=(23, 24)),
            subtract=True,
            span=(16, 25),
        ),
        span=(4, 25),
    )
    assert source(rhs, text) == "(W x - t)^T (W x - t)"
    assert source(rhs.left, text) == "(W x - t)^T"
    assert source(rhs.left.operand, text) == "(W x - t)"
    assert source(rhs.left.operand.left, text) == "W x"


@pytest.mark.parametrize(
    ("text", "rhs"),
    [
        ("y = W x", mm(s("W"), s("x"))),
        ("y = x W", mm(s("x"), s("W"))),
        ("Y = X W", mm(s("X"), s("W"))),
        ("y = V W x", mm(mm(s("V"), s("W")), s("x"))),
        ("s = x^T A x", mm(mm(t(s("x")), s("A")), s("x"))),
        ("s = x.T A x", mm(mm(t(s("x")), s("A")), s("x"))),
        ("s = x' A x", mm(mm(t(s("x")), s("A")), s("x"))),
        ("B = A^T", t(s("A"))),
        ("B = A.T", t(s("A"))),
        ("B = A'", t(s("A"))),
        ("B = A^T^T", t(t(s("A")))),
        ("B = A^T'", t(t(s("A")))),
        ("M = x z.T", mm(s("x"), t(s("z")))),
        ("z = W x + b", add(mm(s("W"), s("x")), s("b"))),
        ("z = W x - b", sub(mm(s("W"), s("x")), s("b"))),
        ("z = a - b - c", sub(sub(s("a"), s("b")), s("c"))),
        ("z = a - b + c", add(sub(s("a"), s("b")), s("c"))),
        ("z = a b + c d", add(mm(s("a"), s("b")), mm(s("c"), s("d")))),
        ("z = a -b", sub(s("a"), s("b"))),
        ("y = 2 W x", mm(mm(n("2"), s("W")), s("x"))),
        ("y = 2x", mm(n("2"), s("x"))),
        ("y = 0.5 x", mm(n("0.5"), s("x"))),
        ("y = -3 W x", mm(mm(neg(n("3")), s("W")), s("x"))),
        ("y = -W x", mm(neg(s("W")), s("x"))),
        ("y = - -x", neg(neg(s("x")))),
        ("y = -x^T", neg(t(s("x")))),
        ("y = a * -b", mm(s("a"), neg(s("b")))),
        ("y = sigma(W x)", ew("sigma", mm(s("W"), s("x")))),
        ("y = tanh (x)", ew("tanh", s("x"))),
        ("y = exp(x) .* log(x)", had(ew("exp", s("x")), ew("log", s("x")))),
        ("y = sin(cos(x))", ew("sin", ew("cos", s("x")))),
        ("y = x .* z", had(s("x"), s("z"))),
        ("y = x ∘ z", had(s("x"), s("z"))),
        ("y = a .* b c", mm(had(s("a"), s("b")), s("c"))),
        ("y = a b ∘ c", had(mm(s("a"), s("b")), s("c"))),
        ("s = tr(A X)", red("tr", mm(s("A"), s("X")))),
        ("s = sum(x)", red("sum", s("x"))),
        ("s = sum(sigma(W x) .* v)", red("sum", had(ew("sigma", mm(s("W"), s("x"))), s("v")))),
        (
            "L = (W x - t)^T (W x - t)",
            mm(t(sub(mm(s("W"), s("x")), s("t"))), sub(mm(s("W"), s("x")), s("t"))),
        ),
        ("y = W @ x", mm(s("W"), s("x"))),
        ("y = W * x", mm(s("W"), s("x"))),
        ("y = W (x)", mm(s("W"), s("x"))),
        ("y = ((x))", s("x")),
        ("y=W x", mm(s("W"), s("x"))),
        ("T = W_1 x2", mm(s("W_1"), s("x2"))),
        ("y = x", s("x")),
    ],
)
def test_equation_trees(text: str, rhs: Node) -> None:
    equation = parse_equation(text)
    assert bare(equation.rhs) == rhs
    assert equation.lhs.name == text.partition("=")[0].strip()
    assert equation.text == text


def test_nesting_is_bounded_by_a_parse_error_not_a_crash() -> None:
    deep = "y = " + "(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1)
    with pytest.raises(ParseError) as e:
        parse_equation(deep)
    assert e.value.reason == f"the expression nests more than {MAX_NESTING} levels deep"
    assert e.value.position == 4 + MAX_NESTING
    negated: Node = s("x")
    for _ in range(MAX_NESTING):
        negated = neg(negated)
    assert bare(parse_equation("y = " + "-" * MAX_NESTING + "x").rhs) == negated
    with pytest.raises(ParseError):
        parse_equation("y = " + "-" * (MAX_NESTING + 1) + "x")


def test_length_is_bounded_so_later_stages_never_recurse_too_deep() -> None:
    # y, =, a, then + a repeated: MAX_TOKENS - 1 tokens, every other one a symbol
    longest = "y = a" + " + a" * ((MAX_TOKENS - 3) // 2)
    assert len(symbols_in(parse_equation(longest).rhs)) == (MAX_TOKENS - 1) // 2
    with pytest.raises(ParseError) as e:
        parse_equation(longest + " + b + c")
    assert e.value.reason == f"the text is longer than {MAX_TOKENS} tokens"
    assert e.value.position == len(longest) + 3  # token 201, the b


def test_a_product_of_more_than_max_factors_is_refused_at_the_first_factor_too_many() -> None:
    """A 150-factor product ran past 20 s (the chain rule's stages grow faster than the
    length); the parser refuses it with the caret under the factor past the limit."""
    factors = [f"A{n}" for n in range(MAX_FACTORS)]
    assert len(symbols_in(parse_equation("y = " + " ".join(factors)).rhs)) == MAX_FACTORS
    text = "y = " + " ".join(factors) + " x"
    with pytest.raises(ParseError) as e:
        parse_equation(text)
    assert e.value.reason == f"a product has at most {MAX_FACTORS} factors"
    assert e.value.position == text.rindex("x")
    grouped = "y = " + " ".join(["(A B C)'"] * (MAX_FACTORS // 3 + 1))
    with pytest.raises(ParseError):
        parse_equation(grouped)  # parentheses and transposes do not hide factors


# --- targets -------------------------------------------------------------------------------


def test_target_with_spans() -> None:
    assert parse_target("dy[3]/dx[7]") == Target(
        of="y",
        of_indices=(3,),
        by="x",
        by_indices=(7,),
        text="dy[3]/dx[7]",
        of_span=(1, 2),
        by_span=(7, 8),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dy[3]/dx[7]", ("y", (3,), "x", (7,))),
        ("dy[3]/dW[7,8]", ("y", (3,), "W", (7, 8))),
        ("dY[2,5]/dX[2,4]", ("Y", (2, 5), "X", (2, 4))),
        ("dy[i]/dx[j]", ("y", ("i",), "x", ("j",))),
        ("dY[i,2]/dW[3,k]", ("Y", ("i", 2), "W", (3, "k"))),
        ("dy/dx", ("y", None, "x", None)),
        ("dL/dW", ("L", None, "W", None)),
        ("∂y[3]/∂x[7]", ("y", (3,), "x", (7,))),
        ("∂L/∂W", ("L", None, "W", None)),
        ("d y [3] / d x [7]", ("y", (3,), "x", (7,))),
        ("d y/d x", ("y", None, "x", None)),
        (" dy[ 3 , 4 ] /dx ", ("y", (3, 4), "x", None)),
        ("ddelta/dW_1", ("delta", None, "W_1", None)),
        ("dd/d d", ("d", None, "d", None)),
        ("∂dy/∂x", ("dy", None, "x", None)),
        ("dy[012]/dx", ("y", (12,), "x", None)),
    ],
)
def test_target_forms(text: str, expected: tuple) -> None:
    target = parse_target(text)
    assert (target.of, target.of_indices, target.by, target.by_indices) == expected
    assert target.text == text
    assert text[slice(*target.of_span)] == target.of
    assert text[slice(*target.by_span)] == target.by


# --- shapes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W=C,D", ("W", "C", "D")),
        ("x=1,D", ("x", 1, "D")),
        ("a=1,1", ("a", 1, 1)),
        ("W=5,8", ("W", 5, 8)),
        ("x=D", ("x", "D", 1)),
        ("x=3", ("x", 3, 1)),
        ("X=N,n_1", ("X", "N", "n_1")),
        (" W = C , D ", ("W", "C", "D")),
    ],
)
def test_shape_forms(text: str, expected: tuple) -> None:
    name, rows, cols = expected
    assert parse_shape(text) == ShapeDeclaration(name=name, rows=rows, cols=cols)


@pytest.mark.parametrize(
    ("name", "dims", "expected"),
    [
        ("W", "C,D", ("W", "C", "D")),
        ("x", "1,D", ("x", 1, "D")),
        ("x", "D", ("x", "D", 1)),
        ("W", "5, 8", ("W", 5, 8)),
    ],
)
def test_dims_forms(name: str, dims: str, expected: tuple) -> None:
    name, rows, cols = expected
    assert parse_dims(name, dims) == ShapeDeclaration(name=name, rows=rows, cols=cols)


# --- errors --------------------------------------------------------------------------------

EQUATION_ERRORS = [
    (
        "",
        [
            "error: expected an equation such as 'y = W x': ",
            "                                               ^",
        ],
    ),
    (
        "   ",
        [
            "error: expected an equation such as 'y = W x':    ",
            "                                               ^",
        ],
    ),
    (
        "y",
        [
            "error: expected '=' after the output name: y",
            "                                            ^",
        ],
    ),
    (
        "y x = W",
        [
            "error: expected '=' after the output name: y x = W",
            "                                             ^",
        ],
    ),
    (
        "y := W x",
        [
            "error: unexpected character ':': y := W x",
            "                                   ^",
        ],
    ),
    (
        "y = W x^2",
        [
            "error: only ^T (transpose), ^-1 (inverse) or ^-T may follow ^: y = W x^2",
            "                                                                      ^",
        ],
    ),
    (
        "y = W x^t",
        [
            "error: only ^T (transpose), ^-1 (inverse) or ^-T may follow ^: y = W x^t",
            "                                                                      ^",
        ],
    ),
    (
        "y = x.Tail",
        [
            "error: unexpected character '.': y = x.Tail",
            "                                      ^",
        ],
    ),
    (
        "y = W # x",
        [
            "error: unexpected character '#': y = W # x",
            "                                       ^",
        ],
    ),
    (
        "y =",
        [
            "error: expected a name, a number or '(' but found end of input: y =",
            "                                                                   ^",
        ],
    ),
    (
        "y = W +",
        [
            "error: expected a name, a number or '(' but found end of input: y = W +",
            "                                                                       ^",
        ],
    ),
    (
        "y = W + )",
        [
            "error: expected a name, a number or '(' but found ')': y = W + )",
            "                                                               ^",
        ],
    ),
    (
        "y = = x",
        [
            "error: expected a name, a number or '(' but found '=': y = = x",
            "                                                           ^",
        ],
    ),
    (
        "y = W .* .* x",
        [
            "error: expected a name, a number or '(' but found '.*': y = W .* .* x",
            "                                                                 ~^",
        ],
    ),
    (
        "y = (W x",
        [
            "error: expected ')': y = (W x",
            "                             ^",
        ],
    ),
    (
        "y = (W x ]",
        [
            "error: expected ')': y = (W x ]",
            "                              ^",
        ],
    ),
    (
        "y = sigma(W x",
        [
            "error: expected ')': y = sigma(W x",
            "                                  ^",
        ],
    ),
    (
        "y = W x )",
        [
            "error: unexpected ')' after the end of the expression: y = W x )",
            "                                                               ^",
        ],
    ),
    (
        "y = W x = z",
        [
            "error: unexpected '=' after the end of the expression: y = W x = z",
            "                                                               ^",
        ],
    ),
    (
        "y = W / x",
        [
            "error: unexpected '/' after the end of the expression: y = W / x",
            "                                                             ^",
        ],
    ),
    (
        "y = tr A",
        [
            "error: tr needs parentheses: tr(...): y = tr A",
            "                                          ~^",
        ],
    ),
    (
        "y = W sigma",
        [
            "error: sigma needs parentheses: sigma(...): y = W sigma",
            "                                                  ~~~~^",
        ],
    ),
    (
        "2 = W x",
        [
            "error: an equation starts with the output name, as in 'y = W x': 2 = W x",
            "                                                                 ^",
        ],
    ),
    (
        "sum = x",
        [
            "error: sum is a function, so it cannot name the output: sum = x",
            "                                                        ~~^",
        ],
    ),
]

TARGET_ERRORS = [
    (
        "",
        [
            "error: expected a target such as 'dy[3]/dx[7]': ",
            "                                                ^",
        ],
    ),
    (
        "y/dx",
        [
            "error: a target starts with d or ∂, as in 'dy[3]/dx[7]': y/dx",
            "                                                         ^",
        ],
    ),
    (
        "Ly/dx",
        [
            "error: a target starts with d or ∂, as in 'dy[3]/dx[7]': Ly/dx",
            "                                                         ~^",
        ],
    ),
    (
        "[3]/dx[7]",
        [
            "error: a target starts with d or ∂, as in 'dy[3]/dx[7]': [3]/dx[7]",
            "                                                         ^",
        ],
    ),
    (
        "dy/x",
        [
            "error: after '/' comes d or ∂, as in 'dy[3]/dx[7]': dy/x",
            "                                                       ^",
        ],
    ),
    (
        "∂/∂x",
        [
            "error: expected a name after ∂, as in 'dy[3]/dx[7]': ∂/∂x",
            "                                                      ^",
        ],
    ),
    (
        "d [3]/dx",
        [
            "error: expected a name after d, as in 'dy[3]/dx[7]': d [3]/dx",
            "                                                       ^",
        ],
    ),
    (
        "dy[3]",
        [
            "error: expected '/' between the two halves of the target: dy[3]",
            "                                                               ^",
        ],
    ),
    (
        "dy dx",
        [
            "error: expected '/' between the two halves of the target: dy dx",
            "                                                             ~^",
        ],
    ),
    (
        "dy[-1]/dx",
        [
            "error: an index is a whole number or a name: dy[-1]/dx",
            "                                                ^",
        ],
    ),
    (
        "dy[1.5]/dx",
        [
            "error: an index is a whole number or a name: dy[1.5]/dx",
            "                                                ~~^",
        ],
    ),
    (
        "dy[]/dx",
        [
            "error: an index is a whole number or a name: dy[]/dx",
            "                                                ^",
        ],
    ),
    (
        "dy/dW[2,]",
        [
            "error: an index is a whole number or a name: dy/dW[2,]",
            "                                                     ^",
        ],
    ),
    (
        "dy[0]/dx",
        [
            "error: indices start at 1: dy[0]/dx",
            "                              ^",
        ],
    ),
    (
        "dy/dW[3,00]",
        [
            "error: indices start at 1: dy/dW[3,00]",
            "                                   ~^",
        ],
    ),
    (
        "dy[3/dx",
        [
            "error: expected ']': dy[3/dx",
            "                         ^",
        ],
    ),
    (
        "dy/dx[3",
        [
            "error: expected ']': dy/dx[3",
            "                            ^",
        ],
    ),
    (
        "dy/dx/dz",
        [
            "error: unexpected '/' after the target: dy/dx/dz",
            "                                             ^",
        ],
    ),
    (
        "∂y[3]/∂x[7] ]",
        [
            "error: unexpected ']' after the target: ∂y[3]/∂x[7] ]",
            "                                                    ^",
        ],
    ),
]

SHAPE_ERRORS = [
    (
        "",
        [
            "error: a shape reads NAME=ROWS,COLS, as in W=C,D: ",
            "                                                  ^",
        ],
    ),
    (
        "W",
        [
            "error: a shape reads NAME=ROWS,COLS, as in W=C,D: W",
            "                                                   ^",
        ],
    ),
    (
        "W C,D",
        [
            "error: a shape reads NAME=ROWS,COLS, as in W=C,D: W C,D",
            "                                                    ^",
        ],
    ),
    (
        "5,8",
        [
            "error: a shape reads NAME=ROWS,COLS, as in W=C,D: 5,8",
            "                                                  ^",
        ],
    ),
    (
        "=C,D",
        [
            "error: expected a symbol name before '=': =C,D",
            "                                          ^",
        ],
    ),
    (
        "2W=C,D",
        [
            "error: expected a symbol name before '=': 2W=C,D",
            "                                          ~^",
        ],
    ),
    (
        "W=",
        [
            "error: a dimension is a positive whole number or a size name: W=",
            "                                                                ^",
        ],
    ),
    (
        "W=,D",
        [
            "error: a dimension is a positive whole number or a size name: W=,D",
            "                                                                ^",
        ],
    ),
    (
        "W=C,",
        [
            "error: a dimension is a positive whole number or a size name: W=C,",
            "                                                                  ^",
        ],
    ),
    (
        "W=C;D",
        [
            "error: a dimension is a positive whole number or a size name: W=C;D",
            "                                                                ~~^",
        ],
    ),
    (
        "W=-1,2",
        [
            "error: a dimension is a positive whole number or a size name: W=-1,2",
            "                                                                ~^",
        ],
    ),
    (
        "W=2.5",
        [
            "error: a dimension is a positive whole number or a size name: W=2.5",
            "                                                                ~~^",
        ],
    ),
    (
        "W=0,D",
        [
            "error: a dimension must be at least 1: W=0,D",
            "                                         ^",
        ],
    ),
    (
        "W = C, 00",
        [
            "error: a dimension must be at least 1: W = C, 00",
            "                                              ~^",
        ],
    ),
    (
        "W=2,3,4",
        [
            "error: a shape has at most two dimensions (rows, columns): W=2,3,4",
            "                                                                 ^",
        ],
    ),
    (
        "W=2,3, 4,5",
        [
            "error: a shape has at most two dimensions (rows, columns): W=2,3, 4,5",
            "                                                                  ~~^",
        ],
    ),
]

DIMS_ERRORS = [
    (
        ("W", "C,0"),
        [
            "error: a dimension must be at least 1: W=C,0",
            "                                           ^",
        ],
    ),
    (
        ("W x", "C,D"),
        [
            "error: expected a symbol name before '=': W x=C,D",
            "                                          ~~^",
        ],
    ),
    (
        ("x", "D, E, F"),
        [
            "error: a shape has at most two dimensions (rows, columns): x=D, E, F",
            "                                                                   ^",
        ],
    ),
]


@pytest.mark.parametrize(("text", "lines"), EQUATION_ERRORS)
def test_equation_errors(text: str, lines: list[str]) -> None:
    with pytest.raises(ParseError) as e:
        parse_equation(text)
    assert e.value.lines() == lines


@pytest.mark.parametrize(("text", "lines"), TARGET_ERRORS)
def test_target_errors(text: str, lines: list[str]) -> None:
    with pytest.raises(ParseError) as e:
        parse_target(text)
    assert e.value.lines() == lines


@pytest.mark.parametrize(("text", "lines"), SHAPE_ERRORS)
def test_shape_errors(text: str, lines: list[str]) -> None:
    with pytest.raises(ParseError) as e:
        parse_shape(text)
    assert e.value.lines() == lines


@pytest.mark.parametrize(("arguments", "lines"), DIMS_ERRORS)
def test_dims_errors_read_like_the_command_line(
    arguments: tuple[str, str], lines: list[str]
) -> None:
    with pytest.raises(ParseError) as e:
        parse_dims(*arguments)
    assert e.value.lines() == lines


def test_a_parse_error_is_one_line_plus_a_caret() -> None:
    with pytest.raises(DerivgenError) as e:
        parse_equation("y = W x^2")
    assert str(e.value) == "only ^T (transpose), ^-1 (inverse) or ^-T may follow ^: y = W x^2"
    assert (e.value.reason, e.value.position, e.value.length) == (
        "only ^T (transpose), ^-1 (inverse) or ^-T may follow ^",
        7,
        1,
    )

"""Claims as data: every step kind declares them, and a wrong one never verifies.

The mutation test corrupts each sympy-valued field of each step of a set of derivations
(doubling it) and requires verification to fail whenever the corruption changes what the
step displays; the inserted-claim test adds a false equality to one step.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Iterator

import pytest
import sympy

from derivgen import DerivgenError, derive
from derivgen.errors import VerificationError
from derivgen.parse import parse_equation
from derivgen.render.text import TextRenderer
from derivgen.steps import kinds
from derivgen.steps.claims import Claim
from derivgen.verify import verify

MUTATED = [
    ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}, ()),
    ("y = W x", "dy/dx", {"W": "C,D"}, ()),
    ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D", "W": "D,C"}, ()),
    ("Y = X W", "dY/dX", {"X": "N,D", "W": "D,C"}, ()),
    ("y = V W x", "dy/dx", {}, ()),
    ("L = (W x - t)^T (W x - t)", "dL/dW", {}, ()),
    ("s = tr(A X B)", "ds/dX", {}, ()),
    ("y = sigma(W x)", "dy/dx", {}, ()),
    ("f = W x", "df/dW", {}, ("index", "vec", "backprop")),
    ("s = det(X)", "ds/dX", {}, ()),
    ("Y = X^-1", "dY/dX", {}, ()),
    ("s = a^T X^-1 b", "ds/dX", {}, ()),
    ("s = x^T A x", "ds/dx", {}, ()),
    ("s = a^T X b", "ds/dX", {}, ()),
]


TRUE_AFTER_DOUBLING = {
    ("inverse", "product_rule"): "2 (…) = 0 is as true as (…) = 0: the line equates it with 0",
    ("inverse", "summed"): "2 (…) = 0 is as true as (…) = 0",
    ("inverse", "solved"): "2 (…) = 0 is as true as (…) = 0",
    ("zero", "of"): "∂(2 y_3)/∂W_{7,8} = 0 is as true as ∂y_3/∂W_{7,8} = 0",
    ("chain_summary", "of"): "the chain rule it restates holds for 2 y_i as for y_i",
}
"""Corruptions that change a display but leave every equality on it true, and why."""


def _step_kinds() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(kinds, inspect.isclass)
        if issubclass(cls, kinds.Step) and cls is not kinds.Step
    ]


@pytest.mark.parametrize("kind", _step_kinds(), ids=lambda c: c.__name__)
def test_every_step_kind_declares_its_claims(kind: type) -> None:
    assert "claims" in vars(kind), f"{kind.__name__} inherits Step.claims, which declares none"


def test_a_kind_that_declares_nothing_cannot_be_verified() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Silent(kinds.Step):
        kind = "silent"

    with pytest.raises(NotImplementedError, match="step kind 'silent' declares no claims"):
        Silent().claims()


def _corruptions(value: object) -> Iterator[object]:
    """The value doubled, one sympy part at a time (in tuples, each item in turn)."""
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.logic.boolalg.Boolean):
        if value != 0:
            yield 2 * value
    elif isinstance(value, tuple):
        for n, item in enumerate(value):
            for corrupted in _corruptions(item):
                yield (*value[:n], corrupted, *value[n + 1 :])


def _field_mutations(step: kinds.Step) -> Iterator[tuple[str, kinds.Step]]:
    for field in dataclasses.fields(step):
        for corrupted in _corruptions(getattr(step, field.name)):
            try:
                yield field.name, dataclasses.replace(step, **{field.name: corrupted})
            except (TypeError, ValueError, AttributeError):
                continue  # sympy refuses to build it: no such step can be displayed


def _displayed(step: kinds.Step) -> str | None:
    try:
        return TextRenderer().step(step)
    except Exception:  # a step that cannot be shown is a changed display
        return None


@pytest.mark.parametrize(("equation", "target", "shapes", "views"), MUTATED)
def test_every_corruption_that_changes_a_displayed_equality_fails(
    equation: str, target: str, shapes: dict, views: tuple
) -> None:
    checked = derive(equation, target, shapes, views=views).checked
    derived, parsed = checked.derived, parse_equation(equation)
    tried = 0
    for n, step in enumerate(derived.steps):
        shown = _displayed(step)
        for field, corrupted in _field_mutations(step):
            if (step.kind, field) in TRUE_AFTER_DOUBLING or _displayed(corrupted) == shown:
                continue
            steps = (*derived.steps[:n], corrupted, *derived.steps[n + 1 :])
            try:
                verify(parsed, derived.shapes, dataclasses.replace(derived, steps=steps))
            except DerivgenError:
                tried += 1
            else:
                pytest.fail(f"{step.kind}.{field} corrupted still verifies: {corrupted}")
    assert tried > 10


class _Wrong(kinds.IsolateStep):
    """An isolate step that also claims its result is twice itself."""

    def claims(self) -> tuple[Claim, ...]:
        return (*super().claims(), Claim(lhs=self.result, rhs=2 * self.result))


def test_a_wrong_claim_names_its_step_in_one_line() -> None:
    derived = derive("y = W x", "dy[3]/dx[7]").checked.derived
    steps = tuple(
        _Wrong(**{f.name: getattr(s, f.name) for f in dataclasses.fields(s)})
        if isinstance(s, kinds.IsolateStep)
        else s
        for s in derived.steps
    )
    with pytest.raises(VerificationError) as failure:
        verify(parse_equation("y = W x"), derived.shapes, dataclasses.replace(derived, steps=steps))
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("the isolate step: W[3, 7] = 2*W[3, 7] does not hold")


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "message"),
    [
        (
            "y = W x",
            "dy/dx",
            {},
            "the assemble step: W.T is 4×3 on the instance, but Derivative(y[i], x[j]) is 3×4",
        ),
    ],
)
def test_a_transposed_result_fails_on_its_shape(
    equation: str, target: str, shapes: dict, message: str
) -> None:
    derived = derive(equation, target, shapes).checked.derived
    steps = tuple(
        dataclasses.replace(s, result=s.result.T) if isinstance(s, kinds.AssembleStep) else s
        for s in derived.steps
    )
    with pytest.raises(VerificationError, match=re.escape(message)):
        verify(parse_equation(equation), derived.shapes, dataclasses.replace(derived, steps=steps))

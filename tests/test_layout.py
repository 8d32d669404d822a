"""`--layout numerator|denominator`: the assembled matrix and its `matrix_index` follow it.

Each result is compared with sympy on explicit matrices (tests/oracle.py), in whichever
arrangement `matrix_index` states; the two layouts must be transposes of each other.
"""

from __future__ import annotations

import pytest
import sympy

from derivgen import DerivgenError, derive
from derivgen.cli import main
from tests.oracle import check_results, instance, read_matrix, scalar

SIZES = {"C": 3, "D": 4}

CASES = [
    ("y = W x", "dy/dx", {}, "y", "x", lambda m: m["W"] * m["x"]),
    ("y = x W", "dy/dx", {"x": "1,D", "W": "D,C"}, "y", "x", lambda m: m["x"] * m["W"]),
    ("s = a^T x", "ds/dx", {}, "s", "x", lambda m: m["a"].T * m["x"]),
    ("s = a^T X b", "ds/dX", {}, "s", "X", lambda m: m["a"].T * m["X"] * m["b"]),
    ("y = a x", "dy/da", {"a": "1,1"}, "y", "a", lambda m: scalar(m["a"]) * m["x"]),
]


@pytest.mark.parametrize(("equation", "target", "shapes", "of", "by", "function"), CASES)
def test_both_layouts_agree_with_brute_force_and_are_transposes(
    equation, target, shapes, of, by, function
) -> None:
    results = {
        layout: derive(equation, target, shapes, layout=layout).as_dict()
        for layout in ("numerator", "denominator")
    }
    for result in results.values():
        assert result["verified"] is True
        assert check_results(result, function, SIZES, of, by) > 0
    numerator, denominator = results["numerator"], results["denominator"]
    assert numerator["matrix_index"] == denominator["matrix_index"][::-1]
    size = {**SIZES}
    arrays = instance(
        {
            n: tuple(d if isinstance(d, int) else size[d] for d in s)
            for n, s in numerator["shapes"].items()
        }
    )
    arrays[of] = sympy.ImmutableMatrix(function(arrays))
    assert read_matrix(numerator["matrix"], arrays, size) == (
        read_matrix(denominator["matrix"], arrays, size).T
    )


def test_numerator_layout_of_a_gradient_is_a_row() -> None:
    d = derive("s = a^T x", "ds/dx", layout="numerator").as_dict()
    assert d["matrix_index"] == [None, "i"]
    assert d["matrix"] == "a.T"


def test_default_is_the_notes_arrangement() -> None:
    assert derive("y = W x", "dy/dx").as_dict()["matrix_index"] == ["i", "j"]
    row = derive("y = x W", "dy/dx", {"x": "1,D"}).as_dict()
    assert row["matrix_index"] == ["j", "i"]
    assert derive("s = a^T X b", "ds/dX").as_dict()["matrix_index"] == ["i", "j"]


def test_the_layout_is_stated_in_the_assembled_result() -> None:
    text = derive("y = W x", "dy/dx", layout="denominator").to_text()
    assert "denominator layout" in text
    latex = derive("s = a^T x", "ds/dx", layout="numerator").to_latex()
    assert "numerator layout" in latex


def test_unknown_layout_is_one_clear_error(capsys) -> None:
    with pytest.raises(
        DerivgenError, match=r"^unknown layout 'sideways': use numerator or denominator$"
    ):
        derive("y = W x", "dy/dx", layout="sideways")
    assert main(["derive", "y = W x", "dy/dx", "--layout", "sideways"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument --layout: invalid choice: 'sideways'")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "of", "by", "function"),
    [
        ("y = W x", "dy/dx", {"W": "5,7"}, "y", "x", lambda m: m["W"] * m["x"]),
        ("y = W x", "dy/dx", {"W": "5,8"}, "y", "x", lambda m: m["W"] * m["x"]),
        ("y = x W", "dy/dx", {"x": "1,9", "W": "9,2"}, "y", "x", lambda m: m["x"] * m["W"]),
    ],
)
def test_a_whole_target_with_a_concrete_size_above_six_is_derived(
    equation, target, shapes, of, by, function
) -> None:
    """Sizes above 6 are checked on a smaller relabelled axis; a phantom index between two
    neighbouring labels (7 and 8) once made the written-out sum fail its own check."""
    result = derive(equation, target, shapes).as_dict()
    assert check_results(result, function, {}, of, by) > 0

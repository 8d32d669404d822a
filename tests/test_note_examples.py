"""Every example of sections 1 to 4 of the note, and d(Wx)/dW from the math.SE thread.

Results are read back from the JSON strings and compared with sympy on explicit matrices and
with finite differences (tests/oracle.py); never with derivgen's own output.
"""

from __future__ import annotations

import pytest

from derivgen import derive
from tests.oracle import check_entry, check_results


def test_section_1_column_vector_entry() -> None:
    d = derive("y = W x", "dy[3]/dx[7]", shapes={"W": "C,D"}).as_dict()
    assert d["shapes"] == {"y": ["C", 1], "W": ["C", "D"], "x": ["D", 1]}
    assert (d["entry"], d["general"], d["matrix"]) == ("W[3, 7]", "W[i, j]", "W")
    assert (d["of_index"], d["by_index"], d["matrix_index"]) == (["i"], ["j"], ["i", "j"])
    sizes = {"C": 4, "D": 8}
    check_entry(d, lambda m: m["W"] * m["x"], sizes, "y", (3,), "x", (7,))
    assert check_results(d, lambda m: m["W"] * m["x"], sizes, "y", "x") == 2 * 4 * 8


def test_section_1_without_declarations_infers_the_notes_sizes() -> None:
    d = derive("y = W x", "dy[3]/dx[7]").as_dict()
    assert d["shapes"] == {"y": ["C", 1], "W": ["C", "D"], "x": ["D", 1]}


def test_section_2_row_vectors() -> None:
    d = derive("y = x W", "dy[3]/dx[7]", shapes={"x": "1,D", "W": "D,C"}).as_dict()
    assert d["shapes"] == {"y": [1, "C"], "x": [1, "D"], "W": ["D", "C"]}
    assert (d["entry"], d["general"], d["matrix"]) == ("W[7, 3]", "W[j, i]", "W")
    assert d["matrix_index"] == ["j", "i"]
    sizes = {"C": 4, "D": 8}
    check_entry(d, lambda m: m["x"] * m["W"], sizes, "y", (3,), "x", (7,))
    check_results(d, lambda m: m["x"] * m["W"], sizes, "y", "x")


def test_section_2_row_vectors_are_inferred() -> None:
    d = derive("y = x W", "dy/dx").as_dict()
    assert d["shapes"]["x"][0] == 1 and d["shapes"]["y"][0] == 1
    assert d["matrix"] == "W"


@pytest.mark.parametrize(
    ("target", "entry", "of_idx", "by_idx"),
    [
        ("dy[3]/dW[7,8]", "0", (3,), (7, 8)),
        ("dy[3]/dW[2,3]", "x[2]", (3,), (2, 3)),
    ],
)
def test_section_3_derivative_by_a_matrix_entry(target, entry, of_idx, by_idx) -> None:
    d = derive("y = x W", target, shapes={"x": "1,D", "W": "D,C"}).as_dict()
    assert d["entry"] == entry
    sizes = {"C": 8, "D": 7}
    check_entry(d, lambda m: m["x"] * m["W"], sizes, "y", of_idx, "W", by_idx)
    check_results(d, lambda m: m["x"] * m["W"], sizes, "y", "W")


def test_section_3_three_dimensional_array() -> None:
    d = derive("y = x W", "dy/dW", shapes={"x": "1,D", "W": "D,C"}).as_dict()
    assert d["matrix"] is None and d["matrix_index"] is None
    assert d["of_index"] == ["i"] and d["by_index"] == ["j", "k"]
    check_results(d, lambda m: m["x"] * m["W"], {"C": 3, "D": 4}, "y", "W")
    array = [s for s in d["steps"] if s["kind"] == "array"]
    assert len(array) == 1
    assert r"G_{i,j} = F_{i,j,i} = \vec{x}_{j}" in array[0]["latex"]


@pytest.mark.parametrize(
    ("target", "entry", "of_idx", "by_idx"),
    [
        ("dY[2,5]/dX[2,4]", "W[4, 5]", (2, 5), (2, 4)),
        ("dY[2,5]/dX[3,4]", "0", (2, 5), (3, 4)),
    ],
)
def test_section_4_multiple_data_points(target, entry, of_idx, by_idx) -> None:
    d = derive("Y = X W", target, shapes={"X": "N,D", "W": "D,C"}).as_dict()
    assert d["entry"] == entry
    sizes = {"N": 3, "D": 4, "C": 5}
    check_entry(d, lambda m: m["X"] * m["W"], sizes, "Y", of_idx, "X", by_idx)


def test_section_4_rows_of_Y_by_rows_of_X_give_W() -> None:
    d = derive("Y = X W", "dY/dX", shapes={"X": "N,D", "W": "D,C"}).as_dict()
    check_results(d, lambda m: m["X"] * m["W"], {"N": 2, "D": 3, "C": 4}, "Y", "X")
    array = next(s for s in d["steps"] if s["kind"] == "array")
    assert r"\frac{\partial Y_{i,:}}{\partial X_{i,:}} = W" in array["latex"]


def test_math_se_d_Wx_d_W_is_a_third_order_tensor() -> None:
    d = derive("f = W x", "df/dW", shapes={"W": "n,m"}).as_dict()
    assert d["matrix"] is None
    assert d["general"] in ("KroneckerDelta(i, j)*x[k]", "x[k]*KroneckerDelta(i, j)")
    check_results(d, lambda m: m["W"] * m["x"], {"n": 3, "m": 4}, "f", "W")


def test_symbolic_target_keeps_its_own_index_names() -> None:
    d = derive("y = W x", "dy[a]/dx[b]").as_dict()
    assert (d["entry"], d["general"], d["of_index"], d["by_index"]) == (
        None,
        "W[a, b]",
        ["a"],
        ["b"],
    )
    assert d["matrix_index"] == ["a", "b"]

"""`--format numpy` (issue 14): the generated module imported and run, its f and its
derivative compared with explicit sympy matrices (tests/oracle.py) at a random point, and
its own check_gradient() (central differences) run at two sets of sizes."""

from __future__ import annotations

import ast
import importlib.util
import random
import types
from pathlib import Path

import numpy as np
import pytest
import sympy

from derivgen import derive
from derivgen.cli import main
from tests.oracle import element, explicit_matrix, index_tuples, instance

CASES = [
    # equation, target, shapes, the right-hand side as the oracle reads it
    ("y = W x", "dy/dx", {}, "W*x"),
    ("y = W x", "dy/dW", {}, "W*x"),
    ("y = x W", "dy/dx", {"x": "1,D"}, "x*W"),
    ("y = x W", "dy/dW", {"x": "1,D"}, "x*W"),
    ("Y = X W", "dY/dX", {}, "X*W"),
    ("Y = X W", "dY/dW", {}, "X*W"),
    ("L = (W x - t)^T (W x - t)", "dL/dW", {}, "(W*x - t).T*(W*x - t)"),
    ("y = V W x", "dy/dx", {}, "V*W*x"),
    ("y = sigma(W x)", "dy/dx", {}, "sigma(W*x)"),
    ("y = sigma(W x)", "dy/dW", {}, "sigma(W*x)"),
    ("y = W x", "dy/dx", {}, "W*x"),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, "x*W + b"),
    ("L = x^T A x", "dL/dx", {}, "x.T*A*x"),
    ("L = logdet(X)", "dL/dX", {}, "log(Determinant(X))"),
    ("Y = inv(X)", "dY/dX", {}, "X**(-1)"),
    ("y = tanh(W x) .* exp(x)", "dy/dx", {"W": "C,C"}, "HadamardProduct(tanh(W*x), exp(x))"),
]


def load(source: str, directory: Path) -> types.ModuleType:
    path = directory / "generated.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"generated_{abs(hash(source))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def point(shapes: dict[str, tuple[int, int]], seed: int) -> dict[str, np.ndarray]:
    """Entries in [0.1, 1]; a square matrix made diagonally dominant (invertible, det > 0)."""
    chooser = random.Random(seed)
    values = {}
    for name, (rows, cols) in shapes.items():
        value = np.array([[chooser.uniform(0.1, 1.0) for _ in range(cols)] for _ in range(rows)])
        values[name] = value / rows + np.eye(rows) if rows == cols > 1 else value
    return values


@pytest.mark.parametrize(("equation", "target", "shapes", "rhs"), CASES, ids=[f"{e} {t}" for e, t, _, _ in CASES])
def test_generated_code_agrees_with_the_oracle_and_central_differences(
    equation: str, target: str, shapes: dict[str, str], rhs: str, tmp_path: Path
) -> None:
    derivation = derive(equation, target, shapes)
    result = derivation.as_dict()
    module = load(derivation.to_numpy(), tmp_path)
    assert module.check_gradient() < 1e-6
    assert module.check_gradient(seed=3, sizes={k: 6 - n for n, k in enumerate(module.SIZES)}) < 1e-6

    names = sorted({d for dims in result["shapes"].values() for d in dims if isinstance(d, str)})
    sizes = {name: 2 + n for n, name in enumerate(names)}
    concrete = {
        n: tuple(sizes[d] if isinstance(d, str) else d for d in dims)
        for n, dims in result["shapes"].items()
    }
    of = equation.split("=", maxsplit=1)[0].strip()
    by = target.split("/")[1][1:]
    arrays = instance({n: s for n, s in concrete.items() if n != of})
    values = point({n: s for n, s in concrete.items() if n != of}, seed=5)
    numbers = {
        arrays[n][r, c]: values[n][r, c] for n in arrays for r, c in np.ndindex(*concrete[n])
    }
    output = sympy.ImmutableMatrix(explicit_matrix(rhs, arrays, sizes).doit())
    inputs = {n: values[n] for n in module.SHAPES}
    computed = np.asarray(module.f(**inputs))
    assert computed.shape == concrete[of]
    expected = np.array(output.xreplace(numbers).evalf(), dtype=float)
    assert np.allclose(computed, expected, rtol=1e-12, atol=1e-12)

    function = getattr(module, f"d{of}_d{by}")
    analytic = function(**inputs)
    lengths = {}
    for half, symbol in (("of_index", of), ("by_index", by)):
        rows, cols = concrete[symbol]
        axes = [] if (rows, cols) == (1, 1) else [max(rows, cols)] if 1 in (rows, cols) else [rows, cols]
        lengths |= dict(zip(result[half], axes, strict=True))
    if result["matrix"] is not None:
        row, col = result["matrix_index"]
        assert analytic.shape == (lengths.get(row, 1), lengths.get(col, 1))
    else:
        assert analytic.shape == tuple(lengths[n] for n in result["of_index"] + result["by_index"])
    checked = 0
    for o in index_tuples(output):
        for b in index_tuples(arrays[by]):
            truth = sympy.diff(element(output, o), element(arrays[by], b))
            at = dict(zip(result["of_index"], o, strict=True)) | dict(zip(result["by_index"], b, strict=True))
            if result["matrix"] is not None:
                place = tuple(0 if n is None else at[n] - 1 for n in result["matrix_index"])
            else:
                place = tuple(at[n] - 1 for n in result["of_index"] + result["by_index"])
            assert analytic[place] == pytest.approx(float(truth.xreplace(numbers)), rel=1e-9, abs=1e-12)
            checked += 1
    assert checked == analytic.size


def test_three_or_more_axes_go_through_einsum_and_two_through_matrices() -> None:
    three = derive("y = W x", "dy/dW").to_numpy()
    assert "np.einsum(" in three.split("def dy_dW")[1].split("SHAPES")[0]
    two = derive("L = (W x - t)^T (W x - t)", "dL/dW").to_numpy()
    assert "return 2 * (-t + W @ x) @ x.T" in two
    assert "in the shape of the variable (denominator layout)" in two


def test_a_concrete_entry_is_located_in_the_array(tmp_path: Path) -> None:
    derivation = derive("y = W x", "dy[3]/dx[7]")
    source = derivation.to_numpy()
    assert "The entry asked for, ∂y₃/∂x₇, is dy_dx(W, x)[2, 6]." in source
    module = load(source, tmp_path)
    values = point({"W": (4, 8), "x": (8, 1)}, seed=2)
    assert module.dy_dx(**values)[2, 6] == values["W"][2, 6]


def test_the_cli_writes_the_module_and_refuses_what_it_cannot_write(tmp_path: Path, capsys) -> None:
    path = tmp_path / "grad.py"
    assert main(["derive", "y = V W x", "dy/dx", "--format", "numpy", "-o", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == derive("y = V W x", "dy/dx").to_numpy()
    capsys.readouterr()
    for equation, target, why in [
        ("Y = inv(A X B)", "dY/dX", "the inverse or determinant of an intermediate"),
        ("y = f .* x", "dy/dx", "the name f is taken"),
    ]:
        assert main(["derive", equation, target, "--format", "numpy", "-o", str(path)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("error: --format numpy") and why in err[0]
    assert path.read_text(encoding="utf-8") == derive("y = V W x", "dy/dx").to_numpy()


def test_the_printer_imports_no_numpy() -> None:
    """derivgen writes NumPy code as text; only the generated module needs NumPy."""
    printer = Path(__file__).resolve().parent.parent / "derivgen" / "render" / "numpy_code.py"
    tree = ast.parse(printer.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(name.split(".")[0] == "numpy" for name in imported)

"""The data flows one way: a module imports only from its own stage or stages to its left."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import pytest

from derivgen.model.ops import OPERATIONS
from derivgen.model.ops.base import Operation
from derivgen.parse import ast as parse_ast
from derivgen.render import prose
from derivgen.render.latex import LatexRenderer
from derivgen.render.text import TextRenderer
from derivgen.steps import kinds
from derivgen.verify import equation as oracle_equation

PACKAGE = Path(__file__).resolve().parent.parent / "derivgen"
STAGES = [
    "_version",
    "errors",
    "time_limit",
    "parse",
    "model",
    "steps",
    "verify",
    "answers",
    "render",
    "documents",
    "api",
    "checker",
    "exports",
    "grading",
    "cli",
    "__main__",
]


def _stage(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "derivgen" or len(parts) == 1:
        return len(STAGES)  # the package's own __init__ re-exports the API
    return STAGES.index(parts[1])


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        found.append((name.removesuffix(".__init__"), path))
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_imports_point_left(module: str, path: Path) -> None:
    own = _stage(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("derivgen"):
            assert _stage(node.module) <= own, f"{module} imports {node.module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("derivgen"):
                    assert _stage(alias.name) <= own, f"{module} imports {alias.name}"


def _step_kinds() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(kinds, inspect.isclass)
        if issubclass(cls, kinds.Step) and cls is not kinds.Step
    ]


@pytest.mark.parametrize("kind", _step_kinds(), ids=lambda c: c.__name__)
def test_every_step_kind_is_frozen_data_with_a_renderer(kind: type) -> None:
    assert dataclasses.is_dataclass(kind)
    assert kind.__dataclass_params__.frozen
    assert kind in prose.BUILDERS


def test_a_step_kind_without_a_renderer_is_an_error() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Unknown(kinds.Step):
        kind = "unknown"

    for renderer in (LatexRenderer(), TextRenderer()):
        with pytest.raises(NotImplementedError, match="no prose for step kind 'unknown'"):
            renderer.step(Unknown())


def _node_kinds() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(parse_ast, inspect.isclass)
        if issubclass(cls, parse_ast.Node) and cls is not parse_ast.Node
    ]


@pytest.mark.parametrize("kind", _node_kinds(), ids=lambda k: k.__name__)
def test_every_node_kind_has_an_operation_and_an_evaluator_case(kind: type) -> None:
    """One operation module per node kind, and the verifier's own case for it (its oracle)."""
    operation = OPERATIONS.get(kind)
    assert operation is not None, f"{kind.__name__} has no module in derivgen.model.ops"
    assert operation.node is kind
    for rule in ("shape", "component", "matrix"):
        assert getattr(type(operation), rule) is not getattr(Operation, rule), (
            f"{kind.__name__}'s operation does not define its {rule}"
        )
    assert kind in oracle_equation.NODE_KINDS, f"the verifier cannot evaluate {kind.__name__}"


def test_operations_are_one_module_each() -> None:
    """Everything about an operation is in its module: no two kinds share one."""
    modules = [inspect.getmodule(type(op)) for op in OPERATIONS.values()]
    assert len(set(modules)) == len(modules)

"""The problem-set file: TOML read with tomllib and checked whole before anything is derived.

    title = "Matrix derivatives"            # required; course, date, instructions optional
    [[problem]]
    equation = "y = W x"                    # required
    target = "dy[i]/dx[j]"                  # required
    shapes = { W = "C,D" }                  # optional, as derive() takes them
    layout = "denominator"                  # optional: "numerator" or "denominator"
    views = ["index", "vec", "backprop"]    # optional, of a derivative by a matrix
    points = 4                              # required, more than 0
    prompt = "From section 1: `y = W x`."   # optional; maths between backticks
    space = 6                               # optional: centimetres (default: by the key)
    [problem.random]                        # optional, drawn anew for every variant
    indices = { i = [1, 9], j = [1, 9] }    # index names of the target, each from a range;
                                            # a list (["i", "j"]) draws within the sizes
    sizes = { C = [3, 6] }                  # size names of `shapes`, each from a range
    symbols = { W = ["W", "A", "M"] }       # a symbol of the equation, renamed from a list
    [[problem.parts]]                       # instead of target and points: (a), (b), ...
    target = "dy/dW"                        # each with target, points, prompt, space,
    points = 2                              # layout, views; the draws are the problem's

Every check a variant could fail is made here, on the ranges, so that a spec that builds three
variants builds thirty: an index may never be drawn beyond a size it runs over, nor a size
drawn as 1 leave no matrix for the views. `layout` and `views` are derive()'s keywords: the
arrangement of the assembled matrix (by default the note's) and the math.SE thread's views
added to the key's derivation (index notation, vectorization, backpropagation), which apply
only to a derivative by a matrix. A problem with parts becomes one ProblemSpec per part,
sharing its number; a prompt's backticked maths must parse and shape under every letter a
variant may draw (documents.prompt_maths).
"""

from __future__ import annotations

import datetime
import json
import math
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import sympy

from derivgen.documents.prompt_maths import check_maths, rename_symbols
from derivgen.documents.unicode_text import first_untypesettable
from derivgen.errors import DerivgenError, EquationError, ParseError, ShapeError
from derivgen.model.inference import infer_shapes
from derivgen.model.shapes import Shapes
from derivgen.model.target import ResolvedTarget, resolve_target
from derivgen.parse import parse_equation, parse_target
from derivgen.parse.ast import Equation, ShapeDeclaration, Target, symbols_in
from derivgen.parse.shapes import parse_dims
from derivgen.steps.assemble import LAYOUTS
from derivgen.steps.views import VIEWS, check_views

MAX_SPACE_CM = 24.0

_TOP_FIELDS = ("title", "course", "date", "instructions", "problem")
_PROBLEM_FIELDS = (
    "equation",
    "target",
    "shapes",
    "layout",
    "views",
    "points",
    "prompt",
    "space",
    "random",
    "parts",
)
_PART_FIELDS = ("target", "points", "prompt", "space", "layout", "views")
_RANDOM_FIELDS = ("indices", "sizes", "symbols")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
"""A symbol name LaTeX prints as typed: an underscore would become a subscript, and a second
subscript (the index, `A_1` as `A_{1}_{i,k}`) is a LaTeX error."""
MAX_TEXT = 5000
"""The longest printed field (title, prompt, ...), in characters: far more than a page, far
less than TeX's line buffer (a longer paragraph is a TeX capacity error, not a message)."""

T = TypeVar("T")
Range = tuple[int, int]
Fail = Callable[[str, str], "SpecError"]
"""Makes the error for a field and a message, with the file's or the problem's label."""
Dim = int | str
"""A size an index runs over: a number, or a size name such as `D`."""


class SpecError(DerivgenError):
    """A problem-set file that cannot be built; the message names the problem and the field."""


class SpecMathsError(SpecError, ParseError):
    """Backticked maths in a prompt that does not parse: the caret goes under the spot."""


@dataclass(frozen=True)
class Randomisation:
    """What a problem draws anew for every variant; empty mappings draw nothing."""

    indices: Mapping[str, Range | None] = field(default_factory=dict)
    """Index name -> range, or None to draw from 1 to the smallest size the index runs over."""
    sizes: Mapping[str, Range] = field(default_factory=dict)
    symbols: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.indices or self.sizes or self.symbols)


@dataclass(frozen=True)
class ProblemSpec:
    """One problem as the file gives it, parsed and checked."""

    number: int
    equation: str
    target: str
    shapes: Mapping[str, str]
    layout: str | None
    """derive()'s `layout`; None for the note's arrangement."""
    views: tuple[str, ...]
    """derive()'s `views`, in the order it shows them, so the same views make the same problem."""
    points: int | float
    prompt: str
    space: float | None
    """Centimetres to work in; None to size the room by the key's derivation."""
    random: Randomisation
    parsed_equation: Equation
    parsed_target: Target
    index_sizes: Mapping[str, tuple[Dim, ...]]
    """Each randomised index name -> the sizes of the axes it indexes (the target's halves)."""
    part: str = ""
    """The part's letter (a, b, ...) when the problem has `parts`: the parts of a problem
    share its number, equation, shapes and draws; each has its own target and points."""
    part_prompt: str = ""
    """The part's own prompt, printed after its letter (`prompt` is the problem's)."""

    @property
    def label(self) -> str:
        """`4` for a problem, `4a` for its part (a): how an answers file, marks.csv and a
        question bank name it."""
        return f"{self.number}{self.part}"

    @property
    def heading(self) -> str:
        """`4` or `4 (a)`: the problem or part as the worksheet and the key print it."""
        return f"{self.number} ({self.part})" if self.part else str(self.number)


@dataclass(frozen=True)
class WorksheetSpec:
    """A whole problem set; `name` (the file's stem) names the PDFs built from it."""

    path: Path
    name: str
    title: str
    course: str
    date: str
    instructions: str
    problems: tuple[ProblemSpec, ...]


def problem_label(path: Path, number: int, equation: object) -> str:
    """`examples/x.toml: problem 3 ("y = W x")`, the prefix of every message about a problem."""
    shown = f" ({json.dumps(equation, ensure_ascii=False)})" if isinstance(equation, str) else ""
    return f"{path}: problem {number}{shown}"


def read_spec(path: Path) -> WorksheetSpec:
    """Read and check the file at `path`; raises SpecError at the first bad field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"{path}: cannot read the problem set: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: the problem set is not UTF-8 text") from None
    return read_spec_text(text, path, path.stem)


def read_spec_text(text: str, path: Path, name: str) -> WorksheetSpec:
    """Check a problem set given as text (such as standard input): `path` labels its
    messages and `name` its outputs (`NAME-worksheet.pdf`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise SpecError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    return _read_top(path, name, data)


def _read_top(path: Path, name: str, data: dict[str, Any]) -> WorksheetSpec:
    def fail(name: str, message: str) -> SpecError:
        return SpecError(f"{path}: field '{name}': {message}")

    _no_unknown(data, _TOP_FIELDS, fail)
    title = _text(data, "title", fail, required=True, printed=True)
    course = _text(data, "course", fail, printed=True)
    date = data.get("date", "")
    if isinstance(date, datetime.date):
        date = date.isoformat()
    elif not isinstance(date, str):
        raise fail("date", "must be a string or a TOML date")
    _typesettable(date, "date", fail)
    instructions = _text(data, "instructions", fail, printed=True)
    problems = data.get("problem")
    if problems is None:
        raise fail("problem", "missing: add at least one [[problem]] table")
    if not isinstance(problems, list) or not all(isinstance(p, dict) for p in problems):
        raise fail("problem", "must be a list of tables, written [[problem]]")
    if not problems:
        raise fail("problem", "the problem set has no problems")
    return WorksheetSpec(
        path=path,
        name=name,
        title=title,
        course=course,
        date=date,
        instructions=instructions,
        problems=tuple(
            part
            for number, problem in enumerate(problems, start=1)
            for part in _read_problem(path, number, problem)
        ),
    )


def _read_problem(path: Path, number: int, data: dict[str, Any]) -> tuple[ProblemSpec, ...]:
    """One problem, or with `parts` one ProblemSpec per part (sharing its number)."""
    label = problem_label(path, number, data.get("equation"))

    def fail(name: str, message: str) -> SpecError:
        return SpecError(f"{label}: field '{name}': {message}")

    _no_unknown(data, _PROBLEM_FIELDS, fail)
    if "parts" not in data:
        return (_read_target(label, number, data),)
    parts = data["parts"]
    if not isinstance(parts, list) or not parts or not all(isinstance(p, dict) for p in parts):
        raise fail("parts", "must be a list of tables, written [[problem.parts]]")
    for name in ("target", "points"):
        if name in data:
            raise fail(name, f"a problem with parts gives each part its {name}, not the problem")
    if len(parts) > len(string.ascii_lowercase):
        raise fail("parts", f"at most {len(string.ascii_lowercase)} parts, not {len(parts)}")
    shared = {key: value for key, value in data.items() if key != "parts"}
    read = []
    for letter, part in zip(string.ascii_lowercase, parts, strict=False):
        part_label = f"{label}, part ({letter})"

        def fail_part(name: str, message: str, where: str = part_label) -> SpecError:
            return SpecError(f"{where}: field '{name}': {message}")

        _no_unknown(part, _PART_FIELDS, fail_part)
        own_prompt = _text(part, "prompt", fail_part, printed=True)
        merged = {**shared, **{key: value for key, value in part.items() if key != "prompt"}}
        read.append(
            _read_target(part_label, number, merged, part=(letter, own_prompt), problem=label)
        )
    for index in _read_random(shared.get("random", {}), fail).indices:
        if not any(index in p.random.indices for p in read):
            raise fail("random.indices", f"{index} is not an index name of any part's target")
    return tuple(read)


def _read_target(
    label: str,
    number: int,
    data: dict[str, Any],
    *,
    part: tuple[str, str] | None = None,
    problem: str | None = None,
) -> ProblemSpec:
    """A problem with one target: a whole problem, or a `part` (its letter and own prompt)
    with the problem's fields, which keeps of `random.indices` those of its own target;
    `problem` labels what is wrong with the problem's own prompt."""

    def fail(name: str, message: str) -> SpecError:
        return SpecError(f"{label}: field '{name}': {message}")

    equation = _text(data, "equation", fail, required=True)
    target = _text(data, "target", fail, required=True)
    parsed_equation = _parsed(parse_equation, equation, "equation", fail)
    _printable_names(parsed_equation, fail)
    parsed_target = _parsed(parse_target, target, "target", fail)
    declarations = _read_shapes(data.get("shapes", {}), fail)
    layout = data.get("layout")
    if layout is not None and layout not in LAYOUTS:
        raise fail("layout", f"unknown layout {layout!r}: use {' or '.join(LAYOUTS)}")
    views = data.get("views", [])
    if not isinstance(views, list) or not all(isinstance(v, str) for v in views):
        raise fail("views", 'must be a list of strings such as ["index", "vec"]')
    points = data.get("points")
    if points is None:
        raise fail("points", "missing: how many points the problem is worth")
    if (
        isinstance(points, bool)
        or not isinstance(points, int | float)
        or not 0 < points < math.inf
    ):
        raise fail("points", f"must be a finite number more than 0, not {points!r}")
    prompt = _text(data, "prompt", fail, printed=True)
    space = data.get("space")
    if space is not None and (isinstance(space, bool) or not isinstance(space, int | float)):
        raise fail("space", f"must be a number of centimetres, not {space!r}")
    if space is not None and not 0 <= space <= MAX_SPACE_CM:
        raise fail("space", f"must be between 0 and {MAX_SPACE_CM:g} centimetres, not {space}")
    random = _read_random(data.get("random", {}), fail)
    if part:
        own = index_names(parsed_target)
        random = replace(random, indices={k: v for k, v in random.indices.items() if k in own})

    shapes = _shaped(parsed_equation, declarations, fail)
    resolved = _check_target(parsed_target, parsed_equation, shapes, random, fail)
    index_sizes = _index_sizes(parsed_target, shapes, random)
    _check_sizes(declarations, random, fail)
    _check_ranges(parsed_target, shapes, random, index_sizes, fail)
    _check_views(views, shapes, resolved, fail)
    _check_views_at_one(
        views, parsed_equation, parsed_target, declarations, random=random, fail=fail
    )
    _check_symbols(parsed_equation, parsed_target, shapes, random, fail)
    _check_prompt_maths(prompt, shapes, random, problem or label)
    letter, part_prompt = part or ("", "")
    _check_prompt_maths(part_prompt, shapes, random, label)
    return ProblemSpec(
        number=number,
        equation=equation,
        target=target,
        shapes={name: f"{d.rows},{d.cols}" for name, d in declarations.items()},
        layout=layout,
        views=tuple(view for view in VIEWS if view in views),
        points=points,
        prompt=prompt,
        space=None if space is None else float(space),
        random=random,
        parsed_equation=parsed_equation,
        parsed_target=parsed_target,
        index_sizes=index_sizes,
        part=letter,
        part_prompt=part_prompt,
    )


def _printable_names(equation: Equation, fail: Fail) -> None:
    """Refuse now a symbol name that the PDF could not print (an underscore: `_NAME`)."""
    for symbol in (equation.lhs, *symbols_in(equation.rhs)):
        if not _NAME.fullmatch(symbol.name):
            raise fail(
                "equation",
                f"the symbol name {symbol.name} cannot be typeset as typed: use letters and "
                "digits (an index is written W[i,j], not W_i)",
            )


def _no_unknown(
    data: Mapping[str, Any], known: tuple[str, ...], fail: Fail, prefix: str = ""
) -> None:
    for key in data:
        if key not in known:
            raise fail(f"{prefix}{key}", f"unknown field (the fields are {', '.join(known)})")


def _text(
    data: Mapping[str, Any], name: str, fail: Fail, *, required: bool = False, printed: bool = False
) -> str:
    """A string field; a `printed` one (set as text on the page) must be typesettable."""
    value = data.get(name)
    if value is None:
        if required:
            raise fail(name, "missing")
        return ""
    if not isinstance(value, str):
        raise fail(name, f"must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise fail(name, "is empty")
    if printed:
        if len(value) > MAX_TEXT:
            raise fail(name, f"is {len(value)} characters long: at most {MAX_TEXT}")
        _typesettable(value, name, fail)
    return value


def _typesettable(text: str, name: str, fail: Fail) -> None:
    """Refuse now what pdfLaTeX would refuse at the end: maths characters are converted
    (documents.unicode_text), accented letters kept, anything else named."""
    char = first_untypesettable(text)
    if char is not None:
        shown = repr(char)[1:-1] if not char.isprintable() else char
        raise fail(
            name,
            f"the character {shown} (U+{ord(char):04X}) cannot be typeset in text: write "
            "maths in the equation, or spell it out",
        )


def _check_prompt_maths(prompt: str, shapes: Shapes, random: Randomisation, label: str) -> None:
    """Backticked maths parses and shapes, under every name a variant may draw."""

    def fail(reason: str, text: str, position: int) -> SpecMathsError:
        return SpecMathsError(f"{label}: field 'prompt': {reason}", text, position)

    check_maths(prompt, shapes, {}, fail)
    for symbol, letters in random.symbols.items():
        for letter in letters:
            check_maths(prompt, shapes, {symbol: letter}, fail)


def _parsed(parse: Callable[[str], T], text: str, name: str, fail: Fail) -> T:
    try:
        return parse(text)
    except DerivgenError as error:
        raise fail(name, error.message) from None


def _read_shapes(shapes: object, fail: Fail) -> dict[str, ShapeDeclaration]:
    """`{W = "C,D", x = [1, "D"]}`, each checked by the parser derive() uses."""
    if not isinstance(shapes, dict):
        raise fail("shapes", 'must be a table such as { W = "C,D" }')
    declarations = {}
    for name, given in shapes.items():
        dims = given
        if isinstance(given, list) and all(
            isinstance(d, str) or (isinstance(d, int) and not isinstance(d, bool)) for d in given
        ):
            dims = ",".join(map(str, given))
        if not isinstance(dims, str):
            raise fail("shapes", f'{name}: write its size as "C,D" or [5, 8]')
        try:
            declarations[name] = parse_dims(name, dims)
        except DerivgenError as error:
            raise fail("shapes", error.message) from None
    return declarations


def _range(value: object) -> Range | None:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= value[1]
    )
    return (value[0], value[1]) if ok else None


def _read_random(random: object, fail: Fail) -> Randomisation:
    if not isinstance(random, dict):
        raise fail("random", "must be a table with indices, sizes or symbols")
    _no_unknown(random, _RANDOM_FIELDS, fail, prefix="random.")
    indices = random.get("indices", {})
    if isinstance(indices, list) and all(isinstance(i, str) for i in indices):
        indices = dict.fromkeys(indices)
    if not isinstance(indices, dict):
        raise fail("random.indices", "must be a list of index names or a table { i = [1, 9] }")
    ranges: dict[str, Range | None] = {}
    for name, value in indices.items():
        ranges[name] = None if value is None else _range(value)
        if value is not None and ranges[name] is None:
            raise fail("random.indices", f"{name}: a range is [low, high], 1 <= low <= high")
    sizes = random.get("sizes", {})
    if not isinstance(sizes, dict):
        raise fail("random.sizes", "must be a table such as { C = [3, 6] }")
    size_ranges = {}
    for name, value in sizes.items():
        size_ranges[name] = _range(value)
        if size_ranges[name] is None:
            raise fail("random.sizes", f"{name}: a range is [low, high], 1 <= low <= high")
    symbols = random.get("symbols", {})
    if not isinstance(symbols, dict):
        raise fail("random.symbols", 'must be a table such as { W = ["W", "A", "M"] }')
    letters = {}
    for name, value in symbols.items():
        ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        if not ok:
            raise fail("random.symbols", f'{name}: give a list of names such as ["W", "A", "M"]')
        letters[name] = tuple(dict.fromkeys(value))
    return Randomisation(indices=ranges, sizes=size_ranges, symbols=letters)


def _shaped(equation: Equation, declarations: Mapping[str, ShapeDeclaration], fail: Fail) -> Shapes:
    try:
        return infer_shapes(equation, declarations)
    except EquationError as error:
        raise fail("equation", error.message) from None
    except ShapeError as error:
        raise fail("shapes" if declarations else "equation", error.message) from None


def _validation_target(target: Target, random: Randomisation) -> Target:
    """The target with each randomised index at 1, so a name may repeat (`dY[i,j]/dX[i,k]`)."""

    def fixed(indices: tuple[int | str, ...] | None) -> tuple[int | str, ...] | None:
        if indices is None:
            return None
        return tuple(1 if i in random.indices else i for i in indices)

    return Target(
        of=target.of,
        of_indices=fixed(target.of_indices),
        by=target.by,
        by_indices=fixed(target.by_indices),
        text=target.text,
        of_span=target.of_span,
        by_span=target.by_span,
    )


def _check_target(
    target: Target, equation: Equation, shapes: Shapes, random: Randomisation, fail: Fail
) -> ResolvedTarget:
    for name in random.indices:
        if name not in index_names(target):
            raise fail("random.indices", f"{name} is not an index name of the target {target.text}")
    try:
        return resolve_target(_validation_target(target, random), equation, shapes)
    except DerivgenError as error:
        raise fail("target", error.message) from None


def index_names(target: Target) -> set[str]:
    """The target's named (not numbered) indices."""
    return {
        i for i in (*(target.of_indices or ()), *(target.by_indices or ())) if isinstance(i, str)
    }


def _dim(value: sympy.Basic | int) -> Dim:
    return int(value) if isinstance(value, int | sympy.Integer) else str(value)


def _halves(target: Target, shapes: Shapes) -> list[tuple[str, tuple[int | str, ...], tuple]]:
    """(symbol, indices, axis sizes) for each half of the target that has indices."""
    return [
        (name, indices, shapes[name].axes)
        for name, indices in ((target.of, target.of_indices), (target.by, target.by_indices))
        if indices is not None
    ]


def _index_sizes(
    target: Target, shapes: Shapes, random: Randomisation
) -> dict[str, tuple[Dim, ...]]:
    found: dict[str, tuple[Dim, ...]] = dict.fromkeys(random.indices, ())
    for _, indices, axes in _halves(target, shapes):
        for index, size in zip(indices, axes, strict=True):
            if index in found:
                found[index] = (*found[index], _dim(size))
    return found


def _check_sizes(
    declarations: Mapping[str, ShapeDeclaration], random: Randomisation, fail: Fail
) -> None:
    declared = {d for decl in declarations.values() for d in (decl.rows, decl.cols)}
    for name in random.sizes:
        if name not in declared:
            raise fail(
                "random.sizes",
                f"{name} is not a size name in 'shapes' (declare it, as in W = \"{name},D\")",
            )


def _smallest(size: Dim, random: Randomisation) -> int | None:
    """The smallest value `size` can take in any variant; None for a symbolic size."""
    if isinstance(size, int):
        return size
    drawn = random.sizes.get(size)
    return drawn[0] if drawn else None


def _check_ranges(
    target: Target,
    shapes: Shapes,
    random: Randomisation,
    index_sizes: Mapping[str, tuple[Dim, ...]],
    fail: Fail,
) -> None:
    """No variant may draw an index beyond a size it runs over (the sizes drawn too)."""
    for name, indices, axes in _halves(target, shapes):
        for index, size in zip(indices, axes, strict=True):
            smallest = _smallest(_dim(size), random)
            if isinstance(index, int) and smallest is not None and index > smallest:
                raise fail(
                    "random.sizes",
                    f"{size} may be drawn as {smallest}, but the target's index {index} of "
                    f"{name} runs over {size}",
                )
    for index, sizes in index_sizes.items():
        drawn = random.indices[index]
        for size in sizes:
            smallest = _smallest(size, random)
            if drawn is None and smallest is None:
                raise fail(
                    "random.indices",
                    f"{index} runs over {size}, which has no value: give {index} a range "
                    f"({index} = [1, 9]) or draw {size} under random.sizes",
                )
            if drawn is not None and smallest is not None and drawn[1] > smallest:
                axis = str(size) if isinstance(size, int) else f"{size} (as small as {smallest})"
                raise fail(
                    "random.indices",
                    f"{index} may be drawn as {drawn[1]}, but it indexes an axis of size {axis}",
                )


def _check_views(
    views: list[str], shapes: Shapes, target: ResolvedTarget, fail: Fail, *, when: str = ""
) -> None:
    """derive()'s own refusal of a view (unknown, or not of a derivative by a matrix)."""
    try:
        check_views(views, shapes, target)
    except DerivgenError as error:
        raise fail("views", error.message + when) from None


def _check_views_at_one(
    views: list[str],
    equation: Equation,
    target: Target,
    declarations: Mapping[str, ShapeDeclaration],
    *,
    random: Randomisation,
    fail: Fail,
) -> None:
    """The views again with each size that may be drawn as 1 at 1: an axis of length 1 can
    leave no matrix to view, and a variant must not be the first to find it out."""
    ones = [name for name, (low, _) in random.sizes.items() if low == 1]
    if not views or not ones:
        return
    at_one = {
        name: replace(
            declared,
            rows=1 if declared.rows in ones else declared.rows,
            cols=1 if declared.cols in ones else declared.cols,
        )
        for name, declared in declarations.items()
    }
    try:
        shapes = infer_shapes(equation, at_one)
        resolved = resolve_target(_validation_target(target, random), equation, shapes)
    except DerivgenError:
        return  # not the views' to refuse: derive() names it, for the variant that draws it
    drawn = " and ".join(f"{name} = 1" for name in ones)
    _check_views(views, shapes, resolved, fail, when=f" when {drawn}, which random.sizes may draw")


def _check_symbols(
    equation: Equation, target: Target, shapes: Shapes, random: Randomisation, fail: Fail
) -> None:
    """Renamed symbols keep their case (so their kind) and never meet another name."""
    names = list(shapes)
    taken = {n for n in names if n not in random.symbols}
    taken |= {str(s) for s in shapes.size_symbols()} | index_names(target)
    owners: dict[str, str] = {}
    for symbol, letters in random.symbols.items():
        if symbol not in names:
            raise fail(
                "random.symbols",
                f"{symbol} is not a symbol of the equation (its symbols are {', '.join(names)})",
            )
        for letter in letters:
            if not _NAME.fullmatch(letter):
                raise fail(
                    "random.symbols",
                    f"{symbol}: {letter!r} is not a symbol name LaTeX prints as typed: use "
                    "letters and digits",
                )
            if letter[0].isupper() != symbol[0].isupper():
                case = "upper" if symbol[0].isupper() else "lower"
                raise fail(
                    "random.symbols",
                    f"{symbol}: {letter} must be {case}case like {symbol} (the case says "
                    "vector or matrix)",
                )
            if letter in taken:
                raise fail(
                    "random.symbols",
                    f"{symbol}: {letter} is already a symbol, size or index name of the problem",
                )
            owner = owners.setdefault(letter, symbol)
            if owner != symbol:
                raise fail("random.symbols", f"{symbol}: {letter} is also drawn for {owner}")
            renamed = rename_symbols(equation, {symbol: letter})
            try:
                parse_equation(renamed)
            except DerivgenError as error:
                raise fail("random.symbols", f"{symbol} as {letter}: {error.message}") from None

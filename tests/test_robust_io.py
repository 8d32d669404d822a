"""Issue 13's faults of input and output, each test named after what it was: what a build left
behind when stopped, PDFs that differed on every run, outputs that replaced symlinks, pipes
and devices, streams that crashed, user text that reached the terminal raw, and specs and
templates that could make TeX or Jinja2 do what they liked."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import wcwidth
from pypdf import PdfReader

from derivgen import derive
from derivgen.cli import main
from derivgen.documents import build_worksheets, latex_build, read_spec_text
from derivgen.documents import files as files_module
from derivgen.documents.derivation_document import derivation_document
from derivgen.documents.files import replace_together
from derivgen.documents.latex_build import compile_pdf
from derivgen.documents.worksheet_spec import MAX_TEXT, SpecError
from derivgen.errors import DerivgenError, ParseError
from derivgen.parse.grammar import parse_equation
from tests.processes import HAS_PROC, alive, children, wait_for, working_in

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "backprop-homework.toml"
ONE_PROBLEM = """title = "One"
[[problem]]
equation = "y = W x"
target = "dy/dx"
points = 1
"""


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "derivgen", *args]


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def _run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(*args),
        capture_output=True,
        text=True,
        env=_environment(**extra),
        timeout=300,
        check=False,
    )


# --- left behind: signals, orphans, the set of outputs ----------------------------------


@pytest.mark.latex
@pytest.mark.skipif(not HAS_PROC, reason="needs Linux's /proc")
def test_sigterm_during_a_pdf_build_left_its_folder_and_latexmk_behind(tmp_path: Path) -> None:
    scratch, out = tmp_path / "tmp", tmp_path / "y.pdf"
    scratch.mkdir()
    out.write_bytes(b"%PDF an earlier build\n")
    process = subprocess.Popen(
        _command("derive", "L = (W x - t)^T (W x - t)", "dL/dW", "--format", "pdf", "-o", str(out)),
        env=_environment(TMPDIR=str(scratch)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: working_in(scratch), "TeX running", process)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (143, "", "derivgen: terminated\n")
    assert out.read_bytes() == b"%PDF an earlier build\n"
    assert list(scratch.iterdir()) == []
    assert working_in(scratch) == []


@pytest.mark.skipif(not HAS_PROC, reason="needs Linux's /proc")
def test_sigkill_while_deriving_orphaned_the_pool_workers(tmp_path: Path) -> None:
    # No pipes: an orphan holding one open would make reading it wait, not fail.
    process = subprocess.Popen(
        [
            *_command("worksheet", str(EXAMPLES), "--outdir", str(tmp_path), "--tex-only"),
            *("--variants", "30", "--jobs", "2", "--seed", "5"),
        ],
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        wait_for(lambda: len(children(process.pid)) == 2, "two worker processes", process)
        workers = children(process.pid)
        process.kill()
        process.wait()
        wait_for(lambda: not any(map(alive, workers)), "the workers gone", seconds=10)
    finally:
        process.kill()
        process.wait()
        for pid in filter(alive, workers):
            os.kill(pid, signal.SIGKILL)


ORPHAN = """
import os, sys, time
from derivgen.documents import orphans
if sys.argv[1] == "watcher":
    orphans._kernel_kills_orphan = lambda: False
if os.fork() == 0:
    if os.fork() == 0:
        orphans.exit_with_parent(os.getppid())
        print(os.getppid(), os.getpid(), flush=True)
        time.sleep(60)
    else:
        time.sleep(60)
    os._exit(0)
"""


LATE_ORPHAN = """
import os, sys, time
from derivgen.documents import orphans
parent = os.getpid()
if os.fork() == 0:
    while os.getppid() == parent:  # the worker starts up only after its parent is gone
        time.sleep(0.01)
    orphans.exit_with_parent(parent)
    print("still running", flush=True)
    os._exit(0)
os._exit(0)
"""


def test_a_worker_that_starts_after_its_parent_died_ends_at_once() -> None:
    """derivgen killed between a fork and the worker's set-up left a worker adopted by init,
    whose getppid() no longer named derivgen, running on (seen once under load)."""
    done = subprocess.run(
        [sys.executable, "-c", LATE_ORPHAN],
        check=False,
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=60,
    )
    assert done.stdout == ""  # run() reads to the end: the grandchild's output, if it lived on


@pytest.mark.skipif(not HAS_PROC, reason="needs Linux's /proc")
@pytest.mark.parametrize("how", ["kernel", "watcher"])
def test_a_worker_whose_parent_is_killed_ends_too(how: str) -> None:
    """Both ways a worker notices: PR_SET_PDEATHSIG, and the once-a-second look elsewhere."""
    process = subprocess.Popen(
        [sys.executable, "-c", ORPHAN, how],
        stdout=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    with process.stdout:
        parent, worker = map(int, process.stdout.readline().split())
    process.wait(timeout=60)
    try:
        assert alive(worker)
        os.kill(parent, signal.SIGKILL)
        wait_for(lambda: not alive(worker), "the worker gone", seconds=10)
    finally:
        for pid in (parent, worker):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _failing_replace(monkeypatch: pytest.MonkeyPatch, folder: Path, at: int) -> None:
    """os.replace fails (a full disk) on its `at`-th rename into `folder`, once."""
    real = os.replace
    count = {"renames": 0}

    def replace(src: str | os.PathLike, dst: str | os.PathLike) -> None:
        if Path(dst).parent == folder and not Path(src).name.endswith(".old"):
            count["renames"] += 1
            if count["renames"] == at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        real(src, dst)

    monkeypatch.setattr(files_module.os, "replace", replace)


@pytest.mark.parametrize("at", [1, 2, 3, 4, 5])
def test_a_failure_between_the_moves_left_new_files_beside_old_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    names = ["w.pdf", "w.tex", "k.pdf", "k.tex", "k.json"]
    for name in names[:3]:  # two of the five are new
        (tmp_path / name).write_text(f"old {name}")
    source = tmp_path / "staging.pdf"
    source.write_bytes(b"%PDF new")
    before = _files(tmp_path)
    _failing_replace(monkeypatch, tmp_path, at)
    outputs = [
        (tmp_path / name, source if name.endswith(".pdf") else f"new {name}") for name in names
    ]
    with pytest.raises(OSError, match="No space left"):
        replace_together(outputs)
    assert _files(tmp_path) == before  # no new file, no temporary or old copy left either


def test_a_set_replaced_without_failure_is_all_new(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    replace_together([(tmp_path / "a.txt", "new a"), (tmp_path / "b.txt", b"new b")])
    assert _files(tmp_path) == {"a.txt": b"new a", "b.txt": b"new b"}


@pytest.mark.latex
def test_a_failure_between_the_worksheet_moves_kept_the_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    spec, out = tmp_path / "hw.toml", tmp_path / "out"
    spec.write_text(ONE_PROBLEM)
    assert main(["worksheet", str(spec), "--outdir", str(out), "-q"]) == 0
    (out / "hw-key.json").write_text("an earlier key")
    before = _files(out)
    _failing_replace(monkeypatch, out, 3)
    assert main(["worksheet", str(spec), "--outdir", str(out), "--seed", "9"]) == 2
    assert _files(out) == before
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: {out.resolve() / 'hw-key.pdf'}: No space left on device"
    )


# --- reproducible outputs ----------------------------------------------------------------


@pytest.mark.latex
def test_a_derivation_pdf_embedded_dates_and_a_random_id(tmp_path: Path) -> None:
    """The same input, the same bytes: across runs, hash seeds and SOURCE_DATE_EPOCH."""
    problem = ("derive", "L = (W x - t)^T (W x - t)", "dL/dW")
    runs = [{"PYTHONHASHSEED": "1"}, {"PYTHONHASHSEED": "2"}]
    runs.append({"PYTHONHASHSEED": "3", "SOURCE_DATE_EPOCH": "1700000000"})
    made: dict[str, set[bytes]] = {"pdf": set(), "tex": set(), "json": set()}
    for number, extra in enumerate(runs):
        for kind, options in {
            "pdf": ["--format", "pdf"],
            "tex": ["--tex-only"],
            "json": ["--format", "json"],
        }.items():
            path = tmp_path / f"{number}.{kind}"
            done = _run(*problem, *options, "-o", str(path), **extra)
            assert done.returncode == 0, done.stderr
            made[kind].add(path.read_bytes())
    assert {kind: len(versions) for kind, versions in made.items()} == {
        "pdf": 1,
        "tex": 1,
        "json": 1,
    }
    (pdf,) = made["pdf"]
    assert b"/CreationDate" not in pdf and b"/ID" not in pdf and b"PTEX.FileName" not in pdf


def test_tex_gets_force_source_date_only_with_source_date_epoch(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert latex_build.tex_environment()["FORCE_SOURCE_DATE"] == "1"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.setenv("FORCE_SOURCE_DATE", "1")  # without an epoch it would fix no date
    assert "FORCE_SOURCE_DATE" not in latex_build.tex_environment()


# --- paths and streams -------------------------------------------------------------------


def _text_of(equation: str, target: str) -> str:
    text = derive(equation, target).to_text()
    return text if text.endswith("\n") else text + "\n"


def test_o_onto_a_symlink_replaced_the_link_with_a_file(tmp_path: Path, capsys) -> None:
    target, link = tmp_path / "real.txt", tmp_path / "link.txt"
    target.write_text("old")
    link.symlink_to(target.name)
    assert main(["derive", "y = W x", "dy/dx", "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert target.read_text(encoding="utf-8") == _text_of("y = W x", "dy/dx")


def test_o_onto_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    assert main(["derive", "y = W x", "dy/dx", "-o", str(link), "-q"]) == 0
    assert link.is_symlink() and (tmp_path / "made.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_o_onto_a_fifo_replaced_it_with_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["derive", "y = W x", "dy/dx", "-o", str(fifo), "-q"]) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received == [_text_of("y = W x", "dy/dx").encode("utf-8")]


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device node like /dev/null (minor 3) or /dev/full (minor 7), made in
    `tmp_path` so that a regression replaces it there and never the system's own."""
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root on Linux")
    return node


def test_o_onto_dev_full_replaced_the_device_with_a_file(tmp_path: Path, capsys) -> None:
    full = _device(tmp_path, "full", 7)
    assert main(["derive", "y = W x", "dy/dx", "-o", str(full)]) == 2
    assert capsys.readouterr().err == f"error: {full}: No space left on device\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_o_onto_dev_null_writes_into_the_device(tmp_path: Path, capsys) -> None:
    null = _device(tmp_path, "null", 3)
    assert main(["derive", "y = W x", "dy/dx", "-o", str(null), "-q"]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_device_among_a_worksheets_outputs_is_refused(tmp_path: Path, capsys) -> None:
    spec, out = tmp_path / "hw.toml", tmp_path / "out"
    spec.write_text(ONE_PROBLEM)
    out.mkdir()
    (out / "hw-key.tex").symlink_to("/dev/null")
    assert main(["worksheet", str(spec), "--outdir", str(out), "--tex-only"]) == 2
    assert capsys.readouterr().err == (
        f"error: {out / 'hw-key.tex'}: not a regular file, so it cannot be replaced\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["hw-key.tex"]


@pytest.mark.skipif(not HAS_PROC, reason="needs Linux's /proc")
def test_o_dev_stdout_printed_its_path_over_the_output(tmp_path: Path) -> None:
    """-o /dev/stdout with standard output a file: the derivation alone, from the start.

    Through a link of the test's own to /proc/self/fd/1, the target of /dev/stdout, so that
    a regression replaces that link, never the system's /dev/stdout (as root it did).
    """
    captured, stdout_link = tmp_path / "captured.txt", tmp_path / "stdout"
    stdout_link.symlink_to("/proc/self/fd/1")
    with captured.open("wb") as stdout:
        done = subprocess.run(
            _command("derive", "y = W x", "dy/dx", "-o", str(stdout_link)),
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=_environment(),
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert captured.read_text(encoding="utf-8") == _text_of("y = W x", "dy/dx")
    assert stdout_link.is_symlink()


@pytest.mark.latex
def test_check_pdf_to_standard_output_wrote_a_file_named_dash(tmp_path: Path) -> None:
    captured = tmp_path / "captured.pdf"
    with captured.open("wb") as stdout:
        done = subprocess.run(
            _command("check", "y = W x", "dy/dx", "W", "--format", "pdf", "-o", "-"),
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=_environment(),
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert captured.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captured.pdf"]


def test_a_closed_stdout_was_an_attribute_error_traceback() -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m derivgen derive "y = W x" "dy/dx" >&-', sys.executable],
        check=False,
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=300,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "error: standard output is closed: give -o FILE to write a file\n",
    )


def test_a_broken_pipe_was_a_traceback() -> None:
    """`derivgen derive ... | head -1`: the reader goes away; derivgen ends quietly, 141."""
    process = subprocess.Popen(
        _command("derive", "y = W x", "dy/dW", "--views", "index,vec,backprop"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    process.stdout.close()  # before derivgen writes: it starts in far more than this takes
    with process.stderr:
        stderr = process.stderr.read()
    process.wait(timeout=300)
    assert (process.returncode, stderr) == (141, b"")


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{a=" * 5000 + "1" + "}" * 5000])
def test_a_deeply_nested_toml_was_a_recursion_error(nested: str) -> None:
    with pytest.raises(SpecError) as caught:
        read_spec_text(f"x = {nested}\n", Path("deep.toml"), "deep")
    assert caught.value.message == ("deep.toml: not valid TOML: arrays or tables nested too deeply")


def test_jobs_1000_started_a_process_per_job(tmp_path: Path) -> None:
    lines: list[str] = []
    build_worksheets(
        read_spec_text(ONE_PROBLEM, Path("one.toml"), "one"),
        derive=derive,
        output=tmp_path,
        jobs=1000,
        tex_only=True,
        report=lines.append,
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    processes = int(re.search(r"with (\d+) process", lines[0])[1])
    assert processes == min(1000, cores)


@pytest.mark.parametrize("points", ["inf", "nan", "-inf", "-1", "0"])
def test_points_inf_printed_total_inf_points(points: str) -> None:
    text = ONE_PROBLEM.replace("points = 1", f"points = {points}")
    with pytest.raises(SpecError, match=r"field 'points': must be a finite number more than 0"):
        read_spec_text(text, Path("p.toml"), "p")


# --- user text reaching the terminal ------------------------------------------------------


def test_an_escape_sequence_in_the_equation_retitled_the_window(capsys) -> None:
    assert main(["derive", "y = W x\x1b]0;PWNED\x07\x1b[2J", "dy/dx"]) == 2
    err = capsys.readouterr().err
    assert not any(ord(c) < 0x20 and c != "\n" for c in err)
    message, caret, end = err.split("\n")
    assert (end, message) == (
        "",
        "error: unexpected character '\\x1b': y = W x\\x1b]0;PWNED\\x07\\x1b[2J",
    )
    assert caret.index("~") == message.index("\\x1b]") and caret.endswith("~~~^")


def test_a_newline_in_the_input_split_the_one_line_message(capsys) -> None:
    assert main(["derive", "y = W\nx +", "dy/dx"]) == 2
    message, caret = capsys.readouterr().err.splitlines()
    assert message.endswith(": y = W\\nx +")
    assert set(caret.strip()) == {"^"}


def test_bidi_overrides_and_zero_width_characters_are_shown_escaped() -> None:
    with pytest.raises(ParseError) as caught:
        parse_equation("y = W\u202e x\u200b +")
    assert "\\u202e" in caught.value.lines()[0] and "\\u200b" in caught.value.lines()[0]


@pytest.mark.parametrize(
    ("text", "spot"),
    [
        ("y = W x 中文", "中"),  # a wide character: its caret spans both columns
        ("y = W\tx ) z", ")"),  # a tab before the spot, shown as \t
        ("y = W x e\u0301", "\u0301"),  # a combining accent (in the reason) takes no column
        ("y = W x \x07 z", "\\x07"),  # a control character, shown as \x07, is the spot
        ("y = ｘ", "ｘ"),  # a fullwidth letter
        ("y = W x\t+", None),  # the end of the input, after a tab
    ],
)
def test_carets_landed_in_the_wrong_column(text: str, spot: str | None) -> None:
    """Columns measured by wcwidth (a terminal's own reckoning), not by derivgen's."""
    with pytest.raises(DerivgenError) as caught:
        parse_equation(text)
    message, caret = caught.value.lines()
    if spot is None:
        start, width = wcwidth.wcswidth(message), 1
    else:
        start = wcwidth.wcswidth(message[: message.rindex(spot)])
        width = max(1, wcwidth.wcswidth(spot))
    assert caret == " " * start + "~" * (width - 1) + "^"


def test_paths_the_cli_prints_are_escaped(tmp_path: Path, capsys) -> None:
    out = tmp_path / "a\x1b[2Jb.txt"
    assert main(["derive", "y = W x", "dy/dx", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"{tmp_path}/a\\x1b[2Jb.txt\n"


# --- hostile text in specs and templates ----------------------------------------------------

HOSTILE = {
    "title": r"\input{/etc/passwd} \write18{touch pwned} ^^5c ^^41 {unbalanced",
    "course": r"\catcode`\{=12 \openout5=x.tex } # $ % & _ ~",
    "instructions": r"σ and ∂ and \csname relax\endcsname \def\a{\a}\a",
    "prompt": r"$x$ \immediate\write18{id} %",
}
TOML_LITERAL = "'{}'"


def _hostile_spec(tmp_path: Path) -> Path:
    top = "\n".join(f"{key} = {TOML_LITERAL.format(HOSTILE[key])}" for key in ("title", "course"))
    spec = tmp_path / "hostile.toml"
    spec.write_text(
        f"{top}\ninstructions = {TOML_LITERAL.format(HOSTILE['instructions'])}\n"
        f'[[problem]]\nequation = "y = W x"\ntarget = "dy/dx"\npoints = 1\n'
        f"prompt = {TOML_LITERAL.format(HOSTILE['prompt'])}\n",
        encoding="utf-8",
    )
    return spec


def _tex_trees() -> list[Path]:
    """TeX's own trees and configuration, as kpathsea lists them."""
    found = []
    for variable in ("TEXMF", "TEXMFCNF"):
        value = subprocess.run(
            ["kpsewhich", f"-var-value={variable}"], capture_output=True, text=True, check=True
        ).stdout
        for entry in re.split(r"[{},:;]", value.strip()):
            if entry.strip("!"):
                found.append(Path(entry.strip("!")))
    return found


@pytest.mark.latex
def test_hostile_text_in_a_spec_reached_tex_as_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shown literally in the PDF; TeX opened nothing outside its folder and its own tree."""
    recorded: list[tuple[Path, str]] = []
    real_run = latex_build._run

    def recording(command, workdir, timeout, stop):
        result = real_run(command, workdir, timeout, stop)
        for listing in workdir.glob("*.fls"):  # latexmk runs TeX with -recorder
            recorded.append((workdir, listing.read_text(encoding="utf-8", errors="replace")))
        return result

    monkeypatch.setattr(latex_build, "_run", recording)
    monkeypatch.chdir(tmp_path)
    spec, out = _hostile_spec(tmp_path), tmp_path / "out"
    assert main(["worksheet", str(spec), "--outdir", str(out), "-q"]) == 0

    text = "\n".join(page.extract_text() for page in PdfReader(out / "hostile-worksheet.pdf").pages)
    text = " ".join(text.replace("ˆ", "^").replace("‘", "`").split())  # T1's ^ and ` glyphs
    for value in HOSTILE.values():
        assert " ".join(value.split()) in text
    assert not (tmp_path / "pwned").exists() and not list(tmp_path.rglob("x.tex"))

    trees = _tex_trees()
    assert len(recorded) == 2
    for workdir, listing in recorded:
        for line in listing.splitlines():
            kind, _, name = line.partition(" ")
            if kind not in ("INPUT", "OUTPUT"):
                continue
            path = Path(name) if Path(name).is_absolute() else workdir / name
            path = Path(os.path.normpath(path))
            assert path.is_relative_to(workdir) or (
                kind == "INPUT" and any(path.is_relative_to(tree) for tree in trees)
            ), line


@pytest.mark.latex
def test_tex_read_any_file_a_template_named(tmp_path: Path, capsys) -> None:
    r"""openin_any=p: `\input{/etc/hostname}` in a template is not found, not typeset."""
    templates, spec = tmp_path / "templates", tmp_path / "hw.toml"
    templates.mkdir()
    (templates / "worksheet.tex.j2").write_text("\\input{/etc/hostname}\n")
    spec.write_text(ONE_PROBLEM)
    status = main(
        ["worksheet", str(spec), "--outdir", str(tmp_path / "out"), "--templates", str(templates)]
    )
    assert status == 3
    assert re.search(r"File `/etc/hostname(\.tex)?' not found", capsys.readouterr().err)


def test_openin_any_and_openout_any_are_paranoid_and_shell_escape_off() -> None:
    environment = latex_build.tex_environment()
    assert (environment["openin_any"], environment["openout_any"]) == ("p", "p")
    assert environment["shell_escape"] == "f"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '\\VAR{ cycler.__init__.__globals__.os.popen("touch pwned").read() }',
            "template worksheet.tex.j2: line 1: access to attribute '__init__' of 'type' "
            "object is unsafe.",
        ),
        (
            "\\VAR{ 1 // 0 }",
            "template worksheet.tex.j2: line 1: ZeroDivisionError: integer "
            "division or modulo by zero",
        ),
        (
            '\\BLOCK{ include "worksheet.tex.j2" }',
            "template worksheet.tex.j2: line 1: it includes or calls itself without end",
        ),
        (
            b"fine \xff\xfe",
            "template worksheet.tex.j2: worksheet.tex.j2 is not UTF-8 text (byte 0xff at offset 5)",
        ),
    ],
    ids=["os.popen", "division by zero", "self-include", "not UTF-8"],
)
def test_a_template_ran_code_or_crashed_with_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, body: str | bytes, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    templates, spec = tmp_path / "templates", tmp_path / "hw.toml"
    templates.mkdir()
    page = templates / "worksheet.tex.j2"
    page.write_bytes(body if isinstance(body, bytes) else body.encode())
    spec.write_text(ONE_PROBLEM)
    arguments = ["worksheet", str(spec), "--outdir", "out", "--templates", str(templates)]
    assert main([*arguments, "--tex-only"]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Week\x1b[2J", "the character \\x1b (U+001B) cannot be typeset"),
        ("prompt", "中文", "the character 中 (U+4E2D) cannot be typeset"),
        ("title", "x" * (MAX_TEXT + 1), f"is {MAX_TEXT + 1} characters long: at most {MAX_TEXT}"),
    ],
)
def test_text_latex_cannot_print_failed_late_in_latex(field: str, value: str, message: str) -> None:
    title = value if field == "title" else "One"
    text = f"title = {json.dumps(title)}\n" + ONE_PROBLEM.split("\n", 1)[1]
    if field == "prompt":
        text += f"prompt = {json.dumps(value)}\n"
    with pytest.raises(SpecError, match=re.escape(f"field '{field}': {message}")):
        read_spec_text(text, Path("t.toml"), "t")


def test_a_hostile_toml_key_reached_the_terminal_raw(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "keys.toml"
    spec.write_text(ONE_PROBLEM + '"\\u001b]0;PWNED\\u0007\\ninput{/etc/passwd}" = 1\n')
    assert main(["worksheet", str(spec), "--tex-only", "--outdir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not any(ord(c) < 0x20 for c in err[:-1])
    assert "field '\\x1b]0;PWNED\\x07\\ninput{/etc/passwd}': unknown field" in err


@pytest.mark.parametrize("name", ["A_", "A_1", "A__B"])
def test_random_symbols_latex_cannot_print_failed_at_the_second_variant(name: str) -> None:
    text = ONE_PROBLEM + f'random = {{ symbols = {{ W = ["W", "{name}"] }} }}\n'
    with pytest.raises(SpecError, match=r"field 'random.symbols': W: .* LaTeX prints as typed"):
        read_spec_text(text, Path("t.toml"), "t")


def test_a_symbol_name_with_an_underscore_is_refused_when_the_spec_is_checked() -> None:
    text = ONE_PROBLEM.replace("y = W x", "y = W_1 x")
    with pytest.raises(SpecError, match=r"field 'equation': the symbol name W_1 cannot be typeset"):
        read_spec_text(text, Path("t.toml"), "t")


# --- the LaTeX time limit ------------------------------------------------------------------


@pytest.mark.latex
def test_the_latex_time_limit_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DERIVGEN_LATEX_TIMEOUT", "2")
    with pytest.raises(DerivgenError, match=r"latexmk took longer than 2 seconds \(DERIVGEN_"):
        compile_pdf(derivation_document(["\\def\\x{\\x}\\x"]), tmp_path / "out.pdf")


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf", "nan"])
def test_a_bad_latex_time_limit_is_one_line(value: str, monkeypatch) -> None:
    monkeypatch.setenv("DERIVGEN_LATEX_TIMEOUT", value)
    with pytest.raises(DerivgenError, match=f"DERIVGEN_LATEX_TIMEOUT={value}: give a number"):
        latex_build.latex_timeout()

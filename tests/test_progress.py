"""The progress bar: nothing in the first second, throttled redraws in place, erased before the summary, terminals only."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

from conftest import FIXTURES, ROOT
from generator.progress import DELAY_VARIABLE, NO_PROGRESS, Progress, delay_from_environment


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def screen(text: str) -> list[str]:
    """What a terminal shows after `text`: `\\r` returns to the line's start, later characters overwrite."""
    lines, column = [[]], 0
    for char in text:
        if char == "\r":
            column = 0
        elif char == "\n":
            lines.append([])
            column = 0
        else:
            line = lines[-1]
            line[column:column + 1] = [char]
            column += 1
    return ["".join(line) for line in lines]


@pytest.fixture
def bar():
    """A bar on a fake 60-column terminal, with a fake clock, and that clock."""
    clock = Clock()
    return Progress(Terminal(), clock=clock, columns=lambda: 60), clock


def test_nothing_is_drawn_in_the_first_second_then_the_current_stage(bar):
    progress, clock = bar
    progress.stage("parse", 10)
    clock.now += 0.99
    progress.advance(3)
    assert progress.stream.getvalue() == ""
    clock.now += 0.02
    progress.advance(1)
    assert screen(progress.stream.getvalue()) == ["parse [############..................] 4/10 1.0 s"]


def test_a_stage_without_counted_steps_shows_its_name_and_time(bar):
    progress, clock = bar
    clock.now += 2.5
    progress.stage("write", 597)
    assert screen(progress.stream.getvalue()) == ["write (597) ... 2.5 s"]
    progress.stage("render")
    assert screen(progress.stream.getvalue()) == ["render ... 2.5 s".ljust(21)]   # the rest of the longer line is blanked


def test_redraws_come_at_most_ten_times_a_second_but_a_new_stage_shows_at_once(bar):
    progress, clock = bar
    clock.now += 1.0
    progress.stage("parse", 1000)
    for _ in range(100):   # 100 steps in 0.5 s
        clock.now += 0.005
        progress.advance()
    drawn = progress.stream.getvalue().count("\r")
    assert 5 <= drawn <= 6, drawn
    progress.stage("resolve")
    assert progress.stream.getvalue().count("\r") == drawn + 1
    assert screen(progress.stream.getvalue())[0].startswith("resolve ... 1.5 s")


def test_the_bar_fills_and_never_passes_the_total(bar):
    progress, clock = bar
    clock.now += 1.0
    progress.stage("write", 4)
    clock.now += 0.2
    progress.advance(9)
    assert "[##############################] 4/4" in progress.stream.getvalue()


def test_close_erases_the_line_so_the_summary_starts_clean(bar):
    progress, clock = bar
    clock.now += 3
    progress.stage("search and exports")
    progress.stage("parse", 100)
    progress.advance(50)
    progress.close()
    progress.stream.write("Built 3 files.\n")
    assert screen(progress.stream.getvalue()) == ["Built 3 files.".ljust(len("search and exports ... 3.0 s")), ""]
    assert progress.stream.getvalue().endswith("\rBuilt 3 files.\n")
    clock.now += 1
    progress.advance(10)   # nothing is drawn after close
    assert progress.stream.getvalue().endswith("\rBuilt 3 files.\n")


def test_close_without_a_drawn_line_writes_nothing(bar):
    progress, clock = bar
    progress.stage("parse", 3)
    progress.close()
    assert progress.stream.getvalue() == ""


@pytest.mark.parametrize("columns", [80, 40, 20, 8, 1])
def test_the_line_fits_the_terminal(columns):
    clock = Clock()
    progress = Progress(Terminal(), clock=clock, columns=lambda: columns)
    clock.now += 1234.5
    for name, total in (("parse", 100000), ("search and exports", 0), ("write", 12)):
        progress.stage(name, total)
        clock.now += 1
        progress.advance(7)
    widths = [len(line) for line in progress.stream.getvalue().split("\r")]
    assert max(widths) <= max(columns - 1, 1), progress.stream.getvalue()
    if columns >= 40:
        assert "[" in progress.stream.getvalue()   # wide enough for a bar
    else:
        assert "[" not in progress.stream.getvalue()


def test_only_a_terminal_gets_a_bar_and_not_when_quiet(monkeypatch):
    monkeypatch.delenv(DELAY_VARIABLE, raising=False)
    assert Progress.for_terminal(io.StringIO()) is NO_PROGRESS
    assert Progress.for_terminal(Terminal(), quiet=True) is NO_PROGRESS
    real = Progress.for_terminal(Terminal())
    assert isinstance(real, Progress) and real.delay == 1.0
    with NO_PROGRESS as nothing:   # the do-nothing one takes the same calls
        nothing.stage("parse", 3)
        nothing.advance(2)


@pytest.mark.parametrize("value, delay", [("0", 0.0), ("0.25", 0.25), ("-3", 0.0), ("soon", 1.0)])
def test_the_delay_can_be_set_for_tests(monkeypatch, value, delay):
    monkeypatch.setenv(DELAY_VARIABLE, value)
    assert delay_from_environment() == delay


def read_all(fd: int) -> bytes:
    """Everything written to a pseudo-terminal until its other side is closed."""
    data = b""
    while select.select([fd], [], [], 60)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:   # EIO: the child has gone
            break
        if not chunk:
            break
        data += chunk
    return data


def build_command(tmp_path) -> list[str]:
    site = FIXTURES / "site"
    return [sys.executable, str(ROOT / "build.py"), "--content", str(site / "content"), "--config",
            str(site / "site.yaml"), "--output", str(tmp_path / "out"), "--no-cache"]


def test_on_a_terminal_the_bar_is_drawn_then_erased_before_the_summary(tmp_path):
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 72, 0, 0))
    env = {**os.environ, DELAY_VARIABLE: "0"}
    process = subprocess.Popen(build_command(tmp_path), stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path)
    os.close(child)
    try:
        text = read_all(main).decode("utf-8")
    finally:
        os.close(main)
    assert process.wait(timeout=60) == 0, text
    assert "\rparse (" in text and "\rrender (30)" in text and "\rwrite (" in text   # each stage, drawn in place
    drawn = text.split("\n", 1)[0].rstrip("\r").split("\r")[:-1]   # the bar's redraws and its erasure, before the first line printed
    assert max(len(part) for part in drawn) <= 71 and drawn[-1].strip() == "", drawn   # narrower than the terminal
    shown = [line.rstrip() for line in screen(text.replace("\r\n", "\n")) if line.strip()]
    assert shown[-1].startswith("Built ") and shown[-1].endswith("."), shown
    assert not any(" ... " in line or " s " in line for line in shown), shown   # nothing left of the bar
    assert text.split("\n")[-2].lstrip("\r ").startswith("Built ")


def test_without_a_terminal_only_the_summary_is_printed(tmp_path):
    env = {**os.environ, DELAY_VARIABLE: "0"}
    done = subprocess.run(build_command(tmp_path), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ") and done.stdout.count("\n") == 1
    assert "\r" not in done.stdout + done.stderr and " ... " not in done.stderr


def test_build_py_ends_at_once_after_its_summary_with_everything_written_and_printed(tmp_path):
    (tmp_path / "said").mkdir()
    out, err = tmp_path / "said/out.txt", tmp_path / "said/err.txt"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with open(out, "w") as stdout, open(err, "w") as stderr:   # files: block-buffered, flushed only if asked
        status = subprocess.call([*build_command(tmp_path), "--verbose"], stdout=stdout, stderr=stderr, cwd=tmp_path,
                                 env=buffered, timeout=60)
    assert status == 0
    summary = out.read_text()
    assert summary.startswith("Built ") and summary.endswith(".\n")
    assert ": warning: " in err.read_text()   # the warnings printed before the summary
    done = subprocess.run([*build_command(tmp_path), "--output", str(tmp_path / "again")], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    files = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert done.returncode == 0 and len(files) > 20
    assert all((tmp_path / "out" / rel).read_bytes() == (tmp_path / "again" / rel).read_bytes() for rel in files)


def test_main_asked_to_exit_at_once_ends_the_process_after_flushing(tmp_path, monkeypatch, capsys):
    from generator import cli
    ended = []

    def end(status):
        ended.append((status, capsys.readouterr().out))
        raise SystemExit(status)
    monkeypatch.setattr(cli.os, "_exit", end)
    with pytest.raises(SystemExit):
        cli.main(build_command(tmp_path)[2:], exit_at_once=True)
    (status, printed), = ended
    assert status == 0 and printed.startswith("Built ")
    assert cli.main(build_command(tmp_path)[2:]) == 0 and len(ended) == 1   # in-process callers get the status back

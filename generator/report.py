"""What the command line prints: warnings, errors and one-line summaries (shared by build and serve)."""

from __future__ import annotations

import sys
from typing import Iterable, TextIO

from .startup import BuildResult
from .errors import ContentError


def print_warnings(warnings: Iterable[ContentError], verbose: bool = False, file: TextIO | None = None) -> None:
    """Warnings as `path:line: warning: ...`; entities without profiles are summed up unless verbose."""
    file = file or sys.stderr
    grouped = 0
    for warning in warnings:
        if warning.category == "no-profile" and not verbose:
            grouped += 1
        else:
            print(f"{warning.path}:{warning.line}: warning: {warning.message}", file=file)
    if grouped:
        print(f"note: {grouped} entities have no profile (--verbose lists them)", file=file)


def print_errors(errors: Iterable[object], tail: str, file: TextIO | None = None) -> None:
    """Each error as `path:line: message`, then the count and what happened to the output."""
    file = file or sys.stderr
    errors = list(errors)
    for error in errors:
        print(error, file=file)
    count = len(errors)
    print(f"{count} error{'s' if count != 1 else ''}; {tail}", file=file, flush=True)


def summary(result: BuildResult, command: str, output: str) -> str:
    """The last line of a build: what was built and what was written."""
    counts = f"{result.articles} articles, {result.entities} entities, {result.facts} facts"
    warned = f", {len(result.warnings)} warnings" if result.warnings else ""
    if command == "check":
        return f"Checked {counts}: no errors{warned}."
    report = result.report
    return (f"Built {result.files} files from {counts} into {output}/ in {result.seconds:.2f} s: "
            f"{report.written} written, {report.unchanged} unchanged, {report.removed} removed{warned}.")

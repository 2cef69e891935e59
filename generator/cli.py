"""The command line: `python build.py [build|check] [options]`. Exit 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import BuildOptions, BuildResult, build_site
from .errors import BuildFailed, UsageError
from .write import OutputError


def make_parser() -> argparse.ArgumentParser:
    """The argument parser; `build` is the default command."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build a static site of sourced fact sheets.")
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check"),
                        help="build the site (default) or only check the content")
    parser.add_argument("--content", default="content", metavar="DIR", help="content folder (default: content)")
    parser.add_argument("--output", default="output", metavar="DIR", help="output folder (default: output)")
    parser.add_argument("--config", metavar="FILE", help="site settings (default: site.yaml, optional)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every warning, including each entity that has no profile")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = make_parser().parse_args(argv)
    options = BuildOptions(Path(args.content), Path(args.output), Path(args.config or "site.yaml"),
                           config_required=args.config is not None, write=args.command == "build")
    try:
        result = build_site(options)
    except UsageError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        _print_warnings(failed.warnings, args)
        for error in failed.errors:
            print(error, file=sys.stderr)
        count = len(failed.errors)
        print(f"{count} error{'s' if count != 1 else ''}; nothing was written"
              f"{'' if args.command == 'check' else f', {args.output} is unchanged'}", file=sys.stderr)
        return 1
    except OutputError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 1
    _print_warnings(result.warnings, args)
    print(_summary(result, args.command, args.output))
    return 0


def _print_warnings(warnings, args: argparse.Namespace) -> None:
    """Warnings as `path:line: warning: ...`; entities without profiles are summed up unless verbose."""
    if args.quiet:
        return
    grouped = [w for w in warnings if w.category == "no-profile" and not args.verbose]
    for warning in warnings:
        if warning not in grouped:
            print(f"{warning.path}:{warning.line}: warning: {warning.message}", file=sys.stderr)
    if grouped:
        print(f"note: {len(grouped)} entities have no profile (--verbose lists them)", file=sys.stderr)


def _summary(result: BuildResult, command: str, output: str) -> str:
    counts = f"{result.articles} articles, {result.entities} entities, {result.facts} facts"
    warned = f", {len(result.warnings)} warnings" if result.warnings else ""
    if command == "check":
        return f"Checked {counts}: no errors{warned}."
    report = result.report
    return (f"Built {result.files} files from {counts} into {output}/ in {result.seconds:.2f} s: "
            f"{report.written} written, {report.unchanged} unchanged, {report.removed} removed{warned}.")

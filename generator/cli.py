"""The command line: `python build.py [build|check] [options]`. Exit 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import BuildFailed, UsageError
from .parallel import default_workers
from .progress import Progress
from .report import print_errors, print_warnings, summary
from .startup import CACHE_FOLDER, BuildOptions, nothing_to_do, start_build
from .write import OutputError


def make_parser() -> argparse.ArgumentParser:
    """The argument parser; `build` is the default command."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build a static site of sourced fact sheets.")
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve"),
                        help="build the site (default), only check the content, or serve a live preview")
    parser.add_argument("--content", default="content", metavar="DIR", help="content folder (default: content)")
    parser.add_argument("--output", default="output", metavar="DIR", help="output folder (default: output)")
    parser.add_argument("--config", metavar="FILE", help="site settings (default: site.yaml, optional)")
    parser.add_argument("--cache", metavar="DIR",
                        help="build cache, safe to delete (default: .factsheet-cache beside the config file)")
    parser.add_argument("--no-cache", action="store_true", help="build everything afresh, without reading or writing a cache")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="worker processes for parsing and rendering (default: one per core)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print warnings or the progress bar")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every warning, including each entity that has no profile")
    preview = parser.add_argument_group("serve")
    preview.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    preview.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    preview.add_argument("--open", action="store_true", help="open the preview in a web browser")
    return parser


def main(argv: list[str] | None = None, exit_at_once: bool = False) -> int:
    """Run the command line and return the exit status; with `exit_at_once` (build.py), a build that succeeded
    ends the process right after its summary (`exit_now`)."""
    args = make_parser().parse_args(argv)
    config = Path(args.config or "site.yaml")
    cache = None if args.no_cache else Path(args.cache) if args.cache else config.parent / CACHE_FOLDER
    options = BuildOptions(Path(args.content), Path(args.output), config,
                           config_required=args.config is not None, write=args.command != "check", cache=cache,
                           workers=args.jobs if args.jobs > 0 else default_workers())
    try:
        if args.command == "serve":
            from .serve import serve   # the web server's libraries load only for `serve`: a build starts sooner
            return serve(options, args.host, args.port, args.open, args.verbose, args.quiet)
        start = start_build(options)
        result = nothing_to_do(start, options)
        if result is None:
            from .build import build_site   # the pipeline's code loads only when there is something to build
            with Progress.for_terminal(sys.stderr, args.quiet) as progress:   # erased before anything else is printed
                result = build_site(options, progress=progress, start=start)
    except UsageError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        if not args.quiet:
            print_warnings(failed.warnings, args.verbose)
        print_errors(failed.errors, "nothing was written" + ("" if args.command == "check" else f", {args.output} is unchanged"))
        return 1
    except OutputError as error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:   # Ctrl-C before the preview was up, or during a build
        print("\nStopped.", file=sys.stderr)
        return 130
    if not args.quiet:
        print_warnings(result.warnings, args.verbose)
    print(summary(result, args.command, args.output))
    if exit_at_once:
        exit_now(0)
    return 0


def exit_now(status: int) -> None:
    """End the process once its output is flushed, without freeing the build's objects one by one (a tenth
    of a second at 10,000 articles): every file it wrote is closed and in place, its children are waited for."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)

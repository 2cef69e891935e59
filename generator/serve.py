"""`python build.py serve`: build, serve the output with live reload, rebuild on every save.

Three threads: the Tornado event loop serves pages (main thread); watchfiles threads report
saves; one builder thread turns each burst of saves into one incremental rebuild, then has
the loop tell the open pages to reload. Bad content never stops the server: its errors are
printed and shown on every page above the last good build.
"""

from __future__ import annotations

import errno
import os
import queue
import signal
import sys
import threading
import traceback
import webbrowser

from tornado import netutil
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from .startup import BuildOptions, check_folders
from .errors import UsageError
from .preview import Outcome, Previewer, next_batch
from .report import print_errors, print_warnings
from .server import WILDCARDS, Preview, allowed_hosts, make_app, send_reload
from .watch import start_watching

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SHOWN = (".md", ".yaml", ".yml", ".html", ".xml", ".txt", ".css", ".js")
IDLE_SECONDS = 2.0   # after this long without a save, data exports and the search index are brought up to date


def serve(options: BuildOptions, host: str, port: int, open_browser: bool = False, verbose: bool = False,
          quiet: bool = False) -> int:
    """Run the preview until Ctrl-C; returns the exit status."""
    check_folders(options)
    sockets = _bind(host, port)
    port = sockets[0].getsockname()[1]
    previewer = Previewer(options)
    outcome = previewer.rebuild()
    _report(outcome, None, None if quiet else verbose)
    preview = Preview(os.path.realpath(options.output), allowed_hosts(host, port), port, outcome.errors)
    server = HTTPServer(make_app(preview, host))
    server.add_sockets(sockets)
    loop = IOLoop.current()
    loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)   # from now on Ctrl-C ends the loop, then we clean up
    shown = "127.0.0.1" if host in WILDCARDS else f"[{host}]" if ":" in host else host   # 0.0.0.0 is no address to open
    url = f"http://{shown}:{port}/"
    if host not in LOOPBACK:
        print(f"warning: serving on {host}: anyone who can reach this machine on port {port} can read the preview",
              file=sys.stderr)
    print(f"Serving {options.output}/ at {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    stop = threading.Event()
    changes: queue.Queue = queue.Queue()
    start_watching(previewer.watched(), options.config, options.output, changes, stop)
    builder = threading.Thread(target=_rebuild_forever, args=(previewer, preview, changes, stop, loop, outcome, None if quiet else verbose),
                               name="factsheet-build", daemon=True)
    builder.start()
    loop.start()
    stop.set()
    changes.put(set())           # wake the builder so that it sees `stop`
    builder.join(timeout=10)
    server.stop()
    print("\nStopped.", flush=True)
    return 0


def _bind(host: str, port: int) -> list:
    """Listening sockets; a busy or forbidden port is a usage error, not a traceback."""
    try:
        return netutil.bind_sockets(port, address=host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other server or choose "
                             "another port with --port (--port 0 picks a free one)") from None
        if error.errno == errno.EACCES:
            raise UsageError(f"not allowed to listen on port {port}; choose a port above 1023 with --port") from None
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    except (UnicodeError, ValueError) as error:   # a malformed --host
        raise UsageError(f"cannot listen on '{host}': {error}") from None


def _rebuild_forever(previewer: Previewer, preview: Preview, changes: queue.Queue, stop: threading.Event,
                     loop: IOLoop, last: Outcome, verbose: bool | None) -> None:
    """Turn each burst of saves into one rebuild; have the loop reload the pages when something changed."""
    while not stop.is_set():
        try:
            batch, refresh = next_batch(changes, wait=IDLE_SECONDS if previewer.derived_are_stale else None), False
        except queue.Empty:   # quiet for a while: bring exports and search up to date
            batch, refresh = set(), True
        if stop.is_set():
            return
        outcome = _guarded(previewer, batch, refresh)
        preview.errors = outcome.errors
        _report(outcome, last, verbose, batch, refresh)
        if outcome.changed and (outcome.errors or not refresh or outcome.result.rendered):   # pages changed: a save,
            loop.add_callback(send_reload)                                                 # or one the watcher missed
        last = outcome


def _guarded(previewer: Previewer, batch: set, derived: bool) -> Outcome:
    """A rebuild that cannot end the preview: a bug is printed and shown like an error, and serving goes on."""
    try:
        return previewer.rebuild(batch, derived)
    except Exception as error:   # not bad content (that is reported as errors): a bug in Factsheet
        traceback.print_exc()
        previewer.errors = (f"internal error, please report it: {error!r}",)
        return Outcome(previewer.errors, (), None, True, 0.0)


def _report(outcome: Outcome, last: Outcome | None, verbose: bool | None, batch: set = frozenset(),
            searching: bool = False) -> None:
    """Print what a rebuild did: new warnings (unless `verbose` is None: quiet), the errors, or a summary."""
    seen = {str(w) for w in last.warnings} if last else set()
    if verbose is not None:
        print_warnings([w for w in outcome.warnings if str(w) not in seen], verbose)
    shown = sorted(path.name for path in batch if path.suffix in SHOWN or path.exists())   # not editors' temp files
    names = ", ".join(shown[:3]) + (" ..." if len(shown) > 3 else "")
    because = f" after {names} changed" if shown else ""
    if outcome.errors:
        print_errors(outcome.errors, f"the preview shows the last good build{because}")
    elif searching:
        print(f"Data exports and search index brought up to date in {outcome.seconds:.2f} s.", flush=True)
    elif outcome.result is not None:
        report, result = outcome.result.report, outcome.result
        print(f"{'Rebuilt' if last else 'Built'} in {outcome.seconds:.2f} s{because}: {result.parsed} files parsed, "
              f"{result.rendered} pages rendered, {report.written} written, {report.removed} removed.", flush=True)

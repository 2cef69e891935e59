"""The preview's HTTP side: output files, the livereload socket, and the error panel.

Built on the `livereload` package's WebSocket handler and client script (the livereload
protocol); pages are served by our own handler so that every HTML page carries the
reload script and, while the content is broken, the list of errors. Only requests whose
Host header names the bound address are answered (no DNS rebinding), and nothing outside
the output folder or hidden in it is served.
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import os
import re
import socket
from urllib.parse import quote
from dataclasses import dataclass, field

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

WILDCARDS = ("0.0.0.0", "::", "")
NOT_FOUND = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title>'
             b'<meta name="viewport" content="width=device-width, initial-scale=1">'
             b'<link rel="stylesheet" href="/static/style.css"></head><body><main id="main">'
             b'<h1>Not found</h1><p>There is no page at this address in the preview. '
             b'<a href="/">Go to the home page</a>.</p></main></body></html>')
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)
_PANEL_STYLE = ("position:sticky;top:0;z-index:2147483647;margin:0;padding:1em 1.25em;background:#fff4f4;"
                "color:#7a0010;border-bottom:3px solid #c8102e;font:14px/1.45 system-ui,sans-serif")


@dataclass
class Preview:
    """What the handlers serve: the output folder, the errors now shown, the hosts allowed."""

    root: str                                       # the output folder, resolved
    hosts: frozenset[str]                           # Host header values that are answered
    port: int = 0                                   # the port the reload script connects to
    errors: tuple[str, ...] = field(default=())     # `path:line: message` lines; replaced, never mutated


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values that name the address the server is bound to."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    elif host in WILDCARDS:
        names |= {"localhost", socket.gethostname(), socket.getfqdn()}
    elif ":" in host:
        names = {f"[{host}]"}
    return frozenset(name.lower() for name in names) | frozenset(f"{name.lower()}:{port}" for name in names)


def host_allowed(preview: Preview, header: str, bound: str) -> bool:
    """Whether a Host header names the bound address (any IP literal when bound to all interfaces)."""
    header = header.lower()
    if header in preview.hosts:
        return True
    if bound in WILDCARDS:
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        try:
            ipaddress.ip_address(name.strip("[]"))
            return True
        except ValueError:
            return False
    return False


class _Guarded:
    """Refuses requests for another host before any handler runs."""

    def prepare(self) -> None:
        preview: Preview = self.application.settings["preview"]
        if not host_allowed(preview, self.request.host, self.application.settings["bound"]):
            raise web.HTTPError(403, reason="Host not allowed")


class ReloadSocket(_Guarded, LiveReloadHandler):
    """livereload's WebSocket, answering only pages of this preview."""

    def check_origin(self, origin: str) -> bool:
        """Only pages served by this preview may connect."""
        preview: Preview = self.application.settings["preview"]
        host = origin.split("://", 1)[-1].split("/", 1)[0]
        return host_allowed(preview, host, self.application.settings["bound"])


class ReloadScript(_Guarded, LiveReloadJSHandler):
    """livereload's client script."""


class PageHandler(_Guarded, web.RequestHandler):
    """A file of the output folder; HTML pages get the reload script and the error panel."""

    def get(self, path: str) -> None:
        """Serve `path` from the output folder, or the not-found page."""
        preview: Preview = self.application.settings["preview"]
        self.set_header("Cache-Control", "no-store")
        file = _file_for(preview.root, path)
        if file is None:
            self._not_found(preview)
        elif os.path.isdir(file):   # a folder asked for without its slash: relative links need it
            self.redirect(quote("/" + "/".join(part for part in path.split("/") if part) + "/"))
        else:
            with open(file, "rb") as handle:
                self._send(preview, handle.read(), mimetypes.guess_type(file)[0] or "application/octet-stream")

    def _not_found(self, preview: Preview) -> None:
        # Not the site's 404.html: its links start from base_url's path, which the preview does not serve under.
        self.set_status(404)
        self._send(preview, NOT_FOUND, "text/html")

    def _send(self, preview: Preview, data: bytes, kind: str) -> None:
        if kind == "text/html":
            data = inject(data, preview.errors, preview.port)
            kind = "text/html; charset=utf-8"
        self.set_header("Content-Type", kind)
        self.write(data)


def _file_for(root: str, path: str) -> str | None:
    """The file a URL path names inside the output folder, or None (hidden, outside or missing)."""
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    file = os.path.realpath(os.path.join(root, *parts))
    if file != root and not file.startswith(root + os.sep):
        return None
    if os.path.isdir(file) and path.endswith("/") or not parts:
        file = os.path.join(file, "index.html")
    return file if os.path.exists(file) else None


def inject(page: bytes, errors: tuple[str, ...], port: int) -> bytes:
    """A page with the reload script at the end of its head and, if there are errors, the error panel."""
    script = f'<script src="/livereload.js?port={port}"></script>'.encode()
    page = page.replace(b"</head>", script + b"</head>", 1) if b"</head>" in page else script + page
    if not errors:
        return page
    panel = error_panel(errors).encode("utf-8")
    match = _BODY.search(page)
    return page[:match.end()] + panel + page[match.end():] if match else panel + page


def error_panel(errors: tuple[str, ...]) -> str:
    """The errors of the last build as an HTML panel, every line escaped."""
    count = len(errors)
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in errors)
    return (f'<section id="factsheet-errors" role="alert" style="{_PANEL_STYLE}">'
            f"<strong>{count} error{'s' if count != 1 else ''}: the preview shows the last good build."
            f"</strong><ol style=\"margin:.5em 0 0;padding-left:1.5em\">{items}</ol></section>")


def make_app(preview: Preview, bound: str) -> web.Application:
    """The preview's Tornado application."""
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/livereload\.js", ReloadScript),
        (r"/(.*)", PageHandler),
    ], preview=preview, bound=bound)


def send_reload() -> None:
    """Tell every connected page to reload (on the server's event loop thread only)."""
    message = {"command": "reload", "path": "/", "liveCSS": False, "liveImg": False}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:   # a page closed while we wrote to it
            LiveReloadHandler.waiters.discard(waiter)

"""A `build.py serve` process for tests: on 127.0.0.1, a free port, always stopped."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tornado.websocket import websocket_connect

from conftest import ROOT


class ServeProcess:
    """`build.py serve` running on a site folder; its output lines are collected as they come."""

    def __init__(self, site: Path, out: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content", str(site / "content"),
             "--config", str(site / "site.yaml"), "--output", str(out), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        self.url = self.wait_for(r"http://127\.0\.0\.1:\d+/").group(0)

    def wait_for(self, pattern: str, timeout: float = 20, stream: str = "out") -> re.Match:
        """Wait until a line printed by the server matches `pattern`."""
        deadline = time.monotonic() + timeout
        exited = False
        while time.monotonic() < deadline:
            for line in list(self.out if stream == "out" else self.err):
                if match := re.search(pattern, line):
                    return match
            if exited:
                break
            exited = self.proc.poll() is not None   # one more look at what it printed before it ended
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r}; out={self.out} err={self.err}")

    def interrupt(self, timeout: float = 15) -> int:
        """Press Ctrl-C and wait for the server to stop; returns its exit status."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """Stop the server whatever state it is in."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class ReloadListener:
    """A livereload client, as the page's script is: counts the reload messages it receives."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.reloads = 0
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._listen(url),), daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "could not connect to the livereload socket"

    async def _listen(self, url: str) -> None:
        socket = await websocket_connect(url.replace("http://", "ws://") + "livereload")
        await socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        await socket.read_message()
        await socket.write_message(json.dumps({"command": "info", "url": url}))
        await asyncio.sleep(0.2)   # the server registers the page on 'info'
        self.ready.set()
        while (message := await socket.read_message()) is not None:
            if json.loads(message).get("command") == "reload":
                self.reloads += 1

    def wait_for(self, count: int, timeout: float = 15) -> None:
        """Wait until `count` reloads have arrived in all."""
        deadline = time.monotonic() + timeout
        while self.reloads < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.reloads >= count, f"{self.reloads} reloads, expected {count}"

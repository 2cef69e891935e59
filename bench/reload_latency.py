"""Save-to-reload time of `build.py serve`: from writing a file to the reload message in the browser's socket.

    python bench/reload_latency.py --content DIR [--config FILE] [--repeat 7]

Starts the preview on a free port, connects to its livereload socket as a browser does,
then repeatedly edits one article (a word of its body and a fact's value) and times how
long until the server tells the page to reload. Prints every time and the median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent


async def measure(url: str, article: Path, repeat: int) -> list[float]:
    """Edit the article `repeat` times; each time, seconds from the write to the reload message."""
    socket = await websocket_connect(url.replace("http://", "ws://") + "livereload")
    await socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await socket.read_message()
    await socket.write_message(json.dumps({"command": "info", "url": url}))
    original = article.read_text(encoding="utf-8")
    times = []
    try:
        for round_ in range(repeat):
            await asyncio.sleep(0.6)   # let the previous rebuild settle, as a writer between saves would
            edited = original.replace("\n---\n", f"\n---\nEdit number {round_}.\n\n", 1)
            started = time.perf_counter()
            article.write_text(edited, encoding="utf-8")
            while True:
                message = json.loads(await asyncio.wait_for(socket.read_message(), 30))
                if message.get("command") == "reload":
                    break
            times.append(time.perf_counter() - started)
    finally:
        article.write_text(original, encoding="utf-8")
        socket.close()
    return times


def main() -> int:
    """Run the preview on a copy of the content and print save-to-reload times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", required=True, type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="factsheet-reload-"))
    shutil.copytree(args.content, work / "content")
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--quiet",
               "--content", str(work / "content"), "--output", str(work / "output")]
    if args.config:
        command += ["--config", str(args.config)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        for line in server.stdout:
            if match := re.search(r"http://\S+/", line):
                url = match.group(0)
                break
        if url is None:
            print("the server did not start", file=sys.stderr)
            return 1
        article = sorted((work / "content" / "articles").rglob("*.md"))[0]
        times = asyncio.run(measure(url, article, args.repeat))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print("save-to-reload (s):", " ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s over {len(times)} saves")
    return 0


if __name__ == "__main__":
    sys.exit(main())

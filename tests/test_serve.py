"""`build.py serve` as a process: pages with live reload, errors shown in the page, host and path checks."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT
from generator.server import allowed_hosts, error_panel, host_allowed, inject, Preview
from serving import ReloadListener, ServeProcess


@pytest.fixture
def site(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "site", tmp_path / "site")
    return tmp_path / "site"


@pytest.fixture
def server(site, tmp_path):
    running = ServeProcess(site, tmp_path / "out")
    yield running
    running.stop()


def get(url: str, path: str, host: str | None = None) -> tuple[int, dict, str]:
    """A raw GET, the path sent exactly as given."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_serves_the_built_site_with_the_reload_script(server):
    status, headers, body = get(server.url, "/companies/acme/")
    page = BeautifulSoup(body, "html.parser")
    assert status == 200 and page.h1.get_text(strip=True) == "Acme Motors"
    port = urlsplit(server.url).port
    assert page.head.find("script", src=f"/livereload.js?port={port}")
    assert headers["Cache-Control"] == "no-store"
    assert get(server.url, "/livereload.js")[0] == 200
    assert server.wait_for(r"Serving .* at http://127\.0\.0\.1:\d+/")


def test_only_requests_for_the_bound_address_are_answered(server):
    port = urlsplit(server.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert get(server.url, "/", host)[0] == 200
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", ""):
        assert get(server.url, "/", host)[0] == 403, host
    assert get(server.url, "/livereload.js", f"rebind.example:{port}")[0] == 403


def test_nothing_outside_the_output_folder_or_hidden_in_it_is_served(server):
    for path in ("/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
                 "/.factsheet", "/.factsheet-staging/", "/companies/../../site.yaml"):
        status, _, body = get(server.url, path)
        assert status in (400, 403, 404), path
        assert "root:" not in body
    status, headers, body = get(server.url, "//evil.example/")
    page = BeautifulSoup(body, "html.parser")
    assert status == 404 and page.h1.get_text() == "Not found"
    assert page.find("link", rel="stylesheet")["href"] == "/static/style.css"   # from the root the preview serves
    status, headers, _ = get(server.url, "/companies")
    assert status == 302 and headers["Location"] == "/companies/"


def test_a_save_reloads_the_page_and_two_quick_saves_reload_it_twice(server, site):
    listener = ReloadListener(server.url)
    article = site / "content/articles/plant-deal.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("value: 300000", "value: 320000"), encoding="utf-8")
    listener.wait_for(1)
    assert "320,000 vehicles" in get(server.url, "/sites/acme-rivertown-plant/")[2]
    server.wait_for(r"Rebuilt in .* after plant-deal\.md changed: 1 files parsed")
    article.write_text(text.replace("value: 300000", "value: 330000"), encoding="utf-8")   # within livereload's 3 s
    listener.wait_for(2)
    assert "330,000 vehicles" in get(server.url, "/sites/acme-rivertown-plant/")[2]


def test_broken_content_is_shown_on_every_page_until_it_is_fixed(server, site):
    listener = ReloadListener(server.url)
    article = site / "content/articles/plant-deal.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("date: 2021-11-27\nsource", "date: <b>late 2021\nsource"), encoding="utf-8")
    listener.wait_for(1)
    server.wait_for(r"^1 error; the preview shows the last good build after plant-deal\.md changed", stream="err")
    assert any(line.startswith(f"{article}:3: ") and "<b>late 2021" in line for line in server.err)
    for path in ("/", "/companies/acme/", "/no/such/page/"):
        status, _, body = get(server.url, path)
        panel = BeautifulSoup(body, "html.parser").find(id="factsheet-errors")
        assert panel is not None and panel.get("role") == "alert", path
        assert panel.find("code").get_text().startswith(f"{article}:3: ")
        assert "<b>late 2021" in panel.find("code").get_text()   # shown as text, not markup
    status, _, body = get(server.url, "/companies/acme/")
    assert status == 200 and BeautifulSoup(body, "html.parser").h1.get_text(strip=True) == "Acme Motors"
    article.write_text(good, encoding="utf-8")
    listener.wait_for(2)
    assert BeautifulSoup(get(server.url, "/companies/acme/")[2], "html.parser").find(id="factsheet-errors") is None


def test_ctrl_c_stops_cleanly(server):
    assert server.interrupt() == 0
    server.wait_for(r"^Stopped\.")
    assert not any("Traceback" in line for line in server.err)


def test_a_port_in_use_is_a_clear_message(site, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                              "--content", str(site / "content"), "--output", str(tmp_path / "out")],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()


def test_allowed_hosts():
    loopback = allowed_hosts("127.0.0.1", 8000)
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"} <= loopback
    assert "example.org:8000" not in loopback
    preview = Preview("/tmp", allowed_hosts("0.0.0.0", 8000))
    assert host_allowed(preview, "192.168.1.20:8000", "0.0.0.0")
    assert not host_allowed(preview, "attacker.example:8000", "0.0.0.0")
    lan = Preview("/tmp", allowed_hosts("192.168.1.20", 8000))
    assert host_allowed(lan, "192.168.1.20:8000", "192.168.1.20")
    assert not host_allowed(lan, "localhost:8000", "192.168.1.20")


def test_error_panel_escapes_what_the_content_says():
    page = inject(b"<html><head></head><body class=x><p>page</p></body></html>",
                  ('a.md:1: bad "</code><script>alert(1)</script>"',), 8000)
    parsed = BeautifulSoup(page, "html.parser")
    assert parsed.body.contents[0].get("id") == "factsheet-errors"
    assert parsed.find_all("script") == [parsed.head.script]
    assert "<script>alert(1)</script>" in parsed.find("code").get_text()
    assert "1 error:" in error_panel(("x",))

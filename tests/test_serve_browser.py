"""The live preview in a real browser: a saved edit shows up without a manual reload, and so do errors."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from browser import chromium_page
from conftest import FIXTURES
from serving import ServeProcess


def test_the_open_page_follows_edits_errors_and_fixes(tmp_path):
    shutil.copytree(FIXTURES / "site", tmp_path / "site")
    article = tmp_path / "site/content/articles/plant-deal.md"
    good = article.read_text(encoding="utf-8")
    server = ServeProcess(tmp_path / "site", tmp_path / "out")
    try:
        with chromium_page() as page:
            page.goto(server.url + "companies/acme/")
            headcount = page.locator("main")
            expect(headcount).to_contain_text("over 500")
            page.wait_for_function("() => !!(window.LiveReload && window.LiveReload.connector"
                                   " && window.LiveReload.connector._isSocketConnected())", timeout=10000)
            page.evaluate("window.notReloadedYet = true")

            article.write_text(good.replace("value: over 500", "value: over 700"), encoding="utf-8")
            expect(headcount).to_contain_text("over 700", timeout=15000)
            assert page.evaluate("window.notReloadedYet === undefined")   # the page was reloaded, not edited in place

            article.write_text(good.replace("date: 2021-11-27\nsource", "date: sometime\nsource"), encoding="utf-8")
            panel = page.locator("#factsheet-errors")
            expect(panel).to_be_visible(timeout=15000)
            expect(panel).to_contain_text(f"{article}:3: ")
            expect(page.locator("h1")).to_have_text("Acme Motors")   # the last good page is still there

            article.write_text(good, encoding="utf-8")
            expect(panel).to_have_count(0, timeout=15000)
            expect(headcount).to_contain_text("over 500")
    finally:
        server.stop()

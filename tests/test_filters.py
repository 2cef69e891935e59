"""The theme's filters: `url` links from the page being rendered; `cached` and `cached_each` reuse a macro's HTML."""

from __future__ import annotations

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from conftest import FIXTURES, build_quietly, soup
from generator import filters
from generator.config import SiteConfig
from generator.templating import make_environment
from generator.views import Link

MACROS = ('{% from "macros.html" import link, link_item with context %}'
          '{{ one|cached(link) }}|{{ many|cached_each(link_item) }}')


def render(env: jinja2.Environment, source: str, **context) -> str:
    """A template string rendered in the theme's environment."""
    return env.from_string(source).render(**context)


def test_url_is_relative_to_each_page_and_adds_index_html():
    env = make_environment(SiteConfig())
    assert render(env, "{{ 'companies/acme/'|url }}", root="../../") == "../../companies/acme/index.html"
    assert render(env, "{{ 'companies/acme/'|url }}", root="") == "companies/acme/index.html"
    assert render(env, "{{ ''|url }}", root="") == "index.html"
    assert render(make_environment(SiteConfig(pretty_urls=True)), "{{ ''|url }}", root="") == "./"


def test_cached_html_is_the_macros_own_at_every_depth():
    env = make_environment(SiteConfig())
    acme, plain = Link("Acme & Sons", "companies/acme/"), Link("1 May 2024")
    for root in ("../../", "", "../../", "/repo/"):
        text = render(env, MACROS, root=root, one=acme, many=(acme, plain, acme))
        item = f'      <li><a href="{root}companies/acme/index.html">Acme &amp; Sons</a></li>\n'
        assert text == (f'<a href="{root}companies/acme/index.html">Acme &amp; Sons</a>|'
                        f'{item}      <li>1 May 2024</li>\n{item}')


def test_cached_tells_equal_items_apart_from_different_ones():
    env = make_environment(SiteConfig())
    first = render(env, MACROS, root="", one=Link("A", "companies/a/"), many=())
    second = render(env, MACROS, root="", one=Link("B", "companies/a/"), many=())
    again = render(env, MACROS, root="", one=Link("A", "companies/a/"), many=())
    assert first != second
    assert first == again


def test_cached_needs_a_macro():
    env = make_environment(SiteConfig())
    with pytest.raises(jinja2.TemplateRuntimeError, match="not a macro"):
        render(env, "{{ 1|cached(nav) }}", root="")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture site, built once for this module."""
    return build_quietly(FIXTURES / "site", tmp_path_factory.mktemp("site") / "output")


@pytest.mark.parametrize("path, current, up", [
    ("index.html", None, ""), ("companies/index.html", "Companies", "../"),
    ("companies/acme/index.html", "Companies", "../../"), ("articles/plant-deal/index.html", "Articles", "../../"),
    ("tags/manufacturing/index.html", "Tags", "../../"), ("events/index.html", "Events", "../")])
def test_cached_header_and_footer_fit_each_page(built, path, current, up):
    page = soup(built / path)
    marked = [a.get_text() for a in page.select("header.site-header nav a[aria-current]")]
    assert marked == ([current] if current else [])
    assert page.select_one("header.site-header a.site-title")["href"] == f"{up}index.html"
    assert [a["href"] for a in page.select("footer.site-footer a")] == [f"{up}data/facts.csv", f"{up}feed.xml"]


def test_memo_tables_let_everything_go_when_full_and_still_give_each_value(monkeypatch):
    monkeypatch.setattr(filters, "MAX_REMEMBERED", 3)
    tables = filters._Tables()
    given = [tables.add(tables.table(key), item, f"{key}{item}") for key, item in
             (("a", 1), ("a", 2), ("b", 1), ("b", 2), ("a", 3))]
    assert given == ["a1", "a2", "b1", "b2", "a3"]
    assert tables.size == 1 and tables.tables == {"a": {3: "a3"}}   # the fourth found them full: all let go


class Html:
    """An object with its own HTML, as Markup and other safe values are."""

    def __html__(self) -> str:
        return "<em>safe</em>"


@pytest.mark.parametrize("value", ["plain", "<b>\"Acme\" & 'Sons'</b>", "", "北京 <", 42, 1.5, None,
                                   Markup("<i>kept</i>"), Html(), type("Text", (str,), {})("<sub>")])
def test_escape_output_writes_what_markupsafe_escape_writes(value):
    from generator.templating import escape_output
    assert escape_output(value) == str(markupsafe.escape(value))


def test_templates_write_values_through_escape_output_and_still_escape(tmp_path):
    """Made afresh or loaded from the compiled templates' folder, a template escapes as Jinja2's own."""
    from generator.templating import escape_output
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "page.html").write_text("{% macro m(v) %}[{{ v }}]{% endmacro %}{{ text }}|{{ html }}|{{ m(text) }}")
    config = SiteConfig(templates=tmp_path / "theme")
    for _ in range(2):   # the second environment reads the compiled template back
        env = make_environment(config, tmp_path / "compiled")
        template = env.get_template("page.html")
        assert template.root_render_func.__globals__["escape"] is escape_output
        assert template.render(text="<a href='x'>&</a>", html=Markup("<b>ok</b>")) == \
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|<b>ok</b>|[&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;]"
    assert list((tmp_path / "compiled").glob("*.cache"))

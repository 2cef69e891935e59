"""Templates: the build's Jinja2 environment, one page through its template, and the theme's static files."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import jinja2
import jinja2.bccache
import markupsafe
from jinja2 import meta

from .cachestore import text_digest
from .config import SiteConfig
from .errors import ContentError
from .filters import add_filters
from .pages import Page
from .theme import DEFAULT_THEME
from .urls import ARTICLES, DATA, FEED, PAGEFIND, SEARCH, SEARCH_SCRIPT, STYLESHEET, TAGS, index_path

NAV = (("Companies", index_path("company")), ("Sites", index_path("site")), ("People", index_path("person")),
       ("Events", index_path("event")), ("Articles", ARTICLES), ("Tags", TAGS))


def make_environment(config: SiteConfig, compiled: Path | None = None) -> jinja2.Environment:
    """Jinja2 with autoescape and StrictUndefined; the site's own templates override the theme's. Templates
    compiled once are kept in the folder `compiled` (in the build cache), if given, for the next build."""
    folders = [str(config.templates)] if config.templates else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(DEFAULT_THEME)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False, cache_size=-1,   # a changed template means a new environment
        bytecode_cache=_CompiledTemplates(compiled) if compiled else None)
    env.template_class = _Template
    env.globals.update(nav=NAV, search_page=SEARCH, site_feed=FEED, facts_csv=f"{DATA}facts.csv",
                       search_script=SEARCH_SCRIPT, pagefind=PAGEFIND)
    add_filters(env, config.pretty_urls)
    return env


def escape_output(value: object) -> str:
    """What `{{ value }}` writes under autoescape, as `markupsafe.escape` would, but a plain string for a plain
    string, and a `Markup` (a macro's HTML) as it is: the page joins it at once, and making a `Markup` of each
    value was a tenth of rendering."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is markupsafe.Markup:
        return value
    return markupsafe.escape(value)


try:
    from markupsafe._speedups import _escape_inner   # MarkupSafe's C escaping of a plain string
except ImportError:   # a MarkupSafe without its C speedups, or another version
    def _escape_inner(text: str) -> str:
        return str(markupsafe.escape(text))


class _Template(jinja2.Template):
    """A template whose output uses `escape_output`: Jinja2 compiles `escape(...)` only around what a
    template writes out, and a template's functions (root, blocks, macros) share one namespace."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):   # noqa: A002 (Jinja2's own names)
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_output
        return template


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja2's compiled templates kept in a folder, by template and source checksum; a folder that cannot
    be made or written only costs compiling again."""

    def __init__(self, folder: Path) -> None:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def referenced(self, env: jinja2.Environment, name: str, source: str) -> list[str | None]:
        """`referenced_templates`, kept in the folder by template name with the source's checksum (parsing
        the source is most of its cost)."""
        path = Path(self.directory) / f"refs-{text_digest(name)}.json"
        checksum = text_digest(source)
        with contextlib.suppress(OSError, ValueError):
            known = json.loads(path.read_bytes())
            if isinstance(known, list) and known[:1] == [checksum] and \
                    all(used is None or isinstance(used, str) for used in known[1:]):
                return known[1:]
        used = list(meta.find_referenced_templates(env.parse(source)))
        with contextlib.suppress(OSError):
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_text(json.dumps([checksum, *used]))
            os.replace(partial, path)
        return used


def referenced_templates(env: jinja2.Environment, name: str, source: str) -> list[str | None]:
    """The names of the templates that template `name`, of this source, extends, includes or imports
    (None: one chosen when it is rendered); raises jinja2.TemplateError if it does not parse."""
    if isinstance(env.bytecode_cache, _CompiledTemplates):
        return env.bytecode_cache.referenced(env, name, source)
    return list(meta.find_referenced_templates(env.parse(source)))


def render_page(env: jinja2.Environment, page: Page, config: SiteConfig, context: dict) -> bytes:
    """One page through its template, with its context and web extras (`root`, the prefix of its links).

    Every template also gets `site`, `stylesheet`, `here` (the page's path) and `section` (the path of the
    navigation entry it is under, or "").
    """
    section = next((path for _, path in NAV if page.path.startswith(path)), "")   # the part of the site it is in
    try:
        text = env.get_template(page.template).render(context, site=config, stylesheet=STYLESHEET, here=page.path,
                                                      section=section)
    except jinja2.TemplateError as error:
        raise template_error(error, page.template) from None
    return text.encode("utf-8")


def template_error(error: jinja2.TemplateError, template: str) -> ContentError:
    """A template problem as `path:line: message`, located in the template where possible."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return ContentError(error.filename or template, error.lineno, f"template error: {error.message}")
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    for frame in reversed(frames):
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            return ContentError(filename, frame.tb_lineno, f"template error: {error}")
    return ContentError(template, 1, f"template error: {error}")


def static_files(config: SiteConfig) -> dict[str, bytes]:
    """The theme's static/ files (the stylesheet), overridden file by file by the site's own."""
    files: dict[str, bytes] = {}
    for theme in (DEFAULT_THEME, config.templates):
        folder = theme / "static" if theme else None
        if folder and folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
                files["static/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return files

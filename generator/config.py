"""site.yaml: the site's title and settings; every key optional."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Problems
from .fields import FieldReader
from .frontmatter import load_meta

CONFIG_KEYS = ("title", "base_url", "language", "description", "author", "allow_html", "templates", "pretty_urls")
NO_BASE_URL = ("no base_url: sitemap.xml, canonical links and absolute URLs in feeds and structured data "
               "are left out; set base_url to the published address, e.g. https://example.org/factsheet/")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Settings from site.yaml."""

    title: str = "Factsheet"
    base_url: str = ""              # absolute URL of the published site; optional
    language: str = "en"
    description: str = ""
    author: str = ""
    allow_html: bool = False        # pass raw HTML in Markdown through (trusted content only)
    templates: Path | None = None   # a folder of templates that override the default theme
    pretty_urls: bool = False       # links end in the folder (`companies/x/`), not `index.html`


def load_config(path: Path, required: bool) -> tuple[SiteConfig, Problems]:
    """Read site.yaml; a missing file gives the defaults unless it was asked for by name."""
    problems = Problems()
    if not path.is_file():
        if required:
            problems.error(str(path), 1, "config file not found")
        problems.warn(str(path), 1, NO_BASE_URL, "no-base-url")
        return SiteConfig(), problems
    try:
        meta = load_meta(str(path), path.read_text(encoding="utf-8"), what="site.yaml", problems=problems)
    except ContentError as error:
        problems.errors.append(error)
        return SiteConfig(), problems
    except (UnicodeDecodeError, OSError) as error:
        problems.error(str(path), 1, f"cannot read config: {error}")
        return SiteConfig(), problems
    read = FieldReader(str(path), meta, problems)
    read.check_keys(CONFIG_KEYS, "site.yaml")
    templates = read.text("templates")
    defaults = SiteConfig()
    base_url = _base_url(read)
    if not base_url:
        problems.warn(str(path), meta.key_lines.get("base_url", 1), NO_BASE_URL, "no-base-url")
    return SiteConfig(
        title=read.text("title") or defaults.title, base_url=base_url,
        language=read.text("language") or defaults.language, description=read.text("description") or "",
        author=read.text("author") or "", allow_html=read.choice("allow_html", ("true", "false"), "false") == "true",
        templates=(path.parent / templates) if templates else None,
        pretty_urls=read.choice("pretty_urls", ("true", "false"), "false") == "true",
    ), problems


def _base_url(read: FieldReader) -> str:
    """base_url as an absolute http(s) address ending in '/'; '' when missing or unusable."""
    url = read.url("base_url") or ""
    parts = urlsplit(url)
    if url and not parts.scheme:
        read.error("base_url", f"'base_url' must be an absolute http(s) URL such as https://example.org/; got '{url}'")
        return ""
    if parts.query or parts.fragment:
        read.error("base_url", f"'base_url' must not have a ?query or #fragment; got '{url}'")
        return ""
    return url if not url or url.endswith("/") else url + "/"

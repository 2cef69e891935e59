"""The same articles for Hugo and Pelican, so that their builds can be timed against ours.

Hugo gets tags, companies, sites, people and events as taxonomies (a page per term, like our
fact sheets, but without facts; sites are called `places` there); Pelican, which has no custom taxonomies, gets tags and the
article's main company as its category. Both render each article, list pages and term pages.
"""

from __future__ import annotations

import json

HUGO_CONFIG = """\
baseURL = "/"
title = "Benchmark corpus"
disableKinds = ["rss", "sitemap", "robotstxt", "404"]
[taxonomies]
  tag = "tags"
  company = "companies"
  place = "places"
  person = "people"
  event = "events"
[permalinks.page]
  articles = "/articles/:slug/"
"""

_HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range $name, $terms := site.Taxonomies }}<a href="{{ printf "/%s/" $name | relURL }}">{{ $name }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range first 10 site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}</li>{{ end }}</ul>
<p>{{ len site.RegularPages }} articles</p>{{ end }}
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}</p>
{{ .Content }}
{{ range $taxonomy, $_ := site.Taxonomies }}{{ with $.GetTerms $taxonomy }}<h2>{{ $taxonomy }}</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}{{ end }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }} {{ .Summary | plainify | truncate 120 }}</li>{{ end }}</ul>{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}</li>{{ end }}</ul>{{ end }}
""",
}

PELICAN_CONFIG = """\
AUTHOR = "Staff reporter"
SITENAME = "Benchmark corpus"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
RELATIVE_URLS = True
"""

# Hugo reads a `sites` key in front matter itself, so sites become the taxonomy `places`.
TAXONOMIES = (("companies", "companies"), ("sites", "places"), ("people", "people"))


def _names(story, key: str) -> list[str]:
    return [thing.name for thing in story.named.get(key, [])]


def _events(story) -> list[str]:
    return list(dict.fromkeys(e["name"] if isinstance(e, dict) else e for e in story.events))


def hugo_files(stories) -> dict[str, str]:
    """DIR/hugo: config, minimal layouts and one page bundle-less Markdown file per article."""
    files = {"hugo/hugo.toml": HUGO_CONFIG, "hugo/static/style.css": "body{max-width:40em;margin:auto}\n"}
    files.update((f"hugo/layouts/{name}", text) for name, text in _HUGO_LAYOUTS.items())
    for story in stories:
        meta = {"title": story.title, "date": story.date.isoformat(), "slug": story.slug,
                "summary": story.summary, "tags": story.tags,
                **{name: _names(story, key) for key, name in TAXONOMIES}, "events": _events(story)}
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
        files[f"hugo/content/articles/{story.date:%Y}/{story.slug}.md"] = f"---\n{front}\n---\n{story.body}"
    return files


def pelican_files(stories) -> dict[str, str]:
    """DIR/pelican: pelicanconf.py and Markdown with Pelican's metadata lines."""
    files = {"pelican/pelicanconf.py": PELICAN_CONFIG}
    for story in stories:
        owner = story.facility.traits["owner"].name
        meta = [f"Title: {story.title}", f"Date: {story.date.isoformat()}", f"Slug: {story.slug}",
                f"Category: {owner}", f"Tags: {', '.join(t.replace(',', ' ') for t in story.tags)}"]
        if story.summary:
            meta.append(f"Summary: {story.summary}")
        files[f"pelican/content/{story.date:%Y}/{story.slug}.md"] = "\n".join(meta) + "\n\n" + story.body
    return files

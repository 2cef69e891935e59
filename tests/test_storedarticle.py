"""Articles read back from the parse cache (storedarticle.py): the same as the article that was
parsed, and only the fields an edit's pages use are unpickled."""

from __future__ import annotations

import copyreg
import io
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.inputs import digest
from generator.markdown import make_markdown
from generator.parse import parse_file
from generator.records import Article
from generator.sources import Source
from generator.storedarticle import CACHE_REDUCERS, REST, StoredArticle

DEMO = Path(__file__).resolve().parent.parent / "content"
EDITED = "articles/xiaomi-auto-yizhuang-factory.md"


def parsed_article() -> Article:
    """One demo article, parsed."""
    path = DEMO / EDITED
    source = Source(str(path), EDITED, "article", path.read_text(encoding="utf-8"))
    return parse_file(source, make_markdown(False)).record


def as_cached(value):
    """`value` pickled as the parse cache pickles it, and read back."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **CACHE_REDUCERS}
    pickler.dump(value)
    return pickle.loads(buffer.getvalue())


def unloaded(article: StoredArticle) -> list[str]:
    """The fields not unpickled yet (looked at without loading them)."""
    missing = []
    for name in REST:
        try:
            object.__getattribute__(article, name)
        except AttributeError:
            missing.append(name)
    return missing


def test_a_stored_article_is_the_article_it_stands_for():
    article = parsed_article()
    stored = as_cached(article)
    assert type(stored) is StoredArticle and unloaded(stored) == list(REST)
    assert stored.title == article.title and unloaded(stored) == list(REST)   # the head needs no unpickling
    assert stored == article and article == stored and hash(stored) == hash(article)
    assert unloaded(stored) == []
    assert digest(as_cached(article)) == digest(article)   # the page digests cannot tell them apart
    again = pickle.loads(pickle.dumps(as_cached(article)))   # as sent to a worker
    assert type(again) is Article and again == article
    assert replace(stored, facts=()) == replace(article, facts=())
    assert stored != replace(article, title="Another title")


def test_a_stored_article_is_stored_again_without_unpickling(monkeypatch):
    stored = as_cached(parsed_article())
    loaded = []
    load = StoredArticle.__getattr__
    monkeypatch.setattr(StoredArticle, "__getattr__", lambda self, name: loaded.append(name) or load(self, name))
    twice = as_cached([stored])[0]
    assert loaded == [] and unloaded(stored) == unloaded(twice) == list(REST)
    assert object.__getattribute__(twice, "_rest") == object.__getattribute__(stored, "_rest")
    assert twice == parsed_article() and loaded


def test_an_edit_unpickles_only_the_edited_article(tmp_path, monkeypatch):
    shutil.copytree(DEMO, tmp_path / "content")
    options = BuildOptions(tmp_path / "content", tmp_path / "out", tmp_path / "site.yaml", cache=tmp_path / "cache")
    build_site(options)
    path = tmp_path / "content" / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("value: 300000", "value: 300001", 1), encoding="utf-8")
    loaded = []
    load = StoredArticle.__getattr__
    monkeypatch.setattr(StoredArticle, "__getattr__", lambda self, name: loaded.append(self.path) or load(self, name))
    result = build_site(options)
    assert result.report.written > 0 and set(loaded) == {str(path)}   # its old record, to see what changed
    monkeypatch.undo()
    build_site(BuildOptions(tmp_path / "content", tmp_path / "clean", tmp_path / "site.yaml"))
    assert files(tmp_path / "out") == files(tmp_path / "clean")


@pytest.mark.parametrize("label", ["Annual capacity", "Factory workforce"])
def test_an_edit_that_changes_a_label_still_equals_a_clean_build(tmp_path, label):
    shutil.copytree(DEMO, tmp_path / "content")
    options = BuildOptions(tmp_path / "content", tmp_path / "out", tmp_path / "site.yaml", cache=tmp_path / "cache")
    build_site(options)
    path = tmp_path / "content" / EDITED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("property: annual capacity", f"property: {label}", 1), encoding="utf-8")
    build_site(options)
    build_site(BuildOptions(tmp_path / "content", tmp_path / "clean", tmp_path / "site.yaml"))
    assert files(tmp_path / "out") == files(tmp_path / "clean")


def files(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_articles_of_one_day_share_one_date_once_read_back():
    from generator.dates import PartialDate
    article = parsed_article()
    same_day = [replace(article, slug=f"copy-{n}", date=PartialDate(2024, 5, 19)) for n in range(3)]
    other = replace(article, slug="other", date=PartialDate(2024, 5, 20))
    stored = as_cached([*same_day, other])
    assert [a.date for a in stored] == [a.date for a in (*same_day, other)]
    assert len({id(a.date) for a in stored[:3]}) == 1 and stored[3].date is not stored[0].date

"""Articles as the parse cache keeps them: what lists and links show at once, the rest when first read.

An edit from the command line takes every article's parse back from the cache, but reads the
names, events, facts and body of only a few: the edited ones and those the touched pages show
in full. So the cache pickles an article as its head (the fields list items and links read:
path, slug, title, date, summary, source; and the digest that page inputs take) and the rest as
bytes, and reads it back as a `StoredArticle`: an `Article` whose other fields are unpickled the
first time one of them is read. It is equal to, hashes as, and pickles (for digests and worker
processes) as the `Article` it stands for, so no other code needs to tell the two apart.
"""

from __future__ import annotations

import copyreg
import pickle
from dataclasses import fields
from typing import Any, Callable

from .records import Article

FIELDS = tuple(f.name for f in fields(Article))
HEAD = ("path", "slug", "slug_line", "title", "date", "summary", "source", "digest")   # read back at once
REST = tuple(name for name in FIELDS if name not in HEAD)                      # read back when first used


class StoredArticle(Article):
    """An article read back from the parse cache; the fields in REST are unpickled when one is first read."""

    __slots__ = ("_rest",)   # the pickled values of REST, kept to be saved again without unpickling

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not set yet: unpickle them all, then answer."""
        if name not in REST:
            raise AttributeError(name)
        for field, value in zip(REST, pickle.loads(object.__getattribute__(self, "_rest"))):
            object.__setattr__(self, field, value)
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        """Equal to an article (stored or not) with the same field values."""
        if not isinstance(other, Article):
            return NotImplemented
        return _values(self) == _values(other)

    __hash__ = Article.__hash__


def _values(article: Article) -> tuple:
    return tuple([getattr(article, name) for name in FIELDS])


def _as_article(article: StoredArticle) -> tuple:
    """Pickled as the `Article` it stands for (as pickling.py pickles one): digests of equal articles are equal."""
    reduce = copyreg.dispatch_table.get(Article)
    return reduce(article) if reduce is not None else (Article, _values(article))


copyreg.pickle(StoredArticle, _as_article)


def _restore(head: tuple, rest: bytes) -> StoredArticle:
    """An article from the parse cache: its head set now, the rest kept as bytes."""
    article = object.__new__(StoredArticle)
    for set_slot, value in zip(_SLOT_SETTERS, (*head, rest)):   # the slots' own setters: half the time of setattr
        set_slot(article, value)
    return article


_SLOT_SETTERS = (*(Article.__dict__[name].__set__ for name in HEAD), StoredArticle.__dict__["_rest"].__set__)


def _stored_form(article: Article) -> tuple[Callable, tuple]:
    """How the parse cache pickles an article: its head, and the rest as bytes (reused if it was read back so)."""
    rest = getattr(article, "_rest", None)
    if rest is None:
        rest = pickle.dumps(tuple([getattr(article, name) for name in REST]), protocol=pickle.HIGHEST_PROTOCOL)
    head = [getattr(article, name) for name in HEAD]
    head[_DATE] = _DATES.setdefault(head[_DATE], head[_DATE])   # one object per day: pickled once, read back once
    return _restore, (tuple(head), rest)


_DATE = HEAD.index("date")
_DATES: dict = {}   # each date the parse cache was saved with, once (a few thousand days at most)


CACHE_REDUCERS = {Article: _stored_form, StoredArticle: _stored_form}   # for cachestore.save of the parse files

"""The officials' alias table used to expand a name typed in one script to every spelling.

Loaded once per process and dropped whenever an official or an alias is saved or deleted here;
other processes pick up a change after at most `MAX_AGE` seconds.
"""

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive.models import Official, OfficialAlias
from archive.search.analysis import fold_token, words

MAX_AGE = 60.0


@dataclass(frozen=True)
class AliasTable:
    by_words: dict  # tuple of folded words -> frozenset of official slugs
    spellings: dict  # slug -> tuple of word tuples (lowercased, diacritics kept), one per alias
    longest: int  # the most words any alias has


def folded_words(text):
    return tuple(fold_token(w) for w, _, _ in words(text))


def _load():
    by_words, spellings = {}, {}
    for slug, name in OfficialAlias.objects.values_list("official__slug", "name").order_by("official__slug", "name"):
        key = folded_words(name)
        if key:
            by_words.setdefault(key, set()).add(slug)
            spellings.setdefault(slug, []).append(tuple(w for w, _, _ in words(name)))
    for slug, name in Official.objects.values_list("slug", "name"):
        key = folded_words(name)
        if key and slug not in by_words.get(key, ()):
            by_words.setdefault(key, set()).add(slug)
            spellings.setdefault(slug, []).append(tuple(w for w, _, _ in words(name)))
    return AliasTable(
        by_words={k: frozenset(v) for k, v in by_words.items()},
        spellings={k: tuple(dict.fromkeys(v)) for k, v in spellings.items()},
        longest=max((len(k) for k in by_words), default=0),
    )


_lock = threading.Lock()
_cached = {"table": None, "loaded": 0.0}


def table():
    with _lock:
        if _cached["table"] is None or time.monotonic() - _cached["loaded"] > MAX_AGE:
            _cached["table"] = _load()
            _cached["loaded"] = time.monotonic()
        return _cached["table"]


def invalidate(**kwargs):
    with _lock:
        _cached["table"] = None


for _model in (Official, OfficialAlias):
    receiver(post_save, sender=_model, dispatch_uid=f"search-aliases-save-{_model.__name__}")(invalidate)
    receiver(post_delete, sender=_model, dispatch_uid=f"search-aliases-delete-{_model.__name__}")(invalidate)

"""Small factories: just enough fields to make valid, published articles."""

import datetime
import hashlib
import itertools

from django.utils.text import slugify

from archive.models import Article, Official, Status, Story, Topic

_counter = itertools.count(1)


def make_story(**fields):
    return Story.objects.create(**fields)


def make_article(*, story=None, officials=(), topics=(), **fields):
    n = next(_counter)
    title = fields.pop("title", f"Article number {n}")
    body = fields.pop("body", f"<p>Body of article {n}.</p>")
    defaults = {
        "story": story or make_story(),
        "language": "en",
        "title": title,
        "slug": f"{slugify(title)[:180]}-{n}",
        "body": body,
        "lead": "",
        "published": datetime.date(2024, 1, 12),
        "status": Status.PUBLISHED,
        "content_hash": hashlib.sha256(f"{n}:{title}:{body}".encode()).hexdigest(),
    }
    defaults.update(fields)
    article = Article.objects.create(**defaults)
    if officials:
        article.officials.set([o if isinstance(o, Official) else Official.objects.get(slug=o) for o in officials])
    if topics:
        article.topics.set([t if isinstance(t, Topic) else Topic.objects.get(slug=t) for t in topics])
    return article

"""CSV export of a search: every article it matches, one row each, streamed, for spreadsheets and pandas.

The search is validated and counted by query.run(), as for the page and the API, so the export's article
count is theirs. The rows come from the engine contract (engine.py): the engine answers with one entry per
story, and a story holds at most one article per language, so asking once per language yields every
matching article, and once more without a language filter yields the stories' order. Rows follow the
search's order: stories as ranked, each story's best-ranked article first, then its other matching variants.

At most MAX_ROWS rows are written; the response says when the export was cut (headers). Cells that a
spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) are quoted with a
leading apostrophe.
"""

import csv
import datetime
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.translation import get_language

from archive.models import Article, Language, Topic
from archive.search import aliases, indexing, parse, query, registry
from archive.search.engine import EngineRequest

MAX_ROWS = 10_000
COLUMNS = ("id", "url", "title", "language", "published", "source", "officials", "topics", "story")
CHUNK = 500  # stories read from the database at a time
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Export:
    count: int  # articles the search matches (the API's `count`)
    rows: int  # rows the export will write: min(count, MAX_ROWS)
    ranked: list  # article pks, one per story, in the search's order
    matched: set  # pks of every matching article (within the cap)

    @property
    def truncated(self):
        return self.count > self.rows


def url(result):
    """The export's address for a search result: its words, filters and order, any page."""
    querystring = result.querystring(page=None)
    return reverse("archive:search_csv") + (f"?{querystring}" if querystring else "")


def guard(value):
    """A cell as text, quoted when a spreadsheet would take it for a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def prepare(params):
    """The search of `params` (as the search page and the API take them), ready to stream."""
    result = query.run(params)
    hidden = frozenset(indexing.hidden_articles())
    request = _engine_request(result, hidden)
    engine = indexing.backend()
    ranked = engine.find(request).articles
    matched = set()
    for language in result.filters.get("language") or Language.values:
        only = {**request.filters, "language": [language]}
        matched.update(engine.find(replace(request, filters=only)).articles)
    return Export(count=result.count, rows=min(result.count, MAX_ROWS), ranked=ranked, matched=matched)


def _engine_request(result, hidden):
    """The engine request of run()'s search, for every result at once."""
    table = aliases.table() if result.q else None
    parsed = parse.expand_aliases(parse.parse(result.q), table) if result.q else parse.Parsed()
    dates = {
        name: datetime.date.fromisoformat(values[0])
        for name, values in result.filters.items()
        if name in ("from", "to")
    }
    return EngineRequest(
        parsed=parsed,
        aliases=table,
        filters=registry.to_index(result.filters),
        start=dates["from"].toordinal() if "from" in dates else None,
        end=dates["to"].toordinal() if "to" in dates else None,
        sort=result.sort,
        offset=0,
        limit=MAX_ROWS,
        hidden=hidden,
    )


def _ordinal(values):
    return datetime.date.fromisoformat(values[0]).toordinal() if values else None


class _Line:
    """A file-like object that hands back what csv.writer writes, one line at a time."""

    def write(self, value):
        return value


def lines(export, absolute_url):
    """The CSV text, line by line: a header, then one row per matching article, at most `export.rows`."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    # Plain values, not model instances: building and prefetching thousands of them cost most of the time.
    head, tail = absolute_url(reverse("archive:article", args=[_SLUG])).split(_SLUG)
    lang = (get_language() or "en")[:2]
    topics = {topic.pk: topic.name(lang) for topic in Topic.objects.all()}  # a few dozen
    written = 0
    for start in range(0, len(export.ranked), CHUNK):
        for row in _rows(export, export.ranked[start : start + CHUNK], topics):
            if written >= export.rows:
                return
            written += 1
            row[1] = f"{head}{row[1]}{tail}"
            yield writer.writerow(row)


_SLUG = "article-slug"
FIELDS = ("pk", "slug", "title", "language", "published", "source_name", "story_id")


def _rows(export, representatives, topic_names):
    """The rows of the matching published articles of these stories, in order: each story's representative,
    then its other matching variants by language. The URL column holds the slug."""
    story_of = dict(Article.objects.filter(pk__in=representatives).values_list("pk", "story_id"))
    articles = (
        Article.objects.published()
        .filter(story_id__in=set(story_of.values()))
        .order_by("language")
        .values_list(*FIELDS)
    )
    by_story = {}
    for article in articles:
        if article[0] in export.matched or article[0] in story_of:
            by_story.setdefault(article[6], []).append(article)
    ids = [article[0] for group in by_story.values() for article in group]
    officials, topics = _tags(ids, topic_names)
    for pk in representatives:
        for article in sorted(by_story.get(story_of.get(pk), []), key=lambda article: article[0] != pk):
            article_id, slug, title, language, published, source, story = article
            yield [
                article_id,
                slug,
                guard(title),
                language,
                published.isoformat(),
                guard(source),
                guard("; ".join(officials.get(article_id, []))),
                guard("; ".join(topics.get(article_id, []))),
                story,
            ]


def _tags(ids, topic_names):
    """{article id: [official names]} and {article id: [topic names]}, one query each."""
    officials, topics = {}, {}
    for article_id, name in (
        Article.officials.through.objects.filter(article_id__in=ids)
        .order_by("official__name")
        .values_list("article_id", "official__name")
    ):
        officials.setdefault(article_id, []).append(name)
    for article_id, topic_id in (
        Article.topics.through.objects.filter(article_id__in=ids)
        .order_by("topic_id")
        .values_list("article_id", "topic_id")
    ):
        topics.setdefault(article_id, []).append(topic_names[topic_id])
    return officials, topics

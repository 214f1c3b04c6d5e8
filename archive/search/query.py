"""Params -> validated filters -> query -> hits by story + facets. Every listing page, feed and the API
call `run()`; its contract is in the module docstring of each piece it uses and in SearchResult.

Counting and paging rule: `count` is the number of articles matched; the hit list has one entry per
story (its best-ranked matching variant, which is in a chosen language when languages are chosen),
and `pages` pages through those entries, PAGE_SIZE per page.
"""

import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from archive.models import Article
from archive.search import aliases, highlight, indexing, parse, registry, suggest
from archive.search.analysis import plain_text
from archive.search.engine import EngineRequest
from archive.search.forms import SearchForm
from archive.search.indexing import backend

PAGE_SIZE = 20
# Server time one search may spend before it drops what only refines the answer (the order by words typed
# together, "did you mean"); counts and matches are always whole.
BUDGET_SECONDS = 0.8
SNIPPET_WINDOW = 4000  # characters of lead and body searched for the snippet


def order():
    """The parameters of a link, in the order it carries them."""
    return ("q", *registry.names(), "from", "to", "sort", "page")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    only: str = ""  # query string with this facet set to exactly this value (what the count counts)
    toggle: str = ""  # query string with this value added to or removed from the selection
    share: float = 0.0  # count relative to the largest count of the facet (for bars)

    @property
    def percent(self):
        return round(self.share * 100, 1)


@dataclass
class FacetGroup:
    """One facet of a result, for the sidebar: its values with the facet's name for readers."""

    name: str
    label: str
    values: list


@dataclass
class Chip:
    label: str
    remove: str  # query string without this filter


@dataclass
class PageLink:
    number: int
    querystring: str
    current: bool


@dataclass
class Hit:
    article: Article
    variants: list
    title_html: str
    snippet_html: str


@dataclass
class SearchResult:
    q: str = ""
    count: int = 0
    page: int = 1
    pages: int = 1
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    suggestion: str | None = None
    notices: list = field(default_factory=list)
    limited: bool = False  # the query was cut to parse.MAX_WORDS, or ranked more simply to answer in time
    # What the caps on a search's work left out: shown with the notices, but no problem with the search itself
    # (an alert can follow it).
    limits: list = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    sort: str = "newest"
    base: dict = field(default_factory=dict)
    chips: list = field(default_factory=list)

    def params(self, **changes):
        """The normalized parameters of this search with `changes` applied (None removes a key).

        Any change other than `page` returns to the first page.
        """
        params = {"q": [self.q] if self.q else []}
        params.update({name: list(values) for name, values in self.filters.items()})
        params["sort"] = [self.sort] if self.sort != default_sort(self.q) else []
        params["page"] = [str(self.page)] if self.page > 1 else []
        if changes and "page" not in changes:
            params["page"] = []
        for name, value in changes.items():
            if value is None or value == "" or value == []:
                params[name] = []
            elif isinstance(value, list | tuple):
                params[name] = [str(v) for v in value]
            else:
                params[name] = [str(value)]
        if params.get("page") == ["1"]:
            params["page"] = []
        if params.get("sort") == [default_sort(params["q"][0] if params.get("q") else "")]:
            params["sort"] = []
        return {name: sorted_values(name, params[name]) for name in order() if params.get(name)}

    def querystring(self, **changes):
        """A stable URL query string (without `?`) for this search with `changes`."""
        return urlencode(self.params(**changes), doseq=True)

    @property
    def messages(self):
        return [*self.notices, *self.limits]

    @property
    def has_filters(self):
        return any(self.filters.values())

    @property
    def page_links(self):
        """Links to the first, last and nearby pages; None marks a gap."""
        numbers = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        links, previous = [], 0
        for number in numbers:
            if number - previous > 1:
                links.append(None)
            links.append(PageLink(number, self.querystring(page=number), number == self.page))
            previous = number
        return links

    @property
    def previous_page(self):
        return self.querystring(page=self.page - 1) if 1 < self.page <= self.pages else None

    @property
    def next_page(self):
        return self.querystring(page=self.page + 1) if self.page < self.pages else None

    @property
    def suggestion_querystring(self):
        return self.querystring(q=self.suggestion) if self.suggestion else ""

    @property
    def facet_groups(self):
        return [FacetGroup(f.name, f.label, self.facets[f.name]) for f in registry.facets() if f.name in self.facets]


def default_sort(q):
    return "relevance" if q else "newest"


def sorted_values(name, values):
    return registry.get(name).url_order(values) if name in registry.names() else values


def run(params, base=None):
    """Run a search. `params`: request.GET or a dict of lists; `base`: fixed filters of a listing page."""
    deadline = time.monotonic() + BUDGET_SECONDS
    result, data = _result(params, base)
    table = aliases.table() if result.q else None
    parsed = _parsed(result, table)
    engine = backend()
    found = engine.find(_request(result, data, parsed, table, deadline))
    if found.limited:
        result.limited = True
        result.limits.append(_("This search took long: its results are ranked more simply than usual."))
    result.count = found.count
    result.facets = _facet_values(result, found.facets)
    result.chips = _chips(result)
    result.pages = max(1, math.ceil(found.groups / PAGE_SIZE))
    if result.page > result.pages:
        result.notices.append(
            _("There is no page %(page)d: this search has %(pages)d.") % {"page": result.page, "pages": result.pages}
        )
    marker = highlight.Marker(parsed.marked(table)) if parsed.required else highlight.Marker([])
    result.hits = _hits(found.articles if result.page <= result.pages else [], marker)
    if result.q and result.count < suggest.FEW_HITS and time.monotonic() < deadline:
        result.suggestion = engine.suggest(result.q, deadline)
    return result


def _result(params, base):
    """(the SearchResult of the validated parameters, before searching; the validated data)."""
    data, notices = SearchForm(params).validated()
    names = registry.names()
    base = {name: list(values) for name, values in (base or {}).items() if name in names and values}
    result = SearchResult(q=data["q"], notices=notices, page=data["page"], base=base)
    result.filters = {name: data[name] for name in names if data[name]}
    for name in ("from", "to"):
        if data[name]:
            result.filters[name] = [data[name].isoformat()]
    result.sort = data["sort"] or default_sort(result.q)
    return result, data


def _parsed(result, table):
    """The parsed query, with the notices it calls for; a query with nothing to search sorts by date."""
    parsed = parse.expand_aliases(parse.parse(result.q), table) if result.q else parse.Parsed()
    if result.q and not parsed:
        result.notices.append(_("The query has no searchable words; showing all articles."))
    if parsed.cut:
        result.limited = True
        result.limits.append(
            _("Only the first %(count)d words of the query were searched.") % {"count": parse.MAX_WORDS}
        )
    if result.sort == "relevance" and not parsed.required:
        result.sort = "newest"
    return parsed


def _request(result, data, parsed, table, deadline):
    return EngineRequest(
        parsed=parsed,
        aliases=table,
        filters=registry.to_index(result.filters),
        base=registry.to_index(result.base),
        start=data["from"].toordinal() if data["from"] else None,
        end=data["to"].toordinal() if data["to"] else None,
        sort=result.sort,
        offset=(result.page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        # What the database no longer publishes leaves search at once, before the index writer catches up.
        hidden=frozenset(indexing.hidden_articles()),
        deadline=deadline,
    )


def _hits(pks, marker):
    """Hits for these article pks, in order; an article the database does not publish is dropped."""
    articles = (
        Article.objects.published()
        .filter(pk__in=pks)
        .select_related("story", "source")
        .prefetch_related("officials", "topics")
    )
    by_pk = {a.pk: a for a in articles}
    kept = [by_pk[pk] for pk in pks if pk in by_pk]
    variants = {}
    # The status is checked here, not in SQL: with it in the WHERE clause SQLite would rather scan the status
    # index of the whole archive than look up a few stories (30 times slower at 10,000 articles).
    for v in (
        Article.objects.filter(story_id__in={a.story_id for a in kept})
        .only("id", "story_id", "language", "title", "slug", "status")
        .order_by("story_id", "language")
    ):
        if v.is_published:
            variants.setdefault(v.story_id, []).append(v)
    hits = []
    for a in kept:
        # A bounded window: analysing whole bodies for 20 hits cost more than the search itself.
        text = " ".join(part for part in (a.lead, plain_text(a.body)) if part)[:SNIPPET_WINDOW]
        hits.append(
            Hit(
                article=a,
                variants=[v for v in variants.get(a.story_id, []) if v.pk != a.pk],
                title_html=highlight.title(a.title, marker, a.language),
                snippet_html=highlight.snippet(text, marker, a.language),
            )
        )
    return hits


def _facet_values(result, counts):
    """Per facet, the values worth showing (count > 0 or selected), each with its links."""
    out = {}
    for facet in registry.facets():
        raw = registry.from_index(facet, counts.get(facet.name, {}), result.filters)
        if raw is not None:
            out[facet.name] = _values(result, facet, raw)
    return out


def _values(result, facet, raw):
    selected = result.filters.get(facet.name, [])
    shown = {v: c for v, c in raw.items() if c > 0 or v in selected}
    for v in selected:
        shown.setdefault(v, 0)
    labels = facet.labels(list(shown))
    extra = dict.fromkeys(registry.dependents().get(facet.name, ()))  # a new year drops the month
    values = []
    for value, count in shown.items():
        chosen = value in selected
        toggled = [v for v in selected if v != value] if chosen else [*selected, value]
        values.append(
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=count,
                selected=chosen,
                only=result.querystring(**{facet.name: [value]}, **extra),
                toggle=result.querystring(**{facet.name: toggled}, **extra),
            )
        )
    values.sort(key=lambda v: facet.display_key(v.value, v.count, v.label))
    top = max((v.count for v in values), default=0)
    for v in values:
        v.share = round(v.count / top, 3) if top else 0.0
    return values


def _chips(result):
    chips = []
    dependents = registry.dependents()
    for facet in registry.names():
        values = {v.value: v.label for v in result.facets.get(facet, [])}
        extra = dict.fromkeys(dependents.get(facet, ()))
        for value in result.filters.get(facet, []):
            rest = [v for v in result.filters[facet] if v != value]
            chips.append(Chip(label=values.get(value, value), remove=result.querystring(**{facet: rest}, **extra)))
    if result.filters.get("from"):
        chips.append(
            Chip(_("from %(date)s") % {"date": result.filters["from"][0]}, result.querystring(**{"from": None}))
        )
    if result.filters.get("to"):
        chips.append(Chip(_("to %(date)s") % {"date": result.filters["to"][0]}, result.querystring(to=None)))
    return chips

"""Every search facet, declared once.

A Facet says what its request parameter is, which index field holds it and what the index puts there (made
from an article's `lookups`), whether an article has one value or several, which values are valid, how values
are named for readers and ordered, and which facet it refines (a month belongs to one year). Everything else
reads this list: the search form, both engines' schemas, documents and queries (backend.py, elasticsearch.py,
facets.py, search_indexes.py), the index signature check_index compares (indexing.py), labels and chips
(query.py), feed titles (feeds.py), the facet sidebar and the API description (openapi.py).

`register()` adds a facet at run time (a test's throwaway facet); the index must then be rebuilt to hold it.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.dates import MONTHS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from archive.models import Language, Official, Source, Topic

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def _first(row):
    return row[0]


def _any(values):
    return set(values)


def _themselves(values):
    return {v: v for v in values}


def _unchanged(value):
    return value


@dataclass(frozen=True)
class Facet:
    name: str  # request parameter, JSON key, key of filters and counts
    field: str  # the index field
    label: object  # its name for readers (a lazy translation)
    description: str  # for the API description
    lookups: tuple  # Article value paths (as for values_list) it is made from; all of them are in the signature
    value: Callable = _first  # the index value of one row of `lookups`
    many: bool = False  # an article may have several values (a many-to-many)
    known: Callable = _any  # (values) -> those that are valid; the others are reported and ignored
    normal: Callable = _unchanged  # a valid value as links carry it
    labels: Callable = _themselves  # (values) -> {value: label}
    order: object = "count"  # "count" (most articles first, then by label), "number", or a tuple of the values
    refines: str | None = None  # the facet whose one chosen value this one narrows (month: year)
    # With `refines`: (value, the refined facet's value) -> index value, and back (None: another parent's); and
    # the notice when the refined facet has not exactly one value.
    to_index: Callable = None
    from_index: Callable = None
    unrefined: object = ""

    def index_values(self, article):
        """What the index holds for this facet of `article`, sorted."""
        return sorted({self.value(row) for row in rows(article, self.lookups) if row[0] is not None})

    def signed(self, rows_):
        """The part of an index signature this facet makes of the rows of its lookups."""
        if len(rows_) == 1:  # most facets: one value per article
            return [] if rows_[0][0] is None else [[str(v) for v in rows_[0]]]
        return sorted({tuple(str(v) for v in row) for row in rows_ if row[0] is not None})

    def url_order(self, values):
        """Selected values in the order links carry them."""
        return sorted(set(values), key=int) if self.order == "number" else sorted(set(values))

    def display_key(self, value, count, label):
        if self.order == "number":
            return (int(value),)
        if isinstance(self.order, tuple):
            return (self.order.index(value) if value in self.order else len(self.order),)
        return (-count, label.casefold())


def rows(article, lookups):
    """The rows `values_list(*lookups)` gives for one article, read from the instance and its (prefetched)
    relations. The lookups of one facet follow at most one relation, the same one."""
    relation, _, _ = lookups[0].rpartition("__")
    related = [article]
    if relation:
        target = getattr(article, relation)
        related = list(target.all()) if hasattr(target, "all") else [target] if target is not None else []
    return [tuple(getattr(obj, lookup.rpartition("__")[2]) for lookup in lookups) for obj in related]


# Validation and labels of the built-in facets ------------------------------------------------------------------


def _known_slugs(model, field="slug"):
    def known(values):
        # Only slug-shaped values reach the database (PostgreSQL refuses a NUL in a query parameter).
        wanted = [v for v in values if _SLUG.fullmatch(v)]
        return set(model.objects.filter(**{f"{field}__in": wanted}).values_list(field, flat=True))

    return known


def _language_labels(values):
    return {v: Language(v).label for v in values if v in Language.values}


def _official_labels(values):
    return dict(Official.objects.filter(slug__in=values).values_list("slug", "name"))


def _topic_labels(values):
    lang = (get_language() or "en")[:2]
    return {t.slug: t.name(lang) for t in Topic.objects.filter(slug__in=values)}


def _known_sources(values):
    wanted = [v for v in values if len(v) <= 200 and "\x00" not in v]
    return set(Source.objects.filter(key__in=wanted).values_list("key", flat=True))


def _source_labels(values):
    return dict(Source.objects.filter(key__in=values).values_list("key", "name"))


def _years(values):
    return {v for v in values if v.isascii() and v.isdigit() and len(v) == 4 and v[0] != "0"}


def _months(values):
    return {v for v in values if v.isascii() and v.isdigit() and len(v) <= 2 and 1 <= int(v) <= 12}


def _month_labels(values):
    return {v: str(MONTHS.get(int(v), v)) for v in values}


BUILT_IN = (
    Facet(
        "language",
        "language",
        _("Language"),
        f"Article language ({', '.join(Language.values)}); repeat for any of several.",
        ("language",),
        known=lambda values: set(values) & set(Language.values),
        labels=_language_labels,
        order=tuple(Language.values),
    ),
    Facet(
        "official",
        "officials",
        _("Official"),
        "An official's slug; repeat for any of several.",
        ("officials__slug",),
        many=True,
        known=_known_slugs(Official),
        labels=_official_labels,
    ),
    Facet(
        "topic",
        "topics",
        _("Topic"),
        "A topic's slug; repeat for any of several.",
        ("topics__slug",),
        many=True,
        known=_known_slugs(Topic),
        labels=_topic_labels,
    ),
    Facet(
        "source",
        "source",
        _("Source"),
        "A source's key (its publisher, e.g. vietnamplus); repeat for any of several.",
        ("source__key", "source__name"),
        known=_known_sources,
        labels=_source_labels,
    ),
    Facet(
        "year",
        "year",
        _("Year"),
        "A publication year (YYYY); repeat for any of several.",
        ("published",),
        value=lambda row: f"{row[0].year:04d}",
        known=_years,
        order="number",
    ),
    Facet(
        "month",
        "month",
        _("Month"),
        "A month (1–12) of the one chosen year; repeat for any of several.",
        ("published",),
        # In the index a month is "YYYY-MM"; in links, N of the one chosen year.
        value=lambda row: f"{row[0].year:04d}-{row[0].month:02d}",
        known=_months,
        normal=lambda value: str(int(value)),
        labels=_month_labels,
        order="number",
        refines="year",
        to_index=lambda month, year: f"{int(year):04d}-{int(month):02d}",
        from_index=lambda key, year: str(int(key[5:])) if key.startswith(f"{int(year):04d}-") else None,
        unrefined=_("A month applies to a single year; choose one year to filter by month."),
    ),
)

_facets = list(BUILT_IN)


def facets():
    return tuple(_facets)


def names():
    return tuple(f.name for f in _facets)


def get(name):
    return next(f for f in _facets if f.name == name)


def fields():
    """{facet name: index field}."""
    return {f.name: f.field for f in _facets}


def dependents():
    """{facet: the facets that refine it}: changing its value drops theirs, and its counts ignore them."""
    out = {}
    for facet in _facets:
        if facet.refines:
            out.setdefault(facet.refines, []).append(facet.name)
    return {name: tuple(refined) for name, refined in out.items()}


def register(facet, after=None):
    """Add a facet (after the facet named `after`, else last)."""
    position = names().index(after) + 1 if after else len(_facets)
    _facets.insert(position, facet)


def unregister(name):
    _facets.remove(get(name))


# Between the reader's values and the index's ---------------------------------------------------------------------


def to_index(filters):
    """Filters as the reader chose them -> index values per facet (month N of the one chosen year -> 'YYYY-MM').
    A refining facet applies only with exactly one value of the facet it refines."""
    out = {}
    for facet in _facets:
        values = filters.get(facet.name)
        if not values:
            continue
        if facet.refines:
            parent = filters.get(facet.refines) or []
            if len(parent) != 1:
                continue
            values = [facet.to_index(v, parent[0]) for v in values]
        out[facet.name] = list(values)
    return out


def from_index(facet, counts, filters):
    """Counts by index value -> counts by the reader's value; None when the facet does not apply."""
    if not facet.refines:
        return counts
    parent = filters.get(facet.refines) or []
    if len(parent) != 1:
        return None
    mapped = ((facet.from_index(key, parent[0]), count) for key, count in counts.items())
    return {value: count for value, count in mapped if value is not None}


# The signature -------------------------------------------------------------------------------------------------


def _signing(covered):
    """The facets whose lookups add to a signature that holds the columns `covered` already."""
    return [f for f in _facets if not set(f.lookups) <= covered]


def signed(article, covered=frozenset()):
    """{facet: its part of the index signature} for one article (check_index compares it with the database's)."""
    return {f.name: f.signed(rows(article, f.lookups)) for f in _signing(covered)}


def signed_rows(queryset, covered=frozenset()):
    """{article pk: {facet: its signature part}} for every article of `queryset`: one query per relation."""
    signing = _signing(covered)
    by_relation = {}
    for facet in signing:
        by_relation.setdefault(facet.lookups[0].rpartition("__")[0], []).append(facet)
    out = defaultdict(dict)
    for group in by_relation.values():
        _sign_group(queryset, group, out)
    return {pk: {facet.name: parts[facet.name] for facet in signing} for pk, parts in out.items()}


def _sign_group(queryset, group, out):
    """Sign the facets of one relation with one query, into out[pk][facet]."""
    lookups = list(dict.fromkeys(lookup for facet in group for lookup in facet.lookups))
    rows_of = defaultdict(list)
    for pk, *values in queryset.order_by().values_list("pk", *lookups).iterator(chunk_size=2000):
        rows_of[pk].append(values)
    for facet in group:
        picks = [lookups.index(lookup) for lookup in facet.lookups]
        for pk, found in rows_of.items():
            out[pk][facet.name] = facet.signed([[row[i] for i in picks] for row in found])

"""Validation of search parameters. Nothing here raises on bad input: what cannot be used is dropped
and reported as a notice the page shows.
"""

import datetime
import re

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from archive.models import Language, Official, Topic
from archive.text import nfc, strip_controls

MULTI = ("language", "official", "topic", "year", "month")
SINGLE = ("q", "from", "to", "sort", "page")
KNOWN = frozenset(MULTI + SINGLE)
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY = 500
MAX_VALUES = 20  # per facet
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def as_multidict(params):
    if isinstance(params, MultiValueDict):
        return params
    data = MultiValueDict()
    for key, values in (params or {}).items():
        data.setlist(key, list(values) if isinstance(values, list | tuple) else [values])
    return data


def _short(value, size=40):
    value = strip_controls(str(value))
    return value if len(value) <= size else value[: size - 1] + "…"


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    sort = forms.CharField(required=False)
    page = forms.CharField(required=False)
    language = forms.MultipleChoiceField(required=False)
    official = forms.MultipleChoiceField(required=False)
    topic = forms.MultipleChoiceField(required=False)
    year = forms.MultipleChoiceField(required=False)
    month = forms.MultipleChoiceField(required=False)

    def __init__(self, params):
        super().__init__(as_multidict(params))
        # `from` is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        for name in MULTI:
            # Values are checked one by one in clean_<name>: one unknown value must not drop the rest.
            self.fields[name].validate = lambda value: None
        self.notices = []

    # Facets: keep known values, report the rest.
    def _keep(self, name, values, known):
        values = list(dict.fromkeys(v.strip() for v in values if v.strip()))[:MAX_VALUES]
        unknown = [v for v in values if v not in known]
        for value in unknown[:3]:
            self.notices.append(
                _("Unknown %(facet)s “%(value)s” was ignored.") % {"facet": name, "value": _short(value)}
            )
        return [v for v in values if v in known]

    def clean_language(self):
        return self._keep(_("language"), self.cleaned_data["language"], set(Language.values))

    def _known_slugs(self, model, values):
        # Only slug-shaped values reach the database (PostgreSQL refuses a NUL in a query parameter).
        slugs = [v for v in values[:MAX_VALUES] if _SLUG.fullmatch(v)]
        return set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))

    def clean_official(self):
        values = self.cleaned_data["official"]
        return self._keep(_("official"), values, self._known_slugs(Official, values))

    def clean_topic(self):
        values = self.cleaned_data["topic"]
        return self._keep(_("topic"), values, self._known_slugs(Topic, values))

    def clean_year(self):
        values = self.cleaned_data["year"]
        known = {v for v in values if v.isascii() and v.isdigit() and len(v) == 4 and v[0] != "0"}
        return self._keep(_("year"), values, known)

    def clean_month(self):
        values = self.cleaned_data["month"]
        known = {v for v in values if v.isascii() and v.isdigit() and len(v) <= 2 and 1 <= int(v) <= 12}
        return [str(int(v)) for v in self._keep(_("month"), values, known)]

    def clean_q(self):
        q = " ".join(nfc(strip_controls(self.cleaned_data["q"])).split())
        if len(q) > MAX_QUERY:
            self.notices.append(_("The query was cut to its first %(n)d characters.") % {"n": MAX_QUERY})
            q = q[:MAX_QUERY]
        return q

    def clean_sort(self):
        sort = self.cleaned_data["sort"].strip()
        if sort and sort not in SORTS:
            self.notices.append(
                _("Unknown sort order “%(value)s”; results are sorted as usual.") % {"value": _short(sort)}
            )
            return ""
        return sort

    def clean_page(self):
        raw = self.cleaned_data["page"].strip()
        if not raw:
            return 1
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) < 1:  # int() of 4301+ digits raises
            self.notices.append(_("“%(value)s” is not a page number; showing the first page.") % {"value": _short(raw)})
            return 1
        return min(int(raw), 1_000_000)

    def clean(self):
        data = super().clean()
        for name in ("from", "to"):
            if name in self.errors:
                self.notices.append(
                    _("“%(value)s” is not a date (YYYY-MM-DD); the %(name)s date was ignored.")
                    % {"value": _short(self.data.get(name, "")), "name": name}
                )
                data[name] = None
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.notices.append(_("The date range was reversed; it now runs from the earlier date."))
            data["from"], data["to"] = end, start
        if data.get("month") and len(data.get("year") or []) != 1:
            self.notices.append(_("A month applies to a single year; choose one year to filter by month."))
            data["month"] = []
        unknown = sorted(set(self.data) - KNOWN)
        for name in unknown[:3]:
            self.notices.append(_("Unknown parameter “%(name)s” was ignored.") % {"name": _short(name)})
        return data

    def validated(self):
        """The cleaned values; any field that failed is reported and left at its default."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in KNOWN}
        for name in MULTI:
            data[name] = data[name] or []
        data["q"] = data["q"] or ""
        data["sort"] = data["sort"] or ""
        data["page"] = data["page"] or 1
        return data, self.notices


def date_param(value):
    return value.isoformat() if isinstance(value, datetime.date) else value

"""Validation of search parameters. Nothing here raises on bad input: what cannot be used is dropped
and reported as a notice the page shows.
"""

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from archive.search import registry
from archive.text import nfc, strip_controls

SINGLE = ("q", "from", "to", "sort", "page")
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY = 500
MAX_VALUES = 20  # per facet


def known_params():
    """Every parameter a search takes: the facets (registry.py) and SINGLE."""
    return frozenset((*registry.names(), *SINGLE))


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

    def __init__(self, params):
        super().__init__(as_multidict(params))
        # `from` is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        for facet in registry.facets():
            field = self.fields[facet.name] = forms.MultipleChoiceField(required=False)
            # Values are checked one by one in _facet_values: one unknown value must not drop the rest.
            field.validate = lambda value: None
        self.notices = []

    def _facet_values(self, facet, values):
        """The valid values of a facet, as links carry them; the others are reported."""
        values = list(dict.fromkeys(v.strip() for v in values if v.strip()))[:MAX_VALUES]
        known = facet.known(values)
        for value in [v for v in values if v not in known][:3]:
            self.notices.append(
                _("Unknown %(facet)s “%(value)s” was ignored.")
                % {"facet": str(facet.label).lower(), "value": _short(value)}
            )
        return list(dict.fromkeys(facet.normal(v) for v in values if v in known))

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
        for facet in registry.facets():
            data[facet.name] = self._facet_values(facet, data.get(facet.name) or [])
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
        self._drop_unrefined(data)
        unknown = sorted(set(self.data) - known_params())
        for name in unknown[:3]:
            self.notices.append(_("Unknown parameter “%(name)s” was ignored.") % {"name": _short(name)})
        return data

    def _drop_unrefined(self, data):
        """A facet that refines another (month of a year) needs exactly one value of it."""
        for facet in registry.facets():
            if facet.refines and data[facet.name] and len(data.get(facet.refines) or []) != 1:
                self.notices.append(str(facet.unrefined))
                data[facet.name] = []

    def validated(self):
        """The cleaned values; any field that failed is reported and left at its default."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in known_params()}
        for name in registry.names():
            data[name] = data[name] or []
        data["q"] = data["q"] or ""
        data["sort"] = data["sort"] or ""
        data["page"] = data["page"] or 1
        return data, self.notices

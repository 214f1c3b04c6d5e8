"""Template helpers for the reading pages: localized names, feed parameters, JSON-LD, and the monthly chart."""

import datetime
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from archive.feeds import filter_labels, normalized_query
from archive.search import export

register = template.Library()

# Escapes that keep a JSON value from ending the <script> element it sits in.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def localized(topic):
    """A topic's name in the interface language (falls back to English)."""
    return topic.name((get_language() or "en")[:2])


@register.simple_tag
def feed_query(result):
    """The query string that a feed of this search or listing takes: its words and filters, no page or order."""
    return normalized_query(result)


@register.simple_tag
def csv_url(result):
    """The CSV export of this search (archive/search/export.py)."""
    return export.url(result)


@register.simple_tag
def filters_label(result, listing=None):
    """What a search selects, for people, as its feed's title says it: "“reform”; Language: English",
    "All articles", or on a listing page its name first: "Lê Minh Khái; Language: English"."""
    parts = filter_labels(result)
    if listing:
        return "; ".join([str(listing), *parts])
    return "; ".join(parts) or gettext("All articles")


@register.filter
def month_name(month):
    return MONTHS.get(int(month), "")


@register.simple_tag(takes_context=True)
def json_ld(context, data):
    """`data` as a JSON-LD <script> block; safe against `</script>` in any string.

    It is data, not code, but carries the request's CSP nonce when there is one, like every <script>.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    nonce = context.get("csp_nonce")
    if nonce:
        return format_html('<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(text))  # noqa: S308
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def _months_between(first, last):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


YEAR_LABEL_WIDTH = 36  # a four-digit year at the chart's font size, in viewBox units


def _year_labels(months, slot, width, y):
    """(x, y, anchor, year) under each January, and under the first month unless a January follows too close.

    A label that would run past the right edge ends at the edge instead of being cut off."""
    starts = [(i * slot, year) for i, (year, month) in enumerate(months) if month == 1 or i == 0]
    if len(starts) > 1 and months[0][1] != 1 and starts[1][0] - starts[0][0] < YEAR_LABEL_WIDTH:
        starts.pop(0)
    labels = []
    for x, year in starts:
        if x + YEAR_LABEL_WIDTH > width:
            labels.append((width, y, "end", year))
        else:
            labels.append((round(x, 1), y, "start", year))
    return labels


@register.simple_tag
def monthly_chart(counts, width=480, height=120, max_months=60):
    """An inline SVG bar chart of articles per month, drawn on the server.

    `counts` maps (year, month) to a number of articles. Months without articles get an empty slot,
    so gaps in coverage show as gaps. The figure carries a text summary for screen readers.
    """
    if not counts:
        return ""
    months = list(_months_between(min(counts), max(counts)))[-max_months:]
    values = [counts.get(m, 0) for m in months]
    peak = max(values) or 1
    slot = width / len(months)
    bar = max(slot * 0.8, 1)
    plot = height - 22  # room for the year labels under the bars
    bars = []
    for i, ((year, month), value) in enumerate(zip(months, values, strict=True)):
        h = round(plot * value / peak, 1)
        label = ngettext("%(month)s: %(count)d article", "%(month)s: %(count)d articles", value) % {
            "month": date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
            "count": value,
        }
        bars.append((round(i * slot, 1), round(plot - h, 1), round(bar, 1), h, label))
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        bars,
    )
    years = format_html_join(
        "", '<text x="{}" y="{}" text-anchor="{}">{}</text>', _year_labels(months, slot, width, height - 4)
    )
    first, last = months[0], months[-1]
    summary = gettext("Articles per month, %(first)s to %(last)s; the busiest month had %(peak)d.") % {
        "first": date_format(datetime.date(*first, 1), "YEAR_MONTH_FORMAT"),
        "last": date_format(datetime.date(*last, 1), "YEAR_MONTH_FORMAT"),
        "peak": max(values),
    }
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line x1="0" y1="{}" x2="{}" y2="{}"></line>{}{}</svg>',
        width,
        height,
        summary,
        plot,
        width,
        plot,
        rects,
        years,
    )


_OG_LOCALES = {"en": "en_US", "ru": "ru_RU", "vi": "vi_VN"}


@register.filter
def og_locale(language):
    return _OG_LOCALES.get(language, language)

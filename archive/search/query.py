"""Params -> validated filters -> query -> results. Every listing page, feed and the API call `run()`."""

from dataclasses import dataclass, field

from django import forms
from haystack.inputs import AutoQuery
from haystack.query import SearchQuerySet

from archive.models import Article, Language


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=500)
    language = forms.MultipleChoiceField(required=False, choices=Language.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


@dataclass
class SearchResult:
    count: int
    page: int
    pages: int
    articles: list = field(default_factory=list)
    errors: list = field(default_factory=list)


PAGE_SIZE = 20


def run(params):
    form = SearchForm(params)
    form.is_valid()
    data = form.cleaned_data
    page = data.get("page") or 1
    q = (data.get("q") or "").strip()
    if q:
        sqs = SearchQuerySet().models(Article).filter(content=AutoQuery(q))
        if data.get("language"):
            sqs = sqs.filter(language__in=data["language"])
        count = sqs.count()
        pks = [int(hit.pk) for hit in sqs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        by_pk = Article.objects.published().in_bulk(pks)
        articles = [by_pk[pk] for pk in pks if pk in by_pk]
    else:
        qs = Article.objects.published()
        if data.get("language"):
            qs = qs.filter(language__in=data["language"])
        count = qs.count()
        articles = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    pages = max(1, -(-count // PAGE_SIZE))
    return SearchResult(count=count, page=page, pages=pages, articles=articles, errors=list(form.errors))

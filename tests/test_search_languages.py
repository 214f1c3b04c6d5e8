"""Search semantics on generated archives in English, Russian and Vietnamese.

Articles are random sequences of words, each written in one of the forms the analysis must join:
English and Russian inflections (stemming), Vietnamese with and without diacritics (folding), any case.
A model computed from the word sequences alone says which articles each query must find; the search
must find exactly those, and mark a match in every hit. Words match by stem and folding; phrases match
folded words in order, unstemmed.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Story
from archive.search import query
from archive.text import fold_key
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# Per language: lemma -> the forms an article or a query may use. No form of one lemma is a form of another
# under any analysis, and none is part of the gazetteer's names.
GROUPS = {
    "en": {
        "budget": ("budget", "budgets", "Budget"),
        "meeting": ("meeting", "meetings", "Meetings"),
        "decree": ("decree", "decrees"),
    },
    "ru": {
        "документ": ("документ", "документы", "документов", "Документами"),
        "реформа": ("реформа", "реформы", "реформу"),
        "бюджет": ("бюджет", "бюджета", "бюджетов"),
    },
    "vi": {
        "nghị": ("nghị", "nghi", "Nghị"),
        "quyết": ("quyết", "quyet", "Quyết"),
        "hội": ("hội", "hoi", "HỘI"),
    },
}
FILLER = {"en": "the", "ru": "и", "vi": "và"}
LEMMA = {form: lemma for groups in GROUPS.values() for lemma, forms in groups.items() for form in forms}
ALL_FORMS = sorted(LEMMA)


@st.composite
def article(draw):
    language = draw(st.sampled_from(sorted(GROUPS)))
    choices = [*(f for forms in GROUPS[language].values() for f in forms), FILLER[language]]
    return language, draw(st.lists(st.sampled_from(choices), min_size=1, max_size=6))


def same_language_pair(draw):
    language = draw(st.sampled_from(sorted(GROUPS)))
    forms = [f for group in GROUPS[language].values() for f in group]
    return draw(st.sampled_from(forms)), draw(st.sampled_from(forms))


@st.composite
def search_query(draw):
    kind = draw(st.sampled_from(["word", "words", "phrase", "curly", "exclude", "or"]))
    if kind == "word":
        return kind, (draw(st.sampled_from(ALL_FORMS)),)
    if kind in ("phrase", "curly", "words"):
        return kind, same_language_pair(draw)
    return kind, (draw(st.sampled_from(ALL_FORMS)), draw(st.sampled_from(ALL_FORMS)))


def typed(kind, terms):
    a, b = (*terms, None)[:2]
    return {
        "word": lambda: a,
        "words": lambda: f"{a} {b}",
        "phrase": lambda: f'"{a} {b}"',
        "curly": lambda: f"“{a} {b}”",
        "exclude": lambda: f"{a} -{b}",
        "or": lambda: f"{a} OR {b}",
    }[kind]()


def finds(kind, terms, words):
    """The model: does an article with these words match?"""
    lemmas = [LEMMA.get(w) for w in words]
    wanted = [LEMMA[t] for t in terms]
    if kind == "word":
        return wanted[0] in lemmas
    if kind == "words":
        return all(lemma in lemmas for lemma in wanted)
    if kind in ("phrase", "curly"):
        # A phrase is these words in this order, diacritics and case aside, but not stemmed: quotes ask for
        # the words as written.
        folded, target = [fold_key(w) for w in words], [fold_key(t) for t in terms]
        return any(folded[i : i + 2] == target for i in range(len(folded) - 1))
    if kind == "exclude":
        return wanted[0] in lemmas and wanted[1] not in lemmas
    return wanted[0] in lemmas or wanted[1] in lemmas


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    articles=st.lists(article(), min_size=1, max_size=12),
    searches=st.lists(search_query(), min_size=1, max_size=4),
    language=st.sampled_from([None, "en", "ru", "vi"]),
)
def test_generated_archive_finds_exactly_what_the_model_says(whoosh_index, articles, searches, language):
    Article.objects.all().delete()
    Story.objects.all().delete()
    made = []
    for n, (lang, words) in enumerate(articles):
        made.append(
            make_article(
                language=lang,
                title=f"Note {n}",
                body=f"<p>{' '.join(words)}</p>",
                published=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            )
        )
    whoosh_index()
    for kind, terms in searches:
        q = typed(kind, terms)
        params = {"q": [q], **({"language": [language]} if language else {})}
        result = query.run(params)
        want = {
            a.pk
            for a, (lang, words) in zip(made, articles, strict=True)
            if finds(kind, terms, words) and language in (None, lang)
        }
        assert {h.article.pk for h in result.hits} == want, q
        assert result.count == len(want), q
        if kind != "exclude":
            for hit in result.hits:
                assert "<mark>" in hit.snippet_html, (q, hit.snippet_html)

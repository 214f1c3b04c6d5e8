"""What the search index holds for each published article. Field types: archive/search/backend.py; the facet
fields (language, officials, topics, source, year, month…) come from the facet registry (archive/search/registry.py).
"""

import hashlib
import json

from haystack import indexes

from archive.models import Article
from archive.search import registry
from archive.search.analysis import TAGS, plain_text


def own_text(article):
    """What the article itself says: title, lead, body and legal document numbers."""
    parts = [article.title, article.lead, plain_text(article.body), *(article.legal_refs or [])]
    return "\n".join(p for p in parts if p)


def tag_text(article):
    """Names it is found by through its tags: its officials in every script and spelling, its topics."""
    parts = []
    for official in article.officials.all():
        parts += [official.name, *(alias.name for alias in official.aliases.all())]
    for topic in article.topics.all():
        parts += [topic.name_en, topic.name_ru, topic.name_vi]
    return "\n".join(p for p in parts if p)


def official_key(official):
    return [official.slug, official.name, sorted(alias.name for alias in official.aliases.all())]


def topic_key(topic):
    return [topic.slug, topic.name_en, topic.name_ru, topic.name_vi]


# What the signature holds itself (lookups as the facet registry names them): a facet made of these only (language,
# official, topic, year, month) adds nothing to it.
SIGNED_COLUMNS = frozenset(
    {"title", "lead", "body", "published", "language", "story_id", "legal_refs", "officials__slug", "topics__slug"}
)


def signature(*, title, lead, body, published, language, story_id, legal_refs, officials, topics, facets):
    """A digest of everything an article's index entry is made from: check_index recomputes it from the
    database to find entries that are stale, whatever changed them (a bulk update, an alias, a source's name...).
    `facets`: {facet: its part} (registry.signed)."""
    data = [title, lead, body, published.isoformat(), language, story_id, list(legal_refs or [])]
    data += [sorted(officials), sorted(topics), facets]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode(), usedforsecurity=False).hexdigest()


def article_signature(article):
    return signature(
        title=article.title,
        lead=article.lead,
        body=article.body,
        published=article.published,
        language=article.language,
        story_id=article.story_id,
        legal_refs=article.legal_refs,
        officials=[official_key(o) for o in article.officials.all()],
        topics=[topic_key(t) for t in article.topics.all()],
        facets=registry.signed(article, covered=SIGNED_COLUMNS),
    )


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Filled together by prepare(): one text, analyzed four ways (archive/search/analysis.py).
    text = indexes.CharField(document=True, default="")
    exact = indexes.CharField(default="")
    text_en = indexes.CharField(default="")
    text_ru = indexes.CharField(default="")
    title = indexes.CharField(model_attr="title")
    refs = indexes.MultiValueField()
    # The facet fields are added by prepare(), from the registry.
    article = indexes.IntegerField(model_attr="pk")
    story = indexes.IntegerField(model_attr="story_id")
    day = indexes.IntegerField()
    sig = indexes.CharField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            self.get_model()
            .objects.published()
            .select_related("source")
            .prefetch_related("officials__aliases", "topics")
        )

    def get_updated_field(self):
        return "updated"

    def prepare(self, obj):
        data = super().prepare(obj)
        own = own_text(obj)
        # Every spelling of a tagged official goes into the folded text only: in `exact` they would give every
        # tagged article the bonus of a spelling it does not use.
        data.update(text=f"{own}\n{TAGS}{tag_text(obj)}", exact=own, text_en="", text_ru="")
        if obj.language in ("en", "ru"):
            data[f"text_{obj.language}"] = own
        for facet in registry.facets():
            values = facet.index_values(obj)
            if values:  # no value, no field: an empty one would be counted as a value
                data[facet.field] = values if facet.many else values[0]
        return data

    def prepare_refs(self, obj):
        return [ref.replace(",", " ") for ref in obj.legal_refs or []]

    def prepare_day(self, obj):
        return obj.published.toordinal()

    def prepare_sig(self, obj):
        return article_signature(obj)

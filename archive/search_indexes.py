"""What the search index holds for each published article. Field types: archive/search/backend.py."""

from haystack import indexes

from archive.models import Article
from archive.search.analysis import plain_text


def searchable_text(article):
    """Title, lead, body, officials' names in every script, topic names and legal document numbers."""
    parts = [article.title, article.lead, plain_text(article.body)]
    for official in article.officials.all():
        parts += [official.name, *(alias.name for alias in official.aliases.all())]
    for topic in article.topics.all():
        parts += [topic.name_en, topic.name_ru, topic.name_vi]
    parts += article.legal_refs or []
    return "\n".join(p for p in parts if p)


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Filled together by prepare(): one text, analyzed four ways (archive/search/analysis.py).
    text = indexes.CharField(document=True, default="")
    exact = indexes.CharField(default="")
    text_en = indexes.CharField(default="")
    text_ru = indexes.CharField(default="")
    title = indexes.CharField(model_attr="title")
    refs = indexes.MultiValueField()
    officials = indexes.MultiValueField()
    topics = indexes.MultiValueField()
    language = indexes.CharField(model_attr="language")
    year = indexes.CharField()
    month = indexes.CharField()
    article = indexes.IntegerField(model_attr="pk")
    story = indexes.IntegerField(model_attr="story_id")
    day = indexes.IntegerField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.published().prefetch_related("officials__aliases", "topics")

    def get_updated_field(self):
        return "updated"

    def prepare(self, obj):
        data = super().prepare(obj)
        text = searchable_text(obj)
        data.update(text=text, exact=text, text_en="", text_ru="")
        if obj.language in ("en", "ru"):
            data[f"text_{obj.language}"] = text
        return data

    def prepare_refs(self, obj):
        return [ref.replace(",", " ") for ref in obj.legal_refs or []]

    def prepare_officials(self, obj):
        return sorted(o.slug for o in obj.officials.all())

    def prepare_topics(self, obj):
        return sorted(t.slug for t in obj.topics.all())

    def prepare_year(self, obj):
        return f"{obj.published.year:04d}"

    def prepare_month(self, obj):
        return f"{obj.published.year:04d}-{obj.published.month:02d}"

    def prepare_day(self, obj):
        return obj.published.toordinal()

from haystack import indexes

from archive.models import Article


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True)
    title = indexes.CharField(model_attr="title")
    language = indexes.CharField(model_attr="language", indexed=False)
    published = indexes.DateField(model_attr="published")
    story = indexes.IntegerField(model_attr="story_id")

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.published()

    def get_updated_field(self):
        return "updated"

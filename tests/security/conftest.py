import pytest
from django.core.cache import cache

from archive.models import Official, Topic
from tests.factories import make_article, make_story


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The sign-in throttle counts failures in the cache; one test's failures must not lock out the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def archive_content(db):
    """A story in two languages, tagged with a gazetteer official and topic: enough for every page type."""
    official = Official.objects.order_by("slug").first()
    topic = Topic.objects.order_by("slug").first()
    story = make_story()
    en = make_article(
        story=story, language="en", title="Government Office meeting", officials=[official], topics=[topic]
    )
    ru = make_article(story=story, language="ru", title="Заседание Правительственной канцелярии", officials=[official])
    return {"story": story, "en": en, "ru": ru, "official": official, "topic": topic}

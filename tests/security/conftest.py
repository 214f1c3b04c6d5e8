import pytest

from archive.models import Official, Topic
from tests.factories import make_article, make_story


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

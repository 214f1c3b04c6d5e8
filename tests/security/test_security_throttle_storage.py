"""Issue 16, item 3: page traffic cannot empty the sign-in throttle.

Its counters used to live in the bounded page cache (pages and feeds), which culls entries when full: enough
anonymous feed requests evicted them, and wrong passwords were tried again. They now live in the database.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone

from archive import ratelimit
from archive.models import RateCount

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def small_page_cache(settings, tmp_path):
    # The production cache backend, made small and set to empty itself entirely when full, so that a few
    # dozen requests are sure to evict whatever it holds.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 0},
        }
    }
    yield
    cache.clear()


def attempt(client, password):
    return client.post(LOGIN, {"username": "editor", "password": password}, REMOTE_ADDR="203.0.113.7")


def test_item3_filling_the_page_cache_does_not_reset_the_sign_in_throttle(client, django_user_model, small_page_cache):
    django_user_model.objects.create_user("editor", password="correct horse battery", is_staff=True)
    for _ in range(5):
        assert attempt(client, "guess").status_code == 200
    assert attempt(client, "guess").status_code == 429
    cache.set("canary", 1)
    for n in range(60):  # anonymous feed traffic, each a new cache entry
        assert client.get("/feeds/latest.rss", {"n": n}).status_code == 200
    assert cache.get("canary") is None  # the page cache was emptied
    assert attempt(client, "correct horse battery").status_code == 429
    assert attempt(client, "guess").status_code == 429


def test_item3_expired_counters_are_purged():
    ratelimit.hit("old", 60)
    RateCount.objects.filter(key="old").update(expires=timezone.now() - timezone.timedelta(seconds=1))
    assert ratelimit.count("old") == 0
    assert ratelimit.hit("new", 60) == 1
    assert list(RateCount.objects.values_list("key", flat=True)) == ["new"]

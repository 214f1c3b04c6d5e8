"""Link an article to the story it reports in another language.

Translations keep the date (give or take the days between the event and each outlet's publication),
the officials and, above all, the numbers. Two articles belong together when they are a few days apart,
share an official (when both name any) and share enough distinctive numbers. A story never gets a
second article in the same language. An explicit story key (JSONL `story`, header `Story:`) or the
editor's choice in the admin always wins over this.
"""

import datetime
import html
import re
from collections import defaultdict
from dataclasses import dataclass

from archive.ingest.numbers import extract_numbers
from archive.models import Article, Story

WINDOW_DAYS = 3
MIN_SHARED_NUMBERS = 3
MIN_OVERLAP = 0.4  # shared numbers / numbers of the shorter text


@dataclass(frozen=True)
class Fingerprint:
    language: str
    date: datetime.date
    officials: frozenset
    numbers: frozenset


def html_text(value):
    return html.unescape(re.sub(r"<[^<>]+>", " ", value))


class StoryIndex:
    """Fingerprints of the articles around each date, from the database and from this run."""

    def __init__(self):
        self._postings = defaultdict(list)  # (number, date) -> [(story, fingerprint)]
        self._languages = defaultdict(set)  # id(story) -> languages it has
        self._stories = {}  # story pk -> Story, for stories read from the database
        self._loaded_days = set()

    def story_for(self, pk):
        if pk not in self._stories:
            self._stories[pk] = Story(pk=pk)
        return self._stories[pk]

    def add(self, story, fingerprint):
        self._languages[id(story)].add(fingerprint.language)
        for number in fingerprint.numbers:
            self._postings[number, fingerprint.date].append((story, fingerprint))

    def has_language(self, story, language):
        return language in self._languages[id(story)]

    def note_language(self, story, language):
        self._languages[id(story)].add(language)

    def find(self, fingerprint):
        """The best matching story with no article in this language yet, or None."""
        self._load_around(fingerprint.date)
        shared = defaultdict(set)
        candidates = {}
        for number in fingerprint.numbers:
            for offset in range(-WINDOW_DAYS, WINDOW_DAYS + 1):
                day = fingerprint.date + datetime.timedelta(days=offset)
                for story, other in self._postings.get((number, day), ()):
                    if other.language != fingerprint.language:
                        shared[id(other)].add(number)
                        candidates[id(other)] = (story, other)
        best, best_score = None, 0.0
        for key, numbers in shared.items():
            story, other = candidates[key]
            if len(numbers) < MIN_SHARED_NUMBERS or self.has_language(story, fingerprint.language):
                continue
            overlap = len(numbers) / min(len(fingerprint.numbers), len(other.numbers))
            if overlap < MIN_OVERLAP:
                continue
            if fingerprint.officials and other.officials and not fingerprint.officials & other.officials:
                continue
            score = overlap + 0.2 * bool(fingerprint.officials & other.officials)
            score -= 0.05 * abs((fingerprint.date - other.date).days)
            if score > best_score:
                best, best_score = story, score
        return best

    def _load_around(self, date):
        days = {date + datetime.timedelta(days=offset) for offset in range(-WINDOW_DAYS, WINDOW_DAYS + 1)}
        missing = days - self._loaded_days
        if not missing:
            return
        self._loaded_days |= missing
        articles = Article.objects.filter(published__in=missing).values_list(
            "id", "story_id", "language", "published", "body"
        )
        rows = list(articles)
        officials = defaultdict(set)
        through = Article.officials.through.objects.filter(article_id__in=[row[0] for row in rows])
        for article_id, official_id in through.values_list("article_id", "official_id"):
            officials[article_id].add(official_id)
        for article_id, story_id, language, published, body in rows:
            numbers = frozenset(extract_numbers(html_text(body), language))
            self.add(
                self.story_for(story_id), Fingerprint(language, published, frozenset(officials[article_id]), numbers)
            )

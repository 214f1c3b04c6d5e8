"""Run the ingest stages over Sources and save the results in batches.

Rules for what an import does to the archive:
- Same content again (same hash) and nothing new in the fields the file states → duplicate, nothing written.
- Same content with a stated field changed upstream, or the same source URL (or, with an explicit story key,
  the same story and language) with changed content → the article is updated: its text is replaced;
  officials, topics, story, title, date and language that the archive only inferred never overwrite what is
  there. Title, date, language and source name the file states are merged field by field against what the
  file said last time (`Article.imported`): a value the file changed, where the article still has what the
  file said before, is applied (an upstream fix); a value an editor corrected, where the file still says what
  it said before, is kept (the editor's correction wins); both changed → the editor's value is kept and the
  article is flagged for review with what the file says now. An update keeps the article's status (a takedown
  stays down).
- A page from a web archive (WARC/WACZ) that is not an article is skipped with the reason, not failed; a
  capture already imported (same WARC-Record-ID or payload digest, or a revisit of it) is a duplicate.
- New articles are published when the run says so (`publish="all"`), or only those with nothing to
  review (`publish="reviewed"`), or never (`publish="none"`).
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from archive.ingest import budget, metadata
from archive.ingest.captures import CaptureLog
from archive.ingest.clean import Cleaned, clean
from archive.ingest.entities import Gazetteer
from archive.ingest.formats import Failure, InputError, Limits, NotAnArticle, Skipped
from archive.ingest.numbers import extract_numbers
from archive.ingest.stories import Fingerprint, StoryIndex, html_text
from archive.ingest.warc import Revisit
from archive.models import Article, ArticleSlug, Language, Status, Story
from archive.officials import candidates
from archive.sanitize import sanitize_html
from archive.search import changes
from archive.text import fold_key, nfc

LANGUAGES = {code for code, _ in Language.choices}
MIN_CAPTURED_TEXT = 300  # characters: a captured page with less text after cleaning is not an article
_url_ok = URLValidator(schemes=["http", "https"])


@dataclass
class Outcome:
    name: str
    status: str  # created, updated, duplicate, skipped, failed
    reason: str = ""
    article_id: int | None = None
    title: str = ""
    language: str = ""
    published: datetime.date | None = None
    slug: str = ""
    story_id: int | None = None
    published_now: bool = False
    needs_review: bool = False
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


@dataclass
class Prepared:
    name: str
    title: str
    language: str
    published: datetime.date
    body: str
    lead: str
    legal_refs: list
    source_url: str
    source_name: str
    content_hash: str
    officials: list
    topics: list
    numbers: frozenset
    notes: list
    warnings: list
    explicit: set  # field names the input stated
    story_key: str = ""
    slug: str = ""
    status: str = ""
    create_only_notes: tuple = ()
    old_slugs: tuple = ()
    auto_tags: dict = None  # what the gazetteer inferred, kept for re-tagging (archive/officials/retag.py)
    mentions: tuple = ()  # role titles with names (archive/officials/candidates.py)
    captures: tuple = ()  # formats.Capture: where the page was captured (a web archive, or an export's record)

    @property
    def needs_review(self):
        return bool(self.notes)

    def fingerprint(self):
        return Fingerprint(self.language, self.published, frozenset(self.officials), self.numbers)


# Language names an editor may write in a header or a JSONL field, folded as fold_key() folds them (й → и).
_LANGUAGE_NAMES = {
    "english": "en", "англиискии": "en", "tieng anh": "en",
    "russian": "ru", "русскии": "ru", "tieng nga": "ru",
    "vietnamese": "vi", "вьетнамскии": "vi", "tieng viet": "vi",
}  # fmt: skip


def language_code(value):
    """'en', 'EN', 'en-US', 'English', 'русский', 'Tiếng Việt' → ISO 639-1; other values come back folded."""
    key = fold_key(value).replace("_", "-")
    if not key:
        return ""
    return _LANGUAGE_NAMES.get(key) or key.split("-")[0]


def content_hash(body_html):
    return hashlib.sha256(" ".join(nfc(html_text(body_html)).casefold().split()).encode()).hexdigest()


@dataclass
class Review:
    """What preparing an article tells the editor: notes (the article needs review) and warnings (the import's
    report only). Notes on guesses (language, title, date) are also kept apart: an update does not apply them."""

    notes: list
    warnings: list
    guesses: list = field(default_factory=list)

    def note(self, text):
        self.notes.append(text)

    def warn(self, text):
        self.warnings.append(text)

    def guessed(self, text):
        self.notes.append(text)
        self.guesses.append(text)


def prepare(source, gazetteer, today):
    """Every stage short of the database. Raises InputError when there is no article to make."""
    fields = source.fields
    review = Review(list(source.notes), list(source.warnings))
    explicit = _stated_fields(source)
    cleaned = _cleaned(source)
    body = _sanitized_body(source, cleaned, review)
    text = "\n".join(block.text for block in cleaned.blocks)
    if source.capture is not None:
        _check_captured(text)
        # Dates without a year are read as of the capture, not of the import.
        today = source.capture.date.date() if source.capture.date else today
    source_url, source_name = _source(fields, cleaned, explicit, review)
    language = _language(fields, text, review)
    title, lead = _title_and_lead(fields, explicit, cleaned, source_url, text, review)
    published = _published(fields, cleaned, text, today, review)
    tags = gazetteer.tag(f"{title}\n{text}", language)
    officials, topics = _officials_and_topics(gazetteer, tags, fields, explicit, review)
    _stated_review(fields, review)
    status = _status(fields)
    return Prepared(
        name=source.name,
        title=title,
        language=language,
        published=published,
        body=body,
        lead=lead,
        legal_refs=list(fields["legal_refs"]) if "legal_refs" in explicit else metadata.legal_refs(text),
        source_url=source_url[:1000],
        source_name=source_name[:200],
        content_hash=content_hash(body),
        officials=officials,
        topics=topics,
        numbers=frozenset(extract_numbers(text, language)),
        auto_tags=tags.auto(),
        mentions=tuple(tags.mentions),
        notes=review.notes,
        warnings=review.warnings,
        explicit=explicit,
        story_key=(fields.get("story") or "")[:200],
        slug=fields.get("slug", ""),
        status=status,
        create_only_notes=tuple(review.guesses),
        old_slugs=tuple(fields.get("old_slugs") or ()),
        captures=tuple(fields.get("captures") or ()) + ((source.capture,) if source.capture else ()),
    )


def _stated_fields(source):
    """The names of the fields the input states. An exported article states every field, even when empty."""
    explicit = {key for key, value in source.fields.items() if value not in (None, "", [])}
    if source.verbatim_html is not None:
        explicit |= set(source.fields)
    return explicit


def _cleaned(source):
    """The article's blocks, site chrome removed; an exported article's body stays as it was stored."""
    if source.verbatim_html is not None:
        cleaned = Cleaned(blocks=source.blocks)
    else:
        cleaned = clean(source.blocks, has_title=bool(source.fields.get("title")))
    if not any(block.text.strip() for block in cleaned.blocks):
        error = InputError if source.capture is None else NotAnArticle
        raise error("no article text left after removing site chrome")
    return cleaned


def _sanitized_body(source, cleaned, review):
    verbatim = source.verbatim_html is not None
    sanitized = sanitize_html(source.verbatim_html if verbatim else "".join(b.outer() for b in cleaned.blocks))
    # The page as given is reported too: what went with the chrome may have carried a script.
    removed = set(sanitized.removed) | (set(sanitize_html(source.raw_html).removed) if source.raw_html else set())
    if removed:
        review.note(f"Sanitizer removed: {', '.join(sorted(removed))}")
    return sanitized.html


def _source(fields, cleaned, explicit, review):
    """The source URL (a web address or nothing) and the outlet's name: stated, found in the page, or the host."""
    source_url = fields.get("source_url") or cleaned.source_url
    if source_url and not _is_web_address(source_url):
        review.warn(f"source URL ignored, not a web address: {source_url[:80]}")
        source_url = ""
    source_name = fields.get("source_name") or cleaned.source_name
    if not source_name and source_url and "source_name" not in explicit:
        source_name = urlsplit(source_url).hostname.removeprefix("www.")
    return source_url, source_name


def _is_web_address(url):
    try:
        _url_ok(url)
    except ValidationError:
        return False
    return True


def _language(fields, text, review):
    language = language_code(fields.get("language") or "")
    if language and language not in LANGUAGES:
        raise InputError(f"unsupported language '{fields['language']}' (use en, ru or vi)")
    return language or _detected_language(fields, text, review)


def _detected_language(fields, text, review):
    detected = metadata.detect_language(f"{fields.get('title', '')}\n{text}")
    # The page's lang attribute settles what detection cannot, and confirms what it is unsure of.
    hint = fields.get("language_hint")
    if detected.language is None and hint not in LANGUAGES:
        raise InputError("language not recognized (en, ru or vi); state it in a Language: header")
    language = detected.language or hint
    if not detected.sure and hint != language:
        review.guessed(f"Language detection unsure: took '{language}'")
    return language


def _title_and_lead(fields, explicit, cleaned, source_url, text, review):
    """The stated or found title, else one restored from the URL or derived from the lead; and the lead."""
    lead = fields["lead"] if "lead" in explicit else metadata.make_lead(cleaned.blocks)
    title = fields.get("title") or cleaned.headline.removesuffix(".")
    if not title and source_url and (title := metadata.title_from_url(source_url, text)):
        review.guessed("Title restored from the words of the source URL")
    if not title:
        title = metadata.derive_title(lead or text)
        review.guessed("Title derived from the first sentence (the text has no headline)")
    return " ".join(title.split())[:500], lead


def _published(fields, cleaned, text, today, review):
    stated = fields.get("published")
    if not stated:
        lead_text = "\n".join(block.text for block in cleaned.blocks[:2])
        reading = metadata.read_date(cleaned.byline_date, lead_text, text, today)
        if reading.note:
            review.guessed(reading.note)
        return reading.date
    try:
        return metadata.parse_iso_date(stated)
    except ValueError:
        return _partial_date(stated, text, today, review)


def _partial_date(stated, text, today, review):
    # "Date: 12/1": the header says which day; the year is read from the text, and flagged.
    if not (found := metadata.partial_date(stated)):
        raise InputError(f"published: not a date: {stated!r}") from None
    reading = metadata.with_context_year(found, text, today)
    review.guessed(reading.note)
    return reading.date


def _officials_and_topics(gazetteer, tags, fields, explicit, review):
    """The officials and topics the input states (unknown names noted), else those found in the text."""
    for name, could_be in tags.ambiguous:
        review.note(f"Ambiguous name {name!r}: could be {' or '.join(could_be)}; tag the right one")
    officials, topics = tags.officials, tags.topics
    if "officials" in explicit:
        officials, unknown = gazetteer.resolve_officials(fields["officials"])
        if unknown:
            review.note(f"Unknown officials (add them in the admin): {', '.join(unknown)}")
    if "topics" in explicit:
        topics, unknown = gazetteer.resolve_topics(fields["topics"])
        if unknown:
            review.note(f"Unknown topics: {', '.join(unknown)}")
    return officials, topics


def _stated_review(fields, review):
    """An export states its own review state: its notes replace those this import made."""
    if "needs_review" not in fields:
        return
    review.notes = [line for line in fields.get("review_notes", "").splitlines() if line.strip()]
    if fields["needs_review"] and not review.notes:
        review.notes = ["Marked for review"]


def _status(fields):
    status = fields.get("status", "")
    if status and status not in Status.values:
        raise InputError(f"status: expected draft or published, not {status!r}")
    return status


@dataclass(frozen=True)
class Rights:
    """What the person importing may do beyond adding drafts. The command line may do everything; the admin
    upload passes the signed-in user's permissions. A line that asks for more is refused alone."""

    update: bool = True  # replace an existing article (change_article)
    publish: bool = True  # set or change an article's status (publish_article)

    def refusal(self, item, target):
        """Why `item` may not be saved over `target` (None: a new article), or "" when it may."""
        if target is not None and not self.update:
            return "refused: it would update an existing article, which needs the permission to change articles"
        changes_status = item.status and item.status != (target.status if target else Status.DRAFT)
        if changes_status and not self.publish:
            return f"refused: status {item.status!r} needs the permission to publish articles"
        return ""


def _check_captured(text):
    """A crawl brings pages that are not articles; one with little text left after cleaning is skipped."""
    if len(text) < MIN_CAPTURED_TEXT:
        raise NotAnArticle(
            f"too short to be an article after cleaning ({len(text)} characters; at least {MIN_CAPTURED_TEXT})"
        )


class Importer:
    """Prepare, deduplicate, link and save. `run()` yields one Outcome per input, in batches."""

    def __init__(self, *, publish="all", dry_run=False, batch_size=500, today=None, rights=Rights()):
        assert publish in {"all", "reviewed", "none"}
        self.publish = publish
        self.rights = rights
        self.seconds = Limits.from_settings().file_seconds
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.today = today or datetime.date.today()
        self.gazetteer = Gazetteer()
        self.stories = StoryIndex()
        self.captures = CaptureLog()
        # What this run has written, so that later batches see it. Dicts, in insertion order, so that a batch
        # that fails can be taken back out (see _save).
        self._slugs = {}  # slug -> None, this run
        self._hashes = {}  # hash -> article id, this run
        self._urls = {}  # source URL -> article id, this run
        self._keys = {}  # story key -> Story, this run
        self._new_stories = []  # Stories this run created
        self._slug_next = {}  # slug base -> next number to try
        self._db_slugs = set()  # taken slugs read from the database for bases that collided
        self._slug_prefixes = set()

    def run(self, sources):
        if self.dry_run:
            with transaction.atomic():
                yield from self._run(sources)
                transaction.set_rollback(True)
        else:
            yield from self._run(sources)

    def _run(self, sources):
        batch = []  # Prepared, or the Outcome of an input settled early: reported in input order
        for source in sources:
            if isinstance(source, Revisit) and self.captures.waits_for(source.capture, batch):
                yield from self._save(batch)  # the original is saved before its revisit is judged
                batch = []
            batch.append(self._admit(source))
            if len(batch) >= self.batch_size:
                yield from self._save(batch)
                batch = []
        if batch:
            yield from self._save(batch)

    def _admit(self, source):
        """A Prepared article, or the Outcome of an input that is settled before saving."""
        if isinstance(source, Failure | Skipped):
            return Outcome(source.name, "failed" if isinstance(source, Failure) else "skipped", source.reason)
        if source.capture is not None and (article := self.captures.known(source.capture)):
            return self._known_capture(source, article)
        if isinstance(source, Revisit):
            capture = source.capture
            return Outcome(
                source.name,
                "skipped",
                f"a revisit of {capture.revisit_of or capture.target_uri}, whose capture is not in the archive",
            )
        try:
            # What is left of the input's time bound, which started when it was read.
            with budget.until(source.deadline, self.seconds):
                return prepare(source, self.gazetteer, self.today)
        except NotAnArticle as error:
            return Outcome(source.name, "skipped", str(error), warnings=list(source.warnings))
        except (InputError, budget.OverTime) as error:
            return Outcome(source.name, "failed", str(error), warnings=list(source.warnings))

    def _known_capture(self, source, article):
        """A capture already imported (the same record, the same payload, or a revisit): a duplicate, whose
        new capture is kept as one more of the article."""
        self.captures.record([(source.capture, article.pk)])
        revisit = isinstance(source, Revisit)
        return Outcome(
            source.name,
            "duplicate",
            "a revisit of an imported capture" if revisit else "same capture",
            article_id=article.pk,
            title=article.title,
            language=article.language,
            published=article.published,
            slug=article.slug,
            story_id=article.story_id,
        )

    # Saving ---------------------------------------------------------------------------------------

    def _save(self, batch):
        items = [entry for entry in batch if isinstance(entry, Prepared)]
        outcomes = self._save_items(items)
        pairs = zip(items, outcomes, strict=True)
        self.captures.record([(capture, done.article_id) for item, done in pairs for capture in item.captures])
        saved = iter(outcomes)
        return [next(saved) if isinstance(entry, Prepared) else entry for entry in batch]

    def _save_items(self, items):
        """One transaction per batch; should the database still refuse one (a constraint this code does not
        foresee, a concurrent import), the batch is taken back and saved article by article, so that only
        the article at fault fails."""
        if not items:
            return []
        mark = self._mark()
        try:
            with transaction.atomic():
                return self._save_batch(items)
        except IntegrityError as error:
            self._rollback_to(mark)
            if len(items) == 1:
                return [Outcome(items[0].name, "failed", f"the database refused it ({error})")]
        return [outcome for item in items for outcome in self._save_items([item])]

    def _mark(self):
        return len(self._slugs), len(self._hashes), len(self._urls), len(self._keys), len(self._new_stories)

    def _rollback_to(self, mark):
        for registry, size in zip((self._slugs, self._hashes, self._urls, self._keys), mark, strict=False):
            for key in list(registry)[size:]:
                del registry[key]
        for story in self._new_stories[mark[4] :]:
            story.pk = None  # rolled back: created again when next needed
        del self._new_stories[mark[4] :]

    def _save_batch(self, batch):
        """Each item judged in order against the archive and this run; new articles are written together."""
        known = self._known(batch)
        outcomes, pending = [], _Pending()
        for item in batch:
            if pending.clashes(item):
                self._create(pending.articles)  # the earlier one must exist before this one is judged
                pending = _Pending()
            outcomes.append(self._judge(item, known, pending))
        self._create(pending.articles)
        return [o if isinstance(o, Outcome) else self._created_outcome(o) for o in outcomes]

    def _known(self, batch):
        """What the database holds that the batch may meet: articles by content and by source URL, the slugs
        taken; and the stories by key, into self._keys."""
        by_hash = {
            article.content_hash: article
            for article in Article.objects.filter(content_hash__in={p.content_hash for p in batch})
        }
        by_url = {}
        for article in Article.objects.filter(source_url__in={p.source_url for p in batch if p.source_url}):
            by_url.setdefault(article.source_url, article)
        for story in Story.objects.filter(key__in={p.story_key for p in batch if p.story_key}):
            self._keys.setdefault(story.key, story)
        bases = {self._slug_base(p) for p in batch}
        taken = set(Article.objects.filter(slug__in=bases).values_list("slug", flat=True))
        taken |= set(ArticleSlug.objects.filter(slug__in=bases).values_list("slug", flat=True))
        return _Known(by_hash, by_url, taken)

    def _judge(self, item, known, pending):
        """The Outcome of `item`, or its new Article (added to `pending`; its Outcome comes once saved)."""
        same = self._same_content(item, known)
        if same is not None and not upstream_news(same, item):
            return self._outcome(item, "duplicate", same.pk, reason="same content")
        target = same or self._earlier_version(item, known)
        if refusal := self.rights.refusal(item, target):
            return Outcome(item.name, "failed", refusal, warnings=item.warnings)
        if target is not None:
            return self._update(target, item)
        article = self._new_article(item, known.taken)
        pending.add(item, article)
        return article

    def _same_content(self, item, known):
        same = known.by_hash.get(item.content_hash)
        if same is None and item.content_hash in self._hashes:  # saved by this run, in an earlier batch
            same = Article.objects.filter(pk=self._hashes[item.content_hash]).first()
        return same

    def _earlier_version(self, item, known):
        """The article `item` is a new version of: the same source URL, or the same story in the same language."""
        target = known.by_url.get(item.source_url) if item.source_url else None
        if target is None and item.source_url in self._urls:
            target = Article.objects.filter(pk=self._urls[item.source_url]).first()
        if target is None and item.story_key and item.story_key in self._keys:
            story = self._keys[item.story_key]
            if story.pk:
                target = Article.objects.filter(story=story, language=item.language).first()
        return target

    def _slug_base(self, item):
        return item.slug or metadata.slug_base(item.title)

    def _unique_slug(self, base, taken):
        slug = base
        if slug in taken or slug in self._slugs:
            if base not in self._slug_prefixes:  # first collision on this base: read what the database has
                self._slug_prefixes.add(base)
                for model in (Article, ArticleSlug):
                    self._db_slugs.update(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
            # Numbered from where the last one stopped: ten thousand "press-release"s stay linear.
            n = self._slug_next.get(base, 2)
            while (slug := _numbered(base, n)) in taken or slug in self._slugs or slug in self._db_slugs:
                n += 1
            self._slug_next[base] = n + 1
        self._slugs[slug] = None
        return slug

    def _new_article(self, item, taken):
        story = None
        if item.story_key:
            story = self._keys.get(item.story_key)
            if story is None:
                story = self._keys[item.story_key] = Story(key=item.story_key)
        else:
            story = self.stories.find(item.fingerprint())
            if (
                story is not None
                and story.pk
                and Article.objects.filter(story_id=story.pk, language=item.language).exists()
            ):
                story = None
        if story is None:
            story = Story()
        self.stories.note_language(story, item.language)
        self.stories.add(story, item.fingerprint())
        if item.status and self.publish != "none":
            status = item.status
        elif self.publish == "all" or (self.publish == "reviewed" and not item.needs_review):
            status = Status.PUBLISHED
        else:
            status = Status.DRAFT
        article = Article(
            story=story,
            language=item.language,
            title=item.title,
            slug=self._unique_slug(self._slug_base(item), taken),
            body=item.body,
            lead=item.lead,
            published=item.published,
            source_name=item.source_name,
            source_url=item.source_url,
            status=status,
            legal_refs=item.legal_refs,
            content_hash=item.content_hash,
            needs_review=item.needs_review,
            review_notes="\n".join(item.notes),
            auto_tags=item.auto_tags,
            imported=stated(item),
        )
        article._prepared = item
        return article

    def _create(self, pending):
        if not pending:
            return
        new_stories = {id(article.story): article.story for _, article in pending if article.story.pk is None}
        Story.objects.bulk_create(new_stories.values())
        self._new_stories.extend(new_stories.values())
        for _, article in pending:
            article.story = article.story  # refresh story_id now that the story has a key
        Article.objects.bulk_create([article for _, article in pending])
        officials = Article.officials.through
        topics = Article.topics.through
        officials.objects.bulk_create(
            [officials(article_id=a.pk, official_id=o) for item, a in pending for o in item.officials]
        )
        topics.objects.bulk_create([topics(article_id=a.pk, topic_id=t) for item, a in pending for t in item.topics])
        candidates.record_mentions([(article, item.mentions) for item, article in pending])
        self._keep_old_slugs([(article, item.old_slugs) for item, article in pending if item.old_slugs])
        # bulk_create sends no signals: queue the new articles for the index writer in this same transaction.
        changes.record_articles([article for _, article in pending], bulk=True)
        for item, article in pending:
            self._hashes[item.content_hash] = article.pk
            if item.source_url:
                self._urls[item.source_url] = article.pk

    def _keep_old_slugs(self, pairs):
        """Former slugs from an export, so that old links keep redirecting after a round trip."""
        wanted = {slug for _, slugs in pairs for slug in slugs}
        if not wanted:
            return
        live = set(Article.objects.filter(slug__in=wanted).values_list("slug", flat=True)) | set(self._slugs)
        rows = [
            ArticleSlug(article_id=article.pk, slug=slug)
            for article, slugs in pairs
            for slug in slugs
            if slug not in live and slug != article.slug
        ]
        ArticleSlug.objects.bulk_create(rows, ignore_conflicts=True)
        for row in rows:
            self._slugs[row.slug] = None

    def _update(self, article, item):
        # Tags the archive inferred from the old text and nobody changed since follow the new text; tags an
        # editor corrected (they differ from that inference) stay as the editor left them.
        old_officials, old_topics = self.gazetteer.match(
            f"{article.title}\n{html_text(article.body)}", article.language
        )
        self._apply_new_version(article, item)
        _update_review(article, item)
        if "status" in item.explicit:
            article.status = item.status
        if "story" in item.explicit:
            article.story = self._stated_story(item)
        try:
            with transaction.atomic():
                _save_retagged(article, item, old_officials, old_topics)
        except IntegrityError as error:
            return Outcome(item.name, "failed", f"cannot update article {article.pk}: {error}")
        self._hashes[item.content_hash] = article.pk
        return self._outcome(item, "updated", article.pk, article=article)

    def _apply_new_version(self, article, item):
        """The new text, and the stated fields by the merge rules (module docstring)."""
        article.body, article.lead, article.legal_refs = item.body, item.lead, item.legal_refs
        article.content_hash = item.content_hash
        if "source_name" not in item.explicit and not article.source_name:
            article.source_name = item.source_name
        item.notes.extend(merge_stated(article, item))
        if "slug" in item.explicit and item.slug != article.slug:
            article.slug = self._unique_slug(item.slug, set())
        if item.old_slugs:
            self._keep_old_slugs([(article, item.old_slugs)])

    def _stated_story(self, item):
        story = self._keys.get(item.story_key) or Story(key=item.story_key)
        if story.pk is None:
            story.save()
            self._new_stories.append(story)
        self._keys[item.story_key] = story
        return story

    def _created_outcome(self, article):
        return self._outcome(article._prepared, "created", article.pk, article=article)

    def _outcome(self, item, status, article_id, *, article=None, reason=""):
        outcome = Outcome(
            item.name,
            status,
            reason,
            article_id=article_id,
            title=item.title,
            language=item.language,
            published=item.published,
            warnings=item.warnings,
        )
        if article is not None:
            outcome.title, outcome.language, outcome.published = article.title, article.language, article.published
            outcome.slug, outcome.story_id = article.slug, article.story_id
            outcome.published_now = article.status == Status.PUBLISHED
            outcome.needs_review = article.needs_review
            outcome.notes = [n for n in article.review_notes.splitlines() if n.strip()]
        return outcome


class _Known(NamedTuple):
    by_hash: dict  # content hash -> Article
    by_url: dict  # source URL -> Article
    taken: set  # slugs


@dataclass
class _Pending:
    """New articles of a batch, not yet written, and what a later input would clash with: one with the same
    content, source URL or story and language must find the earlier one in the database."""

    articles: list = field(default_factory=list)  # (Prepared, Article)
    hashes: set = field(default_factory=set)
    urls: set = field(default_factory=set)
    keys: set = field(default_factory=set)  # (story key, language)

    def clashes(self, item):
        return (
            item.content_hash in self.hashes
            or (item.source_url and item.source_url in self.urls)
            or (item.story_key and (item.story_key, item.language) in self.keys)
        )

    def add(self, item, article):
        self.articles.append((item, article))
        self.hashes.add(item.content_hash)
        if item.source_url:
            self.urls.add(item.source_url)
        if item.story_key:
            self.keys.add((item.story_key, item.language))


def _update_review(article, item):
    if "needs_review" in item.explicit:  # an export states its own review state
        article.needs_review = item.needs_review
        article.review_notes = "\n".join(item.notes)
    elif notes := [note for note in item.notes if note not in item.create_only_notes]:
        # Notes on a title, date or language this update does not apply would only confuse the editor.
        kept = article.review_notes.splitlines() if article.needs_review else []
        article.needs_review = True
        article.review_notes = "\n".join(dict.fromkeys(kept + notes))


def _save_retagged(article, item, old_officials, old_topics):
    """Save an updated article; its officials and topics follow the new text unless an editor corrected them."""
    reset = {
        "officials": "officials" in item.explicit
        or set(article.officials.values_list("pk", flat=True)) == set(old_officials),
        "topics": "topics" in item.explicit or set(article.topics.values_list("pk", flat=True)) == set(old_topics),
    }
    # Tags an editor corrected stay, and so does what they were corrected from (for re-tagging).
    previous = article.auto_tags or {}
    article.auto_tags = {k: item.auto_tags[k] if reset[k] else previous.get(k) for k in reset}
    article.save()
    if reset["officials"]:
        article.officials.set(item.officials)
    if reset["topics"]:
        article.topics.set(item.topics)
    candidates.record_mentions([(article, item.mentions)], replace=True)


def _numbered(base, n):
    suffix = f"-{n}"
    return base[: 200 - len(suffix)] + suffix


# Fields an editor corrects and a file may state: merged field by field on re-import (module docstring).
MERGED = ("title", "published", "language", "source_name")


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def stated(item):
    """What the file states of the MERGED fields, as recorded in Article.imported."""
    return {name: _plain(getattr(item, name)) for name in MERGED if name in item.explicit}


def upstream_news(article, item):
    """The MERGED fields whose stated value differs from what the file said last time (or, with no record, from
    the article)."""
    before = article.imported or {}
    return [name for name, new in stated(item).items() if new != before.get(name, _plain(getattr(article, name)))]


def merge_stated(article, item):
    """Apply the file's stated MERGED fields to `article` by the rules above. Returns notes on conflicts."""
    before, conflicts = article.imported or {}, []
    for name, new in stated(item).items():
        current, base = _plain(getattr(article, name)), before.get(name)
        if new in (current, base):
            continue  # nothing new, or an editor's correction the file does not contradict
        if current == base or not current:
            setattr(article, name, getattr(item, name))  # an upstream fix of a value nobody corrected
        else:
            conflicts.append(f"Re-import: the file now says {name} = {new!r}; kept {current!r} as corrected: review")
    article.imported = {**before, **stated(item)}
    return conflicts


def summarize(outcomes):
    counts = {"created": 0, "updated": 0, "duplicate": 0, "failed": 0, "skipped": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive import sources
from archive.sanitize import sanitize_html
from archive.text import fold_key, nfc, strip_controls


class Language(models.TextChoices):
    EN = "en", "English"
    RU = "ru", "Русский"
    VI = "vi", "Tiếng Việt"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(articles__status=Status.PUBLISHED).distinct()


class Story(models.Model):
    """One event or announcement; groups its language variants."""

    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text=_("Optional import key that groups variants.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-id"]

    def __str__(self):
        first = self.articles.order_by("language").first()
        return first.title if first else self.key or f"Story {self.pk}"

    def get_absolute_url(self):
        return reverse("archive:story", args=[self.pk])


class Source(models.Model):
    """A publisher (VNA, Nhân Dân, Reuters…). Articles are linked to it by a key made from the source name they
    state, else their URL's host (archive/sources.py); the name is what readers see, and editors may change it."""

    key = models.CharField(max_length=200, unique=True, help_text=_("Made from stated names and hosts."))
    name = models.CharField(max_length=200, help_text=_("The name readers see."))

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:source", args=[self.key])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        sources.attach(objs)  # save() does it one by one
        return super().bulk_create(objs, *args, **kwargs)


class Article(models.Model):
    """One language variant of a story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="articles")
    language = models.CharField(max_length=2, choices=Language.choices)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    body = models.TextField(help_text=_("Sanitized HTML."))
    lead = models.TextField(blank=True)
    published = models.DateField()
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    # Follows source_name and source_url (save(), bulk_create()): not edited on the article.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", editable=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    officials = models.ManyToManyField("Official", blank=True, related_name="articles")
    topics = models.ManyToManyField("Topic", blank=True, related_name="articles")
    legal_refs = models.JSONField(default=list, blank=True, help_text=_("Legal document numbers, e.g. 101/2023/QH15."))
    content_hash = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the normalized text."))
    needs_review = models.BooleanField(default=False, help_text=_("Metadata the editor still has to confirm."))
    review_notes = models.TextField(blank=True)
    # What the gazetteer inferred when the article was last tagged: {"officials": [ids], "topics": [ids]}.
    # Tags that differ from it are an editor's corrections, which re-tagging keeps (archive/officials/retag.py).
    auto_tags = models.JSONField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Moves with every save: a form carries the version it was read at, and a save from a form read before
    # someone else's save is refused (ArticleAdminForm) rather than silently undoing theirs.
    version = models.PositiveIntegerField(default=1)
    # What the source file last stated of the fields an editor corrects (title, published, language,
    # source_name): a re-import tells an upstream fix from an editor's correction by it (archive/ingest/pipeline.py).
    imported = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["story", "language"], name="article_one_language_per_story"),
        ]
        indexes = [
            models.Index(fields=["status", "-published"], name="article_status_published_idx"),
            models.Index(fields=["source_url"], name="article_source_url_idx"),
            models.Index(fields=["needs_review"], name="article_needs_review_idx"),
        ]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs):
        # The body is shown unescaped: whatever path it came by (admin form, shell), it is sanitized here.
        self.body = sanitize_html(self.body).html
        # Feeds (XML) and PostgreSQL cannot carry control characters such as NUL.
        for name in ("title", "lead", "source_name"):
            setattr(self, name, strip_controls(nfc(getattr(self, name))))
        fields = kwargs.get("update_fields")
        if fields is None or {"source_name", "source_url"} & set(fields):
            sources.attach([self])
            kwargs["update_fields"] = None if fields is None else {*fields, "source"}
        # One transaction with the slug history and the index change that post_save records.
        with transaction.atomic():
            if self.pk:
                stored = Article.objects.filter(pk=self.pk).values_list("slug", "version").first()
                previous, version = stored or (None, 0)
                # Keep the former slug so that links to it redirect after a title correction.
                if previous and previous != self.slug:
                    ArticleSlug.objects.get_or_create(slug=previous, defaults={"article_id": self.pk})
                self.version = version + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:article", args=[self.slug])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def variants(self):
        """The story's other published language variants."""
        return self.story.articles.published().exclude(pk=self.pk).order_by("language")


class ArticleSlug(models.Model):
    """A former slug of an article, kept so that old links redirect after a title is corrected."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=200, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class Capture(models.Model):
    """A web-archive capture (a WARC record) an article was imported from: its provenance, and what makes a
    second import of the same capture, or a revisit of it, a duplicate."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captures")
    record_id = models.CharField(max_length=200, unique=True, help_text=_("WARC-Record-ID."))
    payload_digest = models.CharField(max_length=200, blank=True, db_index=True, help_text=_("WARC-Payload-Digest."))
    target_uri = models.CharField(max_length=2000, help_text=_("WARC-Target-URI: the captured address."))
    captured = models.DateTimeField(null=True, blank=True, help_text=_("WARC-Date: when the page was captured."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["captured", "id"]

    def __str__(self):
        return f"{self.target_uri} @ {self.captured}"


class OfficialQuerySet(models.QuerySet):
    def published(self):
        """Officials named in at least one published article."""
        return self.filter(articles__status=Status.PUBLISHED).distinct()


class Official(models.Model):
    """One person, one identity across scripts and spellings."""

    name = models.CharField(max_length=200, help_text=_("Canonical name, Vietnamese with diacritics."))
    slug = models.SlugField(max_length=200, unique=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.add_derived_aliases()

    def get_absolute_url(self):
        return reverse("archive:official", args=[self.slug])

    def add_derived_aliases(self):
        """The unaccented and the Cyrillic (Kontsevich) spellings, so that nobody has to type them."""
        from archive.officials.names import derived_aliases

        for name, language in derived_aliases(self.name):
            OfficialAlias.objects.get_or_create(official=self, name=name, defaults={"language": language})

    def role_timeline(self):
        """Role phrases seen in the archive's articles, each with the first and last date it was seen."""
        rows = (
            self.role_mentions.filter(article__status=Status.PUBLISHED)
            .exclude(role="")
            .values("role", "language")
            .annotate(
                first=models.Min("published"), last=models.Max("published"), n=models.Count("article", distinct=True)
            )
            .order_by("first", "role")
        )
        return list(rows)


class OfficialAlias(models.Model):
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    folded = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name_plural = "official aliases"
        ordering = ["official", "language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["official", "name"], name="official_alias_unique_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.folded = fold_key(self.name)
        super().save(*args, **kwargs)


class Role(models.Model):
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=300)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["official", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="role_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class OfficialCandidateQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=CandidateStatus.PENDING)

    def by_frequency(self):
        return self.annotate(n_articles=models.Count("mentions__article", distinct=True)).order_by(
            "-n_articles", "name"
        )


class OfficialCandidate(models.Model):
    """A person introduced by a role title whom the gazetteer does not know yet. Never shown publicly:
    an editor confirms them (they become an Official), merges them into one, or rejects them."""

    key = models.CharField(max_length=200, unique=True, help_text=_("The name's cross-script key."))
    name = models.CharField(max_length=200, help_text=_("Best spelling seen: Vietnamese with diacritics first."))
    spellings = models.JSONField(default=dict, blank=True, help_text=_("Spellings seen, by script."))
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    official = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates",
        help_text=_("The official it was confirmed as or merged into."),
    )  # fmt: skip
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OfficialCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"], name="candidate_status_idx")]

    def __str__(self):
        return self.name

    def all_spellings(self):
        return list(dict.fromkeys([self.name, *(n for names in self.spellings.values() for n in names)]))


class RoleMention(models.Model):
    """A role title and the name it introduces, as one article has them, with the article's date."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="role_mentions")
    official = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.CASCADE, related_name="role_mentions"
    )
    candidate = models.ForeignKey(
        OfficialCandidate, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300)
    language = models.CharField(max_length=2, choices=Language.choices)
    published = models.DateField()

    class Meta:
        ordering = ["published", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "name", "role"], name="role_mention_once_per_article"),
        ]

    def __str__(self):
        return f"{self.role} {self.name}"


class TopicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(articles__status=Status.PUBLISHED).distinct()


class Topic(models.Model):
    """A subject, named in each language, with the phrases that tag an article with it."""

    slug = models.SlugField(max_length=100, unique=True)
    name_en = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200, blank=True)
    name_vi = models.CharField(max_length=200, blank=True)
    keywords_en = models.TextField(blank=True, help_text=_("One phrase per line."))
    keywords_ru = models.TextField(blank=True, help_text=_("One phrase per line."))
    keywords_vi = models.TextField(blank=True, help_text=_("One phrase per line."))

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("archive:topic", args=[self.slug])

    def name(self, language="en"):
        return getattr(self, f"name_{language}", "") or self.name_en

    def keywords(self, language):
        return [line.strip() for line in getattr(self, f"keywords_{language}", "").splitlines() if line.strip()]


class IndexChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(applied__isnull=True)


class IndexChange(models.Model):
    """An article whose search index entry must be brought in line with the database.

    Written in the same transaction as the change itself (archive/search/changes.py), applied by the one
    index writer (archive/search/indexing.py), which marks it applied only after the index has committed:
    a crash at any point leaves the change pending, and applying it again is harmless. `hide` records that
    the article was not published (or was deleted) when the change was made, so that search can leave it out
    at once, before the writer catches up.
    """

    article_id = models.BigIntegerField(help_text=_("No foreign key: the article may be gone."))
    hide = models.BooleanField(default=False)
    # From a bulk import: an editor's own changes go first, so that they show within a second even then.
    bulk = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    applied = models.DateTimeField(null=True, blank=True)

    objects = IndexChangeQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["applied", "bulk", "id"], name="indexchange_pending_idx"),
            models.Index(fields=["created"], name="indexchange_created_idx"),
        ]

    def __str__(self):
        state = "applied" if self.applied else "pending"
        return f"article {self.article_id} ({state})"


# --- E-mail alerts ------------------------------------------------------------------------------------------------
# A reader follows one search (a listing is a search with a fixed filter) by e-mail. The address is confirmed by
# a link (double opt-in); links carry a token signed with the secret key, so the database alone cannot forge them.


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as published")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Subscription(models.Model):
    email = models.EmailField(max_length=254)
    query = models.CharField(max_length=2000, blank=True, help_text=_("Normalized query string of the search."))
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    language = models.CharField(max_length=8, default="en", help_text=_("Language of the messages."))
    # Random and meaningless alone: links sign it with the secret key.
    key = models.CharField(max_length=32, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True, help_text=_("Only articles added after this are sent."))
    confirm_sent = models.DateTimeField(null=True, blank=True)
    checked = models.DateTimeField(null=True, blank=True, help_text=_("Last look for new articles."))
    last_sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="subscription_one_per_address_and_query"),
            # One unconfirmed subscription per address: nobody can queue many confirmation mails to one inbox.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(confirmed__isnull=True),
                name="subscription_one_pending_per_address",
            ),
        ]
        indexes = [models.Index(fields=["confirmed", "frequency"], name="subscription_due_idx")]

    def __str__(self):
        return f"{self.get_frequency_display()}: {self.query or '*'}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Delivery(models.Model):
    """One article for one subscription. Recorded before the message goes out and marked sent after it did;
    the unique constraint keeps an article from being sent twice to the same subscription."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    claim = models.CharField(max_length=32, blank=True, db_index=True, help_text=_("The run that is sending it."))
    created = models.DateTimeField(auto_now_add=True)
    attempted = models.DateTimeField(null=True, blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "article"], name="delivery_once_per_subscription"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.subscription_id} ({self.status})"


class RateCount(models.Model):
    """How often something happened lately (failed sign-ins, confirmation mails), per key, until `expires`.

    In the database rather than the cache: the cache is bounded and culls entries when full, so page traffic
    could evict a throttle's counters. archive/ratelimit.py reads and writes these rows.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"

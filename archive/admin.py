from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from archive.models import (
    Article,
    ArticleSlug,
    Capture,
    Delivery,
    Official,
    OfficialAlias,
    Role,
    Source,
    Status,
    Story,
    Subscription,
    Topic,
)
from archive.officials import retag
from archive.officials.admin import retag_and_report


def may_publish(request):
    """Publishing and taking down is its own permission: changing an article's text does not include it."""
    return request.user.has_perm("archive.publish_article")


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ["language", "title", "status", "published", "needs_review"]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if may_publish(request) else [*readonly, "status"]


class CaptureInline(admin.TabularInline):
    """Where and when the article's page was captured, when it came from a web archive: read only."""

    model = Capture
    extra = 0
    fields = readonly_fields = ["target_uri", "captured", "record_id", "payload_digest"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key", "created"]
    search_fields = ["key", "articles__title"]
    inlines = [ArticleInline]


class ArticleAdminForm(forms.ModelForm):
    """Optimistic concurrency: the form carries the version it was read at; a save from an older version is
    refused with a message, instead of silently undoing what another editor saved meanwhile."""

    class Meta:
        model = Article
        fields = ["version"]  # the admin adds the fields of its fieldsets
        widgets = {"version": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        current = Article.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # The admin saves in one transaction: the row stays locked (PostgreSQL; SQLite's IMMEDIATE transactions
            # serialize the whole save) until this save commits, so of two saves from one version only one passes.
            current = current.select_for_update()
        version = current.values_list("version", flat=True).first()
        if version is not None and cleaned.get("version") != version:
            # Shown again with the editor's values, at the current version: saving again is a deliberate choice.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = version
            raise ValidationError(
                _(
                    "Someone else changed this article meanwhile, so your changes were not saved. Review the form "
                    "(it still holds your values) against the article as it is now, and save again."
                ),
                code="stale",
            )
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "published", "status", "needs_review", "source_name"]
    list_filter = ["status", "language", "needs_review", "published", "topics", "officials"]
    search_fields = ["title", "slug", "source_url", "source_name"]
    date_hierarchy = "published"
    autocomplete_fields = ["story", "officials", "topics"]
    readonly_fields = ["content_hash", "created", "updated", "source"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish", "confirm_reviewed", "retag"]
    inlines = [CaptureInline]
    fieldsets = [
        (None, {"fields": ["story", "language", "title", "slug", "status", "published", "version"]}),
        (_("Review"), {"fields": ["needs_review", "review_notes"]}),
        (_("Content"), {"fields": ["lead", "body", "legal_refs"]}),
        (_("Source"), {"fields": ["source_name", "source_url", "source"]}),
        (_("Tags"), {"fields": ["officials", "topics"]}),
        (_("Record"), {"fields": ["content_hash", "created", "updated"], "classes": ["collapse"]}),
    ]

    def has_publish_permission(self, request):
        return may_publish(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if may_publish(request) else [*readonly, "status"]

    def changelist_view(self, request, extra_context=None):
        # An action the user may not run is refused outright, rather than treated as "no action selected".
        name = request.POST.get("action") if request.method == "POST" else None
        if name and self.get_action(name) and name not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    @admin.action(description=_("Confirm reviewed metadata"), permissions=["change"])
    def confirm_reviewed(self, request, queryset):
        count = queryset.filter(needs_review=True).update(needs_review=False, review_notes="")
        self.message_user(request, _("%(count)d article(s) confirmed.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Re-tag selected articles (keeps editors' corrections)"), permissions=["change"])
    def retag(self, request, queryset):
        retag_and_report(self, request, queryset)

    def get_urls(self):
        from django.urls import path

        from archive.ingest.upload import upload_view

        upload = self.admin_site.admin_view(lambda request: upload_view(self, request))
        return [path("upload/", upload, name="archive_article_upload"), *super().get_urls()]

    def _set_status(self, request, queryset, status):
        # save() per article rather than update(): the index must hear of every change.
        changed = 0
        for obj in queryset.exclude(status=status):
            obj.status = status
            obj.save(update_fields=["status", "updated"])
            changed += 1
        self.message_user(request, _("%(count)d article(s) changed.") % {"count": changed}, messages.SUCCESS)


@admin.register(ArticleSlug)
class ArticleSlugAdmin(admin.ModelAdmin):
    list_display = ["slug", "article", "created"]
    search_fields = ["slug", "article__title"]


class OfficialAliasInline(admin.TabularInline):
    model = OfficialAlias
    extra = 1
    fields = ["name", "language"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "aliases__name", "aliases__folded"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OfficialAliasInline, RoleInline]
    actions = ["retag_articles"]

    def save_related(self, request, form, formsets, change):
        # A new name or alias tags the articles already in the archive that use it.
        super().save_related(request, form, formsets, change)
        retag_and_report(self, request, retag.articles_naming([form.instance]))

    @admin.action(description=_("Re-tag articles that may name them"), permissions=["change"])
    def retag_articles(self, request, queryset):
        retag_and_report(self, request, retag.articles_naming(list(queryset)))


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ru", "name_vi", "slug"]
    search_fields = ["slug", "name_en", "name_ru", "name_vi"]
    prepopulated_fields = {"slug": ["name_en"]}
    actions = ["retag_articles"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and any(name.startswith("keywords_") for name in form.changed_data):
            retag_and_report(self, request, retag.articles_using([obj]))

    @admin.action(description=_("Re-tag articles that may use their phrases"), permissions=["change"])
    def retag_articles(self, request, queryset):
        retag_and_report(self, request, retag.articles_using(list(queryset)))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Editors name a source as readers see it; a new name reaches the index like any edit (search/changes.py).
    The key is made by archive/sources.py from what articles state, so it is not edited here."""

    list_display = ["name", "key", "article_count"]
    search_fields = ["name", "key"]
    readonly_fields = ["key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("articles"))

    @admin.display(description=_("Articles"), ordering="n")
    def article_count(self, obj):
        return obj.n

    def has_add_permission(self, request):
        return False  # sources come from the articles


# --- E-mail alerts: editors see who follows what; addresses stay in the admin, tokens are never shown. ---------


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["article", "status", "attempted", "sent"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "query", "frequency", "confirmed", "last_sent", "created"]
    list_filter = ["frequency", ("confirmed", admin.EmptyFieldListFilter), "language"]
    search_fields = ["email", "query"]
    date_hierarchy = "created"
    # The key is what links are signed from: it stays out of the admin altogether.
    fields = ["email", "query", "frequency", "language", "created", "confirmed", "confirm_sent", "checked", "last_sent"]
    readonly_fields = ["email", "query", "created", "confirmed", "confirm_sent", "checked", "last_sent"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        # Only the owner of an address can subscribe it (double opt-in).
        return False

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from archive.models import Article, ArticleSlug, Official, OfficialAlias, Role, Status, Story, Topic


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ["language", "title", "status", "published", "needs_review"]
    show_change_link = True


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key", "created"]
    search_fields = ["key", "articles__title"]
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "published", "status", "needs_review", "source_name"]
    list_filter = ["status", "language", "needs_review", "published", "topics", "officials"]
    search_fields = ["title", "slug", "source_url", "source_name"]
    date_hierarchy = "published"
    autocomplete_fields = ["story", "officials", "topics"]
    readonly_fields = ["content_hash", "created", "updated"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["story", "language", "title", "slug", "status", "published"]}),
        (_("Review"), {"fields": ["needs_review", "review_notes"]}),
        (_("Content"), {"fields": ["lead", "body", "legal_refs"]}),
        (_("Source"), {"fields": ["source_name", "source_url"]}),
        (_("Tags"), {"fields": ["officials", "topics"]}),
        (_("Record"), {"fields": ["content_hash", "created", "updated"], "classes": ["collapse"]}),
    ]

    @admin.action(description=_("Publish selected articles"))
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Unpublish selected articles"))
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ru", "name_vi", "slug"]
    search_fields = ["slug", "name_en", "name_ru", "name_vi"]
    prepopulated_fields = {"slug": ["name_en"]}

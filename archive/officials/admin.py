"""The editors' side of officials the archive finds: candidates to confirm, merge or reject; re-tagging."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import CandidateStatus, Official, OfficialCandidate, RoleMention
from archive.officials import candidates, retag
from archive.officials.names import is_cyrillic, to_cyrillic

ARTICLE_LINKS = 5


class MergeForm(forms.Form):
    official = forms.ModelChoiceField(
        queryset=Official.objects.all(),
        label=gettext_lazy("Official"),
        help_text=gettext_lazy("The candidates' spellings become this official's aliases."),
    )


@admin.register(OfficialCandidate)
class OfficialCandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "spelled_en", "spelled_ru", "roles_seen", "n_articles", "article_links", "status", "note"]
    list_filter = ["status"]
    search_fields = ["name", "key", "mentions__name", "mentions__role"]
    readonly_fields = ["key", "spellings", "official", "created", "updated", "roles_seen", "article_links"]
    fields = ["name", "status", "note", "key", "spellings", "roles_seen", "article_links", "official"]
    actions = ["confirm", "merge", "reject"]

    def get_queryset(self, request):
        # Annotated before ordering (the base get_queryset orders by get_ordering() itself).
        queryset = self.model._default_manager.annotate(n_articles=Count("mentions__article", distinct=True))
        return queryset.prefetch_related("mentions__article").order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Most frequent first: what the archive names most is what editors should decide first.
        return ["-n_articles", "name"]

    @admin.display(description=gettext_lazy("Articles"), ordering="n_articles")
    def n_articles(self, obj):
        return obj.n_articles

    @admin.display(description=gettext_lazy("Latin"))
    def spelled_en(self, obj):
        return ", ".join(obj.spellings.get("vi", []) + obj.spellings.get("en", []))

    @admin.display(description=gettext_lazy("Cyrillic"))
    def spelled_ru(self, obj):
        seen = obj.spellings.get("ru", [])
        derived = to_cyrillic(obj.name) if not seen and not is_cyrillic(obj.name) else None
        return ", ".join(seen) or (_("%(name)s (transcribed)") % {"name": derived} if derived else "")

    def has_add_permission(self, request):
        return False  # candidates come from articles; a new official is added as an official

    @admin.display(description=gettext_lazy("Role phrases seen"))
    def roles_seen(self, obj):
        roles = dict.fromkeys(m.role for m in obj.mentions.all() if m.role)
        return "; ".join(list(roles)[:4])

    @admin.display(description=gettext_lazy("In articles"))
    def article_links(self, obj):
        articles = list({m.article_id: m.article for m in obj.mentions.all()}.values())[:ARTICLE_LINKS]
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:archive_article_change", args=[a.pk]), a.title[:60]) for a in articles),
        )

    @admin.action(description=gettext_lazy("Confirm as new officials"), permissions=["change"])
    def confirm(self, request, queryset):
        made = [candidates.confirm(c) for c in queryset.filter(status=CandidateStatus.PENDING)]
        links = format_html_join(", ", '<a href="{}">{}</a>', ((o.get_absolute_url(), o.name) for o in made))
        self.message_user(request, format_html("{} {}", _("Confirmed:"), links) if made else _("Nothing pending."))

    @admin.action(description=gettext_lazy("Merge into an existing official (as aliases)"), permissions=["change"])
    def merge(self, request, queryset):
        pending = queryset.filter(status=CandidateStatus.PENDING)
        form = MergeForm(request.POST if "official" in request.POST else None)
        if form.is_valid():
            official = form.cleaned_data["official"]
            for candidate in pending:
                candidates.confirm(candidate, official=official)
            self.message_user(request, _("Merged into %(name)s.") % {"name": official.name}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "queryset": pending,
            "action": "merge",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/officialcandidate/merge.html", context)

    @admin.action(description=gettext_lazy("Reject (never propose again)"), permissions=["change"])
    def reject(self, request, queryset):
        count = candidates.reject(queryset.filter(status=CandidateStatus.PENDING))
        self.message_user(request, _("%(count)d candidate(s) rejected.") % {"count": count}, messages.SUCCESS)


@admin.register(RoleMention)
class RoleMentionAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "official", "candidate", "language", "published", "article"]
    list_filter = ["language"]
    search_fields = ["name", "role"]
    raw_id_fields = ["article", "official", "candidate"]
    date_hierarchy = "published"


def retag_and_report(modeladmin, request, articles):
    report = retag.retag(articles)
    modeladmin.message_user(
        request,
        _("%(checked)d article(s) checked; tags changed on %(changed)d.")
        % {"checked": report.checked, "changed": len(report.changed)},
        messages.SUCCESS,
    )

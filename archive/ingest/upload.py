"""The admin upload page: several files or a zip at once, limits checked before anything is read."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.ingest.formats import Failure, Limits, iter_upload
from archive.ingest.pipeline import Importer, Outcome, Rights, summarize
from archive.search import indexing, writer

# Seconds the upload result waits for the index writer, so that it can say whether the articles are searchable.
SEARCHABLE_WAIT = 3.0


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        accept = ".txt,.md,.html,.htm,.zip,.jsonl,.warc,.gz,.wacz"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            ".txt, .md, .html, .jsonl, or a .zip of them; web archives as .warc, .warc.gz or .wacz. "
            "Several files at once are fine."
        ),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish at once what needs no review"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Articles with metadata to confirm stay drafts until an editor confirms them."),
    )

    def __init__(self, *args, limits=None, may_publish=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = limits or Limits.from_settings()
        if not may_publish:
            del self.fields["publish"]

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.limits.files:
            raise forms.ValidationError(
                _("Too many files (%(count)d); the limit is %(limit)d per upload.")
                % {"count": len(files), "limit": self.limits.files}
            )
        return files


def upload_sources(files, limits):
    """Uploaded files to Sources. Sizes are known before reading, so oversized files are never read."""
    for upload in files:
        name = upload.name
        if upload.size == 0:
            yield Failure(name, "empty file")
            continue
        yield from iter_upload(name, upload.file if hasattr(upload, "file") else upload, upload.size, limits)


def upload_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta}
    context["title"] = _("Upload articles")
    rights = Rights(
        update=model_admin.has_change_permission(request), publish=model_admin.has_publish_permission(request)
    )
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, may_publish=rights.publish)
        if form.is_valid():
            publish = "reviewed" if form.cleaned_data.get("publish") else "none"
            importer = Importer(publish=publish, rights=rights)
            outcomes = list(importer.run(upload_sources(form.cleaned_data["files"], form.limits)))
            counts = summarize(outcomes)
            level = messages.WARNING if counts["failed"] else messages.SUCCESS
            model_admin.message_user(
                request,
                _(
                    "%(created)d created, %(updated)d updated, %(duplicate)d duplicates, %(failed)d failed, "
                    "%(skipped)d skipped."
                )
                % counts,
                level,
            )
            context.update(outcomes=outcomes, counts=counts, review=[o for o in outcomes if _to_review(o)])
            published = [o.article_id for o in outcomes if o.published_now and o.article_id]
            # No writer, no wait: the result says at once that they are not searchable yet.
            wait = SEARCHABLE_WAIT if writer.running() else 0
            context["unsearchable"] = indexing.wait_applied(published, wait) if published else 0
            context["published_count"] = len(published)
            context["title"] = _("Upload results")
            return TemplateResponse(request, "admin/archive/article/upload_result.html", context)
    else:
        form = UploadForm(may_publish=rights.publish)
    context.update(form=form, limits=form.limits)
    return TemplateResponse(request, "admin/archive/article/upload.html", context)


def _to_review(outcome: Outcome):
    return outcome.needs_review and outcome.status in {"created", "updated"}

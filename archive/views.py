"""Reading pages. Listings of officials, topics and languages go through the search module, so that they
facet and paginate exactly like /search/; home and archive counts are plain database aggregates."""

import datetime
import shutil
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control

from archive import citations, openapi
from archive.models import Article, Language, Official, Source, Status, Story, Topic
from archive.pagecache import cached_page
from archive.search import indexing, query
from archive.security import named_port_only

MORE_LIKE_THIS = 5
ARCHIVE_PAGE_SIZE = 50
LATEST_STORIES = 12
HEADLINE_CHARS = 110  # what search engines read of a NewsArticle headline


def _published_count():
    return Count("articles", filter=Q(articles__status=Status.PUBLISHED), distinct=True)


def _monthly_counts(articles):
    rows = (
        articles.annotate(y=ExtractYear("published"), m=ExtractMonth("published"))
        .values("y", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["y"], row["m"]): row["n"] for row in rows}


def _yearly_counts(monthly):
    years = {}
    for (year, _month), n in monthly.items():
        years[year] = years.get(year, 0) + n
    return sorted(years.items(), reverse=True)


def _latest_stories(language, size=LATEST_STORIES):
    """The newest stories, each as (the variant to show, its other variants).

    The variant shown is the one in the interface language when the story has it, else its newest one;
    so a story published in three languages takes one line, not three."""
    stories = list(
        Story.objects.filter(articles__status=Status.PUBLISHED)
        .annotate(latest=Max("articles__published", filter=Q(articles__status=Status.PUBLISHED)), last=Max("articles"))
        .order_by("-latest", "-last")
        .values_list("pk", flat=True)[:size]
    )
    variants = {}
    for article in Article.objects.published().filter(story_id__in=stories).order_by("-published", "language"):
        variants.setdefault(article.story_id, []).append(article)
    latest = []
    for pk in stories:
        group = variants.get(pk)
        if not group:  # taken down between the two queries
            continue
        shown = next((a for a in group if a.language == language), group[0])
        others = sorted((a for a in group if a.pk != shown.pk), key=lambda a: a.language)
        latest.append((shown, others))
    return latest


@cached_page
def home(request):
    published = Article.objects.published()
    monthly = _monthly_counts(published)
    context = {
        "stories": _latest_stories((request.LANGUAGE_CODE or "en")[:2]),
        "monthly": monthly,
        "years": _yearly_counts(monthly),
        "topics": Topic.objects.annotate(n=_published_count()).filter(n__gt=0).order_by("-n", "name_en"),
        "officials": Official.objects.annotate(n=_published_count()).filter(n__gt=0).order_by("-n", "name")[:12],
        "languages": [(code, label, published.filter(language=code).count()) for code, label in Language.choices],
    }
    return render(request, "archive/home.html", context)


def _more_like_this(obj, officials, topics):
    """Published articles of other stories sharing the most officials and topics; one per story."""
    official_ids = [o.pk for o in officials]
    topic_ids = [t.pk for t in topics]
    if not official_ids and not topic_ids:
        return []
    candidates = (
        Article.objects.published()
        .exclude(story_id=obj.story_id)
        .annotate(
            shared=Count("officials", filter=Q(officials__in=official_ids), distinct=True)
            + Count("topics", filter=Q(topics__in=topic_ids), distinct=True)
        )
        .filter(shared__gt=0)
        .order_by("-shared", "-published", "-id")[:50]
    )
    picked, stories = [], set()
    # Prefer the reader's current language when a story exists in it.
    for article in sorted(candidates, key=lambda a: (-a.shared, a.language != obj.language)):
        if article.story_id not in stories:
            stories.add(article.story_id)
            picked.append(article)
        if len(picked) == MORE_LIKE_THIS:
            break
    return picked


def _article_json_ld(request, obj, variants, officials, topics):
    url = request.build_absolute_uri(obj.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(obj.title).chars(HEADLINE_CHARS),
        "inLanguage": obj.language,
        "datePublished": obj.published.isoformat(),
        "dateModified": obj.updated.isoformat(),
        "url": url,
        "mainEntityOfPage": url,
        "about": [{"@type": "Thing", "name": t.name(obj.language)} for t in topics],
        "mentions": [{"@type": "Person", "name": o.name} for o in officials],
        "workTranslation": [
            {"@type": "NewsArticle", "inLanguage": v.language, "url": request.build_absolute_uri(v.get_absolute_url())}
            for v in variants
        ],
    }
    if obj.lead:
        data["description"] = obj.lead
    if obj.source_name:
        # A government press office writes as an organisation; it is both the author and the publisher.
        data["publisher"] = data["author"] = {"@type": "Organization", "name": obj.source_name}
    if obj.source_url:
        data["isBasedOn"] = obj.source_url
    return data


@cached_page
def article(request, slug):
    obj = Article.objects.published().select_related("story", "source").filter(slug=slug).first()
    if obj is None:
        old = get_object_or_404(Article.objects.published().filter(old_slugs__slug=slug))
        return redirect(old, permanent=True)
    variants = list(obj.variants())
    officials = list(obj.officials.all())
    topics = list(obj.topics.all())
    context = {
        "article": obj,
        "variants": variants,
        "officials": officials,
        "topics": topics,
        "more": _more_like_this(obj, officials, topics),
        "json_ld": _article_json_ld(request, obj, variants, officials, topics),
        "citation": citations.text(_reference(request, obj, officials, topics)),
        "cite_formats": citations.FORMATS,
    }
    return render(request, "archive/article.html", context)


def _reference(request, obj, officials, topics):
    return citations.reference(obj, request.build_absolute_uri(obj.get_absolute_url()), officials, topics)


def openapi_document(request):
    """The OpenAPI 3.1 description of the API, the CSV export, the feeds and the citations."""
    return JsonResponse(openapi.document(request.build_absolute_uri("/")), json_dumps_params={"ensure_ascii": False})


def cite(request, slug, style):
    """The article's reference as a file for a reference manager: RIS, BibTeX or CSL-JSON."""
    if style not in citations.FORMATS:
        raise Http404
    obj = get_object_or_404(Article.objects.published(), slug=slug)
    extension, content_type = citations.FORMATS[style]
    reference = _reference(request, obj, obj.officials.all(), obj.topics.all())
    response = HttpResponse(citations.RENDER[style](reference), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{obj.slug[:100]}.{extension}"'
    return response


@cached_page
def story(request, pk):
    obj = get_object_or_404(Story, pk=pk)
    variants = obj.articles.published().order_by("language")
    preferred = variants.filter(language=request.LANGUAGE_CODE).first() or variants.first()
    if preferred is None:
        raise Http404
    return redirect(preferred)


@cached_page
def compare(request, pk):
    """Two language variants of one story side by side."""
    obj = get_object_or_404(Story, pk=pk)
    variants = {a.language: a for a in obj.articles.published().order_by("language")}
    if not variants:
        raise Http404
    if len(variants) == 1:
        return redirect(next(iter(variants.values())))
    languages = list(variants)
    left = request.GET.get("a") if request.GET.get("a") in variants else languages[0]
    right = request.GET.get("b") if request.GET.get("b") in variants else None
    if right is None or right == left:
        right = next(code for code in languages if code != left)
    context = {
        "story": obj,
        "left": variants[left],
        "right": variants[right],
        "choices": [(code, variants[code].get_language_display()) for code in languages],
    }
    return render(request, "archive/compare.html", context)


def _listing(request, template, base, **context):
    result = query.run(request.GET, base=base)
    context.update(result=result, base_path=request.path)
    return render(request, template, context)


@cached_page
def official_list(request):
    officials = Official.objects.annotate(n=_published_count()).prefetch_related("roles").order_by("-n", "name")
    return render(request, "archive/official_list.html", {"officials": officials})


@cached_page
def official(request, slug):
    obj = get_object_or_404(Official.objects.prefetch_related("roles", "aliases"), slug=slug)
    aliases = sorted({(a.name, a.language) for a in obj.aliases.all() if a.name != obj.name})
    context = {"official": obj, "roles": obj.roles.all(), "aliases": aliases, "timeline": obj.role_timeline()}
    return _listing(request, "archive/official.html", {"official": [obj.slug]}, **context)


@cached_page
def topic_list(request):
    topics = Topic.objects.annotate(n=_published_count()).order_by("-n", "name_en")
    return render(request, "archive/topic_list.html", {"topics": topics})


@cached_page
def topic(request, slug):
    obj = get_object_or_404(Topic, slug=slug)
    return _listing(request, "archive/topic.html", {"topic": [obj.slug]}, topic=obj)


@cached_page
def language(request, code):
    if code not in Language.values:
        raise Http404
    return _listing(request, "archive/language.html", {"language": [code]}, code=code, label=Language(code).label)


@cached_page
def source(request, key):
    obj = get_object_or_404(Source, key=key)
    return _listing(request, "archive/source.html", {"source": [obj.key]}, source=obj)


@cached_page
def archive_index(request):
    monthly = _monthly_counts(Article.objects.published())
    years = [
        (year, total, [(m, monthly.get((year, m), 0)) for m in range(1, 13)]) for year, total in _yearly_counts(monthly)
    ]
    return render(request, "archive/archive_index.html", {"years": years, "monthly": monthly})


@cached_page
def archive_year(request, year):
    if not 1 <= year <= 9999:  # beyond what a date holds: the year lookup would raise
        raise Http404
    monthly = _monthly_counts(Article.objects.published().filter(published__year=year))
    if not monthly:
        raise Http404
    months = [(m, monthly.get((year, m), 0)) for m in range(1, 13)]
    context = {"year": year, "months": months, "total": sum(monthly.values()), "monthly": monthly}
    context["feed_query"] = urlencode({"year": year})
    return render(request, "archive/archive_year.html", context)


@cached_page
def archive_month(request, year, month):
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        raise Http404
    articles = (
        Article.objects.published()
        .filter(published__year=year, published__month=month)
        .prefetch_related("officials", "topics")
    )
    page = Paginator(articles, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.paginator.count:
        raise Http404
    context = {"year": year, "month": month, "date": datetime.date(year, month, 1), "page": page}
    context["feed_query"] = urlencode({"year": year, "month": month})  # the same period as a search feed
    return render(request, "archive/archive_month.html", context)


@cache_control(max_age=86400, public=True)
@named_port_only
def robots(request):
    sitemap = request.build_absolute_uri(reverse("archive:sitemap"))
    return render(request, "robots.txt", {"sitemap": sitemap}, content_type="text/plain; charset=utf-8")


@cache_control(max_age=86400, public=True)
@named_port_only
def opensearch(request):
    context = {"root": request.build_absolute_uri("/").rstrip("/")}
    return render(request, "opensearch.xml", context, content_type="application/opensearchdescription+xml")


def healthz(request):
    """Liveness for the container and proxies: the database answers, the index can be read, index changes do not
    wait longer than GAZETTE_INDEX_MAX_LAG, the disk has room. 503 with the reason when any of them fails."""
    report = {"status": "ok"}
    for name, check in (("database", _database_health), ("index", indexing.health), ("disk", _disk_health)):
        try:
            report.update(check())
        except Exception as error:
            report.update(status="error", **{name: f"{type(error).__name__}: {error}"})
    if "index_writer" in report or "disk_low" in report:
        report["status"] = "error"
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


def _database_health():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    lag = indexing.lag()
    report = {"database": "ok", "index_pending": lag.pending, "index_lag_seconds": lag.seconds}
    if lag.stalled:
        report["index_writer"] = lag.explain()
    return report


def _disk_health():
    """Free space where Gazette writes: the data dir and the search index's directory."""
    report = {}
    places = {Path(settings.DATA_DIR), *indexing.index_directories()}
    for place in sorted(places):
        free_mb = shutil.disk_usage(place).free // 2**20
        report["disk_free_mb"] = min(free_mb, report.get("disk_free_mb", free_mb))
        if free_mb < settings.DISK_MIN_FREE_MB:
            report["disk_low"] = f"only {free_mb} MB free in {place} (less than {settings.DISK_MIN_FREE_MB} MB)"
    return report

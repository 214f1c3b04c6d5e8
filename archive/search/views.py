"""The search page and its JSON twin; both show exactly what query.run() returns."""

import time

from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from archive.pagecache import cached_page
from archive.search import export, indexing, query


@cached_page
def search(request):
    result = query.run(request.GET)
    context = {"result": result, "q": result.q, "base_path": request.path, "csv_limit": export.MAX_ROWS}
    return render(request, "archive/search.html", context)


def api_search(request):
    started = time.perf_counter()
    body = as_json(query.run(request.GET), request)
    elapsed_ms = (time.perf_counter() - started) * 1000
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Link"] = f'<{body["csv"]}>; rel="alternate"; type="text/csv"'
    # The search's own time, for benchmarks and browser dev tools (W3C Server Timing).
    response["Server-Timing"] = f"search;dur={elapsed_ms:.1f}"
    return response


def as_json(result, request):
    lang = (get_language() or "en")[:2]

    def url(obj):
        return request.build_absolute_uri(obj.get_absolute_url())

    def source(article):
        found = article.source  # selected with the hits (query._hits)
        return {"key": found.key, "name": found.name} if found else None

    return {
        "count": result.count,
        "page": result.page,
        "pages": result.pages,
        "results": [
            {
                "id": hit.article.pk,
                "url": url(hit.article),
                "title": hit.article.title,
                "title_html": str(hit.title_html),
                "language": hit.article.language,
                "published": hit.article.published.isoformat(),
                "officials": [{"slug": o.slug, "name": o.name} for o in hit.article.officials.all()],
                "topics": [{"slug": t.slug, "name": t.name(lang)} for t in hit.article.topics.all()],
                "source": source(hit.article),
                "story": hit.article.story_id,
                "variants": [{"language": v.language, "url": url(v), "title": v.title} for v in hit.variants],
                "snippet": str(hit.snippet_html),
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
            for name, values in result.facets.items()
        },
        "suggestion": result.suggestion,
        "notices": [str(n) for n in result.messages],
        "limited": result.limited,
        "csv": request.build_absolute_uri(export.url(result)),
    }


def index_backlog(request):
    """Context processor: the admin's banner when index changes wait and nobody applies them."""
    user = getattr(request, "user", None)
    if not (user and user.is_staff and request.path.startswith(reverse("admin:index"))):
        return {}
    lag = indexing.lag()
    return {"index_backlog": lag} if lag.stalled else {}


def search_csv(request):
    """The search's articles as CSV, one row each (archive/search/export.py)."""
    found = export.prepare(request.GET)
    response = StreamingHttpResponse(
        export.lines(found, request.build_absolute_uri), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="gazette-search.csv"'
    response["X-Result-Count"] = str(found.count)
    response["X-Export-Limit"] = str(export.MAX_ROWS)
    response["X-Export-Truncated"] = "true" if found.truncated else "false"
    return response

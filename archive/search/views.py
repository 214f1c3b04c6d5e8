from django.http import JsonResponse
from django.shortcuts import render

from archive.search import query


def search(request):
    result = query.run(request.GET)
    return render(request, "archive/search.html", {"result": result, "q": request.GET.get("q", "")})


def api_search(request):
    result = query.run(request.GET)
    return JsonResponse(
        {
            "count": result.count,
            "page": result.page,
            "pages": result.pages,
            "results": [
                {
                    "id": a.pk,
                    "url": request.build_absolute_uri(a.get_absolute_url()),
                    "title": a.title,
                    "language": a.language,
                    "published": a.published.isoformat(),
                }
                for a in result.articles
            ],
        }
    )

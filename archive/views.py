from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from archive.models import Article, Official, Story, Topic


def home(request):
    latest = Article.objects.published().select_related("story")[:20]
    return render(request, "archive/home.html", {"articles": latest})


def article(request, slug):
    obj = Article.objects.published().filter(slug=slug).first()
    if obj is None:
        old = get_object_or_404(Article.objects.published().filter(old_slugs__slug=slug))
        return redirect(old, permanent=True)
    context = {
        "article": obj,
        "variants": obj.variants(),
        "officials": obj.officials.all(),
        "topics": obj.topics.all(),
    }
    return render(request, "archive/article.html", context)


def story(request, pk):
    obj = get_object_or_404(Story, pk=pk)
    variants = obj.articles.published().order_by("language")
    preferred = variants.filter(language=request.LANGUAGE_CODE).first() or variants.first()
    if preferred is None:
        raise Http404
    return redirect(preferred)


def official(request, slug):
    obj = get_object_or_404(Official, slug=slug)
    articles = obj.articles.published()[:50]
    return render(request, "archive/official.html", {"official": obj, "articles": articles})


def topic(request, slug):
    obj = get_object_or_404(Topic, slug=slug)
    articles = obj.articles.published()[:50]
    return render(request, "archive/topic.html", {"topic": obj, "articles": articles})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

"""RSS 2.0 and Atom 1.0 feeds of every listing and search, built on Django's syndication framework.

`ArticleFeed` holds what every item needs (dates, guid, author, categories, language, other language versions);
each stream (latest, search, topic, official, language, source) is a short subclass naming its articles and its title.
Search, topic, official, language and source feeds take their articles from `archive.search.query.run`, so a feed shows
exactly what its page shows, newest first. Feeds are cached per content generation and answer conditional GETs.
"""

import datetime
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import feedgenerator
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.html import escape, format_html, strip_tags
from django.utils.http import http_date, quote_etag
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import pagecache
from archive.models import Article, Language, Official, Source, Topic
from archive.sanitize import sanitize_html
from archive.search import query, registry
from archive.security import named_port_only
from archive.text import strip_controls

DC_NS = "http://purl.org/dc/elements/1.1/"
CACHE_SECONDS = 600
# Parameters that shape a page of results but not which articles a feed follows.
PAGE_ONLY_PARAMS = ("page", "sort", "full")
LATEST_SIZE = 30
LEAD_WORDS = 60


# --- Feed generators -----------------------------------------------------------------------------------------------


class _StableDates:
    """An empty feed is dated by the archive's last change rather than by the clock, so its bytes (and ETag) hold."""

    def latest_post_date(self):
        if any(item.get("updateddate") or item.get("pubdate") for item in self.items):
            return super().latest_post_date()
        return self.feed.get("fallback_date") or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class RssFeed(_StableDates, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 plus each item's language (dc:language) and its other language versions (atom:link hreflang)."""

    def __init__(self, title, link, description, *args, **kwargs):
        # The channel's title and description repeat the search and its notices: escaped like item titles.
        super().__init__(escape(title), link, escape(description), *args, **kwargs)

    def add_item(self, title, link, description, **kwargs):
        # Readers take an RSS title for HTML, so it is escaped once more (as Django's own feeds do).
        # With ?full=1 the description is the whole body: RSS has a single place for an item's text.
        description = kwargs.get("content") or description
        super().add_item(escape(title), link, description, **kwargs)

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:language", item["language"])
        for tag in item["tags"]:
            handler.addQuickElement("category", tag.label, {"domain": tag.scheme})
        for variant in item["variants"]:
            handler.addQuickElement("atom:link", None, variant.attributes())


class AtomFeed(_StableDates, feedgenerator.Atom1Feed):
    """Atom 1.0 with xml:lang on each entry, the full body as content on request, and hreflang alternates."""

    def item_attributes(self, item):
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        # Written here rather than by Django's Atom1Feed so the entry's own link says its language too.
        handler.addQuickElement("title", item["title"])
        link = {"rel": "alternate", "type": "text/html", "hreflang": item["language"], "href": item["link"]}
        handler.addQuickElement("link", None, link)
        for variant in item["variants"]:
            handler.addQuickElement("link", None, variant.attributes())
        handler.addQuickElement("id", item["unique_id"])
        handler.addQuickElement("published", feedgenerator.rfc3339_date(item["pubdate"]))
        handler.addQuickElement("updated", feedgenerator.rfc3339_date(item["updateddate"]))
        if item["author_name"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", item["author_name"])
            handler.endElement("author")
        handler.addQuickElement("summary", item["description"], {"type": "html"})
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        for tag in item["tags"]:
            handler.addQuickElement("category", None, {"term": tag.term, "scheme": tag.scheme, "label": tag.label})


# --- What a feed is made of ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class Variant:
    language: str
    href: str
    title: str

    def attributes(self):
        return {
            "rel": "alternate",
            "type": "text/html",
            "hreflang": self.language,
            "href": self.href,
            "title": self.title,
        }


@dataclass
class Entry:
    article: Article
    variants: list
    tags: list
    full: bool = False


@dataclass
class Stream:
    title: str
    link: str  # the HTML page that lists the same articles
    description: str
    entries: list
    feed_url: str | None = None
    language: str | None = None
    updated: datetime.datetime | None = None
    notices: list = field(default_factory=list)


def _newest(entries):
    return max((entry.article.updated for entry in entries), default=None)


def _flag(value):
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def feed_params(params):
    """The listing's parameters as a feed reads them: newest first, first page, nothing about presentation."""
    data = {name: params.getlist(name) for name in params if name not in PAGE_ONLY_PARAMS}
    data["sort"] = ["newest"]
    return data


def filter_labels(result):
    """Human names of the filters of a search result, e.g. ['“reform”', 'Language: Русский', 'Topic: E-Government'].

    A listing's own facet (`base`) is not among them: its title already says it."""
    names = {facet.name: facet.label for facet in registry.facets()}
    names.update({"from": _("From"), "to": _("To")})
    parts = [f"“{result.q}”"] if result.q else []
    for name, label in names.items():
        values = [str(v) for v in result.filters.get(name) or []]
        if values:
            known = {str(f.value): f.label for f in result.facets.get(name, [])}
            parts.append(f"{label}: " + ", ".join(str(known.get(v) or v) for v in values))
    return [strip_controls(" ".join(part.split())) for part in parts]


def normalized_query(result):
    """The stable query string of what `result` selects: words and filters, no page or order."""
    return result.querystring(sort=None, page=None)


# --- The base feed -------------------------------------------------------------------------------------------------


class ArticleFeed(Feed):
    """Shared item methods, caching and conditional GET; subclasses say which stream in `get_object`."""

    author_name = "Gazette"
    item_guid_is_permalink = False

    def __init__(self, feed_type=RssFeed):
        self.feed_type = feed_type

    # The request: cache per content generation, then answer 304 when the reader already has this version.
    @method_decorator(named_port_only)
    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        identity = self._identity(request, args, kwargs)
        key = f"feed:{identity}:" + hashlib.sha256(pagecache.generation().encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            response = super().__call__(request, *args, **kwargs)
            body = response.content
            etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
            cached = (body, response["Content-Type"], etag, self._modified_since(identity, etag))
            pagecache.store(key, cached, CACHE_SECONDS)
        body, content_type, etag, modified = cached
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        # Readers may keep a copy but must ask again (cheaply, with a 304) so a takedown shows at once.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ["Accept-Language"])
        return get_conditional_response(request, etag=etag, last_modified=modified, response=response)

    @staticmethod
    def _modified_since(identity, etag):
        """When this feed first had these bytes: its Last-Modified.

        Not the newest article's date: that goes back in time when an article is taken down, and a reader
        sending only If-Modified-Since would hear "not modified" for a feed that lost an item. Every new version
        is dated at least a second after the last (HTTP dates have whole seconds)."""
        seen = cache.get(f"feed-version:{identity}")
        if seen is None or seen[0] != etag:
            seen = (etag, max(int(time.time()), seen[1] + 1 if seen else 0))
            pagecache.store(f"feed-version:{identity}", seen, None)
        return seen[1]

    def _identity(self, request, args, kwargs):
        """Which feed, for whom: everything that selects its content, except the content generation."""
        parts = (
            type(self).__name__,
            self.feed_type.__name__,
            request.scheme,
            request.get_host(),
            request.path,
            sorted(request.GET.lists()),
            sorted(kwargs.items()),
            args,
            get_language(),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        if obj.language:
            feed.feed["language"] = obj.language
        return feed

    def feed_extra_kwargs(self, obj):
        return {"fallback_date": obj.updated}

    # Channel.
    def title(self, obj):
        return strip_controls(f"Gazette: {obj.title}")

    def link(self, obj):
        return obj.link

    def feed_url(self, obj):
        return obj.feed_url

    def description(self, obj):
        return strip_controls(" ".join([obj.description, *obj.notices]))

    def items(self, obj):
        return obj.entries

    # Items.
    def item_title(self, entry):
        return strip_controls(entry.article.title)

    def item_link(self, entry):
        return entry.article.get_absolute_url()

    def item_guid(self, entry):
        # The link changes when a title is corrected; this never does.
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"tag:{host},{entry.article.created:%Y-%m-%d}:article:{entry.article.pk}"

    def item_pubdate(self, entry):
        return datetime.datetime.combine(entry.article.published, datetime.time())

    def item_updateddate(self, entry):
        return entry.article.updated

    def item_author_name(self, entry):
        return strip_controls(entry.article.source_name) or None

    def item_description(self, entry):
        article = entry.article
        lead = article.lead or Truncator(strip_tags(article.body)).words(LEAD_WORDS)
        return format_html("<p>{}</p>", strip_controls(" ".join(lead.split())))

    def item_extra_kwargs(self, entry):
        content = strip_controls(sanitize_html(entry.article.body).html) if entry.full else None
        return {
            "language": entry.article.language,
            "variants": entry.variants,
            "tags": entry.tags,
            "content": content,
        }

    # Building entries.
    def entries(self, request, articles, full):
        """Entries for (article, other language versions) pairs, with absolute URLs taken from the request."""
        topics_url = request.build_absolute_uri(reverse("archive:topic_list"))
        officials_url = request.build_absolute_uri(reverse("archive:official_list"))
        result = []
        for article, variants in articles:
            tags = [Tag(t.slug, strip_controls(t.name(article.language)), topics_url) for t in article.topics.all()]
            tags += [Tag(o.slug, strip_controls(o.name), officials_url) for o in article.officials.all()]
            links = [
                Variant(v.language, request.build_absolute_uri(v.get_absolute_url()), strip_controls(v.title))
                for v in variants
            ]
            result.append(Entry(article, links, tags, full))
        return result


class LatestFeed(ArticleFeed):
    def get_object(self, request):
        variants = Prefetch(
            "story__articles", queryset=Article.objects.published().order_by("language"), to_attr="published_versions"
        )
        articles = Article.objects.published().prefetch_related("officials", "topics", variants)[:LATEST_SIZE]
        pairs = [(a, [v for v in a.story.published_versions if v.pk != a.pk]) for a in articles]
        entries = self.entries(request, pairs, _flag(request.GET.get("full")))
        return Stream(
            title=_("Latest articles"),
            link=reverse("archive:home"),
            description=_("The newest articles in the archive, in every language."),
            entries=entries,
            updated=_newest(entries),
        )


class ListingFeed(ArticleFeed):
    """A feed of a search; subclasses fix one facet (a topic, an official, a language) as their page does."""

    def listing(self, request, **kwargs):
        """Return (base filters, name of the listing, path of its page)."""
        return None, None, reverse("archive:search")

    def get_object(self, request, **kwargs):
        base, name, page = self.listing(request, **kwargs)
        result = query.run(feed_params(request.GET), base=base)
        filters = filter_labels(result)
        if name is None:
            title = _("Search: %(filters)s") % {"filters": "; ".join(filters) or _("all articles")}
        else:
            title = "; ".join([name, *filters])
        own_query = normalized_query(result)
        suffix = f"?{own_query}" if own_query else ""
        pairs = [(hit.article, hit.variants) for hit in result.hits]
        entries = self.entries(request, pairs, _flag(request.GET.get("full")))
        return Stream(
            title=title,
            link=page + suffix,
            feed_url=request.path + suffix,
            description=_("Articles of the archive: %(title)s. Newest first.") % {"title": title},
            entries=entries,
            language=(base or {}).get("language", [None])[0],
            updated=_newest(entries),
            notices=[str(n) for n in result.notices],
        )


class SearchFeed(ListingFeed):
    pass


class TopicFeed(ListingFeed):
    def listing(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        return (
            {"topic": [topic.slug]},
            _("Topic: %(name)s") % {"name": topic.name(get_language()[:2])},
            topic.get_absolute_url(),
        )


class OfficialFeed(ListingFeed):
    def listing(self, request, slug):
        official = get_object_or_404(Official, slug=slug)
        return (
            {"official": [official.slug]},
            _("Official: %(name)s") % {"name": official.name},
            official.get_absolute_url(),
        )


class LanguageFeed(ListingFeed):
    def listing(self, request, code):
        if code not in Language.values:
            raise Http404
        label = Language(code).label
        return (
            {"language": [code]},
            _("Articles in %(language)s") % {"language": label},
            reverse("archive:language", args=[code]),
        )


class SourceFeed(ListingFeed):
    def listing(self, request, key):
        source = get_object_or_404(Source, key=key)
        return ({"source": [source.key]}, _("Source: %(name)s") % {"name": source.name}, source.get_absolute_url())


def _both(route, feed_class, name):
    """The RSS and the Atom URL of one stream."""
    return [
        path(f"{route}.rss", feed_class(RssFeed), name=f"feed_{name}_rss"),
        path(f"{route}.atom", feed_class(AtomFeed), name=f"feed_{name}_atom"),
    ]


urlpatterns = [
    *_both("latest", LatestFeed, "latest"),
    *_both("search", SearchFeed, "search"),
    *_both("topics/<slug:slug>", TopicFeed, "topic"),
    *_both("officials/<slug:slug>", OfficialFeed, "official"),
    *_both("languages/<slug:code>", LanguageFeed, "language"),
    *_both("sources/<str:key>", SourceFeed, "source"),
]

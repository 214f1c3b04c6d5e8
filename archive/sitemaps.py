"""sitemap.xml: every published article, each with hreflang alternates to its story's other variants."""

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Article, Official, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().order_by("pk").only("pk", "slug", "story_id", "language", "updated")

    def lastmod(self, item):
        return item.updated

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        # One query for the variants of every story on this page, not one per article.
        variants = defaultdict(list)
        story_ids = {url["item"].story_id for url in urls}
        for language, slug, story_id in (
            Article.objects.published().filter(story_id__in=story_ids).values_list("language", "slug", "story_id")
        ):
            variants[story_id].append(
                {"lang_code": language, "location": root + reverse("archive:article", args=[slug])}
            )
        for url in urls:
            group = variants[url["item"].story_id]
            url["alternates"] = sorted(group, key=lambda v: v["lang_code"]) if len(group) > 1 else []
        return urls


class OfficialSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Official.objects.published().order_by("slug")


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.published().order_by("slug")


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["archive:home", "archive:official_list", "archive:topic_list", "archive:archive_index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "officials": OfficialSitemap, "topics": TopicSitemap}

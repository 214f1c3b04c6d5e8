from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from archive import views
from archive.search import views as search_views
from archive.security import named_port_only
from archive.sitemaps import SITEMAPS

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.api_search, name="api_search"),
    path("api/search.csv", search_views.search_csv, name="search_csv"),
    path("api/openapi.json", views.openapi_document, name="openapi"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/cite/<str:style>", views.cite, name="cite"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("stories/<int:pk>/compare/", views.compare, name="compare"),
    path("officials/", views.official_list, name="official_list"),
    path("officials/<slug:slug>/", views.official, name="official"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("languages/<str:code>/", views.language, name="language"),
    path("sources/<str:key>/", views.source, name="source"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<int:year>/", views.archive_year, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("sitemap.xml", named_port_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("feeds/", include("archive.feeds")),
    path("alerts/", include("archive.alerts.urls")),
    path("healthz", views.healthz, name="healthz"),
]

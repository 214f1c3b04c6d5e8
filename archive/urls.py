from django.urls import path

from archive import views
from archive.search import views as search_views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("api/search/", search_views.api_search, name="api_search"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("officials/<slug:slug>/", views.official, name="official"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("healthz", views.healthz, name="healthz"),
]

from django.urls import path

from archive.alerts import views

urlpatterns = [
    path("subscribe/", views.subscribe, name="alert_subscribe"),
    path("confirm/<str:token>/", views.confirm, name="alert_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="alert_unsubscribe"),
]

"""The product's URLs plus the ceiling view, which exists only for the load bench."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/ceiling/<int:edition_id>/", views.ceiling, name="bench_ceiling"),
    path("", include("config.urls")),
]

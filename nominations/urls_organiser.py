from django.urls import path  # noqa: F401

# Organiser screening pages, included by nominations/urls.py under "organiser/".
urlpatterns: list = []

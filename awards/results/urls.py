from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("winners/", views.past_winners, name="past_winners"),
    path("privacy/", views.privacy_notice, name="privacy"),
]

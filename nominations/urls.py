from django.urls import include, path

from . import views

app_name = "nominations"
urlpatterns = [
    path("", views.my_nominations, name="mine"),
    path("new/<int:edition_id>/", views.nomination_start, name="start"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/withdraw/", views.nomination_withdraw_view, name="withdraw"),
    path("<int:pk>/deck/", views.pitch_deck_download, name="pitch_deck"),
    path("organiser/", include("nominations.urls_organiser")),
]

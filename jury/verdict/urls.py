from django.urls import path

from . import views

app_name = "verdict"
urlpatterns = [
    path("editions/<int:edition_id>/", views.results, name="results"),
    path("editions/<int:edition_id>/tally/", views.tally_run, name="tally_run"),
    path("editions/<int:edition_id>/bundle.json", views.bundle, name="bundle"),
    path("editions/<int:edition_id>/finalists/", views.finalists, name="finalists"),
    path("editions/<int:edition_id>/tie/", views.tie_decide, name="tie_decide"),
    path("editions/<int:edition_id>/winner/", views.winner_approve, name="winner_approve"),
    path("editions/<int:edition_id>/announcement/", views.announcement, name="announcement"),
]

from django.urls import path

from .views import conflicts_organiser, juror

# The juror's pages, included by jury/urls.py at the root of /jury/; and the organiser's conflict
# page, kept beside the juror's conflict pages.
urlpatterns = [
    path("", juror.dashboard, name="dashboard"),
    path("conflicts/", juror.conflicts, name="conflicts"),
    path("nominations/<int:pk>/", juror.score, name="score"),
    path("nominations/<int:pk>/scorecards/", juror.scorecards, name="scorecards"),
    path(
        "organiser/editions/<int:edition_id>/conflicts/",
        conflicts_organiser.organiser_conflicts,
        name="organiser_conflicts",
    ),
]

from django.urls import path

from .views import organiser

# Included by jury/urls.py under "organiser/", in the "jury" namespace.
urlpatterns = [
    path("editions/<int:edition_id>/assignments/", organiser.assignments, name="assignments"),
    path(
        "editions/<int:edition_id>/assignments/generate/",
        organiser.assignments_generate_view,
        name="assignments_generate",
    ),
    path("editions/<int:edition_id>/assignments/change/", organiser.assignments_change, name="assignments_change"),
    path("editions/<int:edition_id>/assignments/release/", organiser.assignments_release, name="assignments_release"),
    path("editions/<int:edition_id>/progress/", organiser.progress, name="progress"),
    path("editions/<int:edition_id>/progress/nudge/<int:juror_id>/", organiser.progress_nudge, name="progress_nudge"),
]

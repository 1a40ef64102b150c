from django.urls import path

from . import views, views_organiser

app_name = "awards"
urlpatterns = [
    path("editions/<int:year>/", views.edition_detail, name="edition_detail"),
    path("editions/<int:year>/calendar.ics", views.edition_calendar, name="edition_calendar"),
    path("organiser/editions/", views_organiser.edition_list, name="organiser_edition_list"),
    path("organiser/editions/new/", views_organiser.edition_create, name="organiser_edition_create"),
    path("organiser/editions/<int:pk>/", views_organiser.edition_edit, name="organiser_edition_edit"),
    path("organiser/editions/<int:pk>/copy/", views_organiser.edition_copy, name="organiser_edition_copy"),
    path("organiser/editions/<int:pk>/rubric/", views_organiser.rubric_edit, name="organiser_rubric"),
    path(
        "organiser/editions/<int:pk>/rubric/<int:criterion_pk>/levels/",
        views_organiser.criterion_levels_edit,
        name="organiser_criterion_levels",
    ),
]

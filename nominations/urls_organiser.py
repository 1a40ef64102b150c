from django.urls import path, register_converter

from . import views_organiser as views


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "export_format")

# Organiser screening pages, included by nominations/urls.py under "organiser/".
urlpatterns = [
    path("", views.organiser_editions, name="organiser_editions"),
    path("editions/<int:edition_id>/", views.organiser_list, name="organiser_list"),
    path("editions/<int:edition_id>/bulk/", views.organiser_bulk, name="organiser_bulk"),
    path("editions/<int:edition_id>/export.<export_format:fmt>", views.organiser_export, name="organiser_export"),
    path("<int:pk>/", views.organiser_detail, name="organiser_detail"),
    path("<int:pk>/screen/", views.organiser_screen, name="organiser_screen"),
]

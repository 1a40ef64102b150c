from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.personal_data, name="personal_data"),
    path("export.json", views.personal_data_export, name="personal_data_export"),
    path("delete/", views.account_delete, name="delete"),
]

from django.urls import include, path

app_name = "jury"
urlpatterns = [
    path("invitations/", include("jury.urls_invitations")),
    path("organiser/", include("jury.urls_organiser")),
    path("", include("jury.urls_juror")),
]

from django.urls import path

from .views import invitations

# Included by jury/urls.py under "invitations/", in the "jury" namespace.
urlpatterns = [
    path("editions/<int:edition_id>/", invitations.invitations_page, name="invitations"),
    path("<int:pk>/resend/", invitations.invitation_resend, name="invitation_resend"),
    path("<int:pk>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path("members/<int:pk>/role/", invitations.member_role, name="invitations_member_role"),
    path("members/<int:pk>/remove/", invitations.member_remove, name="invitations_member_remove"),
    path("accept/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]

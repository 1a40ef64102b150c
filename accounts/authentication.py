"""Django's AuthenticationMiddleware, with the logged-in user taken from the session's own read.

`request.user` is still Django's `auth.get_user(request)`: the session's user id and backend, the backend's
get_user() (which refuses inactive users) and the session hash check (a password change logs out other
sessions) are all Django's. Only while it runs, UserManager.get(pk=...) may hand over the user that
accounts.session_store read in the same statement as the session, instead of reading the row again."""

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.utils.functional import SimpleLazyObject

from .session_store import authenticating_with


def get_user(request):
    if not hasattr(request, "_cached_user"):
        with authenticating_with(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))

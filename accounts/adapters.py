from allauth.account.adapter import DefaultAccountAdapter

# A page may ask to be returned to after the next login (a jury invitation does): signing up ends with
# a confirmation e-mail whose link lands on the login page without the ?next= the visitor came with.
RESUME_AFTER_LOGIN_SESSION_KEY = "resume_after_login"


class AccountAdapter(DefaultAccountAdapter):
    """Hooks into allauth. Its e-mails go through Django's mail API and so through the outbox."""

    def is_open_for_signup(self, request):
        return True

    def get_login_redirect_url(self, request):
        """Called only when the login has no ?next= of its own."""
        path = request.session.pop(RESUME_AFTER_LOGIN_SESSION_KEY, None)
        if isinstance(path, str) and path.startswith("/") and not path.startswith("//"):
            return path
        return super().get_login_redirect_url(request)

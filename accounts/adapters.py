from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hooks into allauth. Its e-mails go through Django's mail API and so through the outbox."""

    def is_open_for_signup(self, request):
        return True

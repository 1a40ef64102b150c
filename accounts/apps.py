from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import receivers, sessions  # noqa: F401
        from .rules import HAS_MFA, has_mfa_sql
        from .session_store import read_with_session

        read_with_session(HAS_MFA, has_mfa_sql)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "jury"
    verbose_name = _("Jury")

    def ready(self):
        # Assigned jurors may see the nominations they score; the nominations app asks through its hook
        # list, so it never imports the jury app.
        from nominations.rules import can_view_nomination_hooks

        from .rules import juror_may_view_nomination

        if juror_may_view_nomination not in can_view_nomination_hooks:
            can_view_nomination_hooks.append(juror_may_view_nomination)

        # The menu's jury link and the jury pages ask this on every request: read with the session.
        from accounts.session_store import read_with_session

        from .rules import IS_SEATED_JUROR, is_seated_juror_sql

        read_with_session(IS_SEATED_JUROR, is_seated_juror_sql)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerdictConfig(AppConfig):
    """From scores to the winner: the tally and its report, the jury's deliberation, the announcement."""

    name = "jury.verdict"
    label = "verdict"
    verbose_name = _("Verdict")
    default_auto_field = "django.db.models.BigAutoField"

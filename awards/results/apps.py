from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    """The top layer: results, announcements and the public pages that show them.
    It may import awards, nominations and jury; none of them imports it."""

    name = "awards.results"
    label = "results"
    verbose_name = _("Results")

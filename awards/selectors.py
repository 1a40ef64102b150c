"""Reads of the awards app."""

from django.utils import timezone

from .models import Award, Edition

AWARD_SLUG = "startup"


def award_get_main() -> Award | None:
    return Award.objects.filter(slug=AWARD_SLUG).first()


def edition_current(*, award: Award) -> Edition | None:
    """The edition the public should see now: the earliest one whose winner is not yet announced,
    or else the newest one."""
    editions = Edition.objects.filter(award=award).select_related("award")
    return editions.filter(announce_at__gt=timezone.now()).order_by("year").first() or editions.first()

"""Reads for the public results pages."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from awards.models import Award, Edition
from nominations.models import Nomination


def editions_with_winners(*, award: Award) -> QuerySet[Edition]:
    """Announced editions, newest first, each with its winner prefetched as `winners`."""
    winners = Nomination.objects.filter(status=Nomination.Status.WINNER)
    return (
        Edition.objects.filter(award=award, announce_at__lte=timezone.now())
        .select_related("award")
        .prefetch_related(Prefetch("nominations", queryset=winners, to_attr="winners"))
        .order_by("-year")
    )

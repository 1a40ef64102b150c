"""Reads for the public results pages."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from awards.models import Award, Edition
from nominations.models import Nomination


def editions_with_winners(*, award: Award) -> QuerySet[Edition]:
    """Announced editions, newest first, each with its winner prefetched as `winners`. An edition with
    an announcement counts once that is published (whatever its timeline says); one without (recorded
    from before the platform) once its announcement date has passed."""
    winners = Nomination.objects.filter(status=Nomination.Status.WINNER)
    announced = Q(announcement__published_at__isnull=False) | Q(
        announcement__isnull=True, announce_at__lte=timezone.now()
    )
    return (
        Edition.objects.filter(announced, award=award)
        .select_related("award")
        .prefetch_related(Prefetch("nominations", queryset=winners, to_attr="winners"))
        .order_by("-year")
    )

"""Reads of nominations. Views fetch a nomination only through `nomination_get_for_user_or_404`,
so access control cannot be forgotten."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from awards.models import Award, Edition
from core.db import model_columns, models_from_row, prepared_read
from core.models import AuditEvent

from .models import Nomination


def _nomination_sql(connection) -> str:
    quote = connection.ops.quote_name
    tables = {model: quote(model._meta.db_table) for model in (Nomination, Edition, Award, get_user_model())}
    return (
        f"SELECT {model_columns(Nomination, 'n', connection)}, {model_columns(Edition, 'e', connection)}, "  # noqa: S608  # nosec B608 - our tables and columns; the value as %s
        f"{model_columns(Award, 'a', connection)}, {model_columns(get_user_model(), 'u', connection)} "
        f"FROM {tables[Nomination]} n INNER JOIN {tables[Edition]} e ON e.id = n.edition_id "
        f"INNER JOIN {tables[Award]} a ON a.id = e.award_id "
        f"LEFT OUTER JOIN {tables[get_user_model()]} u ON u.id = n.submitted_by_id WHERE n.id = %s"
    )


def _nomination_with_edition_and_applicant(pk: int) -> Nomination | None:
    """The nomination with its edition, award and applicant, as select_related("edition__award",
    "submitted_by") gives them, in one plain SQL statement: the ORM took about a millisecond to build and
    compile that query on every nomination page, four times what the database took to answer it."""
    connection, row = prepared_read(Nomination, _nomination_sql, [int(pk)])
    if row is None:
        return None
    models = [Nomination, Edition, Award, get_user_model()]
    nomination, edition, award, applicant = models_from_row(row, models, connection)
    edition.award = award
    nomination.edition = edition
    nomination.submitted_by = applicant
    return nomination


def nomination_get_for_user_or_404(*, user, pk: int, perm: str = "nominations.view_nomination") -> Nomination:
    """The nomination if the user may see it (and, with `perm`, do that to it); 404 otherwise, so its
    existence is not revealed."""
    nomination = _nomination_with_edition_and_applicant(pk)
    if nomination is None or not user.has_perm("nominations.view_nomination", nomination):
        raise Http404
    if perm != "nominations.view_nomination" and not user.has_perm(perm, nomination):
        raise Http404
    return nomination


def nominations_for_applicant(*, user) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(submitted_by=user)
        .select_related("edition__award")
        .order_by("-edition__year", "-created_at")
    )


def nomination_for_applicant_in_edition(*, user, edition: Edition) -> Nomination | None:
    """The applicant's live (not withdrawn) nomination in the edition, if any."""
    return (
        Nomination.objects.filter(submitted_by=user, edition=edition)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )


APPLICANT_VISIBLE_ACTIONS = (
    "nomination.created",
    "nomination.updated",
    "nomination.submitted",
    "nomination.resubmitted",
    "nomination.withdrawn",
    "nomination.screened",
)


def nomination_history(*, nomination: Nomination) -> QuerySet[AuditEvent]:
    """What happened to the nomination, oldest first, from the audit log."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        object_type=ContentType.objects.get_for_model(Nomination),
        object_id=str(nomination.pk),
        action__in=APPLICANT_VISIBLE_ACTIONS,
    ).order_by("created_at", "id")


def nomination_is_owned_by(*, nomination: Nomination, user) -> bool:
    return user.is_authenticated and nomination.submitted_by_id == user.pk


# Organiser screening. The list, its counts and the exports share one filter, so an export holds
# exactly what the organiser sees on the screen.

SCREENING_SORTS = {
    "name": ("startup_name", "pk"),
    "-name": ("-startup_name", "-pk"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "pk"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-pk"),
}


def _screening_search(queryset: QuerySet[Nomination], search: str) -> QuerySet[Nomination]:
    search = " ".join((search or "").split())
    if not search:
        return queryset
    condition = (
        Q(startup_name__icontains=search)
        | Q(org_number__icontains=search)
        | Q(contact_name__icontains=search)
        | Q(contact_phone__icontains=search)
        | Q(submitted_by__email__icontains=search)
        | Q(city__icontains=search)
    )
    digits = re.sub(r"[\s-]", "", search)
    if digits.isdigit() and len(digits) > 6:
        # "5566778899" finds the stored "556677-8899".
        condition |= Q(org_number__startswith=f"{digits[:6]}-{digits[6:]}")
    return queryset.filter(condition)


def nominations_for_screening(
    *,
    edition: Edition,
    search: str = "",
    status: str = "",
    sector: str = "",
    include_drafts: bool = False,
    sort: str = "name",
) -> QuerySet[Nomination]:
    """An edition's nominations as the organiser filters them. Drafts are left out unless asked for
    (or unless the status filter is "draft")."""
    queryset = _screening_search(Nomination.objects.filter(edition=edition), search)
    if sector:
        queryset = queryset.filter(sector=sector)
    if status:
        queryset = queryset.filter(status=status)
    elif not include_drafts:
        queryset = queryset.exclude(status=Nomination.Status.DRAFT)
    return queryset.select_related("submitted_by").order_by(*SCREENING_SORTS.get(sort, SCREENING_SORTS["name"]))


# What a row of the screening list shows; the long pitch texts stay in the database, so sorting and
# paging a large edition moves narrow rows.
SCREENING_LIST_FIELDS = (
    "edition_id", "status", "startup_name", "org_number", "contact_name", "city", "sector", "submitted_at",
    "submitted_by__email",
)  # fmt: skip


def nominations_for_screening_list(**filters) -> QuerySet[Nomination]:
    return nominations_for_screening(**filters).only(*SCREENING_LIST_FIELDS)


def nomination_status_counts(*, edition: Edition, search: str = "", sector: str = "") -> dict[str, int]:
    """How many nominations of the edition (searched and filtered by sector, whatever their status)
    are in each status, in one query."""
    queryset = _screening_search(Nomination.objects.filter(edition=edition), search)
    if sector:
        queryset = queryset.filter(sector=sector)
    return queryset.aggregate(
        **{status.value: Count("pk", filter=Q(status=status.value)) for status in Nomination.Status}
    )


def editions_with_nomination_counts() -> QuerySet[Edition]:
    """Every edition, newest first, with its nominations counted by screening state."""
    status = Nomination.Status

    def count(*statuses):
        return Count("nominations", filter=Q(nominations__status__in=statuses))

    return (
        Edition.objects.select_related("award")
        .annotate(
            drafts=count(status.DRAFT),
            to_screen=count(status.SUBMITTED),
            eligible=count(status.ELIGIBLE, status.FINALIST, status.WINNER),
            ineligible=count(status.INELIGIBLE),
            withdrawn=count(status.WITHDRAWN),
        )
        .order_by("-year", "award__name")
    )


def nominations_for_export(**filters) -> QuerySet[Nomination]:
    """What an export streams: the screening list's rows with the users they mention."""
    return nominations_for_screening(**filters).select_related("edition", "submitted_by", "screened_by")


def nomination_get_for_screening_or_404(*, user, pk: int) -> Nomination:
    """A nomination with everything its screening page shows, for an organiser; 404 for anyone else."""
    if not user.has_perm("nominations.screen_nomination"):
        raise Http404
    queryset = Nomination.objects.select_related("edition__award", "submitted_by", "screened_by")
    nomination = queryset.filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination

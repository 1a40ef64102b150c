import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyError

from .chain import canonical_json


class JuryRole(models.TextChoices):
    JUROR = "juror", _("Juror")
    CHAIR = "chair", _("Jury chair")


class JuryMember(models.Model):
    """A person seated on an edition's jury."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="jury"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("juror"), on_delete=models.PROTECT, related_name="jury_seats"
    )
    role = models.CharField(_("role"), max_length=10, choices=JuryRole.choices, default=JuryRole.JUROR)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    # The juror's pseudonym in the scorecard chain and the results bundle; given at the first submission.
    code = models.CharField(_("anonymous code"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["edition", "user__name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="jury_member_unique")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.edition})"

    @property
    def is_chair(self) -> bool:
        return self.role == JuryRole.CHAIR


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed invitation to join a jury. Only the token's hash is stored."""

    VALID_FOR_DAYS = 14

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="jury_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=JuryRole.choices, default=JuryRole.JUROR)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury invitation")
        verbose_name_plural = _("jury invitations")
        ordering = ["-created_at"]
        constraints = [
            # At most one open invitation per person and edition.
            models.UniqueConstraint(
                fields=["edition", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="jury_invitation_one_open_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.edition}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class ConflictKind(models.TextChoices):
    INVESTOR = "investor", _("Investor or owner")
    ADVISER = "adviser", _("Adviser or board member")
    EMPLOYER = "employer", _("Employer or employee")
    COFOUNDER = "cofounder", _("Co-founder")
    FAMILY = "family", _("Family or close friend")
    RESEARCH_GROUP = "research_group", _("Same research group")
    OTHER = "other", _("Other")


class ConflictDeclaration(models.Model):
    """A juror's answer, per nomination, to "do you have a conflict of interest?"; or an organiser's
    finding. A conflicted juror never sees nor scores the nomination."""

    class Source(models.TextChoices):
        JUROR = "juror", _("Declared by the juror")
        ORGANISER = "organiser", _("Recorded by an organiser")

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("juror"), on_delete=models.CASCADE, related_name="conflicts"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="conflicts"
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    kind = models.CharField(_("kind of conflict"), max_length=20, choices=ConflictKind.choices, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.JUROR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination"], name="conflict_one_per_juror_nomination"),
            models.CheckConstraint(condition=Q(has_conflict=False) | ~Q(kind=""), name="conflict_has_kind"),
        ]

    def __str__(self):
        return f"{self.juror} / {self.nomination}: {self.has_conflict}"


class JuryPlan(models.Model):
    """How an edition's nominations are shared among its jurors, and whether the result is released."""

    class Mode(models.TextChoices):
        ALL = "all", _("Every juror scores every eligible nomination")
        K_PER_NOMINATION = "k", _("Each nomination gets a set number of jurors")

    edition = models.OneToOneField(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="jury_plan"
    )
    mode = models.CharField(_("assignment"), max_length=3, choices=Mode.choices, default=Mode.ALL)
    jurors_per_nomination = models.PositiveSmallIntegerField(_("jurors per nomination"), default=3)
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    released_at = models.DateTimeField(_("released to the jury"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury plan")
        verbose_name_plural = _("jury plans")
        constraints = [models.CheckConstraint(condition=Q(jurors_per_nomination__gte=1), name="jury_plan_k_positive")]

    def __str__(self):
        return str(self.edition)


class Assignment(models.Model):
    """A juror is to score a nomination. `position` is the juror's own shuffled presentation order."""

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="assignments"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("juror"), on_delete=models.CASCADE, related_name="assignments"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="assignments"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["juror", "position"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["edition", "juror"])]

    def __str__(self):
        return f"{self.juror} → {self.nomination}"


class Scorecard(models.Model):
    """One juror's scores for one nomination: a draft until submitted; reopened and resubmitted until
    scoring closes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("juror"), on_delete=models.PROTECT, related_name="scorecards"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="scorecards"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("private comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination"], name="scorecard_one_per_juror_nomination"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="scorecard_submitted_has_time"
            ),
        ]
        indexes = [models.Index(fields=["nomination", "status"])]

    def __str__(self):
        return f"{self.juror} / {self.nomination}"


class Score(models.Model):
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "awards.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.SmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["scorecard", "criterion"], name="score_one_per_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ReminderSent(models.Model):
    """A reminder of a kind sent to a juror for an edition: the row makes each reminder go out once."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["edition", "juror", "kind"], name="reminder_once")]

    def __str__(self):
        return f"{self.kind} → {self.juror}"


class CanonicalJSONField(models.TextField):
    """A JSON object kept in the database as its canonical JSON text (jury/chain.py: keys sorted, no
    spaces, UTF-8), byte for byte what the chain hashes, so the database can check a hash without
    re-serialising anything. Read back as the Python value."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else canonical_json(value).decode()

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


class ScoreEvent(models.Model):
    """One link of an edition's scorecard hash chain (see jury/chain.py): a scorecard submitted with its
    scores, or reopened. Append-only; `payload` is stored as exactly the text that was hashed."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    edition = models.ForeignKey("awards.Edition", on_delete=models.PROTECT, related_name="score_events")
    seq = models.PositiveIntegerField(_("number in the chain"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="events")
    payload = CanonicalJSONField(_("event"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard chain event")
        verbose_name_plural = _("scorecard chain events")
        ordering = ["edition", "seq"]
        constraints = [models.UniqueConstraint(fields=["edition", "seq"], name="score_event_seq_unique")]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.hash[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Chain events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Chain events cannot be removed.")

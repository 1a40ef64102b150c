import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import validate_org_number


def private_storage():
    """Pitch decks live outside the public media and static files; only an authorising view serves them."""
    return storages["private"]


def pitch_deck_path(instance, filename: str) -> str:
    # A random name: the applicant's file name is neither trusted nor revealed.
    return str(PurePosixPath("decks") / f"{secrets.token_urlsafe(24)}.pdf")


class Sector(models.TextChoices):
    LIFE_SCIENCE = "life_science", _("Life science")
    MEDTECH = "medtech", _("Medtech")
    HEALTH_TECH = "health_tech", _("Health tech")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype or proof of concept")
    CLINICAL = "clinical", _("Clinical or pilot studies")
    FIRST_CUSTOMERS = "first_customers", _("First customers")
    GROWTH = "growth", _("Growing sales")


class Nomination(models.Model):
    """A startup's entry to one edition, prepared as a draft and submitted before the deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")
        FINALIST = "finalist", _("Finalist")
        WINNER = "winner", _("Winner")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Character limits of the pitch texts, shown beside each field with a counter.
    TEXT_LIMITS = {
        "pitch": 160,
        "problem": 1500,
        "solution": 1500,
        "innovation": 1500,
        "market": 1500,
        "team": 1500,
        "impact": 1500,
        "flemingsberg_tie": 600,
    }

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="nominations"
    )
    # Empty for entries recorded by the foundation itself (editions from before the platform).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    startup_name = models.CharField(_("startup name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True, validators=[validate_org_number])
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    team_size = models.PositiveSmallIntegerField(
        _("team size"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    flemingsberg_tie = models.TextField(_("tie to Flemingsberg"), max_length=600, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    pitch = models.CharField(_("one-line pitch"), max_length=160, blank=True)
    problem = models.TextField(_("problem"), max_length=1500, blank=True)
    solution = models.TextField(_("solution"), max_length=1500, blank=True)
    innovation = models.TextField(_("innovation"), max_length=1500, blank=True)
    market = models.TextField(_("market"), max_length=1500, blank=True)
    team = models.TextField(_("team"), max_length=1500, blank=True)
    impact = models.TextField(_("impact and sustainability"), max_length=1500, blank=True)

    pitch_deck = models.FileField(
        _("pitch deck (PDF)"), upload_to=pitch_deck_path, storage=private_storage, blank=True, max_length=200
    )
    pitch_deck_name = models.CharField(_("pitch deck file name"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    # The language the applicant used; e-mails about the nomination are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="sv")
    consent_at = models.DateTimeField(_("consent to processing of personal data given"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ineligible_reason = models.TextField(_("reason for ineligibility"), blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "startup_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"], condition=Q(status="winner"), name="nomination_one_winner_per_edition"
            ),
            models.UniqueConstraint(
                fields=["edition", "org_number"],
                condition=~Q(org_number="") & ~Q(status="withdrawn"),
                name="nomination_one_per_org_number_per_edition",
                violation_error_message=_("This organisation is already nominated in this edition."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="withdrawn")
                | Q(submitted_by__isnull=True)
                | Q(submitted_at__isnull=False),
                name="nomination_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self):
        return self.startup_name

    REQUIRED_FOR_SUBMISSION = (
        "startup_name",
        "org_number",
        "website",
        "founded_year",
        "sector",
        "stage",
        "team_size",
        "city",
        "flemingsberg_tie",
        "contact_name",
        "contact_phone",
        "pitch",
        "problem",
        "solution",
        "innovation",
        "market",
        "team",
        "impact",
        "pitch_deck",
    )

    @property
    def is_open_to_applicant(self) -> bool:
        """Draft or submitted: the applicant may still change or withdraw it while nominations are open."""
        return self.status in {self.Status.DRAFT, self.Status.SUBMITTED}

    @property
    def is_screened(self) -> bool:
        return self.status in {self.Status.ELIGIBLE, self.Status.INELIGIBLE, self.Status.FINALIST, self.Status.WINNER}

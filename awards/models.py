import itertools
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized


class Award(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    tagline_sv = models.CharField(_("tagline (Swedish)"), max_length=300, blank=True)
    tagline_en = models.CharField(_("tagline (English)"), max_length=300, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self):
        return self.name

    @property
    def tagline(self) -> str:
        return localized(self, "tagline")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    NOMINATING = "nominating", _("Open for nominations")
    SCREENING = "screening", _("Screening")
    SCORING = "scoring", _("Jury scoring")
    DELIBERATION = "deliberation", _("Jury deliberation")
    ANNOUNCED = "announced", _("Winner announced")


class TallyMethod(models.TextChoices):
    RAW = "raw", _("Weighted mean of the scores")
    NORMALISED = "normalised", _("Weighted mean after normalising each juror's scores")


class TieBreak(models.TextChoices):
    """The rule chain that settles equal means, fixed before scoring opens and shown publicly."""

    MEDIAN_CRITERION_CHAIR = (
        "median,top_criterion,chair",
        _("The higher median, then the higher mean on the highest-weighted criterion, then the jury chair decides"),
    )
    CRITERION_MEDIAN_CHAIR = (
        "top_criterion,median,chair",
        _("The higher mean on the highest-weighted criterion, then the higher median, then the jury chair decides"),
    )
    CHAIR = "chair", _("The jury chair decides")

    @classmethod
    def steps(cls, value: str) -> list[str]:
        return value.split(",")


class Edition(models.Model):
    """One year of an award. Its phase follows from the timeline and the clock; nothing flips it."""

    award = models.ForeignKey(Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField(_("year"))
    nominations_open_at = models.DateTimeField(_("nominations open"))
    nominations_close_at = models.DateTimeField(_("nominations close"))
    scoring_open_at = models.DateTimeField(_("scoring opens"))
    scoring_close_at = models.DateTimeField(_("scoring closes"))
    announce_at = models.DateTimeField(_("announcement"))
    intro_sv = models.TextField(_("introduction (Swedish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    eligibility_sv = models.TextField(_("eligibility (Swedish)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    prize_sv = models.TextField(_("prize (Swedish)"), blank=True)
    prize_en = models.TextField(_("prize (English)"), blank=True)
    tally_method = models.CharField(
        _("ranking method"), max_length=12, choices=TallyMethod.choices, default=TallyMethod.RAW,
        help_text=_("Both methods are computed and shown side by side; this one decides the ranking."),
    )  # fmt: skip
    tie_break = models.CharField(
        _("tie-break rules"), max_length=40, choices=TieBreak.choices, default=TieBreak.MEDIAN_CRITERION_CHAIR
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=3, validators=[MinValueValidator(1)],
        help_text=_("A nomination with fewer submitted scorecards than this is flagged and not ranked."),
    )  # fmt: skip
    # Bumped by every save, and by the services that change the rubric: the public page's cached rubric
    # is keyed by it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["award", "year"], name="edition_award_year_unique"),
            models.CheckConstraint(
                condition=Q(nominations_open_at__lt=F("nominations_close_at"))
                & Q(nominations_close_at__lte=F("scoring_open_at"))
                & Q(scoring_open_at__lt=F("scoring_close_at"))
                & Q(scoring_close_at__lte=F("announce_at")),
                name="edition_timeline_in_order",
            ),
            models.CheckConstraint(condition=Q(quorum__gte=1), name="edition_quorum_positive"),
        ]

    def __str__(self):
        return f"{self.award.name} {self.year}"

    def clean(self):
        timeline = [
            ("nominations_open_at", self.nominations_open_at),
            ("nominations_close_at", self.nominations_close_at),
            ("scoring_open_at", self.scoring_open_at),
            ("scoring_close_at", self.scoring_close_at),
            ("announce_at", self.announce_at),
        ]
        for (_earlier_name, earlier), (later_name, later) in itertools.pairwise(timeline):
            if earlier and later and later < earlier:
                raise ValidationError(
                    {later_name: _("This date must not be earlier than the step before it in the timeline.")}
                )
        if self.nominations_open_at and self.nominations_open_at == self.nominations_close_at:
            raise ValidationError({"nominations_close_at": _("Nominations must be open for some time.")})
        if self.scoring_open_at and self.scoring_open_at == self.scoring_close_at:
            raise ValidationError({"scoring_close_at": _("Scoring must be open for some time.")})

    def phase_at(self, moment: datetime) -> Phase:
        if moment < self.nominations_open_at:
            return Phase.UPCOMING
        if moment < self.nominations_close_at:
            return Phase.NOMINATING
        if moment < self.scoring_open_at:
            return Phase.SCREENING
        if moment < self.scoring_close_at:
            return Phase.SCORING
        if moment < self.announce_at:
            return Phase.DELIBERATION
        return Phase.ANNOUNCED

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    def accepts_nominations_at(self, moment: datetime) -> bool:
        return self.phase_at(moment) == Phase.NOMINATING

    def rubric_is_editable_at(self, moment: datetime) -> bool:
        """Once jurors may score, the rubric they score on must stay as it is."""
        return self.phase_at(moment) in (Phase.UPCOMING, Phase.NOMINATING, Phase.SCREENING)

    @property
    def intro(self) -> str:
        return localized(self, "intro")

    @property
    def eligibility(self) -> str:
        return localized(self, "eligibility")

    @property
    def prize(self) -> str:
        return localized(self, "prize")


class Criterion(models.Model):
    """One line of an edition's rubric: what jurors score, how much it weighs, on which scale."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    guidance_sv = models.TextField(_("guidance for jurors (Swedish)"), blank=True)
    guidance_en = models.TextField(_("guidance for jurors (English)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)

    MAX_SCALE_STEPS = 10

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["edition", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
            models.CheckConstraint(
                condition=Q(scale_max__lte=F("scale_min") + 10), name="criterion_scale_at_most_ten_steps"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = _("The weight must be greater than zero.")
        if self.scale_min is not None and self.scale_max is not None:
            if self.scale_max <= self.scale_min:
                errors["scale_max"] = _("The highest score must be greater than the lowest.")
            elif self.scale_max - self.scale_min > self.MAX_SCALE_STEPS:
                errors["scale_max"] = _("A scale may have at most %(steps)s steps.") % {"steps": self.MAX_SCALE_STEPS}
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")

    @property
    def levels_range(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


class CriterionLevel(models.Model):
    """What a score means on one criterion: the anchor a juror reads before choosing it."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="levels"
    )
    value = models.SmallIntegerField(_("score"))
    descriptor_sv = models.CharField(_("descriptor (Swedish)"), max_length=300)
    descriptor_en = models.CharField(_("descriptor (English)"), max_length=300)

    class Meta:
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        ordering = ["criterion", "value"]
        constraints = [models.UniqueConstraint(fields=["criterion", "value"], name="criterion_level_unique")]

    def __str__(self):
        return f"{self.value}: {self.descriptor}"

    @property
    def descriptor(self) -> str:
        return localized(self, "descriptor")

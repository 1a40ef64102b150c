from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Nomination(models.Model):
    """A startup's entry to one edition. The full application form builds on this record."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")
        FINALIST = "finalist", _("Finalist")
        WINNER = "winner", _("Winner")
        WITHDRAWN = "withdrawn", _("Withdrawn")

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
    startup_name = models.CharField(_("startup name"), max_length=200)
    pitch_sv = models.CharField(_("one-line pitch (Swedish)"), max_length=300, blank=True)
    pitch_en = models.CharField(_("one-line pitch (English)"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "startup_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"], condition=models.Q(status="winner"), name="nomination_one_winner_per_edition"
            ),
        ]

    def __str__(self):
        return self.startup_name

    @property
    def pitch(self) -> str:
        from core.i18n import localized

        return localized(self, "pitch")

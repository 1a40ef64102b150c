from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jury.models import CanonicalJSONField


class TallyRun(models.Model):
    """One tally of an edition's submitted scorecards. The same input always gives the same result and
    digest, and (edition, input_digest) is unique: a retried, redelivered or concurrent run finds the
    row already there instead of adding a second result."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("When scoring closed")
        ORGANISER = "organiser", _("Asked for by an organiser")

    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="tally_runs"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    trigger = models.CharField(_("started"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    method = models.CharField(_("ranking method"), max_length=12)
    chain_head = models.CharField(_("chain head"), max_length=64)
    chain_length = models.PositiveIntegerField(_("chain length"))
    input_digest = models.CharField(_("SHA-256 of the input"), max_length=64)
    result_digest = models.CharField(_("SHA-256 of the result"), max_length=64)
    result = CanonicalJSONField(_("result"))  # its canonical JSON: result_digest is that text's SHA-256
    # False when the scores in the database differ from what the chain recorded (a change made
    # behind the application's back); `problems` says where.
    integrity_ok = models.BooleanField(_("scores match the chain"), default=True)
    problems = models.JSONField(_("integrity problems"), default=list, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "input_digest"], name="tally_once_per_input")]

    def __str__(self):
        return f"{self.edition} {self.created_at:%Y-%m-%d %H:%M} {self.result_digest[:12]}"


class Finalist(models.Model):
    """A nomination the jury marked as a finalist during deliberation."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="finalists")
    nomination = models.ForeignKey("nominations.Nomination", on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finalist")
        verbose_name_plural = _("finalists")
        constraints = [models.UniqueConstraint(fields=["edition", "nomination"], name="finalist_once")]

    def __str__(self):
        return str(self.nomination)


class TieDecision(models.Model):
    """The jury chair's recorded decision on nominations the edition's rules left tied."""

    edition = models.ForeignKey("awards.Edition", on_delete=models.CASCADE, related_name="tie_decisions")
    tally_run = models.ForeignKey(TallyRun, on_delete=models.PROTECT, related_name="tie_decisions")
    order = models.JSONField(_("order chosen"), help_text=_("Nomination ids, best first."))
    reason = models.TextField(_("reason"), max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tie decision")
        verbose_name_plural = _("tie decisions")

    def __str__(self):
        return f"{self.edition}: {self.order}"


class WinnerApproval(models.Model):
    """The organiser's approval of the winner, against one tally. Choosing anyone but first place
    needs a written reason."""

    edition = models.OneToOneField("awards.Edition", on_delete=models.CASCADE, related_name="winner_approval")
    tally_run = models.ForeignKey(TallyRun, on_delete=models.PROTECT, related_name="+")
    winner = models.ForeignKey("nominations.Nomination", on_delete=models.PROTECT, related_name="+")
    first_place = models.ForeignKey("nominations.Nomination", null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for choosing another than first place"), max_length=4000, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("winner approval")
        verbose_name_plural = _("winner approvals")
        constraints = [
            models.CheckConstraint(
                condition=Q(winner=models.F("first_place")) | ~Q(reason=""), name="winner_other_than_first_has_reason"
            )
        ]

    def __str__(self):
        return f"{self.edition}: {self.winner}"


class Announcement(models.Model):
    """The winner announcement: written in both languages, scheduled or published now. The public sees
    the result only once `published_at` is set."""

    edition = models.OneToOneField("awards.Edition", on_delete=models.CASCADE, related_name="announcement")
    text_sv = models.TextField(_("announcement (Swedish)"), max_length=10000)
    text_en = models.TextField(_("announcement (English)"), max_length=10000)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["published_at", "publish_at"])]

    def __str__(self):
        return str(self.edition)


class AnnouncementMail(models.Model):
    """One outcome e-mail to one person. The row is written in the same transaction as the e-mail's
    outbox row under a unique constraint, so nobody hears the outcome twice."""

    class Kind(models.TextChoices):
        WINNER = "winner", _("Winner")
        FINALIST = "finalist", _("Finalist")
        NOMINEE = "nominee", _("Nominee")
        JUROR = "juror", _("Juror")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="mails")
    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome e-mail")
        verbose_name_plural = _("outcome e-mails")
        constraints = [models.UniqueConstraint(fields=["announcement", "email"], name="announcement_mail_once")]

    def __str__(self):
        return f"{self.kind} → {self.email}"

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.forms import StockholmDateTimeField


class FinalistsForm(forms.Form):
    finalists = forms.TypedMultipleChoiceField(
        label=_("Finalists"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finalists"].choices = [(n.pk, n.startup_name) for n in candidates]


class TieDecisionForm(forms.Form):
    """The chair puts the tied nominations in order: one choice per place, and the reason."""

    group = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [row.nomination_id for row in rows]
        choices = [("", "—")] + [(row.nomination_id, row.startup) for row in rows]
        self.fields["group"].initial = ",".join(str(n) for n in sorted(ids))
        self.place_names = []
        for place in range(1, len(ids) + 1):
            name = f"place_{place}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Place %(place)s") % {"place": place}, choices=choices, coerce=int
            )
            self.place_names.append(name)
        self.order_fields([*self.place_names, "reason", "group"])

    def clean(self):
        cleaned = super().clean()
        order = [cleaned.get(name) for name in self.place_names]
        if None not in order and len(set(order)) != len(order):
            raise forms.ValidationError(_("Put each of the tied nominations in one place."))
        cleaned["order"] = order
        return cleaned


class WinnerApprovalForm(forms.Form):
    winner = forms.TypedChoiceField(label=_("Winner"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for choosing another than first place"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the winner is not first in the ranking. Kept in the audit log."),
    )

    def __init__(self, *args, candidates=(), first_place_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_place_id = first_place_id
        self.fields["winner"].choices = candidates
        if first_place_id is not None:
            self.fields["winner"].initial = first_place_id

    def clean(self):
        cleaned = super().clean()
        winner = cleaned.get("winner")
        if winner is not None and winner != self.first_place_id and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Choosing another nomination than first place needs a written reason."))
        return cleaned


class AnnouncementForm(forms.Form):
    ACTION_SAVE = "save"
    ACTION_PREVIEW = "preview"
    ACTION_SCHEDULE = "schedule"
    ACTION_PUBLISH = "publish"
    ACTIONS = (ACTION_SAVE, ACTION_PREVIEW, ACTION_SCHEDULE, ACTION_PUBLISH)

    text_sv = forms.CharField(label=_("Announcement (Swedish)"), max_length=10000, widget=forms.Textarea)
    text_en = forms.CharField(label=_("Announcement (English)"), max_length=10000, widget=forms.Textarea)
    publish_at = StockholmDateTimeField(label=_("Publish at"), required=False)

    def __init__(self, *args, action: str = ACTION_SAVE, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean(self):
        cleaned = super().clean()
        if self.action == self.ACTION_SCHEDULE and not cleaned.get("publish_at") and "publish_at" not in self.errors:
            self.add_error("publish_at", _("Choose when to publish."))
        return cleaned

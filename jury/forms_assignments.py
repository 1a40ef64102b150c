"""The organiser's assignment forms: the plan (mode, jurors per nomination, seed) and the one-cell
change posted from the assignment table's buttons."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import JuryPlan
from .services.assignments import SEED_LIMIT

CHANGE = re.compile(r"^(add|remove):(\d{1,12}):(\d{1,12})$")


class PlanForm(forms.Form):
    mode = forms.ChoiceField(label=_("Assignment"), choices=JuryPlan.Mode.choices, widget=forms.RadioSelect)
    jurors_per_nomination = forms.IntegerField(
        label=_("Jurors per nomination"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Used when each nomination gets a set number of jurors."),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        min_value=0,
        max_value=SEED_LIMIT - 1,
        required=False,
        help_text=_("Leave empty for a new draw; enter an earlier plan's seed to get that plan again."),
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == JuryPlan.Mode.K_PER_NOMINATION and data.get("jurors_per_nomination") is None:
            self.add_error("jurors_per_nomination", _("Choose how many jurors each nomination gets."))
        return data


class AssignmentChangeForm(forms.Form):
    """`change` is "add:<nomination id>:<juror id>" or "remove:<nomination id>:<juror id>"."""

    change = forms.CharField(max_length=40)

    def clean_change(self) -> tuple[str, int, int]:
        match = CHANGE.match(self.cleaned_data["change"])
        if match is None:
            raise forms.ValidationError(_("The change could not be read."))
        action, nomination_id, juror_id = match.groups()
        return action, int(nomination_id), int(juror_id)

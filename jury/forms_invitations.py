"""Forms of the organiser's invitations page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import JuryRole


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=JuryRole.choices, initial=JuryRole.JUROR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=JuryRole.choices)

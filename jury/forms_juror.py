"""Reading the juror's and the organiser's jury forms. The scoring and conflict forms are drawn by hand
(a radio per rubric level with its descriptor; one row per nomination), so the posted data is read
here and checked for fields that do not belong; the services validate the values themselves."""

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from nominations.models import Nomination

from .models import ConflictKind
from .services.conflicts import NOTE_MAX_LENGTH, ConflictAnswer

ALWAYS_ALLOWED = frozenset({"csrfmiddlewaretoken"})
# Django's form fields refuse a NUL character; these hand-read forms must too, or PostgreSQL does (a 500).
NUL_REFUSED = _("The form contained a character that cannot be saved. Nothing was saved.")


def _contains_nul(data: QueryDict) -> bool:
    return any("\x00" in value for key in data for value in data.getlist(key))


# ---------------------------------------------------------------------------------------------------
# Scoring

SCORECARD_ACTIONS = ("save", "submit", "reopen")
SCORE_PREFIX = "score_"
COMMENT_MAX_LENGTH = 4000


@dataclass
class ScorecardPost:
    action: str = ""
    values: dict[str, str] = field(default_factory=dict)  # criterion id (as posted) → value (as posted)
    comment: str = ""
    refused: str = ""  # why the whole post is refused, when it is

    def value_for(self, criterion_id: int) -> str:
        return self.values.get(str(criterion_id), "")


def read_scorecard_post(data: QueryDict) -> ScorecardPost:
    """The action, the scores keyed by criterion id and the comment. A field that is no part of the
    form (a status, a juror, a score posted twice...) refuses the whole post."""
    post = ScorecardPost()
    if _contains_nul(data):
        post.refused = str(NUL_REFUSED)
        return post
    for key in data:
        if key in ALWAYS_ALLOWED:
            continue
        items = data.getlist(key)
        if len(items) != 1:
            post.refused = str(_("The form was sent with a field twice. Nothing was saved."))
            continue
        value = items[0]
        if key == "action":
            post.action = value
        elif key == "comment":
            post.comment = value
        elif key.startswith(SCORE_PREFIX) and key[len(SCORE_PREFIX) :]:
            post.values[key[len(SCORE_PREFIX) :]] = value
        else:
            post.refused = str(_("The form contained fields that do not belong to it. Nothing was saved."))
    if not post.refused and post.action not in SCORECARD_ACTIONS:
        post.refused = str(_("Use the buttons of the form to save or submit. Nothing was saved."))
    if not post.refused and len(post.comment) > COMMENT_MAX_LENGTH:
        post.refused = str(
            _("Keep the comment under %(max)s characters. Nothing was saved.") % {"max": COMMENT_MAX_LENGTH}
        )
    return post


def stashable_scorecard_fields(data: QueryDict) -> dict[str, str]:
    """What is worth keeping from a post that arrived after the session expired: the scores and the
    comment, nothing else, and within sane sizes."""
    kept = {}
    for key in data:
        if len(kept) >= 100:
            break
        if key == "comment":
            kept[key] = data.get(key, "")[:COMMENT_MAX_LENGTH]
        elif key.startswith(SCORE_PREFIX) and key[len(SCORE_PREFIX) :].isdigit() and len(key) < 32:
            kept[key] = data.get(key, "")[:10]
    return kept


# ---------------------------------------------------------------------------------------------------
# The juror's conflict declarations

ANSWER_NO = "no"
ANSWER_YES = "yes"


@dataclass
class ConflictPost:
    answers: list[ConflictAnswer] = field(default_factory=list)
    values: dict[int, dict[str, str]] = field(default_factory=dict)  # to redraw the form as sent
    errors: dict[str, list[str]] = field(default_factory=dict)
    refused: str = ""


def read_conflict_post(data: QueryDict, *, nomination_ids: set[int]) -> ConflictPost:
    """One answer per nomination row (`answer_<id>` = no / yes, with `kind_<id>` and `note_<id>`).
    Rows left unanswered are skipped; a row for a nomination not on the form refuses the post."""
    post = ConflictPost()
    if _contains_nul(data):
        post.refused = str(NUL_REFUSED)
        return post
    prefixes = ("answer_", "kind_", "note_")
    for key in data:
        if key in ALWAYS_ALLOWED:
            continue
        prefix = next((p for p in prefixes if key.startswith(p)), None)
        suffix = key[len(prefix) :] if prefix else ""
        if prefix is None or not suffix.isdigit() or int(suffix) not in nomination_ids or len(data.getlist(key)) != 1:
            post.refused = str(_("The form contained fields that do not belong to it. Nothing was saved."))
            return post
        post.values.setdefault(int(suffix), {})[prefix.rstrip("_")] = data[key]
    for nomination_id in sorted(post.values):
        row = post.values[nomination_id]
        answer = row.get("answer", "")
        if answer == "":
            continue
        if answer not in (ANSWER_NO, ANSWER_YES):
            post.errors[f"answer_{nomination_id}"] = [str(_("Answer yes or no."))]
            continue
        post.answers.append(
            ConflictAnswer(
                nomination_id=nomination_id,
                has_conflict=answer == ANSWER_YES,
                kind=row.get("kind", ""),
                note=row.get("note", ""),
            )
        )
    return post


# ---------------------------------------------------------------------------------------------------
# The organiser's conflict page


class JurorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} <{obj.email}>" if obj.name else obj.email


class ConflictRecordForm(forms.Form):
    """An organiser records a finding for one juror and one nomination of the edition."""

    juror = JurorChoiceField(label=_("Juror"), queryset=User.objects.none())
    nomination = forms.ModelChoiceField(label=_("Nomination"), queryset=Nomination.objects.none())
    has_conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[("yes", _("Yes, a conflict")), ("no", _("No conflict"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind of conflict"), choices=[("", "---------"), *ConflictKind.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea)

    def __init__(self, *args, jurors, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["nomination"].queryset = nominations
        self.fields["note"].widget.attrs["rows"] = 2

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of conflict."))
        return data


class SuggestionDecisionForm(forms.Form):
    """Confirm or dismiss one automatic suggestion."""

    juror = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    nomination = forms.ModelChoiceField(queryset=Nomination.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("dismiss", "dismiss")])
    kind = forms.ChoiceField(choices=ConflictKind.choices, required=False)

    def __init__(self, *args, jurors, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["nomination"].queryset = nominations

    def clean(self):
        data = super().clean()
        if data.get("decision") == "confirm" and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of conflict."))
        return data

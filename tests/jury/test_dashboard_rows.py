"""The dashboard's rows are written in Python (jury.views.juror.dashboard_row_html); the template they were
taken from stays beside them, and both must give the same characters for every kind of row."""

import itertools

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from jury.selectors import ROW_DRAFT, ROW_NOT_STARTED, ROW_SUBMITTED, ROW_UNDECLARED
from jury.views.juror import _row_labels, dashboard_row_html

NAMES = ["Plain AB", 'Tom & Jerry\'s "<b>Labs</b>"']
PITCHES = ["", "Cheaper <i>tests</i> & faster", "Svenska tecken: åäö"]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_row_is_written_as_the_template_writes_it(language):
    with translation.override(language):
        labels = _row_labels()
        cases = itertools.product(
            (ROW_UNDECLARED, ROW_NOT_STARTED, ROW_DRAFT, ROW_SUBMITTED),
            NAMES,
            PITCHES,
            ("", "/jury/7/scorecards/?a=1&b=2"),
        )
        for number, (state, name, pitch, scorecards_href) in enumerate(cases, 998):
            row = {
                "state": state,
                "number": number,
                "name": name,
                "pitch": pitch,
                "score_href": f"/jury/{number}/score/?x=<1>&y=2",
                "scorecards_href": scorecards_href,
            }
            context = {"row": row, "conflicts_href": "/jury/conflicts/?next=a&b"}

            expected = render_to_string("jury/juror/_dashboard_row.html", context).removesuffix("\n")
            written = dashboard_row_html(row, conflicts_href=context["conflicts_href"], labels=labels)

            assert written == expected, row

"""The dashboard's rows are written in Python (jury.views.juror.dashboard_row_html); the template they were
taken from stays beside them, and both must give the same characters for every kind of row."""

import itertools

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from jury.selectors import ROW_DRAFT, ROW_NOT_STARTED, ROW_SUBMITTED, ROW_UNDECLARED
from jury.views.juror import _row_labels, dashboard_pagination_html, dashboard_row_html, dashboard_rows_html

NAMES = ["Plain AB", 'Tom & Jerry\'s "<b>Labs</b>"']
PITCHES = ["", "Cheaper <i>tests</i> & faster", "Svenska tecken: åäö"]


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_row_is_written_as_the_template_writes_it(language, grouped, settings):
    settings.USE_THOUSAND_SEPARATOR = grouped  # the numbers run from 998 to past 1000
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


class _Edition:
    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name

    def __str__(self) -> str:
        return self.name


def _page(number: int, current: int) -> dict:
    return {"number": number, "href": f"?show=to_score&page-7={number}&x=<{number}>", "current": number == current}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pagination_is_written_as_the_template_writes_it(language):
    paginations = [
        {"previous": "", "next": "?page-7=2", "pages": [_page(1, 1), _page(2, 1)]},
        {"previous": "?page-7=1&a=<b>", "next": "", "pages": [_page(1, 2), _page(2, 2)]},
        {
            "previous": "?page-7=4",
            "next": "?page-7=6",
            "pages": [_page(1, 5), None, *[_page(n, 5) for n in range(3, 8)], None, _page(1234, 5)],
        },
    ]
    editions = [_Edition(7, "Flemingsberg Science Award 2031"), _Edition(12345, 'Tom & Jerry\'s "<b>Prize</b>" 2031')]
    with translation.override(language):
        for pagination, edition in itertools.product(paginations, editions):
            context = {"pagination": pagination, "edition": edition}

            expected = render_to_string("jury/juror/_dashboard_pagination.html", context)
            written = dashboard_pagination_html(pagination, edition)

            assert written == expected, (pagination, edition)


@pytest.mark.parametrize("count", [1, 3])
def test_the_rows_are_joined_as_the_templates_loop_joined_them(count):
    from django.template import engines

    rows = [{"html": mark_safe(f'<li data-state="draft">{number}</li>')} for number in range(count)]  # noqa: S308  # nosec
    loop = engines["django"].from_string(
        "{% for row in rows %}\n        {{ row.html }}\n      {% empty %}none{% endfor %}"
    )

    assert dashboard_rows_html(rows) == loop.render({"rows": rows})


class _Member:
    def __init__(self, is_chair: bool) -> None:
        self.is_chair = is_chair


class _Paginator:
    count = 1234


class _Page:
    paginator = _Paginator()

    def start_index(self) -> int:
        return 1001

    def end_index(self) -> int:
        return 1025


class _ScheduledEdition(_Edition):
    def __init__(self, pk: int, name: str, open_at, close_at) -> None:
        super().__init__(pk, name)
        self.scoring_open_at, self.scoring_close_at = open_at, close_at


class _Board:
    """What the edition's template reads of a selectors.EditionDashboard."""

    def __init__(self, edition, phase: str, *, chair: bool, released: bool, conflicted: int) -> None:
        self.edition, self.member, self.released, self.conflicted = edition, _Member(chair), released, conflicted
        self.scoring_not_open_yet, self.scoring_open, self.scoring_closed = (
            phase == "before",
            phase == "open",
            phase == "closed",
        )
        self.submitted, self.assigned, self.percent_submitted = 7, 0 if conflicted == 3 else 480, 1
        self.page = _Page()


def test_each_editions_section_is_written_as_the_template_writes_it(settings):
    from datetime import UTC, datetime

    import time_machine

    from jury.views.juror import dashboard_edition_html

    settings.USE_THOUSAND_SEPARATOR = True
    filters = [
        ("all", "All", 1234, "?show=all&page-7=2"),
        ("to_score", "To score", 3, "?show=to_score&x=<1>"),
        ("drafts", "Drafts", 0, "?show=drafts"),
        ("submitted", "Submitted", 7, "?show=submitted"),
    ]
    rows_html = mark_safe('\n        <li data-state="draft">1.</li>\n      ')  # nosec
    pagination_html = mark_safe('<nav aria-label="pages">…</nav>\n')  # nosec
    open_at, close_at = datetime(2031, 3, 30, 0, 30, tzinfo=UTC), datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
    cases = itertools.product(
        ("sv", "en"),
        ("before", "open", "closed"),
        (False, True),  # chair
        (False, True),  # released
        (False, True),  # has_mfa
        (0, 1, 3),  # conflicted
        (False, True),  # paginated (and rows on the page)
    )
    with time_machine.travel(datetime(2031, 5, 1, 12, 0, tzinfo=UTC), tick=False):
        for language, phase, chair, released, has_mfa, conflicted, paginated in cases:
            name = 'Tom & Jerry\'s "<b>Prize</b>" 2031' if chair else "Flemingsberg Science Award 2031"
            edition = _ScheduledEdition(12345 if paginated else 7, name, open_at, close_at)
            board = _Board(edition, phase, chair=chair, released=released, conflicted=conflicted)
            item = {
                "board": board,
                "rows": [{}] if paginated else [],
                "rows_html": rows_html if paginated else "",
                "first_number": 1001 if paginated else 1,
                "filters": filters,
                "pagination": {"pages": []} if paginated else None,
                "pagination_html": pagination_html if paginated else "",
            }
            show = "to_score" if paginated else "all"
            with translation.override(language):
                context = {"item": item, "board": board, "edition": edition, "show": show, "has_mfa": has_mfa}
                expected = render_to_string("jury/juror/_dashboard_edition.html", context)
                written = dashboard_edition_html(item, show=show, has_mfa=has_mfa)

            assert written == expected, (language, phase, chair, released, has_mfa, conflicted, paginated)

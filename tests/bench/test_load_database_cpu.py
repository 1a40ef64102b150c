"""bench/load/run.py's DatabaseCpu: the CPU time of the PostgreSQL backends of one database, read from /proc."""

import pytest
from django.db import connection

from bench.load.run import DatabaseCpu

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's backends"),
]


def _busy_query(rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, %s) AS g(n) WHERE n %% 7 = 3", [rows])
        assert cursor.fetchone()[0] == (rows - 3) // 7 + 1


def test_counts_the_work_of_this_databases_backend_and_not_before_it_started():
    _busy_query(3_000_000)  # before: not counted
    with DatabaseCpu(connection.settings_dict["NAME"]) as idle:
        pass
    with DatabaseCpu(connection.settings_dict["NAME"]) as busy:
        _busy_query(3_000_000)

    if busy.seconds is None:
        pytest.skip("this PostgreSQL server's processes are not visible here")
    assert idle.seconds < 0.05
    assert busy.seconds >= 0.1


def test_another_databases_backends_are_not_counted():
    with DatabaseCpu("no_such_database") as other:
        _busy_query(3_000_000)

    assert other.seconds is None

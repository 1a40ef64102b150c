"""A real celery worker on the test's own Redis: killed with SIGKILL half-way through a tally, the
task is delivered again (late acknowledgement, reject on worker lost) and one result is stored."""

import os
import re
import signal
import time

import pytest

from jury.verdict.models import TallyRun
from jury.verdict.tally import TEST_PAUSE_SETTING
from tests.conftest import subprocess_env, venv_command
from tests.verdict.tally_setup import scored_edition

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_killed_half_way_through_the_tally_leaves_one_result(redis_server, start_process, celery_on_broker):
    scored = scored_edition(
        rubric=[("1.00", 1, 5), ("2.00", 1, 5)],
        nominations=3,
        scores={"J-A": {0: [5, 4], 1: [2, 3], 2: [1, 1]}, "J-B": {0: [3, 3], 1: [4, 4], 2: [2, 5]}},
    )
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        REDIS_URL=redis_server.url,
        **{TEST_PAUSE_SETTING: "1.5"},
    )
    worker = start_process(
        [venv_command("celery"), "-A", "config", "worker", "-l", "info", "--concurrency", "1"], env, "worker"
    )
    worker.wait_for_output("ready.")
    celery_on_broker(redis_server.url)
    from jury.verdict.tasks import tally_edition

    tally_edition.delay(edition_id=scored.edition.pk, trigger="organiser")

    # Half-way: the input is read and the report is being computed.
    worker.wait_for_output("tally paused at criteria", timeout=60)
    pid = int(re.search(r"tally paused at criteria in pid (\d+)", worker.output()).group(1))
    assert TallyRun.objects.count() == 0
    os.kill(pid, signal.SIGKILL)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not TallyRun.objects.exists():
        time.sleep(0.3)
    assert TallyRun.objects.count() == 1, worker.output()[-4000:]
    output = worker.output()
    assert "WorkerLostError" in output or "exited prematurely" in output, output[-4000:]
    assert output.count("tally paused at criteria") == 2  # the second delivery ran it all again
    time.sleep(3)
    run = TallyRun.objects.get()
    assert (run.edition_id, run.trigger, run.integrity_ok) == (scored.edition.pk, "organiser", True)

"""bench/tally.py's smoke run: it fills its own throwaway database, runs the raw query, the ranking and the
tally task (whose integrity check must pass: the child asserts it) each in a fresh process, and prints the
table of figures."""

import os
import re
import subprocess
import sys

from tests.conftest import BASE_DIR


def test_the_tally_bench_runs_on_small_data_and_prints_its_figures():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / "tally.py"), "--small", "--repeat", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    row = re.search(r"^\s+6,000\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", result.stdout, re.M)
    assert row, result.stdout
    raw, ranking, ranking_ratio, tally, tally_ratio, peak = map(float, row.groups())
    assert raw > 0 and ranking > 0 and tally > 0 and peak > 0
    # The seconds are printed to 3 places, the ratios from the unrounded times.
    for seconds, ratio in ((ranking, ranking_ratio), (tally, tally_ratio)):
        assert ratio > 0
        if raw >= 0.002:
            assert (seconds - 0.0005) / (raw + 0.0005) - 0.01 <= ratio <= (seconds + 0.0005) / (raw - 0.0005) + 0.01

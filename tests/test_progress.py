"""The shared progress display: honest ETA after a resume, throttled lines in logs."""

import io

from maml_landscape.progress import Progress, format_seconds


def test_format_seconds():
    assert format_seconds(12.34) == "12.3s"
    assert format_seconds(245) == "4m05s"
    assert format_seconds(3 * 3600 + 240) == "3h04m"


def test_log_output_is_throttled_but_shows_forced_and_last_steps():
    stream = io.StringIO()
    progress = Progress("train", 100, stream=stream)
    for done in range(1, 101):
        progress.update(done, "loss 1.0")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("train [") and "1/100" in lines[0]
    assert "100/100" in lines[-1] and len(lines) == 2
    progress.advance("extra")
    assert "101/100" in stream.getvalue().splitlines()[-1]


def test_resumed_run_counts_only_new_steps():
    progress = Progress("train", 600, stream=io.StringIO())
    progress.update(401)
    assert progress.start == 400

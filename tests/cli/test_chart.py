"""cli/chart.py: ``kosovo-kg chart NAME -o FILE``, its help, the image written, and the name and
suffix checked before anything is drawn."""

from __future__ import annotations

import pytest
from conftest import invoke


def test_the_help_lists_the_charts_and_their_queries():
    result = invoke(["chart", "--help"])
    assert result.exit_code == 0
    assert "usage: kosovo-kg chart [-h] -o OUTPUT [-q] [--progress] NAME" in result.stdout
    for line in ("polls        support, opposed and neutral", "recognition  NATO members by date of recognition"):
        assert line in result.stdout
    assert "The image to write: FILE.png or FILE.svg." in result.stdout


def test_a_png_is_written_too(tmp_path):
    result = invoke(["chart", "recognition", "-o", tmp_path / "recognition.png"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "recognition.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    size = (tmp_path / "recognition.png").stat().st_size
    assert (
        result.stderr == f"wrote {tmp_path / 'recognition.png'} ({size:,} bytes, 32 points from recognition-status)\n"
    )


def test_the_output_is_required():
    result = invoke(["chart", "polls"])
    assert result.exit_code == 2
    assert "error: the following arguments are required: -o/--output" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chart", "poll", "-o", "{dir}/poll.png"], "no chart named 'poll'; did you mean polls?"),
        (["chart", "nothing", "-o", "{dir}/x.svg"], "Charts: polls, timeline, recognition, kfor"),
        (["chart", "polls", "-o", "{dir}/polls.pdf"], "a chart is written as .png or .svg, not '.pdf'"),
        (["chart", "polls", "-o", "{dir}/polls"], "not '(no suffix)'"),
        (["chart", "polls", "-o", "{dir}/missing/polls.png"], "does not exist"),
    ],
)
def test_chart_errors_exit_2_with_a_message_and_leave_no_file(tmp_path, args, message):
    result = invoke([a.format(dir=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_chart_command_writes_the_image(tmp_path):
    result = invoke(["chart", "kfor", "-o", str(tmp_path / "kfor.svg")])
    assert result.exit_code == 0
    assert "2 points from kfor-strength" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kosovo-kg-manifest.json", "kfor.svg"]
    assert b"<svg" in (tmp_path / "kfor.svg").read_bytes()

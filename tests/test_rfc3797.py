"""RFC 3797 selection: the RFC's own worked example, exactly, and the command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scoring import rfc3797

ROOT = Path(__file__).resolve().parent.parent
RFC_SOURCES = ["9319", "2 5 12 8 10", "9 18 26 34 41 45"]
RFC_PICKS = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]


def test_the_key_string_sorts_each_source_and_ends_it_with_a_slash():
    key = rfc3797.key_string(rfc3797.parse_source(s) for s in RFC_SOURCES)
    assert key == "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_the_rfc_example_selects_exactly_the_published_ten():
    key = rfc3797.key_string(rfc3797.parse_source(s) for s in RFC_SOURCES)
    assert rfc3797.select(25, 10, key) == RFC_PICKS


def test_the_command_line_prints_the_rfc_example_on_one_line():
    args = ["--pool", "25", "--count", "10"] + [a for s in RFC_SOURCES for a in ("--source", s)]
    result = subprocess.run([sys.executable, "-S", "-m", "scoring.draw", "rfc3797", *args],
                            capture_output=True, text=True, cwd=ROOT, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "17 7 2 16 25 23 8 24 19 13\n"


def test_asking_for_fewer_picks_gives_a_prefix_of_the_longer_selection():
    key = rfc3797.key_string([[1, 2, 3]])
    assert rfc3797.select(40, 5, key) == rfc3797.select(40, 12, key)[:5]


def test_leading_zeros_do_not_change_the_key():
    assert rfc3797.key_string([rfc3797.parse_source("07 012")]) == "7.12./"


def test_selection_never_repeats_a_position_and_can_take_the_whole_pool():
    picks = rfc3797.select(30, 30, "1./")
    assert sorted(picks) == list(range(1, 31))


@pytest.mark.parametrize("source", ["", "1 two 3", "-4", "3.5"])
def test_a_source_that_is_not_a_list_of_non_negative_integers_is_refused(source):
    with pytest.raises(rfc3797.RFC3797Error):
        rfc3797.parse_source(source)


def test_the_command_line_refuses_a_count_larger_than_the_pool(capsys):
    assert rfc3797.main(["--pool", "3", "--count", "4", "--source", "1"]) == 2
    assert "count" in capsys.readouterr().err

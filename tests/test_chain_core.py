"""The pure chain check: linkage, seq continuity and recomputed hashes, and the short anchors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.chain import GENESIS_HASH, event_hash, short_head, verify_chain
from scoring.verify import main, parse_anchor

VECTOR = Path(__file__).resolve().parent.parent / "docs" / "vectors" / "small-meeting.json"


def make_events(n: int) -> list[dict]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        ev = {"seq": seq, "type": "note", "payload": {"i": seq}, "actor": "", "at": "2026-04-08T01:00:00.000Z",
              "prev_hash": prev}
        ev["hash"] = event_hash(prev, seq, ev["type"], ev["payload"], ev["actor"], ev["at"])
        prev = ev["hash"]
        events.append(ev)
    return events


def test_an_intact_chain_returns_its_head():
    events = make_events(5)
    check = verify_chain(events)
    assert check.ok and (check.seq, check.head) == (5, events[-1]["hash"])
    assert verify_chain([]).ok and verify_chain([]).head == GENESIS_HASH


def test_an_edited_payload_that_was_not_rehashed_is_found_at_its_seq():
    events = make_events(5)
    events[2]["payload"] = {"i": 99}
    check = verify_chain(events)
    assert (check.ok, check.bad_seq, check.problem, check.seq) == (False, 3, "hash", 2)


def test_a_deleted_event_in_the_middle_is_a_seq_gap():
    events = make_events(5)
    del events[1]
    check = verify_chain(events)
    assert (check.bad_seq, check.problem) == (2, "seq_gap")


def test_a_rehashed_event_that_does_not_link_is_a_prev_hash_break():
    events = make_events(4)
    ev = events[1]
    ev["payload"] = {"i": 42}
    ev["hash"] = event_hash(ev["prev_hash"], 2, ev["type"], ev["payload"], ev["actor"], ev["at"])
    check = verify_chain(events)
    assert (check.bad_seq, check.problem) == (3, "prev_hash")


def test_the_short_head_is_the_first_twelve_hex_digits():
    assert short_head("ab" * 32) == "abababababab"


def test_an_anchor_may_be_the_twelve_digit_prefix_a_screen_footer_shows(capsys):
    events = json.loads(VECTOR.read_bytes())["events"]
    middle = events[len(events) // 2]
    assert parse_anchor(f"{middle['seq']}:{middle['hash'][:12].upper()}") == (middle["seq"], middle["hash"][:12])
    assert main([str(VECTOR), "--anchor", f"{middle['seq']}:{middle['hash'][:12]}"]) == 0
    capsys.readouterr()
    wrong = ("0" if middle["hash"][0] != "0" else "1") + middle["hash"][1:12]
    assert main([str(VECTOR), "--anchor", f"{middle['seq']}:{wrong}"]) == 1
    with pytest.raises(ValueError):
        parse_anchor(f"{middle['seq']}:{middle['hash'][:11]}")

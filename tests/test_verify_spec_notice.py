"""The notice digest, the declared entropy sources and the neutralised roster (docs/VERIFY.md §3,
§6.1, §7, §14 steps 4, 6, 8, 9): scoring.verify and the verifier written from the spec alone
(tests/spec_verifier.py) agree on genuine bundles and fail each tampered copy at the same step,
scoring.verify with a one-line reason naming the field."""
from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest

from scoring import bundle as bundle_mod
from tests import spec_verifier
from tests.verify_spec_support import BASE, ev, pos, rechain, reference, renotice, set_entropy, set_roster, text

DICE = {"label": "骰子", "kind": "dice", "count": 6, "supplier": "县人大代表"}
LOTTERY = {"label": "体彩排列五", "kind": "digits", "count": 5, "supplier": "县体彩中心"}


def declared(sources: list[dict[str, Any]]) -> Callable[[dict], dict]:
    """The vector as if these sources had been declared before the commitment (digest and chain redone)."""
    def edit(b: dict) -> dict:
        at = ev(b, "pool_frozen")["at"]
        b["events"].insert(pos(b, "seed_committed"), {
            "seq": 0, "type": "entropy_declared", "payload": {"sources": copy.deepcopy(sources)},
            "actor": "organiser", "at": at, "prev_hash": "", "hash": ""})
        return rechain(renotice(b))
    return edit


def entered(*values: str) -> Callable[[dict], dict]:
    """After a declaration of DICE and LOTTERY: the entropy entered as `values` (labels kept)."""
    def edit(b: dict) -> dict:
        b = declared([DICE, LOTTERY])(b)
        labels = [DICE["label"], LOTTERY["label"], "第三"]
        src = [{"label": labels[i], "value": v} for i, v in enumerate(values)]
        return set_entropy(b, src, "\n".join(f"{s['label']}: {s['value']}" for s in src))
    return edit


def _move(type_: str, after: str) -> Callable[[dict], dict]:
    def edit(b: dict) -> dict:
        moved = b["events"].pop(pos(b, type_))
        b["events"].insert(pos(b, after) + 1, moved)
        return rechain(b)
    return edit


def _digest_without_declaration(b: dict) -> dict:
    """Sources declared, but seed_committed keeps the digest of a notice without them (the vector's)."""
    b = declared([DICE, LOTTERY])(b)
    ev(b, "seed_committed")["payload"]["notice_sha256"] = ev(BASE, "seed_committed")["payload"]["notice_sha256"]
    return rechain(b)


def _renamed_line(name: str) -> Callable[[dict], dict]:
    """The roster's first line with another name, every hash recomputed (a forger's roster)."""
    def edit(b: dict) -> dict:
        lines = list(b["roster"]["lines"])
        f = lines[0].split("\t")
        f[3] = name
        lines[0] = "\t".join(f)
        return set_roster(b, lines)
    return edit


def test_the_vector_with_declared_sources_matching_its_entropy_verifies_in_both():
    data = text(declared([DICE, LOTTERY])(copy.deepcopy(BASE)))
    assert reference(data) == (0, "OK")
    assert spec_verifier.check(data) == (0, None, "OK")


# (name, edit of a deep copy of the vector, exit code, step of §14, fragment of the reason)
CASES: list[tuple[str, Callable[[dict], Any], int, int, str]] = [
    ("seed_committed without its notice digest",
     lambda b: (ev(b, "seed_committed")["payload"].pop("notice_sha256"), rechain(b))[1], 2, 1,
     "payload (seed_committed).notice_sha256 is missing"),
    ("a declaration with a field too many",
     lambda b: declared([{**DICE, "spare": 1}, LOTTERY])(b), 2, 1, "(entropy_declared).sources[0].spare"),
    ("a declaration after the commitment",
     lambda b: _move("entropy_declared", "seed_committed")(declared([DICE, LOTTERY])(b)), 1, 4,
     "declared after the seed was committed"),
    ("the live entropy after the first draw", _move("entropy_entered", "cadre_drawn"), 1, 4,
     "outside the entropy…reveal window"),
    ("notice digest altered", lambda b: (ev(b, "seed_committed")["payload"].update(notice_sha256="0" * 64),
                                         rechain(b))[1], 1, 8, "notice digest in the seed_committed event"),
    ("venue changed after the notice", lambda b: (b["meeting"].update(venue="另一个会场"), b)[1], 1, 8,
     "notice digest"),
    ("date changed after the notice", lambda b: (b["meeting"].update(date="2026-03-25"), b)[1], 1, 8,
     "notice digest"),
    ("declared sources left out of the notice digest", _digest_without_declaration, 1, 8, "notice digest"),
    ("a declaration not canonical", lambda b: declared([{**DICE, "kind": "coin"}, LOTTERY])(b), 1, 9,
     "(entropy_declared): sources are not a valid declaration (entropy_spec_kind"),
    ("a declared label not in NFKC form", lambda b: declared([{**DICE, "label": "骰子Ａ"}, LOTTERY])(b), 1, 9,
     "(entropy_declared): sources (canonical form)"),
    ("a declaration with a supplier not clean", lambda b: declared([{**DICE, "supplier": " 县人大 "}, LOTTERY])(b),
     1, 9, "(entropy_declared): sources (canonical form)"),
    ("entropy non-canonical for its declared source (commas)", entered("3,5,1,6,2,4", "7 0 3 9 1"), 1, 9,
     "entropy.sources[0].value: '3,5,1,6,2,4' is not the accepted form of declared source '骰子'"),
    ("entropy run together", entered("3 5 1 6 2 4", "70391"), 1, 9, "entropy.sources[1].value"),
    ("a die shows 7", entered("3 5 1 6 2 7", "7 0 3 9 1"), 1, 9, "entropy.sources[0].value"),
    ("one die too few", entered("3 5 1 6 2", "7 0 3 9 1"), 1, 9, "entropy.sources[0].value"),
    ("a declared source missing", entered("3 5 1 6 2 4"), 1, 9, "entropy.sources: labels"),
    ("an undeclared source added", entered("3 5 1 6 2 4", "7 0 3 9 1", "1"), 1, 9, "entropy.sources: labels"),
    ("entropy entered before the meeting started", _move("meeting_started", "entropy_entered"), 1, 9,
     "live entropy entered before the meeting started"),
    ("no meeting_started at all", lambda b: (b["events"].pop(pos(b, "meeting_started")), rechain(b))[1], 1, 9,
     "meeting_started missing"),
    ("a roster name not neutralised", _renamed_line('=HYPERLINK("http://x","y")'), 1, 6, "is not neutralised"),
    ("a roster name with +", _renamed_line("+1"), 1, 6, "is not neutralised"),
    ("a roster name with @", _renamed_line("@SUM(A1)"), 1, 6, "is not neutralised"),
]


@pytest.mark.parametrize("name, edit, code, step, fragment", CASES, ids=[c[0] for c in CASES])
def test_both_verifiers_fail_the_tampered_bundle_at_the_same_step(name, edit, code, step, fragment):
    data = text(edit(copy.deepcopy(BASE)))
    ref_code, reason = reference(data)
    assert (ref_code, fragment in reason) == (code, True), reason
    assert "\n" not in reason
    assert spec_verifier.check(data)[:2] == (code, step), (spec_verifier.check(data), reason)


def test_a_neutralised_name_in_a_forged_roster_passes_step_6_and_is_caught_by_the_replay():
    """`'=x` is canonical (§3): the roster check accepts it, and the changed roster hash is what
    exposes the forgery (its draws no longer follow)."""
    data = text(_renamed_line("'=HYPERLINK(\"http://x\",\"y\")")(copy.deepcopy(BASE)))
    code, reason = reference(data)
    assert code == 1 and "cadre_drawn" in reason
    assert spec_verifier.check(data)[:2] == (1, 10)


def test_the_notice_hash_given_on_the_command_line_is_compared():
    digest = ev(BASE, "seed_committed")["payload"]["notice_sha256"]
    assert reference(text(BASE), given={"notice_hash": digest.upper()}) == (0, "OK")
    code, reason = reference(text(BASE), given={"notice_hash": "0" * 64})
    assert code == 1 and "notice_hash (compared with the value you gave)" in reason
    assert spec_verifier.check(text(BASE), given={"notice_hash": "0" * 64})[:2] == (1, 13)


def test_a_rehearsal_needs_no_meeting_start_and_verifies_in_both(app, runner, tmp_path):
    from meeting.extensions import db
    from tests.draw_support import build_roster

    with app.app_context():
        build_roster(db.session)
    out = tmp_path / "rehearsal.json"
    result = runner.invoke(args=["draw-rehearsal", "--plan", "whole", "--draws", "3", "--entropy", "3 5 1 6 2",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert "meeting_started" not in [e["type"] for e in json.loads(data)["events"]]
    assert reference(data) == (0, "OK") and spec_verifier.check(data) == (0, None, "OK")


@pytest.mark.parametrize("label", ["骰子", "骰子Ａ"])  # a full-width letter is declared as NFKC makes it
def test_the_declared_meeting_through_the_services_verifies_in_both(session, label):
    """Sources declared before the commitment, the meeting started, the entropy entered in the
    one spelling: the digest the service committed is the one both verifiers recompute."""
    from meeting.services.draw import bundle as draw_bundle
    from meeting.services.draw import pool as draw_pool
    from meeting.services.draw import seed as draw_seed
    from meeting.services.draw import steps as draw_steps
    from meeting.services.live.actions import perform
    from tests.draw_support import SEED, build_roster, new_meeting

    build_roster(session, cadres=12)
    mid = new_meeting(session, venue="县会堂")
    draw_pool.freeze_pool(session, mid, {"kind": "whole", "draws": 2}, [], "organiser")
    assert draw_seed.declare_entropy_sources(session, mid, [{**DICE, "label": label}, LOTTERY], "organiser")[0][
        "label"] == "骰子" + ("A" if label.endswith("Ａ") else "")
    draw_seed.commit_seed(session, mid, "organiser", seed_factory=lambda: SEED)
    perform(session, mid, "start_meeting", {}, "moderator")
    perform(session, mid, "enter_entropy", {"sources": ["3 5 1 6 2 4", "7 0 3 9 1"]}, "moderator")
    for n in (1, 2):
        draw_steps.draw_next(session, mid, "moderator", expected_draw=n)
    draw_seed.reveal_seed(session, mid, "organiser")
    data = bundle_mod.dumps(draw_bundle.build_bundle(session, mid)).encode("utf-8")
    assert reference(data) == (0, "OK") and spec_verifier.check(data) == (0, None, "OK")
    b = json.loads(data)
    assert ev(b, "seed_committed")["payload"]["notice_sha256"] == renotice(copy.deepcopy(b))["events"][
        pos(b, "seed_committed")]["payload"]["notice_sha256"]

"""The verifier fails on any change that matters, naming the first mismatch; even a forger who
recomputes the hash chain is caught by the replay or by the notice's published values."""
from __future__ import annotations

import copy
import json

import pytest

from meeting.services.draw import bundle as draw_bundle
from scoring import bundle as bundle_mod
from scoring.chain import GENESIS_HASH, event_hash
from scoring.verify import main, verify
from scoring.verify_common import Mismatch
from tests.draw_support import build_roster, run_demo_meeting


@pytest.fixture
def bundle(session):
    build_roster(session)
    mid = run_demo_meeting(session)
    return draw_bundle.build_bundle(session, mid)


def rehash(b):
    """What a forger would do after editing events: recompute every hash so the chain is intact."""
    prev = GENESIS_HASH
    for ev in b["events"]:
        ev["prev_hash"] = prev
        ev["hash"] = prev = event_hash(prev, ev["seq"], ev["type"], ev["payload"], ev["actor"], ev["at"])
    return b


def event_of(b, type_, n=0):
    return [e for e in b["events"] if e["type"] == type_][n]


def other_number(b, number):
    return next(int(line.split("\t")[0]) for line in b["roster"]["lines"] if int(line.split("\t")[0]) != number)


def fails(b, fragment):
    with pytest.raises(Mismatch) as info:
        verify(bundle_mod.loads(json.dumps(b)))
    assert fragment in str(info.value), str(info.value)


def test_the_untouched_bundle_verifies(bundle):
    lines = verify(bundle)
    assert lines[0].startswith("OK") and any("SKIPPED" in line for line in lines)


def test_a_changed_drawn_number_in_the_draw_list_fails(bundle):
    bundle["draws"][0]["number"] = other_number(bundle, bundle["draws"][0]["number"])
    fails(bundle, "draws[0] (draw 1) number")


def test_a_changed_drawn_number_in_an_event_breaks_the_chain(bundle):
    ev = event_of(bundle, "cadre_drawn")
    ev["payload"]["number"] = other_number(bundle, ev["payload"]["number"])
    fails(bundle, f"event seq {ev['seq']}: hash mismatch")


def test_a_changed_drawn_number_with_a_recomputed_chain_fails_the_replay(bundle):
    ev = event_of(bundle, "cadre_drawn", 1)
    ev["payload"]["number"] = bundle["draws"][1]["number"] = other_number(bundle, ev["payload"]["number"])
    fails(rehash(bundle), f"event seq {ev['seq']} (cadre_drawn): draw 2 number")


def test_a_flipped_seed_digit_fails_the_commitment(bundle):
    bundle["seed"] = ("1" if bundle["seed"][0] != "1" else "2") + bundle["seed"][1:]
    fails(bundle, "commitment = SHA-256(seed)")


def forge_seed(b, seed):
    """Swap in another seed and make commitment, events and chain agree with it."""
    from scoring.draw import commitment

    b["seed"], b["commitment"] = seed, commitment(seed)
    event_of(b, "seed_committed")["payload"]["commitment"] = b["commitment"]
    event_of(b, "seed_revealed")["payload"].update(seed=seed, commitment=b["commitment"])
    return rehash(b)


def test_a_forged_seed_with_recomputed_events_fails_the_replay(bundle):
    fails(forge_seed(bundle, "ab" * 32), "(cadre_drawn): draw 1")


def test_a_fully_consistent_forgery_is_caught_by_the_commitment_printed_on_the_notice(bundle):
    original = bundle["commitment"]
    keep = ("pool_frozen", "seed_committed", "seed_revealed")
    bundle["events"] = [e for e in bundle["events"] if e["type"] in keep]
    for seq, ev in enumerate(bundle["events"], start=1):
        ev["seq"] = seq
    bundle.update(draws=[], household_picks=[], entropy={"sources": [], "canonical": ""})
    forged = forge_seed(bundle, "ab" * 32)
    assert verify(forged)[0].startswith("OK")  # internally consistent "meeting without draws"…
    with pytest.raises(Mismatch, match="commitment \\(compared with the value you gave\\)"):
        verify(forged, expect={"commitment": original})  # …but not the seed committed before the meeting


def test_a_changed_entropy_digit_fails(bundle):
    sources = bundle["entropy"]["sources"]
    sources[0]["value"] = sources[0]["value"].replace("3", "4", 1)
    fails(bundle, "entropy.canonical")


def test_changed_entropy_with_matching_canonical_text_fails_against_the_event(bundle):
    bundle["entropy"]["sources"][0]["value"] = bundle["entropy"]["sources"][0]["value"].replace("3", "4", 1)
    from scoring.draw import canonical_entropy

    bundle["entropy"]["canonical"] = canonical_entropy(bundle["entropy"]["sources"])
    fails(bundle, "entropy sources in the entropy_entered event")


def test_changed_entropy_everywhere_with_a_recomputed_chain_fails_the_replay(bundle):
    from scoring.draw import canonical_entropy

    bundle["entropy"]["sources"][0]["value"] = bundle["entropy"]["sources"][0]["value"].replace("3", "4", 1)
    bundle["entropy"]["canonical"] = canonical_entropy(bundle["entropy"]["sources"])
    event_of(bundle, "entropy_entered")["payload"].update(bundle["entropy"])
    fails(rehash(bundle), "(cadre_drawn): draw 1")


def test_any_changed_event_payload_breaks_the_chain(bundle):
    ev = event_of(bundle, "cadre_skipped")
    ev["payload"]["reason"] = "改了"
    fails(bundle, f"event seq {ev['seq']}: hash mismatch")


def test_a_deleted_event_breaks_the_chain(bundle):
    del bundle["events"][4]
    fails(bundle, "event seq 6: expected seq 5")


def test_a_changed_roster_line_fails_the_roster_hash(bundle):
    lines = bundle["roster"]["lines"]
    lines[0] = lines[0].replace("干部", "千部", 1)
    fails(bundle, "roster.sha256")


def test_a_changed_roster_with_its_hash_updated_fails_against_the_frozen_event(bundle):
    from scoring.pool import roster_hash

    bundle["roster"]["lines"].pop()
    bundle["roster"]["count"] -= 1
    bundle["roster"]["sha256"] = roster_hash(bundle_mod.roster_text(bundle))
    fails(bundle, "roster hash in the pool_frozen event")


def test_a_changed_household_pick_fails(bundle):
    pick = bundle["household_picks"][0]["picks"][0]
    pick["code"] = next(c for c in bundle["household_picks"][0]["households"] if c != pick["code"])
    fails(bundle, "household picks of cadre")


def test_a_changed_household_list_fails_the_roster_digest(bundle):
    bundle["household_picks"][0]["households"].append("H999-9")
    fails(bundle, "digest in the roster line")


def test_hiding_a_skip_fails(bundle):
    skipped = next(d for d in bundle["draws"] if d["skipped"])
    skipped["skipped"], skipped["skip_reason"] = False, ""
    fails(bundle, "skipped")


def test_a_changed_plan_fails_the_plan_hash(bundle):
    bundle["plan"]["strata"][0]["draws"] += 1
    fails(bundle, "plan_sha256")


def test_a_changed_exclusion_fails_against_the_frozen_event(bundle):
    bundle["exclusions"][0]["reason"] = "出差"
    fails(bundle, "exclusions in the pool_frozen event")


def test_relabelling_the_real_meeting_as_a_rehearsal_fails(bundle):
    bundle["protocol"], bundle["rehearsal"] = "minkao-draw/1-rehearsal", True
    fails(bundle, "protocol (pool_frozen event)")


def test_the_command_line_exits_1_naming_the_mismatch_and_2_on_a_malformed_file(bundle, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(bundle_mod.dumps(bundle), encoding="utf-8")
    assert main([str(good)]) == 0
    assert capsys.readouterr().out.startswith("OK")
    bundle["draws"][0]["index"] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(bundle_mod.dumps(bundle), encoding="utf-8")
    assert main([str(bad)]) == 1
    assert "MISMATCH: draws[0] (draw 1) index" in capsys.readouterr().out
    del bundle["seed"]
    bad.write_text(json.dumps(bundle), encoding="utf-8")
    assert main([str(bad)]) == 2
    assert "bundle.seed is missing" in capsys.readouterr().err
    bad.write_text("{not json", encoding="utf-8")
    assert main([str(bad)]) == 2


def test_a_renamed_meeting_fails_against_the_frozen_event(bundle):
    bundle["meeting"]["title"] = "另一次大会"
    fails(bundle, "meeting id and title")


def test_a_payload_of_the_wrong_shape_behind_a_valid_chain_is_refused_by_the_shape_check(bundle, tmp_path, capsys):
    event_of(bundle, "households_picked")["payload"]["picks"] = 7
    path = tmp_path / "odd.json"
    path.write_text(bundle_mod.dumps(rehash(bundle)), encoding="utf-8")
    assert main([str(path)]) == 2
    assert "payload (households_picked).picks must be a list" in capsys.readouterr().err

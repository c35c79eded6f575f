"""Declared entropy sources accept exactly one spelling per value (no grinding)."""
from __future__ import annotations

import pytest

from scoring.entropy import EntropyFormError, canonical_value, check_entry, declared_sources

DICE = {"label": "骰子", "kind": "dice", "count": 5, "supplier": "县人大代表 王某"}
LOTTERY = {"label": "福彩3D", "kind": "digits", "count": 3, "supplier": "3月24日开奖"}


def test_one_throw_has_exactly_one_accepted_spelling():
    source = declared_sources([DICE])[0]
    assert canonical_value(source, "3 5 1 6 2") == "3 5 1 6 2"
    for other in ("35162", "3,5,1,6,2", "3  5 1 6 2", " 3 5 1 6 2", "３ ５ １ ６ ２", "3 5 1 6 7", "3 5 1 6",
                  "3 5 1 6 2 4", "3、5、1、6、2", "3 5 1 6 2\n"):
        with pytest.raises(EntropyFormError) as exc:
            canonical_value(source, other)
        assert exc.value.code == "entropy_not_canonical" and exc.value.values["example"] == "3 5 1 6 2"


def test_an_entry_needs_every_declared_source_in_order():
    spec = declared_sources([DICE, LOTTERY])
    assert check_entry(spec, ["3 5 1 6 2", "0 9 1"]) == [{"label": "骰子", "value": "3 5 1 6 2"},
                                                         {"label": "福彩3D", "value": "0 9 1"}]
    for bad in (["3 5 1 6 2"], "3 5 1 6 2", [{"label": "福彩3D", "value": "0 9 1"}, "3 5 1 6 2"]):
        with pytest.raises(EntropyFormError):
            check_entry(spec, bad)


@pytest.mark.parametrize("bad", [[], [{**DICE, "kind": "coin"}], [{**DICE, "count": 0}], [{**DICE, "count": True}],
                                 [{**DICE, "label": "a:b"}], [{**DICE, "supplier": " "}], [DICE, DICE]])
def test_a_bad_declaration_is_refused(bad):
    with pytest.raises(EntropyFormError):
        declared_sources(bad)

"""Declared live-entropy sources and their one canonical spelling (issue #9: no grinding).

Before the seed is committed the notice declares each source: {label, kind, count, supplier},
e.g. {"label": "骰子", "kind": "dice", "count": 5, "supplier": "县人大代表"}. On stage a value is
accepted only in the declared kind's canonical form, so one throw has exactly one spelling:

* `dice`: `count` digits 1–6 separated by one space: `3 5 1 6 2`;
* `digits`: `count` digits 0–9 separated by one space: `7 0 3` (a lottery draw).

Anything else ("35162", "3,5,1,6,2", full-width digits, two spaces) is refused, not repaired.
Pure: standard library only.
"""
from __future__ import annotations

import re
from typing import Any

from scoring.pool import clean_text, nfkc_clean

SOURCE_KINDS: dict[str, str] = {"dice": "123456", "digits": "0123456789"}
MAX_COUNT = 64
MAX_TEXT = 100


class EntropyFormError(ValueError):
    """A declaration or value breaks the rules; `code` and `values` word it at the edge."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def declared_sources(spec: Any) -> list[dict[str, Any]]:
    """The canonical declaration: a non-empty list of {label, kind, count, supplier}, labels
    clean(NFKC()) (the form the entered entropy's labels take, docs/VERIFY.md §7), distinct,
    without ":"; kind in SOURCE_KINDS; count 1…64; supplier clean() text."""
    if not isinstance(spec, list) or not spec:
        raise EntropyFormError("entropy_spec_empty")
    out, labels = [], set()
    for item in spec:
        if not isinstance(item, dict):
            raise EntropyFormError("entropy_spec_bad")
        label = nfkc_clean(item.get("label", "") if isinstance(item.get("label", ""), str) else "")
        supplier = clean_text(item.get("supplier", "") if isinstance(item.get("supplier", ""), str) else "")
        kind, count = item.get("kind"), item.get("count")
        if not label or ":" in label or len(label) > MAX_TEXT or label in labels:
            raise EntropyFormError("entropy_spec_label", label=label)
        if kind not in SOURCE_KINDS:
            raise EntropyFormError("entropy_spec_kind", label=label, kinds=", ".join(SOURCE_KINDS))
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
            raise EntropyFormError("entropy_spec_count", label=label)
        if not supplier or len(supplier) > MAX_TEXT:
            raise EntropyFormError("entropy_spec_supplier", label=label)
        labels.add(label)
        out.append({"label": label, "kind": kind, "count": count, "supplier": supplier})
    return out


def canonical_value(source: dict[str, Any], text: Any) -> str:
    """`text` if it is exactly the canonical spelling for the declared `source`; else refuse
    with EntropyFormError("entropy_not_canonical", label, example)."""
    alphabet, count = SOURCE_KINDS[source["kind"]], source["count"]
    pattern = "[%s]( [%s]){%d}" % (alphabet, alphabet, count - 1)
    if not isinstance(text, str) or re.fullmatch(pattern, text, flags=re.ASCII) is None:
        raise EntropyFormError("entropy_not_canonical", label=source["label"], example=example(source))
    return text


def example(source: dict[str, Any]) -> str:
    """A value in the canonical form of `source` (shown in messages and on the notice)."""
    digits = "35162435162435162" if source["kind"] == "dice" else "70391703917039170"
    return " ".join((digits * (1 + source["count"] // len(digits)))[:source["count"]])


def check_entry(spec: list[dict[str, Any]], values: Any) -> list[dict[str, str]]:
    """The {label, value} sources for the declared `spec`, from one value per source in declared
    order (strings, or {label, value} with the declared labels). Refuses a missing or extra
    source (entropy_sources_mismatch) and any value not in canonical form."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or len(values) != len(spec):
        raise EntropyFormError("entropy_sources_mismatch", count=len(spec))
    out = []
    for source, given in zip(spec, values):
        if isinstance(given, dict):
            if given.get("label") != source["label"]:
                raise EntropyFormError("entropy_sources_mismatch", count=len(spec))
            given = given.get("value")
        out.append({"label": source["label"], "value": canonical_value(source, given)})
    return out

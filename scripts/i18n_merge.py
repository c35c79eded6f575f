#!/usr/bin/env python3
"""Merge handed-over translations into a .po catalog, or report what is still untranslated.

    i18n_merge.py CATALOG.po LIST [LIST ...]   merge, then rewrite CATALOG.po
    i18n_merge.py CATALOG.po                   only normalise (clear the fuzzy header)
    i18n_merge.py --report CATALOG.po          list untranslated msgids (exit 0)

A LIST is JSON ({"msgid": "译文"}) or text, one pair per line, as helpers write them in their
reports: `msgid<TAB>译文`, `msgid → 译文` or `- "msgid" → 译文`. Blank lines and lines starting
with # are skipped. Only msgids already in the catalog are merged (run scripts/i18n.sh first so
new msgids are extracted); unknown ones are listed so typos are seen. Always clears the header's
fuzzy flag, which `pybabel init` sets and which would make `pybabel compile` skip the catalog.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ARROWS = ("\t", " → ", "→", " -> ")


QUOTES = {'"': '"', "'": "'", "`": "`", "“": "”", "「": "」"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in QUOTES and text[-1] == QUOTES[text[0]]:
        return text[1:-1]
    return text


def parse_list(path: Path) -> dict[str, str]:
    """msgid → translation pairs from a JSON or text file."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return {str(k): str(v) for k, v in json.loads(raw).items()}
    pairs: dict[str, str] = {}
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line[:2] in ("- ", "* "):
            line = line[2:]
        for arrow in ARROWS:
            if arrow in line:
                msgid, text = line.split(arrow, 1)
                pairs[_unquote(msgid)] = _unquote(text)
                break
    return pairs


def load(po_path: Path) -> Catalog:
    """Read a catalog."""
    with po_path.open("rb") as fh:
        return read_po(fh)


def save(catalog: Catalog, po_path: Path) -> None:
    """Write a catalog the way pybabel update does (so later updates do not churn)."""
    catalog.fuzzy = False
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=76, sort_output=True, include_previous=False)


def untranslated(catalog: Catalog) -> list[str]:
    """msgids without a (non-fuzzy) translation."""
    missing = []
    for msg in catalog:
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, (list, tuple)) else [msg.string]
        if msg.fuzzy or not all(strings):
            missing.append(msg.id[0] if isinstance(msg.id, (list, tuple)) else msg.id)
    return missing


def merge(catalog: Catalog, pairs: dict[str, str]) -> tuple[int, list[str]]:
    """Set translations for known msgids; return (merged count, unknown msgids)."""
    merged, unknown = 0, []
    for msgid, text in pairs.items():
        msg = catalog.get(msgid)  # plural messages are keyed by their singular msgid
        if msg is None or not text:
            unknown.append(msgid)
            continue
        msg.string = tuple(text for _ in range(catalog.num_plurals)) if msg.pluralizable else text
        msg.flags.discard("fuzzy")
        merged += 1
    return merged, unknown


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if len(argv) == 2 and argv[0] == "--report":
        catalog = load(Path(argv[1]))
        missing = untranslated(catalog)
        print(f"{argv[1]}: {len(catalog) - len(missing)} translated, {len(missing)} untranslated")
        for msgid in missing:
            print(f"  untranslated: {msgid}")
        return 0
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    po_path = Path(argv[0])
    catalog = load(po_path)
    pairs: dict[str, str] = {}
    for name in argv[1:]:
        pairs.update(parse_list(Path(name)))
    merged, unknown = merge(catalog, pairs)
    save(catalog, po_path)
    print(f"merged {merged} translations into {po_path}")
    for msgid in unknown:
        print(f"  not in catalog (run scripts/i18n.sh after adding it to code): {msgid}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

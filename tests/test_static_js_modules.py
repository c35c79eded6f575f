"""The browser code: native ES modules on one shared static/js/, no window globals.

Outside static/vendor/ no script assigns a property of `window` (the pages publish nothing
globally; tests import the pages' modules instead). The one exception is the CasparCG / SPX
template API of the broadcast overlay (update / play / stop / next), which the broadcast software
calls by name. The vendored libraries' own globals (io, echarts) are read in one adapter each.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
SCRIPTS = sorted(p for p in STATIC.rglob("*.js") if "vendor" not in p.relative_to(STATIC).parts)
# Classic (non-module) scripts outside vendor: none.
CLASSIC: set[str] = set()
# file -> the window names it may publish, and why
ALLOWED = {"screens/overlay.js": {"update", "play", "stop", "next"}}   # CasparCG / SPX template functions

ASSIGN = re.compile(r"\bwindow\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])\s*=(?!=)")
ASSIGN_MANY = re.compile(r"Object\.(?:assign|defineProperty|defineProperties)\s*\(\s*window\b")
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']""", re.M)


def rel(path: Path) -> str:
    return str(path.relative_to(STATIC))


def test_no_script_assigns_a_window_global():
    found = {}
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        names = {a or b for a, b in ASSIGN.findall(text)}
        if ASSIGN_MANY.search(text):
            names.add("Object.assign(window, …)")
        if rel(path) in ALLOWED and names <= ALLOWED[rel(path)] | {"Object.assign(window, …)"}:
            continue
        if names:
            found[rel(path)] = sorted(names)
    assert found == {}


def test_the_overlay_publishes_exactly_the_template_api():
    text = (STATIC / "screens" / "overlay.js").read_text(encoding="utf-8")
    assert "Object.assign(window, { update: update, play: play, stop: stop, next: next })" in text


def test_the_vendored_globals_are_read_in_one_adapter_each():
    readers = {"io": set(), "echarts": set()}
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        for name in readers:
            if re.search(r"\bwindow\.%s\b" % name, text):
                readers[name].add(rel(path))
    assert readers == {"io": {"js/io.js"}, "echarts": {"screens/charts.js"}}


def test_every_script_is_a_module_and_its_imports_exist():
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        if rel(path) in CLASSIC:
            assert not IMPORT.search(text), rel(path)
            continue
        assert not re.search(r"^\(function\s*\(\)\s*\{", text, re.M), f"{rel(path)}: still an IIFE"
        for a, b in IMPORT.findall(text):
            target = (path.parent / (a or b)).resolve()
            assert (a or b).startswith("."), (rel(path), a or b)
            assert target.is_file(), (rel(path), a or b)


def test_one_el_one_formatter_one_cadre_number_one_clock():
    """The helpers that used to exist in several disagreeing copies are defined once, in static/js/."""
    for name in ("el", "fmt", "cadreNo", "clock", "pad", "jurorLabel", "stageName"):
        where = [rel(p) for p in SCRIPTS
                 if re.search(r"(?:function\s+%s\s*\(|\b%s\s*=\s*function\b)" % (name, name),
                              p.read_text(encoding="utf-8"))]
        assert len(where) == 1 and where[0].startswith("js/"), (name, where)

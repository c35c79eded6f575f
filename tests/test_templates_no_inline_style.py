"""No inline style either: the Content-Security-Policy's style-src is 'self' without 'unsafe-inline'.

Templates have no <style> element and no style= attribute; page scripts do not set a style
attribute (el(…, {style: …}) or setAttribute("style", …)) but go through the CSSOM
(node.style.width = …), which the policy allows.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted(p for p in (ROOT / "static").rglob("*.js") if "vendor" not in p.parts)

STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*?\sstyle\s*=", re.S | re.I)
JS_STYLE_ATTR = re.compile(r"""(?:[{,]\s*["']?style["']?\s*:|setAttribute\(\s*["']style["'])""")


def test_the_checkers_find_what_they_should():
    assert STYLE_ELEMENT.search("<style>p{}</style>") and STYLE_ATTR.search('<p class="a" style="x">')
    assert JS_STYLE_ATTR.search('el("div", { class: "a", style: "width:1%" })')
    assert JS_STYLE_ATTR.search('node.setAttribute("style", "x")')
    assert not JS_STYLE_ATTR.search('node.style.width = "1%";')
    assert not STYLE_ATTR.search('<link rel="stylesheet" href="/static/css/app.css">')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_has_an_inline_style(path):
    html = path.read_text(encoding="utf-8")
    assert not STYLE_ELEMENT.search(html) and not STYLE_ATTR.search(html)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT / "static")))
def test_no_page_script_sets_a_style_attribute(path):
    assert not JS_STYLE_ATTR.search(path.read_text(encoding="utf-8"))

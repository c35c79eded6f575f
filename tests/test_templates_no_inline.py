"""No inline script anywhere: every template (and the pages they render) carries its configuration
in JSON data blocks and loads code only from static files, so a Content-Security-Policy without
'unsafe-inline' for scripts fits every page.

Forbidden: a <script> with code in it (only `src=` with an empty body, or type="application/json"
data, are allowed), an inline event handler attribute (onclick=, onload=, …) and a javascript: URL.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from meeting.services.setup.meetings import add_juror
from tests.helpers_roster import login, make_user

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.S)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    """What in this HTML (or template source) would need 'unsafe-inline' to run."""
    found = []
    for attrs, body in SCRIPT.findall(html):
        is_json = re.search(r"""type\s*=\s*["']application/json["']""", attrs, re.I)
        if is_json:
            continue
        if "src=" not in attrs.replace(" ", "") or body.strip():
            found.append(f"<script{attrs}>{body.strip()[:60]}")
    found += [m.group(0)[:80] for m in HANDLER.finditer(html)]
    found += [m.group(0) for m in JS_URL.finditer(html)]
    return found


def test_the_checker_finds_what_it_should():
    assert inline_code('<script>window.X = 1;</script>')
    assert inline_code('<script src="/a.js">alert(1)</script>')
    assert inline_code('<button type="button" onclick="go()">x</button>')
    assert inline_code('<a href="javascript:window.print()">p</a>')
    assert not inline_code('<script type="application/json" id="c">{"a": 1}</script>')
    assert not inline_code('<script type="module" src="/static/x.js"></script>')
    assert not inline_code('<p class="one">someone = 1</p>')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_has_an_inline_script_or_handler(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []


def test_every_page_script_is_a_module_with_its_configuration_in_json_blocks():
    """The page scripts of the live pages are native ES modules (the vendored libraries stay classic)."""
    for path in TEMPLATES:
        for attrs, _ in SCRIPT.findall(path.read_text(encoding="utf-8")):
            src = re.search(r"filename='([^']+)'", attrs)
            if not src or src.group(1).startswith("vendor/"):
                continue
            assert 'type="module"' in attrs, (path.name, attrs)


@pytest.fixture
def meeting_id(session) -> int:
    from meeting.demo.generator import generate_roster
    from meeting.demo.load import load_roster
    from meeting.demo.sample_meeting import create_demo_meeting

    load_roster(session, generate_roster(scale=0.003, seed=7))
    return create_demo_meeting(session, jurors=5, rounds=3).id


def test_the_rendered_pages_have_no_inline_script(client, session, meeting_id):
    token = add_juror(session, meeting_id, "王志强", "cppcc_member").token
    pages = ["/login", f"/m/{meeting_id}/projector", f"/m/{meeting_id}/viewer", f"/m/{meeting_id}/overlay",
             f"/j/{token}", "/j/not-a-real-token"]
    make_user(session, "mod", role="moderator", moderates=(meeting_id,))
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html or "application/json" in html or "src=" in html, url
        assert inline_code(html) == [], url
    login(client, "mod")
    for lang in ("zh", "en"):
        html = client.get(f"/console/{meeting_id}?lang={lang}").get_data(as_text=True)
        assert 'id="console-config"' in html and 'id="page-strings"' in html
        assert inline_code(html) == [], lang

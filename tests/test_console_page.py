"""The stage console page: who may open it, what it loads, and the moderator-only household data."""
from __future__ import annotations

import json
import re

import pytest

from meeting.commands.db import ensure_user
from meeting.services.draw import steps as draw_steps
from meeting.services.live import actions as live
from meeting.demo.sample_meeting import create_demo_meeting
from meeting.demo.generator import generate_roster
from meeting.demo.load import load_roster
from meeting.services.live.snapshot import build_state
from tests.helpers_roster import login, make_user


@pytest.fixture
def meeting_id(session) -> int:
    load_roster(session, generate_roster(scale=0.003, seed=7))
    return create_demo_meeting(session, jurors=5, rounds=3).id


def test_an_anonymous_visitor_is_sent_to_the_log_in_page(client, meeting_id):
    resp = client.get(f"/console/{meeting_id}")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")
    assert f"/console/{meeting_id}" in resp.headers["Location"].replace("%2F", "/")


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_a_moderator_or_an_admin_opens_the_console(client, session, meeting_id, role):
    make_user(session, "someone", role=role, moderates=(meeting_id,) if role == "moderator" else ())
    login(client, "someone")
    resp = client.get(f"/console/{meeting_id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="actions"' in html and 'id="panic"' in html and 'id="confirm"' in html


def test_an_organiser_without_the_moderator_role_is_refused(client, session, meeting_id):
    make_user(session, "clerk", role="organiser")
    login(client, "clerk")
    assert client.get(f"/console/{meeting_id}").status_code == 403


def test_a_juror_link_token_does_not_open_the_console(client, session, meeting_id):
    from meeting.models import Meeting

    token = session.get(Meeting, meeting_id).jurors[0].token
    resp = client.get(f"/console/{meeting_id}?token={token}")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_an_unknown_meeting_is_not_found(client, session, meeting_id):
    make_user(session, "mod", role="moderator")
    login(client, "mod")
    assert client.get(f"/console/{meeting_id + 999}").status_code == 404


def test_the_page_loads_only_local_scripts_and_styles(client, session, meeting_id):
    make_user(session, "mod", role="moderator", moderates=(meeting_id,))
    login(client, "mod")
    html = client.get(f"/console/{meeting_id}").get_data(as_text=True)
    external = re.findall(r'(?:src|href)\s*=\s*"(?:https?:)?//[^"]*"', html)
    assert external == []
    assert "http://" not in html and "https://" not in html
    assert '/static/vendor/socket.io/socket.io.min.js' in html
    # One native ES module; it imports the other console modules and static/js/ itself.
    assert '<script type="module" src="/static/console/console.js"></script>' in html
    # Configuration and strings are JSON data blocks, not inline code.
    assert '<script type="application/json" id="console-config">' in html
    assert '<script type="application/json" id="console-i18n">' in html
    assert "window.CONSOLE" not in html and "window.I18N" not in html


def _config(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="console-config">(.*?)</script>', html).group(1))


def test_stage_and_action_labels_follow_the_page_language(client, session, meeting_id):
    make_user(session, "mod", role="moderator", moderates=(meeting_id,))
    login(client, "mod")
    zh = client.get(f"/console/{meeting_id}").get_data(as_text=True)
    labels = _config(zh)["labels"]
    assert '<html lang="zh-CN">' in zh and "限时整改" in zh
    assert labels["actions"]["reveal_result"] == "公布结果" and labels["stages"]["verification"] == "电话核实"
    en = client.get(f"/console/{meeting_id}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en and "Rectification" in en
    assert _config(en)["labels"]["actions"]["reveal_result"] == "Reveal result"
    assert _config(en)["meeting"] == meeting_id


def test_the_static_files_of_the_console_are_served(client):
    for name in ("console.css", "console.js", "render.js", "panels.js", "actions.js", "forms.js", "dialogs.js",
                 "calls.js", "store.js", "util.js"):
        resp = client.get(f"/static/console/{name}")
        assert resp.status_code == 200, name
        if name.endswith(".js"):   # a module script needs a JavaScript MIME type
            assert resp.mimetype in ("text/javascript", "application/javascript"), (name, resp.mimetype)
        resp.close()


def test_only_the_moderator_snapshot_names_the_households_the_draw_picked(session, meeting_id):
    ensure_user("moderator", "moderator-pass-1", role="moderator")
    live.perform(session, meeting_id, "start_meeting", {}, "moderator")
    live.perform(session, meeting_id, "enter_entropy", {"sources": "3 5 1 6 2 4"}, "moderator")
    live.perform(session, meeting_id, "draw_cadre", {"expected_draw": 1}, "moderator")
    state = build_state(session, meeting_id, "moderator")
    number = state["round"]["cadre"]["number"]
    assert state["round"]["picked_households"] == []
    everyone = state["round"]["other_households"]
    assert everyone and all(h["name"] and "*" not in h["name"] for h in everyone)

    picks = draw_steps.pick_households(session, meeting_id, count=2, cadre_number=number)
    state = build_state(session, meeting_id, "moderator")
    picked = state["round"]["picked_households"]
    assert [h["code"] for h in picked] == [p.code for p in picks]
    assert [h["slot"] for h in picked] == [0, 1]
    assert all(h["phone"] and "*" not in h["phone"] and h["village"] for h in picked)
    assert {h["code"] for h in state["round"]["other_households"]}.isdisjoint(h["code"] for h in picked)

    for audience in ("viewer", "juror"):
        public = build_state(session, meeting_id, audience)["round"]
        assert "picked_households" not in public and "other_households" not in public

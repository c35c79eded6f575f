"""The public screens' pages: projector, viewer, overlay and the viewer QR code (test client)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from meeting.services.setup.meetings import create_meeting
from meeting.views.screens import screen_strings, viewer_url

PAGES = ("projector", "viewer", "overlay")


@pytest.fixture
def meeting_id(session) -> int:
    meeting = create_meeting(session, {"title": "沂水县现场直播调查大会", "venue": "县会堂",
                                       "date": dt.date.today().isoformat(), "rounds_planned": 3, "quorum": 3})
    return meeting.id


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _links(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


@pytest.mark.parametrize("page", PAGES)
def test_each_screen_renders_for_a_known_meeting_without_a_log_in(client, meeting_id, page):
    html = _html(client, f"/m/{meeting_id}/{page}")
    assert "沂水县现场直播调查大会" in html
    config = json.loads(re.search(r'<script type="application/json" id="screen-config">(.*?)</script>', html).group(1))
    assert config["meeting"] == meeting_id and config["role"] == page


@pytest.mark.parametrize("page", PAGES + ("viewer-qr.svg",))
def test_an_unknown_meeting_is_not_found(client, meeting_id, page):
    assert client.get(f"/m/{meeting_id + 999}/{page}").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_screens_load_only_local_assets_and_the_vendored_live_client(client, meeting_id, page):
    html = _html(client, f"/m/{meeting_id}/{page}")
    links = _links(html)
    assert links and all(not re.match(r"^(https?:)?//", link) for link in links), links
    assert "/static/vendor/socket.io/socket.io.min.js" in links
    # The page script is a native ES module; it imports static/js/ and static/screens/ itself.
    assert f'<script type="module" src="/static/screens/{page}.js"></script>' in html
    assert f"/static/screens/{page}.js" in links and f"/static/screens/{page}.css" in links
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("page", ("projector", "viewer"))
def test_the_charting_screens_include_the_vendored_echarts(client, meeting_id, page):
    assert "/static/vendor/echarts/echarts.min.js" in _links(_html(client, f"/m/{meeting_id}/{page}"))


def test_every_static_file_a_screen_references_is_served(client, meeting_id):
    for page in PAGES:
        for link in _links(_html(client, f"/m/{meeting_id}/{page}")):
            if link.startswith("/static/"):
                response = client.get(link)
                assert response.status_code == 200, link
                response.close()


def test_the_viewer_qr_is_an_svg_of_the_configured_public_viewer_address(app, client, meeting_id):
    response = client.get(f"/m/{meeting_id}/viewer-qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<?xml") or "<svg" in response.get_data(as_text=True)
    with app.test_request_context():
        app.config["PUBLIC_BASE_URL"] = "https://minkao.example.gov.cn/"
        assert viewer_url(meeting_id) == f"https://minkao.example.gov.cn/m/{meeting_id}/viewer"


def test_the_qr_encodes_exactly_what_the_url_builder_returns(app, client, meeting_id, monkeypatch):
    from meeting.views import screens

    encoded: list[str] = []
    monkeypatch.setattr(screens, "qr_svg", lambda data: encoded.append(data) or "<svg/>")
    app.config["PUBLIC_BASE_URL"] = "http://hall.local:8080"
    client.get(f"/m/{meeting_id}/viewer-qr.svg")
    assert encoded == [f"http://hall.local:8080/m/{meeting_id}/viewer"]


def test_the_viewer_url_ignores_the_host_the_page_was_opened_from(app, meeting_id):
    app.config["PUBLIC_BASE_URL"] = "https://public.example"
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        assert viewer_url(meeting_id) == f"https://public.example/m/{meeting_id}/viewer"
    assert viewer_url(7, base_url="http://x/") == "http://x/m/7/viewer"


def test_the_screens_pass_their_strings_and_labels_to_the_scripts_in_the_chosen_language(client, meeting_id):
    html = _html(client, f"/m/{meeting_id}/projector?lang=en")
    assert '<html lang="en">' in html
    config = json.loads(re.search(r'id="screen-config">(.*?)</script>', html).group(1))
    strings = json.loads(re.search(r'id="screen-i18n">(.*?)</script>', html).group(1))
    assert config["lang"] == "en" and config["decisions"]["rectification"] == "Rectification"
    assert strings["Last update {n} s ago"] == "Last update {n} s ago"
    zh = _html(client, f"/m/{meeting_id}/projector?lang=zh_CN")
    assert '<html lang="zh-CN">' in zh
    assert json.loads(re.search(r'id="screen-config">(.*?)</script>', zh).group(1))["decisions"]["pass"] == "通过"


def test_every_script_string_is_a_msgid_the_screens_declare(app):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "static" / "screens"
    used = set()
    for path in root.glob("*.js"):
        used |= set(re.findall(r'\bt\("([^"]+)"', path.read_text(encoding="utf-8")))
    used |= {"Waiting", "Dialling", "Ringing", "On the line", "Answered", "Busy", "No answer", "Call failed",
             "Cancelled"}
    with app.test_request_context():
        declared = set(screen_strings())
    assert used - declared == set()


def test_the_viewer_links_the_bundle_route_of_the_draw_helper(client, meeting_id):
    html = _html(client, f"/m/{meeting_id}/viewer")
    config = json.loads(re.search(r'id="screen-config">(.*?)</script>', html).group(1))
    assert config["bundleUrl"] == f"/m/{meeting_id}/bundle.json"
    assert config["qrUrl"] == f"/m/{meeting_id}/viewer-qr.svg"


def test_data_in_the_page_is_escaped(client, session):
    meeting = create_meeting(session, {"title": "</script><script>alert(1)</script>", "venue": "<b>x</b>",
                                       "date": dt.date.today().isoformat(), "rounds_planned": 1, "quorum": 1})
    for page in PAGES:
        html = _html(client, f"/m/{meeting.id}/{page}")
        assert "<script>alert(1)" not in html and "<b>x</b>" not in html

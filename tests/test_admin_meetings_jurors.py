"""Juror pages: add, private links with QR codes, PINs kept hashed, revoke, reissue, printable sheets."""
from __future__ import annotations

import re

import pytest
from werkzeug.security import check_password_hash

from meeting.realtime.principal import AuthError, resolve
from meeting.services.setup.meetings import add_juror, revoke_juror
from tests.admin_meetings_support import jurors_of, new_meeting, staff_client

BASE = "http://192.168.1.20:5000"


@pytest.fixture
def admin(client, app, session):
    """A logged-in admin; juror links on a hall address."""
    app.config["PUBLIC_BASE_URL"] = BASE + "/"
    return staff_client(client, session)


def juror_link_works(app, meeting_id: int, token: str, pin: str | None = None) -> bool:
    """Whether a tablet could connect with this link (the socket layer's own check)."""
    with app.test_request_context():
        try:
            resolve({"meeting": meeting_id, "role": "juror", "token": token, **({"pin": pin} if pin else {})})
        except AuthError:
            return False
    return True


def sheets(html: str) -> list[str]:
    """The printed sheets (one <section class="sheet"> each)."""
    return re.findall(r'<section class="sheet".*?</section>', html, re.S)


def test_adding_a_juror_gives_a_seat_and_a_private_link(admin, app, session):
    mid = new_meeting(session)
    response = admin.post(f"/admin/meetings/{mid}/jurors", data={"name": " 王志强 ", "category": "cppcc_member"})
    assert response.status_code == 302
    admin.post(f"/admin/meetings/{mid}/jurors", data={"name": "刘桂兰", "category": "citizen_rep"})
    first, second = jurors_of(session, mid)
    assert (first.seat, first.name, first.category, second.seat) == (1, "王志强", "cppcc_member", 2)
    assert len(first.token) >= 40 and first.token != second.token
    html = admin.get(f"/admin/meetings/{mid}/jurors").get_data(as_text=True)
    assert f"{BASE}/j/{first.token}" in html and f"{BASE}/j/{second.token}" in html
    assert "CPPCC member" in html and "Citizen representative" in html
    assert html.count("<svg") == 2 and html.count("badge-active") == 2
    chinese = admin.get(f"/admin/meetings/{mid}/jurors?lang=zh_CN").get_data(as_text=True)
    assert "政协委员" in chinese and "群众代表" in chinese
    assert juror_link_works(app, mid, first.token)


def test_a_pin_is_stored_only_as_a_hash_and_never_shown(admin, app, session):
    mid = new_meeting(session)
    admin.post(f"/admin/meetings/{mid}/jurors", data={"name": "陈德胜", "category": "veteran_cadre", "pin": "４７１９"})
    (juror,) = jurors_of(session, mid)
    assert juror.pin_hash and "4719" not in juror.pin_hash and check_password_hash(juror.pin_hash, "4719")
    for page in (f"/admin/meetings/{mid}/jurors", f"/admin/meetings/{mid}/jurors/print"):
        assert "4719" not in admin.get(page).get_data(as_text=True)
    assert not juror_link_works(app, mid, juror.token)
    assert juror_link_works(app, mid, juror.token, pin="4719")


@pytest.mark.parametrize("data, message", [
    ({"name": "", "category": "party_rep"}, "Enter the name of the juror (1 to 64 characters)."),
    ({"name": "张三", "category": "mayor"}, "Choose a category for the juror."),
    ({"name": "张三", "category": "party_rep", "pin": "12"}, "A PIN is 4 to 8 digits."),
    ({"name": "张三", "category": "party_rep", "pin": "12ab56"}, "A PIN is 4 to 8 digits."),
])
def test_a_bad_juror_is_refused_with_a_message_and_nothing_is_added(admin, session, data, message):
    mid = new_meeting(session)
    response = admin.post(f"/admin/meetings/{mid}/jurors", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert jurors_of(session, mid) == []
    if data.get("pin"):
        assert data["pin"] not in html
        assert 'value="张三"' in html  # the name is kept for correcting


def test_revoking_a_link_stops_it_at_once(admin, app, session):
    mid = new_meeting(session)
    juror = add_juror(session, mid, "赵明", "citizen_rep")
    token = juror.token
    response = admin.post(f"/admin/meetings/{mid}/jurors/{juror.id}/revoke")
    assert response.status_code == 302
    (stored,) = jurors_of(session, mid)
    assert stored.revoked_at is not None and stored.token == token
    assert not juror_link_works(app, mid, token)
    html = admin.get(f"/admin/meetings/{mid}/jurors").get_data(as_text=True)
    assert "badge-revoked" in html and token not in html
    assert "Re-enable with a new link" in html


def test_reissuing_gives_a_new_link_and_the_old_one_stops_working(admin, app, session):
    mid = new_meeting(session)
    juror = add_juror(session, mid, "孙丽", "citizen_rep", pin="123456")
    old = juror.token
    response = admin.post(f"/admin/meetings/{mid}/jurors/{juror.id}/reissue")
    assert response.status_code == 302
    (stored,) = jurors_of(session, mid)
    assert stored.token != old and stored.revoked_at is None and stored.seat == 1
    assert check_password_hash(stored.pin_hash, "123456")  # the PIN stays
    assert not juror_link_works(app, mid, old, pin="123456")
    assert juror_link_works(app, mid, stored.token, pin="123456")
    html = admin.get(f"/admin/meetings/{mid}/jurors").get_data(as_text=True)
    assert stored.token in html and old not in html
    assert "has a new link" in html


def test_reissuing_re_enables_a_revoked_juror(admin, app, session):
    mid = new_meeting(session)
    juror = add_juror(session, mid, "孙丽", "citizen_rep")
    revoke_juror(session, juror.id)
    admin.post(f"/admin/meetings/{mid}/jurors/{juror.id}/reissue")
    (stored,) = jurors_of(session, mid)
    assert stored.revoked_at is None and juror_link_works(app, mid, stored.token)


def test_a_juror_of_another_meeting_cannot_be_changed_through_this_one(admin, session):
    mid, other = new_meeting(session), new_meeting(session, title="另一个会")
    juror = add_juror(session, other, "周玉梅", "other")
    token = juror.token
    assert admin.post(f"/admin/meetings/{mid}/jurors/{juror.id}/revoke").status_code == 404
    assert admin.post(f"/admin/meetings/{mid}/jurors/{juror.id}/reissue").status_code == 404
    assert admin.post(f"/admin/meetings/{mid}/jurors/999/revoke").status_code == 404
    (stored,) = jurors_of(session, other)
    assert stored.token == token and stored.revoked_at is None


def test_the_print_page_has_one_sheet_per_active_juror_with_qr_and_link_and_no_pin(admin, app, session):
    mid = new_meeting(session, title="沂水县现场直播调查大会", venue="县会堂", date="2026-05-20")
    with_pin = add_juror(session, mid, "张建国", "party_rep", pin="8642")
    plain = add_juror(session, mid, "李秀英", "npc_deputy")
    gone = add_juror(session, mid, "王志强", "cppcc_member")
    revoke_juror(session, gone.id)
    admin.get("/login?lang=en")  # the organiser works in English; the sheets stay Chinese
    html = admin.get(f"/admin/meetings/{mid}/jurors/print").get_data(as_text=True)
    found = sheets(html)
    assert len(found) == 2
    for sheet, juror in zip(found, (with_pin, plain)):
        assert f'id="sheet-{juror.id}"' in sheet and "<svg" in sheet
        assert f"{BASE}/j/{juror.token}" in sheet and juror.name in sheet
    assert "党代表" in found[0] and "人大代表" in found[1]
    assert 'class="pin-hint"' in found[0] and 'class="pin-hint"' not in found[1]
    assert "8642" not in html and gone.token not in html and "王志强" not in html
    assert '<html lang="zh-CN">' in html and "沂水县现场直播调查大会" in html and "县会堂" in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    css = admin.get("/static/admin/print.css").get_data(as_text=True)
    assert "page-break-after: always" in css


def test_one_sheet_can_be_printed_again_alone(admin, session):
    mid = new_meeting(session)
    first = add_juror(session, mid, "张建国", "party_rep")
    second = add_juror(session, mid, "李秀英", "npc_deputy")
    found = sheets(admin.get(f"/admin/meetings/{mid}/jurors/print?juror={second.id}").get_data(as_text=True))
    assert len(found) == 1 and second.token in found[0] and first.token not in found[0]
    assert admin.get(f"/admin/meetings/{mid}/jurors/print?juror=abc").status_code == 404
    revoke_juror(session, second.id)
    assert admin.get(f"/admin/meetings/{mid}/jurors/print?juror={second.id}").status_code == 404

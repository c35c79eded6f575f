"""The responsible unit's private reply link: issue, reply (with files), revoke, refusals.

On SQLite by default and on PostgreSQL with DATABASE_URL. Every refusal leaves nothing behind:
no event, no attachment row, no file on disk, the case unchanged.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, Forbidden, NotFound, UserError
from meeting.models.cases import Case, CaseAttachment, CaseEvent, CaseReplyLink
from meeting.services import followup
from meeting.services.followup import attachments, reply_links
from tests.cases_support import JPEG, PDF, PNG, county

LATER = dt.datetime(2026, 4, 1, 3, 0)   # 1 April, 11:00 Beijing time: the reply is on time


@pytest.fixture
def world(session):
    return county(session, per_township=1)


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_link_is_stored_only_as_its_hash_and_its_issue_is_logged(session, world):
    code = world.codes[0]
    issued = reply_links.issue_link(session, code, actor="user:1")
    link = session.get(CaseReplyLink, issued.link_id)
    assert len(issued.token) >= 32 and link.token_hash == reply_links.token_hash(issued.token)
    assert issued.token not in str(session.scalars(sa.select(CaseEvent)).all()[-1].payload)
    assert session.scalars(sa.select(CaseReplyLink.token_hash)).all() == [link.token_hash]
    assert [e.type for e in followup.stream_events(session)][-1] == "case_reply_link_issued"
    assert followup.verify_stream(session) is None


def test_the_unit_sees_the_case_with_households_masked(session, world):
    issued = reply_links.issue_link(session, world.codes[0], actor="user:1")
    view = reply_links.unit_view(session, issued.token)
    assert view["code"] == world.codes[0] and view["awaiting_reply"] is True
    assert view["households"] == ["王**", "李*"]
    assert "王小明" not in str(view)
    assert view["promise"] == "整改事项1" and view["deadline"] == dt.date(2026, 5, 31)


def test_the_unit_replies_with_a_date_and_files_and_the_case_is_replied_in_one_event(session, world, tmp_path):
    code = world.codes[0]
    issued = reply_links.issue_link(session, code, actor="user:1")
    case = reply_links.unit_reply(session, issued.token, "药品已补齐，低保已复核。", proposed="2026-05-20",
                                  uploads=[("现场.jpg", JPEG), ("报告.pdf", PDF)], files_root=tmp_path, now=LATER)
    assert case.status == "replied" and case.replied_on == dt.date(2026, 4, 1)
    assert case.reply_text == "药品已补齐，低保已复核。" and case.proposed_completion == dt.date(2026, 5, 20)
    event = followup.stream_events(session)[-1]
    assert event.type == "case_replied" and event.actor == f"reply_link:{issued.link_id}"
    assert event.payload["proposed_completion"] == "2026-05-20" and event.payload["via"] == "reply_link"
    assert [a["sha256"] for a in event.payload["attachments"]] == [hashlib.sha256(JPEG).hexdigest(),
                                                                  hashlib.sha256(PDF).hexdigest()]
    rows = session.scalars(sa.select(CaseAttachment).order_by(CaseAttachment.id)).all()
    assert [(r.content_type, r.event_id) for r in rows] == [("image/jpeg", event.id), ("application/pdf", event.id)]
    for row in rows:
        assert attachments.stored_path(tmp_path, case.id, row.stored_name).read_bytes() in (JPEG, PDF)
    assert followup.verify_stream(session) is None
    # The unit gets its own files back; the page now awaits nothing more from it.
    att, path = reply_links.attachment_for_unit(session, issued.token, rows[0].id, tmp_path)
    assert path.read_bytes() == JPEG
    assert reply_links.unit_view(session, issued.token)["awaiting_reply"] is False


def _refused(session, tmp_path, token, exc_type, code, **kw):
    before = (_count(session, CaseEvent), _count(session, CaseAttachment))
    statuses = session.scalars(sa.select(Case.status).order_by(Case.id)).all()
    with pytest.raises(exc_type) as info:
        reply_links.unit_reply(session, token, kw.pop("text", "已整改"), files_root=tmp_path, now=LATER, **kw)
    assert info.value.code == code
    session.expire_all()
    assert (_count(session, CaseEvent), _count(session, CaseAttachment)) == before
    assert session.scalars(sa.select(Case.status).order_by(Case.id)).all() == statuses
    assert _files(tmp_path) == []


def test_a_wrong_token_is_refused_and_nothing_changes(session, world, tmp_path):
    reply_links.issue_link(session, world.codes[0], actor="user:1")
    _refused(session, tmp_path, "not-a-token", NotFound, "case_reply_link_invalid")
    _refused(session, tmp_path, "x" * 500, NotFound, "case_reply_link_invalid")
    with pytest.raises(NotFound):
        reply_links.unit_view(session, "not-a-token")


def test_a_revoked_link_is_refused_clearly_and_a_reissued_one_works(session, world, tmp_path):
    code = world.codes[0]
    first = reply_links.issue_link(session, code, actor="user:1")
    reply_links.revoke_link(session, code, actor="user:1")
    _refused(session, tmp_path, first.token, Forbidden, "case_reply_link_revoked")
    with pytest.raises(Forbidden):
        reply_links.unit_view(session, first.token)
    with pytest.raises(NotFound) as info:
        reply_links.revoke_link(session, code, actor="user:1")
    assert info.value.code == "case_reply_link_none"
    second = reply_links.issue_link(session, code, actor="user:1")
    third = reply_links.issue_link(session, code, actor="user:1")     # reissue: the second stops working
    with pytest.raises(Forbidden):
        reply_links.unit_view(session, second.token)
    assert reply_links.unit_reply(session, third.token, "已整改", files_root=tmp_path, now=LATER).status == "replied"
    types = [e.type for e in followup.stream_events(session)]
    assert types[-5:] == ["case_reply_link_issued", "case_reply_link_revoked", "case_reply_link_issued",
                          "case_reply_link_issued", "case_replied"]


def test_oversized_forged_and_too_many_files_are_refused_and_nothing_is_stored(session, world, tmp_path):
    issued = reply_links.issue_link(session, world.codes[0], actor="user:1")
    big = JPEG + b"\x00" * attachments.MAX_BYTES
    _refused(session, tmp_path, issued.token, UserError, "case_file_too_large", uploads=[("a.jpg", JPEG), ("b.jpg", big)])
    _refused(session, tmp_path, issued.token, UserError, "case_file_type",
             uploads=[("photo.jpg", b"<html><script>alert(1)</script>"), ("ok.png", PNG)])
    _refused(session, tmp_path, issued.token, UserError, "case_file_type", uploads=[("x.pdf", b"MZ\x90\x00exe")])
    _refused(session, tmp_path, issued.token, UserError, "case_files_too_many",
             uploads=[(f"{i}.png", PNG) for i in range(attachments.MAX_FILES + 1)])
    _refused(session, tmp_path, issued.token, UserError, "case_file_empty", uploads=[("e.png", b"")])


def test_a_missing_text_or_a_bad_date_is_refused_and_nothing_changes(session, world, tmp_path):
    issued = reply_links.issue_link(session, world.codes[0], actor="user:1")
    _refused(session, tmp_path, issued.token, UserError, "case_reason_required", text="  ", uploads=[("a.png", PNG)])
    _refused(session, tmp_path, issued.token, UserError, "case_reason_too_long", text="字" * 501)
    _refused(session, tmp_path, issued.token, UserError, "case_proposed_date_invalid", proposed="5月20日")
    _refused(session, tmp_path, issued.token, UserError, "case_proposed_date_past", proposed="2026-03-01")


def test_a_case_not_awaiting_a_reply_refuses_a_second_one(session, world, tmp_path):
    issued = reply_links.issue_link(session, world.codes[0], actor="user:1")
    reply_links.unit_reply(session, issued.token, "已整改", files_root=tmp_path, now=LATER)
    stored = _files(tmp_path)
    with pytest.raises(Conflict) as info:
        reply_links.unit_reply(session, issued.token, "再次回复", uploads=[("a.png", PNG)], files_root=tmp_path,
                               now=LATER)
    assert info.value.code == "case_reply_not_awaited" and _files(tmp_path) == stored


def test_a_unit_cannot_fetch_another_links_file(session, world, tmp_path):
    a = reply_links.issue_link(session, world.codes[0], actor="user:1")
    b = reply_links.issue_link(session, world.codes[1], actor="user:1")
    reply_links.unit_reply(session, a.token, "已整改", uploads=[("a.png", PNG)], files_root=tmp_path, now=LATER)
    att = session.scalars(sa.select(CaseAttachment)).one()
    with pytest.raises(NotFound):
        reply_links.attachment_for_unit(session, b.token, att.id, tmp_path)
    with pytest.raises(NotFound):
        reply_links.attachment_for_staff(session, world.codes[1], att.id, tmp_path)
    assert reply_links.attachment_for_staff(session, world.codes[0], att.id, tmp_path)[1].read_bytes() == PNG


def test_file_names_are_cleaned_and_types_come_from_the_bytes():
    assert attachments.clean_filename("..\\..\\etc/pass\x00wd.jpg") == "passwd.jpg"
    assert attachments.sniff(PDF) == "application/pdf" and attachments.sniff(b"GIF89a") is None
    with pytest.raises(ValueError):
        attachments.stored_path(Path("/tmp"), 1, "../../secret")

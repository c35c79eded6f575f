"""The responsible unit's private reply link (/r/<token>): issue, revoke, open, reply.

Like a juror's link, the token is the credential, but only its SHA-256 is stored: the token is
shown once, on the sheet printed when it is issued; a lost sheet is replaced by issuing a new
link (the old one stops working). Issuing and revoking are events of the case stream.

A reply through the link is one unit of work: the case moves open/reopened → replied
(scoring.cases), the event records the text, the proposed completion date and each file's
SHA-256, and the files are written under the instance folder; refused input changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict, Forbidden, NotFound, UserError
from meeting.models.cases import Case, CaseAttachment, CaseReplyLink
from meeting.services.followup import attachments as files
from meeting.services.followup.cases import act_locked, case_in_stream, naive_utc
from meeting.services.followup.stream import DEFAULT_STREAM, append_case_event, lock_stream
from meeting.services.tx import unit_of_work
from scoring import cases as rules
from scoring.deadlines import Policy, local_date
from scoring.masking import mask_name

MAX_TOKEN_LENGTH = 64


@dataclass(frozen=True)
class IssuedLink:
    """A new link: the token (shown once, on the printed sheet), its id and the case's code."""

    token: str
    link_id: int
    case_code: str


def token_hash(token: str) -> str:
    """What is stored of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@unit_of_work
def issue_link(session: so.Session, code: str, *, actor: str, now: dt.datetime | None = None,
               stream_code: str = DEFAULT_STREAM) -> IssuedLink:
    """A new reply link for the case; the link it replaces, if any, stops working. Logged."""
    at = naive_utc(now)
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    old = active_link(session, case.id)
    if old is not None:
        old.revoked_at, old.revoked_by = at, actor
    token = secrets.token_urlsafe(24)
    link = CaseReplyLink(case_id=case.id, token_hash=token_hash(token), created_by=actor, created_at=at,
                         revoked_by="")
    session.add(link)
    session.flush()
    append_case_event(session, stream, case, "case_reply_link_issued",
                      {"case": case.code, "link": link.id, "replaces": old.id if old else None}, actor, at)
    return IssuedLink(token=token, link_id=link.id, case_code=case.code)


@unit_of_work
def revoke_link(session: so.Session, code: str, *, actor: str, now: dt.datetime | None = None,
                stream_code: str = DEFAULT_STREAM) -> int:
    """Revoke the case's link at once; NotFound(case_reply_link_none) if it has none. Logged; the link's id."""
    at = naive_utc(now)
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    link = active_link(session, case.id)
    if link is None:
        raise NotFound("case_reply_link_none", code=code)
    link.revoked_at, link.revoked_by = at, actor
    append_case_event(session, stream, case, "case_reply_link_revoked", {"case": case.code, "link": link.id},
                      actor, at)
    return link.id


def active_link(session: so.Session, case_id: int) -> CaseReplyLink | None:
    """The case's link that still works, if any."""
    return session.scalar(sa.select(CaseReplyLink).where(CaseReplyLink.case_id == case_id,
                                                         CaseReplyLink.revoked_at.is_(None))
                          .order_by(CaseReplyLink.id.desc()).limit(1))


def link_by_token(session: so.Session, token: object) -> CaseReplyLink:
    """The link this token opens: NotFound(case_reply_link_invalid), Forbidden(case_reply_link_revoked)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("case_reply_link_invalid")
    link = session.scalar(sa.select(CaseReplyLink).where(CaseReplyLink.token_hash == token_hash(token)))
    if link is None:
        raise NotFound("case_reply_link_invalid")
    if link.revoked_at is not None:
        raise Forbidden("case_reply_link_revoked")
    return link


def unit_view(session: so.Session, token: object) -> dict[str, Any]:
    """What the unit's page shows: the case, what was promised, its dates, households masked (王**),
    whether a reply is awaited now, and the files this link has sent."""
    link = link_by_token(session, token)
    case = session.get(Case, link.case_id)
    assert case is not None
    sent = session.scalars(sa.select(CaseAttachment).where(CaseAttachment.link_id == link.id)
                           .order_by(CaseAttachment.id)).all()
    return {"code": case.code, "kind": case.kind, "status": case.status, "promise": case.promise,
            "items": list(case.items or []), "responsible_person": case.responsible_person,
            "responsible_unit": case.responsible_unit, "opened_on": case.opened_on, "reply_due": case.reply_due,
            "deadline": case.deadline, "overdue_reason": case.overdue_reason, "replied_on": case.replied_on,
            "reply_text": case.reply_text, "proposed_completion": case.proposed_completion,
            "households": [mask_name(h.name) for h in case.households],
            "awaiting_reply": "reply" in rules.actions(case.kind, case.status),
            "files": [{"id": a.id, "name": a.filename, "type": a.content_type, "size": a.size} for a in sent]}


def parse_proposed(value: object, today: dt.date) -> dt.date | None:
    """The proposed completion date (YYYY-MM-DD, not before today), None if left empty; UserError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise UserError("case_proposed_date_invalid") from None
    if day < today:
        raise UserError("case_proposed_date_past")
    return day


@unit_of_work
def unit_reply(session: so.Session, token: object, text: object, *, proposed: object = None,
               uploads: Sequence[tuple[str, bytes]] = (), files_root: Path, now: dt.datetime | None = None,
               policy: Policy | None = None, stream_code: str = DEFAULT_STREAM) -> Case:
    """The unit's written reply through its link, with a proposed completion date and files.

    Refused (and nothing stored, on disk or in the database): a wrong or revoked token, a case not
    awaiting a reply, a missing or over-long text, a bad date, too many, too large or forged files.
    """
    policy = policy or Policy()
    at = naive_utc(now)
    accepted = files.check_uploads(uploads)            # before anything else: pure, writes nothing
    link = link_by_token(session, token)
    stream = lock_stream(session, stream_code)
    link = link_by_token(session, token)               # again under the lock: it may just have been revoked
    case = session.get(Case, link.case_id, populate_existing=True)
    assert case is not None
    if "reply" not in rules.actions(case.kind, case.status):
        raise Conflict("case_reply_not_awaited", code=case.code, status=case.status)
    day = parse_proposed(proposed, local_date(at, policy.zone))
    reason = text if isinstance(text, str) else ""
    event = act_locked(session, stream, case, "reply", actor=f"reply_link:{link.id}", reason=reason, at=at,
                       policy=policy, extra={"via": "reply_link", "link": link.id,
                                             "proposed_completion": day.isoformat() if day else None,
                                             "attachments": [u.describe() for u in accepted]})
    case.proposed_completion = day
    session.flush()
    for upload in accepted:
        session.add(CaseAttachment(case_id=case.id, event_id=event.id, link_id=link.id, filename=upload.filename,
                                   content_type=upload.content_type, size=len(upload.data), sha256=upload.sha256,
                                   stored_name=upload.stored_name, created_at=at))
    session.flush()
    # Last, once everything else is accepted: a failure here rolls the reply back.
    files.write_files(files.case_folder(files_root, case.id), accepted)
    return case


def attachment_for_unit(session: so.Session, token: object, attachment_id: int, files_root: Path) -> tuple[CaseAttachment, Path]:
    """A file this link sent (only to the same link): NotFound(case_file_not_found) otherwise."""
    link = link_by_token(session, token)
    att = session.get(CaseAttachment, attachment_id)
    if att is None or att.link_id != link.id:
        raise NotFound("case_file_not_found", id=attachment_id)
    return att, files.stored_path(files_root, att.case_id, att.stored_name)


def attachment_for_staff(session: so.Session, code: str, attachment_id: int, files_root: Path) -> tuple[CaseAttachment, Path]:
    """A file of the case `code`, for staff: NotFound(case_file_not_found) if it is not one of that case's."""
    att = session.get(CaseAttachment, attachment_id)
    case = session.get(Case, att.case_id) if att is not None else None
    if att is None or case is None or case.code != code:
        raise NotFound("case_file_not_found", id=attachment_id)
    return att, files.stored_path(files_root, att.case_id, att.stored_name)


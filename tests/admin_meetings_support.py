"""Helpers for the meeting set-up page tests: logged-in clients and complete form posts."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from meeting.models import Juror, Meeting, User
from meeting.services.setup.meetings import create_meeting
from scoring.aggregate import DEFAULT_BANDS, bands_to_json
from scoring.rubric import DEFAULT_RUBRIC, rubric_to_json
from tests.helpers_roster import login

PASSWORD = "secret-pass"
# A cheap hash made once: the default (scrypt) costs about a second per log-in on a busy machine,
# and these tests are about the meeting pages, not about password hashing.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def staff_client(client: FlaskClient, session, role: str = "admin", username: str | None = None) -> FlaskClient:
    """Log a new staff user of `role` in on `client` (through the log-in form), pages in English."""
    name = username or f"{role}1"
    session.add(User(username=name, role=role, password_hash=_FAST_HASH))
    session.commit()
    assert login(client, name, PASSWORD).status_code == 302
    client.get("/login?lang=en")
    return client


def rows(prefix: str, items: list[dict[str, str]]) -> dict[str, str]:
    """Form fields of a rubric ("crit") or band ("band") table."""
    out = {f"{prefix}_rows": str(len(items))}
    for i, item in enumerate(items):
        out.update({f"{prefix}-{i}-{k}": str(v) for k, v in item.items()})
    return out


def settings_form(criteria: list[dict[str, str]] | None = None, bands: list[dict[str, str]] | None = None,
                  **values: Any) -> dict[str, str]:
    """A complete settings post (what the page sends when Save is pressed), with overrides."""
    form = {"title": "2026年干部作风现场直播调查大会", "date": "2026-05-20", "venue": "县会堂",
            "branch_venues": "许家湖镇分会场\n沂城街道分会场", "rounds_planned": "8", "quorum": "5",
            "aggregation": "trimmed_mean", "op": "save"}
    form.update({k: str(v) for k, v in values.items()})
    form.update(rows("crit", criteria if criteria is not None else rubric_to_json(DEFAULT_RUBRIC)))
    form.update(rows("band", bands if bands is not None else bands_to_json(DEFAULT_BANDS)))
    return form


TWO_CRITERIA = [
    {"key": "work", "label_zh": "工作实绩", "label_en": "Work done", "weight": "2", "min": "0", "max": "30", "step": "1"},
    {"key": "voice", "label_zh": "群众评价", "label_en": "What households say", "weight": "1", "min": "0",
     "max": "40", "step": "0.5"},
]


def new_meeting(session, **data: Any) -> int:
    """A meeting made by the service (defaults for anything not given); returns its id."""
    return create_meeting(session, {"title": "测试大会", "rounds_planned": 2, "quorum": 3, **data}).id


def meeting_row(session, meeting_id: int) -> Meeting:
    """The meeting as stored now (not a cached object)."""
    session.expire_all()
    return session.get(Meeting, meeting_id)


def jurors_of(session, meeting_id: int) -> list[Juror]:
    """The meeting's jurors by seat, as stored now."""
    session.expire_all()
    return list(session.scalars(sa.select(Juror).where(Juror.meeting_id == meeting_id).order_by(Juror.seat)))

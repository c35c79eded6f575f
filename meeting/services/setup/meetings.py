"""Meeting set-up before the day: settings, rubric, grade bands, jurors and their private links."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Mapping

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.security import generate_password_hash

from meeting.errors import Conflict, NotFound, UserError
from meeting.messages.setup import JUROR_CATEGORIES as CATEGORY_NAMES
from meeting.models import Juror, Meeting, utcnow
from meeting.services.tx import unit_of_work
from scoring.aggregate import DEFAULT_BANDS, QUORUM_RANGE, RULES, BandError, bands_from_json, bands_to_json
from scoring.recusal import parse_relations
from scoring.rubric import DEFAULT_RUBRIC, RubricError, rubric_from_json, rubric_to_json

# Limits of the settings and juror fields; the set-up forms import them (defined once, here).
TITLE_MAX = 200
ROUNDS_RANGE = (1, 200)
JUROR_NAME_MAX = 64
PIN_DIGITS = (4, 8)
AFFILIATION_MAX = 64   # a juror's unit, township, village (as long as the roster's names)
RELATIONS_MAX = 50     # declared relations per juror

# The juror category codes; their names are in the same list, meeting/messages/setup.py.
JUROR_CATEGORIES: tuple[str, ...] = tuple(CATEGORY_NAMES)


def _clean_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in data:
        title = str(data["title"] or "").strip()
        if not title or len(title) > TITLE_MAX:
            raise UserError("bad_title")
        out["title"] = title
    for key, limit in (("venue", 200),):
        if key in data:
            out[key] = str(data[key] or "").strip()[:limit]
    if "date" in data:
        value = data["date"]
        try:
            out["date"] = dt.date.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            raise UserError("bad_date") from None
    if "branch_venues" in data:
        venues = data["branch_venues"]
        if isinstance(venues, str):
            venues = [v.strip() for v in venues.splitlines()]
        out["branch_venues"] = [str(v).strip()[:100] for v in venues if str(v).strip()][:50]
    for key, (low, high) in (("rounds_planned", ROUNDS_RANGE), ("quorum", QUORUM_RANGE)):
        if key in data:
            try:
                value = int(data[key])
            except (TypeError, ValueError):
                raise UserError("bad_number", field=key, low=low, high=high) from None
            if not low <= value <= high:
                raise UserError("bad_number", field=key, low=low, high=high)
            out[key] = value
    if "aggregation" in data:
        if data["aggregation"] not in RULES:
            raise UserError("bad_rule", rules=", ".join(RULES))
        out["aggregation"] = data["aggregation"]
    if "show_juror_names" in data:
        out["show_juror_names"] = bool(data["show_juror_names"])
    if "anonymous_seats" in data:
        out["anonymous_seats"] = bool(data["anonymous_seats"])
    if "rubric" in data:
        try:
            out["rubric"] = rubric_to_json(rubric_from_json(data["rubric"]))
        except RubricError as exc:
            raise UserError("bad_rubric", why=str(exc), field=exc.field, problem=exc.code) from None
    if "grade_bands" in data:
        try:
            out["grade_bands"] = bands_to_json(bands_from_json(data["grade_bands"]))
        except BandError as exc:
            raise UserError("bad_bands", why=str(exc), field=exc.field, problem=exc.code) from None
    return out


@unit_of_work
def create_meeting(session: so.Session, data: Mapping[str, Any], rehearsal: bool = False) -> Meeting:
    """Create a meeting with the Yishui defaults for anything not given; commits."""
    settings = {"rubric": rubric_to_json(DEFAULT_RUBRIC), "grade_bands": bands_to_json(DEFAULT_BANDS),
                **_clean_settings({"title": "", **data})}
    meeting = Meeting(rehearsal=rehearsal, **settings)
    session.add(meeting)
    return meeting


@unit_of_work
def update_meeting(session: so.Session, meeting_id: int, data: Mapping[str, Any]) -> Meeting:
    """Change settings before the meeting goes live (the rubric and rule are fixed after)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found", id=meeting_id)
    settings = _clean_settings(data)
    if meeting.status != "setup" and set(settings) & {"rubric", "grade_bands", "aggregation", "quorum",
                                                                "anonymous_seats"}:
        raise Conflict("settings_fixed")
    # pool_frozen and the notice digest committed with the seed cover these (docs/VERIFY.md §6.1).
    if meeting.roster_hash and any(settings[k] != getattr(meeting, k) for k in ("title", "date", "venue") if k in settings):
        raise Conflict("notice_fixed")
    for key, value in settings.items():
        setattr(meeting, key, value)
    return meeting


def new_token() -> str:
    """An unguessable juror link token (256 bits)."""
    return secrets.token_urlsafe(32)


def clean_affiliations(unit: str = "", township: str = "", village: str = "",
                       relations: str | list[dict[str, Any]] = "") -> dict[str, Any]:
    """A juror's affiliations for the conflict-of-interest rule, checked: names of at most 64
    characters, a village only with its township, relations "<cadre number> <relation>" per line."""
    out: dict[str, Any] = {}
    for key, value in (("unit", unit), ("township", township), ("village", village)):
        value = (value or "").strip()
        if len(value) > AFFILIATION_MAX:
            raise UserError("bad_affiliation", field=key, limit=AFFILIATION_MAX)
        out[key] = value
    if out["village"] and not out["township"]:
        raise UserError("village_needs_township")
    if isinstance(relations, str):
        try:
            relations = parse_relations(relations)
        except ValueError as exc:
            raise UserError("bad_relations", why=str(exc)) from None
    if len(relations) > RELATIONS_MAX:
        raise UserError("too_many_relations", limit=RELATIONS_MAX)
    out["relations"] = [{"number": int(r["number"]), "relation": str(r.get("relation", ""))[:64]} for r in relations]
    return out


@unit_of_work
def set_affiliations(session: so.Session, juror_id: int, **affiliations: Any) -> Juror:
    """Change a juror's unit, township, village and declared relations (until the meeting closes;
    a round already drawn keeps the recusals computed at its draw). Commits."""
    juror = session.get(Juror, juror_id)
    if juror is None:
        raise NotFound("juror_not_found", id=juror_id)
    if juror.meeting.status == "closed":
        raise Conflict("closed")
    for key, value in clean_affiliations(**affiliations).items():
        setattr(juror, key, value)
    return juror


@unit_of_work
def add_juror(session: so.Session, meeting_id: int, name: str, category: str, pin: str | None = None,
              **affiliations: Any) -> Juror:
    """Add a juror with a fresh private token (and an optional 4–8 digit PIN); commits.

    `affiliations` (unit, township, village, relations) feed the conflict-of-interest rule."""
    if session.get(Meeting, meeting_id) is None:
        raise NotFound("meeting_not_found", id=meeting_id)
    name = (name or "").strip()
    if not name or len(name) > JUROR_NAME_MAX:
        raise UserError("bad_name")
    if category not in JUROR_CATEGORIES:
        raise UserError("bad_category", categories=", ".join(JUROR_CATEGORIES))
    pin_hash = None
    if pin:
        if not (pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
            raise UserError("bad_pin")
        pin_hash = generate_password_hash(pin)
    extra = clean_affiliations(**affiliations)
    seat = (session.scalar(sa.select(sa.func.max(Juror.seat)).where(Juror.meeting_id == meeting_id)) or 0) + 1
    juror = Juror(meeting_id=meeting_id, name=name, category=category, seat=seat, token=new_token(),
                  pin_hash=pin_hash, **extra)
    session.add(juror)
    return juror


@unit_of_work
def revoke_juror(session: so.Session, juror_id: int) -> Juror:
    """Disable a juror's link; their ballots already stored stay on record. Commits."""
    juror = session.get(Juror, juror_id)
    if juror is None:
        raise NotFound("juror_not_found", id=juror_id)
    juror.revoked_at = juror.revoked_at or utcnow()
    return juror


@unit_of_work
def reissue_token(session: so.Session, juror_id: int) -> Juror:
    """Give a juror a new link (the old one stops working at once) and re-enable them. Commits."""
    juror = session.get(Juror, juror_id)
    if juror is None:
        raise NotFound("juror_not_found", id=juror_id)
    juror.token = new_token()
    juror.revoked_at = None
    return juror

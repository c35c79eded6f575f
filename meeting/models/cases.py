"""Follow-up cases (督办事项) and their own hash-chained log, one stream per county.

A case outlives the meeting that opened it (and a pledge or a penalty case may have no round),
so its changes go to a `CaseStream` — the county's chain head, also the lock every case change
takes — and to `CaseEvent` rows, not to the meeting's `events` (whose meeting_id is required).
The bytes hashed are the same as a meeting event's (scoring.chain.event_hash), so the same
verifier checks both chains.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow
from meeting.models.roster import Cadre, Demand, Household

GENESIS_HASH = "0" * 64

case_households = sa.Table(
    "case_households", Base.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("household_id", sa.ForeignKey("households.id"), primary_key=True, index=True),
)
case_demands = sa.Table(
    "case_demands", Base.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("demand_id", sa.ForeignKey("demands.id"), primary_key=True, index=True),
)


class CaseStream(Base):
    """The head of one county's case log: `seq` and `last_hash` move with every case change."""

    __tablename__ = "case_streams"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    seq: so.Mapped[int] = so.mapped_column(default=0)
    last_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default=GENESIS_HASH)
    last_tick_on: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class Case(Base):
    """One decision or pledge followed to closure. Dates are calendar days in the county's zone."""

    __tablename__ = "cases"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stream_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("case_streams.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(48), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))  # rectification | investigation | penalty | pledge
    status: so.Mapped[str] = so.mapped_column(sa.String(16), index=True)
    # Where it comes from: a decision of a meeting round, or a parent case (penalty after investigation).
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rounds.id"))
    decision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("decisions.id"), unique=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"))
    # Whom it concerns, what was promised, who answers for it.
    cadre_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cadres.id"), index=True)
    subject_unit: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    promise: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    items: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    responsible_person: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    responsible_unit: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    township_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("townships.id"), index=True)
    private: so.Mapped[bool] = so.mapped_column(default=False)
    # Life cycle and deadlines (scoring.cases, scoring.deadlines).
    opened_on: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    reply_due: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    deadline: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    replied_on: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    reply_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    overdue_reason: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    overdue_since: so.Mapped[dt.date | None] = so.mapped_column(sa.Date, index=True)
    escalation: so.Mapped[str] = so.mapped_column(sa.String(16), default="unit")
    reopen_count: so.Mapped[int] = so.mapped_column(default=0)
    last_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closed_on: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    closed_by_override: so.Mapped[bool] = so.mapped_column(default=False)
    # The completion date the responsible unit proposed with its last reply (its own word, not the deadline).
    proposed_completion: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    # The return visits' draw seed (scoring.visits): committed when the case opens, sealed at rest
    # (services/draw/sealing.py, label "case:<id>"), revealed in seed_hex when the case closes.
    seed_commitment: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    seed_sealed: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    seed_hex: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # An investigation's team, [{name, role}] (services/followup/teams.py): None until staff first change it,
    # so far the team named in the decision (its detail's "team") stands.
    team: so.Mapped[list[dict[str, str]] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    cadre: so.Mapped[Cadre | None] = so.relationship()
    households: so.Mapped[list[Household]] = so.relationship(secondary=case_households, order_by=Household.id)
    demands: so.Mapped[list[Demand]] = so.relationship(secondary=case_demands, order_by=Demand.id)


class CaseEvent(Base):
    """One change of one case, chained per stream (seq 1, 2, … across all cases of the county)."""

    __tablename__ = "case_events"
    __table_args__ = (sa.UniqueConstraint("stream_id", "seq", name="uq_case_events_stream_seq"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stream_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("case_streams.id"), index=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    seq: so.Mapped[int] = so.mapped_column()
    type: so.Mapped[str] = so.mapped_column(sa.String(48))
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    actor: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class CaseReplyLink(Base):
    """The responsible unit's private reply link (/r/<token>): only the token's SHA-256 is kept.

    One case may have had several links (reissued); at most one is not revoked. The token itself
    is shown once, on the sheet printed when it is issued.
    """

    __tablename__ = "case_reply_links"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    revoked_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    revoked_by: so.Mapped[str] = so.mapped_column(sa.String(64), default="")


class CaseAttachment(Base):
    """A photo or PDF sent with a unit's reply; the file is on disk under the instance folder.

    `sha256` is also in the reply's case event, so the chain vouches for the file's bytes.
    """

    __tablename__ = "case_attachments"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("case_events.id"), index=True)
    link_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("case_reply_links.id"), index=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(128), default="")
    content_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    size: so.Mapped[int] = so.mapped_column()
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(96))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

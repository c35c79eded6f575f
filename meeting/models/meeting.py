"""A meeting and what it is made of: jurors, rounds, draws, ballots, decisions."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models.base import Base, utcnow
from meeting.models.roster import Cadre, Household

GENESIS_HASH = "0" * 64


class Meeting(Base):
    """One live evaluation meeting (or a rehearsal of it).

    `seq` and `last_hash` are the head of the event log; they are updated in the same
    transaction as every state change (see meeting.services.events).
    """

    __tablename__ = "meetings"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    date: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    venue: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    branch_venues: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    rounds_planned: so.Mapped[int] = so.mapped_column(default=10)
    draw_plan: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    rubric: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    aggregation: so.Mapped[str] = so.mapped_column(sa.String(32), default="trimmed_mean")
    grade_bands: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    quorum: so.Mapped[int] = so.mapped_column(default=5)
    show_juror_names: so.Mapped[bool] = so.mapped_column(default=False)
    # Anonymous seats: public screens show each round's scores in an order shuffled by the draw.
    anonymous_seats: so.Mapped[bool] = so.mapped_column(default=False)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="setup")
    rehearsal: so.Mapped[bool] = so.mapped_column(default=False)
    protocol: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    # Draw pool frozen before the meeting: canonical roster bytes and hash, exclusions.
    pool_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    roster_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    exclusions: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    # Commit–reveal: the seed stays private until revealed after the meeting.
    # seed_hex is empty until the reveal (then the published seed); before it the seed lives only
    # in seed_sealed, encrypted with a key kept outside the database (services/draw/sealing.py).
    seed_hex: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    seed_sealed: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    commitment: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    live_entropy: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # The declared live-entropy sources (scoring.entropy), fixed before the seed is committed.
    entropy_sources: so.Mapped[list[dict[str, Any]] | None] = so.mapped_column(sa.JSON)
    seed_revealed_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    scene: so.Mapped[str] = so.mapped_column(sa.String(32), default="welcome")
    seq: so.Mapped[int] = so.mapped_column(default=0)
    last_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default=GENESIS_HASH)
    # Set when the chain in the database failed its check (services.live.integrity): the first
    # bad seq and the problem code; every moderator action is then refused.
    chain_broken_seq: so.Mapped[int | None] = so.mapped_column()
    chain_problem: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    jurors: so.Mapped[list["Juror"]] = so.relationship(back_populates="meeting", order_by="Juror.seat")
    rounds: so.Mapped[list["Round"]] = so.relationship(back_populates="meeting", order_by="Round.number")


class Juror(Base):
    """评委: scores on a tablet through a private link (token), optionally with a PIN."""

    __tablename__ = "jurors"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    category: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    seat: so.Mapped[int] = so.mapped_column(default=0)
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    pin_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    # Affiliations for the conflict-of-interest rule (scoring.recusal): names as in the roster.
    unit: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    township: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    village: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    # Declared relations to cadres, [{"number", "relation"}]; the relation text is never shown.
    relations: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    revoked_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    meeting: so.Mapped[Meeting] = so.relationship(back_populates="jurors")


class Round(Base):
    """One drawn cadre (or one question to a department head) and its stage."""

    __tablename__ = "rounds"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number", name="uq_rounds_meeting_number"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    number: so.Mapped[int] = so.mapped_column()
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="cadre")  # cadre | question
    stage: so.Mapped[str] = so.mapped_column(sa.String(24), default="draw")
    cadre_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cadres.id"))
    question: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    report_seconds: so.Mapped[int] = so.mapped_column(default=300)
    report_started_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    # None until the report starts; "in_person" (start_report) or "phone" (the cadre's call answered)
    report_mode: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # The cadre's structured claims (services/live/claims.py): visited, assigned, demands_collected, demands_resolved
    claims: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    discrepancy: so.Mapped[bool] = so.mapped_column(default=False)
    result: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    # Jurors recused for this round (services.live.recusals): [{juror_id, seat, category, source,
    # lifted, note, lift_note}]; lifted entries stay for the record.
    recusals: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    meeting: so.Mapped[Meeting] = so.relationship(back_populates="rounds")
    cadre: so.Mapped[Cadre | None] = so.relationship()


class DrawRecord(Base):
    """One step of the verifiable draw: a cadre pick, a household pick, or a logged skip."""

    __tablename__ = "draw_records"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "kind", "stratum", "slot", "attempt", name="uq_draw_records_step"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rounds.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))  # cadre | household | skip
    stratum: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    slot: so.Mapped[int] = so.mapped_column(default=0)
    attempt: so.Mapped[int] = so.mapped_column(default=0)
    index: so.Mapped[int] = so.mapped_column(default=0)
    pool_size: so.Mapped[int] = so.mapped_column(default=0)
    cadre_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cadres.id"))
    household_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("households.id"))
    manual: so.Mapped[bool] = so.mapped_column(default=False)
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    detail: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    cadre: so.Mapped[Cadre | None] = so.relationship()
    household: so.Mapped[Household | None] = so.relationship()


class Ballot(Base):
    """One version of one juror's scores for one round. Revisions add versions, never overwrite."""

    __tablename__ = "ballots"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "juror_id", "version", name="uq_ballots_version"),
        sa.UniqueConstraint("juror_id", "client_msg_id", name="uq_ballots_client_msg"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id"), index=True)
    juror_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("jurors.id"), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    scores: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON, default=dict)
    total: so.Mapped[str] = so.mapped_column(sa.String(32), default="0")  # exact decimal as text
    client_msg_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    juror: so.Mapped[Juror] = so.relationship()


class Decision(Base):
    """On-the-spot decision: pass, rectification, investigation, discipline referral."""

    __tablename__ = "decisions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(24))
    detail: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    actor: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

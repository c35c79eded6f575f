"""Who a socket connection or a snapshot is for. Privacy depends on it, so it is a type.

Stdlib only, imported by realtime/ (rooms, principals) and services/live/snapshot.py (what each
audience may see) without an import cycle. A StrEnum: `Audience.VIEWER == "viewer"`, and it is
sent over the wire and stored in the `state` snapshot as its plain string value.
"""
from __future__ import annotations

from enum import StrEnum


class Audience(StrEnum):
    """The five kinds of client; the `role` a client names in its Socket.IO `auth`."""

    MODERATOR = "moderator"
    JUROR = "juror"
    PROJECTOR = "projector"
    VIEWER = "viewer"
    OVERLAY = "overlay"

    @classmethod
    def parse(cls, value: object) -> "Audience | None":
        """The audience a client asked for, or None for anything unknown (or not a string)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            return None
        try:
            return cls(value)
        except ValueError:
            return None

    @property
    def is_public(self) -> bool:
        """A public screen: no log-in, and it sees only the masked public snapshot."""
        return self in PUBLIC

    @property
    def snapshot(self) -> "Audience":
        """The snapshot this audience is sent: the three public screens share the viewer's."""
        return Audience.VIEWER if self.is_public else self


PUBLIC: frozenset[Audience] = frozenset({Audience.PROJECTOR, Audience.VIEWER, Audience.OVERLAY})

"""How a cache of snapshots knows it is still current: this process's commit counter, and the seq.

Every change to a meeting is a commit (docs/ARCHITECTURE.md: persist, then broadcast), so a
snapshot built after the process's newest commit is still what the database holds. The counter
moves after *any* commit of any session of this process (a set-up page, a webhook, the CLI, a
moderator action), not only the ones that broadcast: counting every commit costs nothing and
cannot miss one. Another process's commits (a second server behind the message queue) are not
counted; there `stored_seq` is the one cheap query that says whether a snapshot is current.
"""
from __future__ import annotations

import itertools

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.models import Meeting

_counter = itertools.count(1)
_generation = 0


@sa.event.listens_for(so.Session, "after_commit")
def _committed(_session: so.Session) -> None:
    global _generation
    _generation = next(_counter)  # next() on a count is atomic under the GIL: no lock needed


def generation() -> int:
    """A number that changes after every commit in this process (read it *before* building)."""
    return _generation


def stored_seq(session: so.Session, meeting_id: int) -> int | None:
    """The meeting's seq as stored (None for no such meeting): one primary-key read."""
    return session.scalar(sa.select(Meeting.seq).where(Meeting.id == meeting_id))

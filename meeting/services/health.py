"""The health check's database round trip."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so


def database_answers(session: so.Session) -> bool:
    """Run SELECT 1; True when the database answered (errors propagate to the caller)."""
    return session.execute(sa.text("SELECT 1")).scalar() == 1

"""Asserting on service errors by their English words (services raise codes; the catalog words them)."""
from __future__ import annotations

import contextlib
import re
from typing import Iterator

import pytest

from meeting.messages import CATALOG


def english(exc: BaseException) -> str:
    """The error's message in English (the catalog's msgid with its values), whatever the locale."""
    msgid = CATALOG.get(exc.code, exc.code)  # type: ignore[attr-defined]
    params = getattr(exc, "params", {})
    return msgid % params if params else msgid


@contextlib.contextmanager
def raises(kind: type[BaseException], match: str) -> Iterator[pytest.ExceptionInfo]:
    """Like pytest.raises(kind, match=...), matching the English message instead of str(exc)."""
    with pytest.raises(kind) as caught:
        yield caught
    assert re.search(match, english(caught.value)), f"{match!r} not in {english(caught.value)!r}"

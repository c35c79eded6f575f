"""N_ marks a msgid for extraction (pybabel -k N_) without translating it at import time."""
from __future__ import annotations


def N_(msgid: str) -> str:
    """Return `msgid` unchanged; pybabel extracts it into the catalogs."""
    return msgid

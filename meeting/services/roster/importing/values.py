"""Cell parsers: a stripped string in, a clean value out, or ValueError with a user-facing reason."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from flask_babel import gettext as _

from meeting.services.roster.importing.formats import vocab_lookup, vocab_spellings

# Postgres INTEGER; a larger "cadre number" is a typo, not a number.
MAX_INT = 2_147_483_647
_INT = re.compile(r"\d+(?:\.0*)?")
_PHONE_JUNK = re.compile(r"[\s\-()—–]+")
_MOBILE = re.compile(r"1\d{10}")
_LANDLINE = re.compile(r"0\d{9,11}")
_DATE_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_int(text: str) -> int:
    """A positive whole number; Excel's '12.0' is fine, '12.5', '-3' and 'abc' are not."""
    if text.isascii() and text.isdigit() and 0 < len(text) < 10 and text[0] != "0":
        return int(text)  # the common case, without the checks below
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _INT.fullmatch(folded):
        raise ValueError(_("“%(value)s” is not a whole number.", value=text))
    value = int(folded.split(".", 1)[0])
    if value <= 0:
        raise ValueError(_("The number must be positive (got %(value)s).", value=text))
    if value > MAX_INT:
        raise ValueError(_("The number %(value)s is too large.", value=text))
    return value


def parse_phone(text: str) -> str:
    """A mainland mobile (11 digits from 1) or landline (0 + area code + number, 10–12 digits).

    Spaces, hyphens and parentheses are dropped, as is a +86 country code before a mobile.
    The digits alone are stored, ready to dial.
    """
    if len(text) == 11 and text[0] == "1" and text.isascii() and text.isdigit():
        return text  # the common case: a mobile number typed plainly
    digits = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    raise ValueError(_("“%(value)s” is not a phone number: use an 11-digit mobile number "
                       "starting with 1, or a landline with its area code such as 0539-2212345.",
                       value=text))


def parse_date(text: str) -> dt.date:
    """2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305 (a time of day is ignored)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _DATE_YMD.fullmatch(folded) or _DATE_COMPACT.fullmatch(folded)
    try:
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
        if not 1900 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date: write it as 2024-03-05.", value=text)) from None


_YES = frozenset(("是", "yes", "y", "1"))
_NO = frozenset(("否", "no", "n", "0"))


def parse_bool(text: str) -> bool:
    """是/否, yes/no or 1/0 (case and full-width forms do not matter)."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(_("“%(value)s” is not yes or no: write 是 or 否 (yes/no, 1/0 are fine too).", value=text))


def parse_vocab(vocab: str, text: str) -> str:
    """The stored value for a Chinese or English spelling."""
    value = vocab_lookup(vocab, text)
    if value is None:
        allowed = "、".join(vocab_spellings(vocab, "zh") + vocab_spellings(vocab, "en"))
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.", value=text, allowed=allowed))
    return value


def check_text(text: str, max_len: int | None) -> str:
    """A free-text value within the column's length."""
    if max_len is not None and len(text) > max_len:
        raise ValueError(_("Too long: at most %(max)d characters (this has %(len)d).",
                           max=max_len, len=len(text)))
    return text


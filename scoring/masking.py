"""Masking of household names and phone numbers for public screens (王** / 138****5678).

Every function returns a new string built from kept characters and "*": the raw input is
never echoed, even when it is not recognised. Rules and examples in docs/SCORING.md.
"""
from __future__ import annotations

import re

# 复姓 kept whole when the name is longer than the surname (欧阳修 -> 欧阳*). A two-character
# name starting with one of these is read as surname + given name (司马 -> 司*): keeping less is safer.
COMPOUND_SURNAMES = frozenset("""
欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 闻人
呼延 澹台 公冶 太史 申屠 钟离 赫连 万俟 司空 百里 东郭 拓跋 第五 单于 濮阳 淳于 宗政 公羊 仲孙 鲜于
闾丘 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 段干 左丘 东门 梁丘 微生 羊舌 南门 呼衍
""".split())
_SEPARATORS = frozenset("·•・.- ")        # kept in place: 阿依古丽·买买提 -> 阿***·***
_FALLBACK_MAX_STARS = 8


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3134F
            or 0xF900 <= cp <= 0xFAFF)


def mask_name(name: str | None) -> str:
    """王小明 -> 王**, 欧阳小明 -> 欧阳**, 王 -> *, "John Smith" -> J***, "" -> "".

    Chinese names keep the surname (a compound one whole when the name is longer than it)
    and get one * per remaining character; separators (·) stay. Other scripts keep the first
    letter and a fixed "***", which hides the length too.
    """
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if not _is_cjk(name[0]):
        return name[0] + "***"
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(ch if ch in _SEPARATORS else "*" for ch in name[keep:])


_MOBILE_RE = re.compile(r"(?:\+?86|0086)?(1[3-9][0-9])([0-9]{4})([0-9]{4})", re.ASCII)
# Area codes: 010 and 02x have 3 digits, the rest 4 (03xx-09xx); local numbers 7 or 8 digits.
# Written 0539… at home, or +86 539… from abroad (the trunk 0 is dropped after the country code).
_LANDLINE_RE = re.compile(r"(?:(?:\+?86|0086)0?|0)(10|2[0-9]|[3-9][0-9]{2})([2-9][0-9]{6,7})", re.ASCII)
_PHONE_JUNK = re.compile(r"[\s\-().]")


def mask_phone(phone: str | None) -> str:
    """13812345678 -> 138****5678, 0539-2212345 -> 0539-***2345, "" -> "".

    Mobiles (11 digits from 13-19, an optional +86/0086 prefix dropped) keep the first 3 and
    the last 4 digits. Landlines with an area code (0539… or +86 539…) keep it (written 0539-)
    and the last 4 digits, one * per hidden digit. Anything else: every character but the last 2 becomes * (at most 8 stars);
    inputs of 4 characters or fewer are all stars.
    """
    text = (phone or "").strip()
    if not text:
        return ""
    digits = _PHONE_JUNK.sub("", text)
    m = _MOBILE_RE.fullmatch(digits)
    if m:
        return f"{m.group(1)}****{m.group(3)}"
    m = _LANDLINE_RE.fullmatch(digits)
    if m:
        area, local = m.groups()
        return f"0{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * min(len(text) - 2, _FALLBACK_MAX_STARS) + text[-2:]

"""The file format: kinds, their columns (Chinese headers, English aliases), vocabularies.

Everything the readers, the validator and the templates need to agree on lives here, so the
template a user downloads is by construction the format the importer reads.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea

# Dependency order: a later kind may refer to keys of an earlier one.
TEMPLATE_KINDS: tuple[str, ...] = ("villages", "cadres", "households", "demands")
SHEET_NAMES_ZH = {"villages": "村庄", "cadres": "干部", "households": "联系户", "demands": "诉求"}
# Sheets a workbook may carry for people (our template's own instructions sheet among them).
IGNORED_SHEETS = ("说明", "填写说明", "instructions", "readme", "notes")


_IGNORED_IN_NAMES = re.compile(r"[\s_\-*]+")


@functools.lru_cache(maxsize=4096)  # vocabulary cells repeat a handful of spellings
def norm(text: str) -> str:
    """Comparison key for headers, sheet names and vocabulary values.

    NFKC folds full-width letters, digits and parentheses to half-width; case, spaces,
    underscores and hyphens are ignored; a required-marker '*' is dropped.
    """
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", text).lower())


_PAREN_SUFFIX = re.compile(r"\([^()]*\)$")


def norm_loose(text: str) -> str:
    """norm() without a trailing parenthesised note, e.g. '联系电话（手机）' → '联系电话'."""
    return _PAREN_SUFFIX.sub("", norm(text))


@dataclass(frozen=True)
class Column:
    """One column of a kind. `key` is the attribute; `zh`/`en` the template headers."""

    key: str
    zh: str
    en: str
    required: bool = False
    type: str = "text"  # text | int | phone | date | vocab name (see VOCABULARIES)
    max_len: int | None = None
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        """Every normalised header accepted for this column."""
        return {norm(n) for n in (self.zh, self.en, *self.aliases)}

    def header(self, lang: str) -> str:
        """The header written in templates and exports."""
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class KindSpec:
    """One list of the roster (one sheet, or one CSV file)."""

    name: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)

    def sheet_name(self, lang: str) -> str:
        """Sheet title in templates and exports."""
        return SHEET_NAMES_ZH[self.name] if lang.startswith("zh") else self.name


def _len(column) -> int:
    return column.type.length


VILLAGES = KindSpec("villages", (
    Column("township", "乡镇", "township", True, max_len=_len(Township.name),
           aliases=("乡镇名称", "乡镇(街道)", "township_name")),
    Column("township_code", "乡镇编码", "township_code", max_len=_len(Township.code)),
    Column("township_kind", "乡镇类型", "township_kind", type="township_kind"),
    Column("work_area", "工作片", "work_area", True, max_len=_len(WorkArea.name),
           aliases=("工作片名称", "work_area_name")),
    Column("work_area_code", "工作片编码", "work_area_code", max_len=_len(WorkArea.code)),
    Column("name", "村庄名称", "village_name", True, max_len=_len(Village.name),
           aliases=("村庄", "村名", "name", "village")),
    Column("code", "村庄编码", "village_code", True, max_len=_len(Village.code),
           aliases=("村编码", "code")),
))

CADRES = KindSpec("cadres", (
    Column("number", "干部编号", "number", True, type="int", aliases=("编号", "cadre_number")),
    Column("name", "姓名", "name", True, max_len=_len(Cadre.name), aliases=("干部姓名",)),
    Column("position", "职务", "position", max_len=_len(Cadre.position)),
    Column("unit", "单位", "unit", max_len=_len(Cadre.unit), aliases=("工作单位",)),
    Column("rank", "级别", "rank", type="rank"),
    Column("township", "所属乡镇", "township", max_len=_len(Township.name), aliases=("乡镇",)),
    Column("village_code", "所属村庄编码", "village_code", max_len=_len(Village.code),
           aliases=("村庄编码",)),
    Column("phone", "联系电话", "phone", type="phone", aliases=("电话", "手机", "手机号码", "mobile")),
))

HOUSEHOLDS = KindSpec("households", (
    Column("code", "户编号", "code", True, max_len=_len(Household.code),
           aliases=("联系户编号", "household_code")),
    Column("name", "户主姓名", "name", True, max_len=_len(Household.name),
           aliases=("户主", "head_name")),
    Column("village_code", "村庄编码", "village_code", True, max_len=_len(Village.code),
           aliases=("所属村庄编码",)),
    Column("phone", "联系电话", "phone", type="phone", aliases=("电话", "手机", "手机号码", "mobile")),
    Column("cadre_number", "联系干部编号", "cadre_number", True, type="int",
           aliases=("干部编号",)),
))

DEMANDS = KindSpec("demands", (
    Column("household_code", "户编号", "household_code", True, max_len=_len(Household.code),
           aliases=("联系户编号",)),
    Column("text", "诉求内容", "text", True, aliases=("诉求", "demand", "content")),
    Column("category", "类别", "category", max_len=_len(Demand.category), aliases=("诉求类别", "分类")),
    Column("status", "状态", "status", type="status", aliases=("办理状态", "办结状态")),
    Column("level", "办结层级", "level", type="level", aliases=("层级",)),
    Column("public_answer", "公开答复", "public_answer", aliases=("答复", "answer")),
    Column("raised_on", "提出日期", "raised_on", type="date", aliases=("raised",)),
    Column("resolved_on", "办结日期", "resolved_on", type="date", aliases=("resolved",)),
    # 涉及个人隐私: the echo wall shows only "已向本人答复" for it, never its text.
    Column("private", "不公开", "private", type="bool", aliases=("涉及隐私", "隐私", "是否不公开")),
))

SPECS: dict[str, KindSpec] = {s.name: s for s in (VILLAGES, CADRES, HOUSEHOLDS, DEMANDS)}

# Vocabularies: stored value → accepted spellings; the first Chinese spelling is the template's.
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "rank": {
        "county_leader": ("县级领导", "county_leader"),
        "township_leader": ("乡镇领导", "township_leader"),
        "department_head": ("部门负责人", "department_head"),
        "cadre": ("干部", "cadre", "一般干部"),
    },
    "status": {
        "open": ("未办结", "open", "办理中"),
        "resolved": ("已办结", "resolved"),
    },
    "level": {
        "cadre": ("干部", "cadre"),
        "village": ("村", "village", "村级"),
        "work_area": ("工作片", "work_area"),
        "township": ("乡镇", "township", "乡镇级"),
        "county": ("县", "county", "县级"),
    },
    "township_kind": {
        "township": ("乡镇", "township", "街道", "镇", "乡"),
        "zone": ("园区", "zone", "开发区"),
    },
}
VOCAB_DEFAULTS = {"rank": "cadre", "status": "open", "level": None, "township_kind": None}
_VOCAB_LOOKUP = {name: {norm(s): value for value, spellings in vocab.items() for s in spellings}
                 for name, vocab in VOCABULARIES.items()}


def vocab_lookup(vocab: str, text: str) -> str | None:
    """The stored value for a spelling, or None when the spelling is unknown."""
    return _VOCAB_LOOKUP[vocab].get(norm(text))


def vocab_spellings(vocab: str, lang: str) -> list[str]:
    """The spellings offered in templates (one per value)."""
    items = VOCABULARIES[vocab].items()
    return [spellings[0] if lang.startswith("zh") else value for value, spellings in items]


_SHEET_LOOKUP = {norm(n): kind for kind, zh in SHEET_NAMES_ZH.items() for n in (kind, zh)}


def kind_of_sheet_name(title: str) -> str | None:
    """The kind a sheet title names (Chinese or English), or None."""
    return _SHEET_LOOKUP.get(norm(title)) or _SHEET_LOOKUP.get(norm_loose(title))


def is_ignored_sheet(title: str) -> bool:
    """True for instruction sheets the importer skips."""
    return norm(title) in {norm(n) for n in IGNORED_SHEETS}


def match_column(spec: KindSpec, header: str) -> Column | None:
    """The column of `spec` a header names (exact first, then without a parenthesised note)."""
    key = norm(header)
    for column in spec.columns:
        if key in column.names():
            return column
    loose = norm_loose(header)
    for column in spec.columns:
        if loose in column.names():
            return column
    return None


def guess_kind(headers: list[str], filename: str = "") -> str | None:
    """The kind whose columns a header row matches best; the file name breaks ties."""
    scores = {name: sum(1 for h in headers if h and match_column(spec, h)) for name, spec in SPECS.items()}
    best = max(scores.values())
    if best == 0:
        return None
    leaders = [k for k, s in scores.items() if s == best]
    if len(leaders) == 1:
        return leaders[0]
    stem = norm(re.sub(r"\.[^.]*$", "", filename.rsplit("/", 1)[-1]))
    named = [k for k in leaders if norm(k) in stem or norm(SHEET_NAMES_ZH[k]) in stem]
    return named[0] if len(named) == 1 else None

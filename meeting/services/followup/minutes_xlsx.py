"""The minutes as an xlsx workbook for the organisation department (staff only).

Sheets: 轮次 rounds, 评分 ballots (one row per juror seat, one column per criterion), 电话核实
calls, 现场决定 decisions, 督办事项 cases, 验证锚点 anchors. Every text cell goes through
scoring.cells (formula-like text is written as a quote-prefixed string cell, never a formula).
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from scoring.cells import cell, quoted

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROUND_HEADERS = ("轮次", "类型", "干部编号", "姓名", "单位", "汇报时长(秒)", "电话核实", "跳过原因", "核实存疑",
                 "计分票数", "计分规则", "最终得分", "等次", "阶段")
CALL_HEADERS = ("轮次", "户编号", "户主(脱敏)", "来源", "方式", "状态", "是否走访", "是否解决", "满意度", "备注")
DECISION_HEADERS = ("轮次", "决定", "内容", "记录人", "时间(UTC)")
CASE_HEADERS = ("编号", "类型", "状态", "干部", "承诺事项", "责任单位/人", "答复期限", "完成期限", "是否逾期", "办结日期")


def minutes_xlsx(data: dict[str, Any]) -> bytes:
    """The workbook of `minutes.minutes_data(...)` as bytes."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, "轮次", ROUND_HEADERS, [
        [r["number"], r["kind"], r["cadre_number"], r["cadre_name"], r["cadre_unit"], r["report_seconds"],
         r["verification"], r["verification_skip"], "是" if r["discrepancy"] else "否", r["ballots_counted"],
         r["rule"], r["final"], r["band"], r["stage"]] for r in data["rounds"]])
    criteria = [c["label_zh"] for c in data["criteria"]]
    _sheet(workbook, "评分", ("轮次", "评委席位", "版本", *criteria, "总分"), [
        [b["round"], b["seat"], b["version"], *b["scores"], b["total"]] for b in data["ballots"]])
    _sheet(workbook, "电话核实", CALL_HEADERS, [
        [c["round"], c["household_code"], c["household"], c["pick"], c["provider"], c["state"], c["visited"],
         c["resolved"], c["satisfaction"], c["note"]] for c in data["calls"]])
    _sheet(workbook, "现场决定", DECISION_HEADERS, [
        [d["round"], d["kind"], d["detail"], d["actor"], d["at"]] for d in data["decisions"]])
    _sheet(workbook, "督办事项", CASE_HEADERS, [
        [c["code"], c["kind"], c["status"], c["cadre"], c["promise"], c["responsible"], c["reply_due"],
         c["deadline"], "是" if c["overdue"] else "否", c["closed_on"]] for c in data["cases"]])
    a, m = data["anchors"], data["meeting"]
    _sheet(workbook, "验证锚点", ("项目", "值"), [
        ["会议", m["title"]], ["日期", m["date"]], ["地点", m["venue"]], ["种子承诺", a["commitment"]],
        ["公开种子", a["seed"]], ["名册哈希", a["roster_hash"]], ["抽取方案哈希", a["plan_hash"]],
        ["公告摘要", a["notice_sha256"]], ["事件链头", f"{a['chain_seq']}:{a['chain_hash']}"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNIT_HEADERS = ("单位", "被抽中干部数", "督办事项", "已办结", "办结率", "逾期", "平均得分")


def units_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The unit summary (`minutes_record.unit_summary`) as a one-sheet workbook."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, "单位汇总", UNIT_HEADERS, [
        [u["unit"], u["cadres"], u["cases"], u["closed"], u["completion"], u["overdue"], u["average"]] for u in rows])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(_row(sheet, headers))
    for row in rows:
        sheet.append(_row(sheet, row))


def _row(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """A write-only row: formula-like text as an explicit quote-prefixed string cell holding the
    value as typed (scoring.cells.quoted); other text and numbers through scoring.cells.cell;
    None as an empty cell; datetimes as naive UTC."""
    out: list[Any] = []
    for value in values:
        if quoted(value):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            text.quotePrefix = True
            out.append(text)
        elif isinstance(value, dt.datetime):
            out.append(value.replace(tzinfo=None))
        else:
            out.append(cell(value))
    return out

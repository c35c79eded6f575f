"""The demands list takes an optional private column (不公开): 是/否, yes/no, 1/0; default public."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from meeting.models import Demand
from meeting.services.roster.importing.service import import_roster
from meeting.services.roster.importing.types import ImportRefused
from tests.fixtures_import import DEMANDS, csv_bytes, full_workbook, import_base, table_counts


def private_of(session) -> dict[str, bool]:
    return {d.text: d.private for d in session.scalars(sa.select(Demand))}


def with_private(values: list[object], header: str = "不公开") -> list[list[object]]:
    rows = [list(DEMANDS[0]) + [header]]
    return rows + [list(row) + [value] for row, value in zip(DEMANDS[1:], values)]


def test_demands_without_a_private_column_are_public(session):
    import_base(session)
    assert set(private_of(session).values()) == {False}


@pytest.mark.parametrize("yes, no, empty", [("是", "否", ""), ("yes", "No", ""), ("1", "0", ""), ("Y", "n", "")])
def test_every_accepted_spelling_of_yes_and_no_is_read(session, yes, no, empty):
    import_roster(session, "roster.xlsx", full_workbook(demands=with_private([yes, no, empty])))
    assert private_of(session) == {"路灯不亮": True, "低保申请": False, "道路坑洼": False}


def test_the_english_header_private_is_accepted_too(session):
    import_roster(session, "roster.xlsx", full_workbook(demands=with_private([0, 1, 0], header="private")))
    assert private_of(session) == {"路灯不亮": False, "低保申请": True, "道路坑洼": False}


def test_a_bad_private_value_refuses_the_import_and_names_its_row(session):
    import_base(session)
    before = table_counts(session)
    with force_locale("en"), pytest.raises(ImportRefused) as caught:
        import_roster(session, "demands.csv", csv_bytes(with_private(["否", "maybe", "是"])))
    assert table_counts(session) == before
    assert [(e.sheet, e.row, e.column) for e in caught.value.errors] == [("demands", 3, "不公开")]
    assert "maybe" in caught.value.errors[0].reason and "yes or no" in caught.value.errors[0].reason
    assert set(private_of(session).values()) == {False}


def test_reimporting_with_a_changed_flag_updates_the_demand(session):
    import_roster(session, "roster.xlsx", full_workbook(demands=with_private(["否", "否", "否"])))
    import_roster(session, "demands.csv", csv_bytes(with_private(["否", "是", "否"])))
    assert private_of(session) == {"路灯不亮": False, "低保申请": True, "道路坑洼": False}


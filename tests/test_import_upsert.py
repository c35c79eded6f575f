"""A good file is imported; importing it again updates by key and never duplicates."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea
from meeting.services.roster.importing.service import import_files, import_roster
from tests.fixtures_import import (CADRES, DEMANDS, HOUSEHOLDS, VILLAGES, csv_bytes, full_workbook,
                                   replace_cell, table_counts, xlsx_bytes)

FULL = {"townships": 2, "work_areas": 2, "villages": 3, "cadres": 3, "households": 4, "demands": 3}


def cadre(session, number: int) -> Cadre:
    return session.scalar(sa.select(Cadre).where(Cadre.number == number))


def household(session, code: str) -> Household:
    return session.scalar(sa.select(Household).where(Household.code == code))


def test_a_workbook_with_all_four_sheets_imports_everything(session):
    result = import_roster(session, "roster.xlsx", full_workbook())
    assert result.kinds == ["villages", "cadres", "households", "demands"]
    assert result.created == FULL
    assert set(result.updated.values()) == {0}
    assert table_counts(session) == FULL


def test_imported_values_are_normalised(session):
    import_roster(session, "roster.xlsx", full_workbook())
    leader, secretary, worker = cadre(session, 1), cadre(session, 2), cadre(session, 3)
    assert (leader.rank, leader.township_id, leader.phone) == ("county_leader", None, "10400000001")
    assert secretary.phone == "10400000002"
    assert secretary.township.name == "沂城街道" and secretary.village.code == "V001"
    assert worker.township.name == "许家湖镇"  # taken from the cadre's village
    assert worker.phone == "05391000003"
    village = session.scalar(sa.select(Village).where(Village.code == "V003"))
    assert (village.work_area.name, village.township.name) == ("湖东工作片", "许家湖镇")
    assert household(session, "H004").cadre.number == 1
    demands = {d.text: d for d in household(session, "H001").demands}
    assert demands["路灯不亮"].status == "resolved" and demands["路灯不亮"].level == "village"
    assert demands["路灯不亮"].resolved_on == dt.date(2024, 3, 5)
    assert demands["低保申请"].status == "open" and demands["低保申请"].level is None
    assert demands["低保申请"].raised_on == dt.date(2024, 4, 2)


def test_importing_the_same_file_twice_changes_nothing(session):
    data = full_workbook()
    import_roster(session, "roster.xlsx", data)
    ids = session.scalars(sa.select(Demand.id).order_by(Demand.id)).all()
    result = import_roster(session, "roster.xlsx", data)
    assert table_counts(session) == FULL
    assert set(result.created.values()) == {0}
    assert result.updated == FULL
    assert session.scalars(sa.select(Demand.id).order_by(Demand.id)).all() == ids


def test_an_edited_name_is_updated_by_cadre_number(session):
    import_roster(session, "roster.xlsx", full_workbook())
    result = import_roster(session, "cadres.csv", csv_bytes(replace_cell(CADRES, 3, "姓名", "李四海")))
    session.expire_all()
    assert result.created == {"cadres": 0} and result.updated == {"cadres": 3}
    assert cadre(session, 2).name == "李四海"
    assert table_counts(session) == FULL


def test_households_are_updated_by_code_and_can_change_cadre(session):
    import_roster(session, "roster.xlsx", full_workbook())
    rows = replace_cell(replace_cell(HOUSEHOLDS, 2, "联系干部编号", 3), 2, "户主姓名", "赵大成")
    import_roster(session, "households.csv", csv_bytes(rows))
    session.expire_all()
    moved = household(session, "H001")
    assert (moved.name, moved.cadre.number) == ("赵大成", 3)
    assert table_counts(session) == FULL


def test_villages_are_updated_by_code(session):
    import_roster(session, "roster.xlsx", full_workbook())
    rows = replace_cell(replace_cell(VILLAGES, 3, "村庄名称", "西新村"), 3, "工作片", "第二工作片")
    result = import_roster(session, "villages.csv", csv_bytes(rows))
    session.expire_all()
    village = session.scalar(sa.select(Village).where(Village.code == "V002"))
    assert (village.name, village.work_area.name) == ("西新村", "第二工作片")
    assert result.created == {"townships": 0, "work_areas": 1, "villages": 0}
    assert table_counts(session)["villages"] == 3


def test_reimported_demands_replace_that_households_demands_only(session):
    import_roster(session, "roster.xlsx", full_workbook())
    rows = [DEMANDS[0], ["H001", "路灯又坏了", "基础设施", "未办结", "", "", "2024-06-01", ""]]
    result = import_roster(session, "demands.csv", csv_bytes(rows))
    session.expire_all()
    assert [d.text for d in household(session, "H001").demands] == ["路灯又坏了"]
    assert [d.text for d in household(session, "H003").demands] == ["道路坑洼"]
    assert result.created == {"demands": 0} and result.updated == {"demands": 1}
    assert table_counts(session)["demands"] == 2


def test_a_column_left_out_of_the_file_keeps_the_stored_values(session):
    import_roster(session, "roster.xlsx", full_workbook())
    rows = [[c for i, c in enumerate(r) if i in (0, 1)] for r in CADRES]  # number and name only
    import_roster(session, "cadres.csv", csv_bytes(replace_cell(rows, 2, "姓名", "张三丰")))
    session.expire_all()
    leader = cadre(session, 1)
    assert (leader.name, leader.rank, leader.phone, leader.position) == \
        ("张三丰", "county_leader", "10400000001", "县长")


def test_english_headers_and_values_are_accepted(session):
    import_roster(session, "villages.csv", csv_bytes(VILLAGES))
    cadres = [["number", "name", "position", "unit", "rank", "township", "village_code", "phone"],
              [8, "Zhang", "head", "county", "township_leader", "沂城街道", "V002", "10400000008"]]
    households = [["code", "name", "village_code", "phone", "cadre_number"],
                  ["E1", "Li", "V002", "10400000009", 8]]
    demands = [["household_code", "text", "category", "status", "level", "public_answer",
                "raised_on", "resolved_on"],
               ["E1", "water", "", "resolved", "work_area", "fixed", "2024-01-02", "2024-01-09"]]
    workbook = xlsx_bytes({"cadres": cadres, "households": households, "demands": demands})
    result = import_roster(session, "english.xlsx", workbook)
    assert result.created == {"cadres": 1, "households": 1, "demands": 1}
    assert cadre(session, 8).rank == "township_leader"
    assert household(session, "E1").demands[0].level == "work_area"


def test_several_csv_files_import_together_in_dependency_order(session):
    files = [("demands.csv", csv_bytes(DEMANDS)), ("households.csv", csv_bytes(HOUSEHOLDS)),
             ("cadres.csv", csv_bytes(CADRES)), ("villages.csv", csv_bytes(VILLAGES))]
    result = import_files(session, files)
    assert result.kinds == ["villages", "cadres", "households", "demands"]
    assert table_counts(session) == FULL


def test_generated_township_and_work_area_codes_are_stable(session):
    import_roster(session, "villages.csv", csv_bytes(VILLAGES))
    codes = session.scalars(sa.select(Township.code).order_by(Township.name)).all()
    session.execute(sa.delete(Village))
    session.execute(sa.delete(WorkArea))
    session.execute(sa.delete(Township))
    session.commit()
    import_roster(session, "villages.csv", csv_bytes(VILLAGES))
    assert session.scalars(sa.select(Township.code).order_by(Township.name)).all() == codes
    assert all(code.startswith("T") for code in codes)


def test_given_township_codes_are_used_and_can_replace_generated_ones(session):
    import_roster(session, "villages.csv", csv_bytes(VILLAGES))
    rows = [VILLAGES[0][:1] + ["乡镇编码", "乡镇类型"] + VILLAGES[0][1:]]
    rows += [[r[0], "T-" + r[0][:2], "园区" if r[0] == "许家湖镇" else ""] + r[1:] for r in VILLAGES[1:]]
    result = import_roster(session, "villages.csv", csv_bytes(rows))
    session.expire_all()
    towns = {t.name: (t.code, t.kind) for t in session.scalars(sa.select(Township))}
    assert towns == {"沂城街道": ("T-沂城", "township"), "许家湖镇": ("T-许家", "zone")}
    assert result.created["townships"] == 0


def test_excel_numbers_and_dates_are_read_as_the_user_typed_them(session):
    import_roster(session, "roster.xlsx", full_workbook(households=[], demands=[]))
    cadres = [CADRES[0], [21.0, "钱七", "", "", "", "", "V001", 10400000021]]
    demands = [DEMANDS[0], ["H9", "修桥", "", "已办结", "县", "", dt.datetime(2024, 5, 1), dt.date(2024, 5, 2)]]
    households = [HOUSEHOLDS[0], ["H9", "吴九", "V001", 10400000099, 21.0]]
    workbook = xlsx_bytes({"干部": cadres, "联系户": households, "诉求": demands})
    import_roster(session, "typed.xlsx", workbook)
    assert cadre(session, 21).phone == "10400000021"
    found = household(session, "H9")
    assert (found.phone, found.cadre.number) == ("10400000099", 21)
    assert (found.demands[0].raised_on, found.demands[0].resolved_on) == (dt.date(2024, 5, 1), dt.date(2024, 5, 2))

"""Every kind of bad row refuses the whole import, names the row and column, writes nothing."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from meeting.services.roster.importing.types import ImportRefused, RowError
from meeting.services.roster.importing.service import import_roster
from tests.fixtures_import import (CADRES, DEMANDS, HOUSEHOLDS, VILLAGES, csv_bytes, full_workbook,
                                   import_base, replace_cell, table_counts, with_row)


def refused(session, filename: str, data: bytes) -> list[RowError]:
    """Import, expect a refusal, check nothing was written, return the errors."""
    before = table_counts(session)
    with force_locale("en"), pytest.raises(ImportRefused) as caught:
        import_roster(session, filename, data)
    assert table_counts(session) == before
    assert caught.value.errors
    return caught.value.errors


def places(errors: list[RowError]) -> list[tuple[str, int, str]]:
    return [(e.sheet, e.row, e.column) for e in errors]


def test_a_duplicate_cadre_number_names_the_second_row(session):
    import_base(session)
    rows = with_row(CADRES, [2, "重名", "", "", "", "", "", ""])
    errors = refused(session, "cadres.csv", csv_bytes(rows))
    assert places(errors) == [("cadres", 5, "干部编号")]
    assert "row 3" in errors[0].reason


def test_a_household_pointing_at_an_unknown_cadre_is_refused(session):
    import_base(session)
    rows = replace_cell(HOUSEHOLDS, 3, "联系干部编号", 99)
    errors = refused(session, "households.csv", csv_bytes(rows))
    assert places(errors) == [("households", 3, "联系干部编号")]
    assert "99" in errors[0].reason


def test_a_cadre_defined_in_the_same_import_is_known(session):
    workbook = full_workbook(cadres=with_row(CADRES, [4, "新人", "", "", "", "", "", ""]),
                             households=replace_cell(HOUSEHOLDS, 2, "联系干部编号", 4))
    result = import_roster(session, "roster.xlsx", workbook)
    assert result.created["cadres"] == 4


def test_an_unknown_village_is_refused_for_households_and_cadres(session):
    workbook = full_workbook(households=replace_cell(HOUSEHOLDS, 4, "村庄编码", "V999"),
                             cadres=replace_cell(CADRES, 3, "所属村庄编码", "V998"))
    errors = refused(session, "roster.xlsx", workbook)
    assert places(errors) == [("cadres", 3, "所属村庄编码"), ("households", 4, "村庄编码")]


def test_an_unknown_township_for_a_cadre_is_refused(session):
    errors = refused(session, "roster.xlsx", full_workbook(cadres=replace_cell(CADRES, 2, "所属乡镇", "火星镇")))
    assert places(errors) == [("cadres", 2, "所属乡镇")]


@pytest.mark.parametrize("phone", ["12345", "2000000000", "104000000011", "0539-22"])
def test_a_malformed_phone_number_is_refused(session, phone):
    import_base(session)
    errors = refused(session, "cadres.csv", csv_bytes(replace_cell(CADRES, 4, "联系电话", phone)))
    assert places(errors) == [("cadres", 4, "联系电话")]


@pytest.mark.parametrize("column", ["干部编号", "姓名"])
def test_a_missing_required_field_is_refused(session, column):
    import_base(session)
    errors = refused(session, "cadres.csv", csv_bytes(replace_cell(CADRES, 3, column, "")))
    assert places(errors) == [("cadres", 3, column)]
    assert "required" in errors[0].reason


@pytest.mark.parametrize("number", ["abc", "12.5", "-3", "0"])
def test_a_cadre_number_that_is_not_a_positive_whole_number_is_refused(session, number):
    import_base(session)
    errors = refused(session, "cadres.csv", csv_bytes(replace_cell(CADRES, 2, "干部编号", number)))
    assert places(errors) == [("cadres", 2, "干部编号")]


def test_an_unparseable_date_is_refused(session):
    import_base(session)
    errors = refused(session, "demands.csv", csv_bytes(replace_cell(DEMANDS, 3, "提出日期", "去年春天")))
    assert places(errors) == [("demands", 3, "提出日期")]


def test_a_resolution_date_before_the_raising_date_is_refused(session):
    import_base(session)
    rows = replace_cell(DEMANDS, 2, "办结日期", "2024-02-01")
    errors = refused(session, "demands.csv", csv_bytes(rows))
    assert places(errors) == [("demands", 2, "办结日期")]


@pytest.mark.parametrize("filename, rows, place", [
    ("cadres.csv", replace_cell(CADRES, 2, "级别", "大领导"), ("cadres", 2, "级别")),
    ("demands.csv", replace_cell(DEMANDS, 4, "状态", "差不多"), ("demands", 4, "状态")),
    ("demands.csv", replace_cell(DEMANDS, 2, "办结层级", "省"), ("demands", 2, "办结层级")),
])
def test_an_unknown_vocabulary_value_is_refused(session, filename, rows, place):
    import_base(session)
    errors = refused(session, filename, csv_bytes(rows))
    assert places(errors) == [place]
    assert "is not one of" in errors[0].reason


def test_a_duplicate_household_code_names_the_second_row(session):
    import_base(session)
    errors = refused(session, "households.csv", csv_bytes(replace_cell(HOUSEHOLDS, 5, "户编号", "H002")))
    assert places(errors) == [("households", 5, "户编号")]


def test_a_duplicate_village_code_is_refused(session):
    errors = refused(session, "villages.csv", csv_bytes(replace_cell(VILLAGES, 3, "村庄编码", "V001")))
    assert places(errors) == [("villages", 3, "村庄编码")]


def test_a_township_given_two_codes_is_refused(session):
    rows = [VILLAGES[0][:1] + ["乡镇编码"] + VILLAGES[0][1:]]
    rows += [[r[0], "T1"] + r[1:] for r in VILLAGES[1:]]
    rows[2][1] = "T2"
    rows[3][1] = "T3"
    errors = refused(session, "villages.csv", csv_bytes(rows))
    assert places(errors) == [("villages", 3, "乡镇编码")]


def test_one_township_code_given_to_two_townships_is_refused(session):
    rows = [VILLAGES[0][:1] + ["乡镇编码"] + VILLAGES[0][1:]]
    rows += [[r[0], "T1"] + r[1:] for r in VILLAGES[1:]]
    errors = refused(session, "villages.csv", csv_bytes(rows))
    assert places(errors) == [("villages", 4, "乡镇编码")]


def test_a_demand_for_an_unknown_household_is_refused(session):
    import_base(session)
    errors = refused(session, "demands.csv", csv_bytes(replace_cell(DEMANDS, 2, "户编号", "H404")))
    assert places(errors) == [("demands", 2, "户编号")]


def test_an_unknown_header_is_a_file_level_error_on_row_1(session):
    import_base(session)
    rows = [CADRES[0] + ["备注"]] + [r + ["x"] for r in CADRES[1:]]
    errors = refused(session, "cadres.csv", csv_bytes(rows))
    assert places(errors) == [("cadres", 1, "备注")]


def test_a_missing_required_column_is_a_file_level_error_naming_the_column(session):
    rows = [[c for i, c in enumerate(r) if i != 1] for r in CADRES]  # no 姓名
    errors = refused(session, "cadres.csv", csv_bytes(rows))
    assert places(errors) == [("cadres", 1, "姓名")]


def test_a_header_after_a_title_row_reports_its_own_row_number(session):
    rows = [["沂水县干部名册"], [c for i, c in enumerate(CADRES[0]) if i != 1]] + \
           [[c for i, c in enumerate(r) if i != 1] for r in CADRES[1:]]
    errors = refused(session, "cadres.csv", csv_bytes(rows))
    assert places(errors) == [("cadres", 2, "姓名")]


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(session, data):
    errors = refused(session, "cadres.csv", data)
    assert places(errors) == [("", 1, "")]
    assert "empty" in errors[0].reason


def test_a_header_without_rows_is_refused(session):
    errors = refused(session, "cadres.csv", csv_bytes(CADRES[:1]))
    assert places(errors) == [("", 1, "")]


@pytest.mark.parametrize("filename, data", [
    ("roster.xlsx", b"PK\x03\x04 this is not really a zip archive"),
    ("roster.xlsx", b"just some text that is not a workbook"),
    ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    ("roster.csv", bytes(range(256)) * 4),
    ("roster.csv", b"\xff\xfe\x00\x00\x81\x30\x81"),
])
def test_a_file_that_is_neither_xlsx_nor_csv_gets_a_clear_file_level_error(session, filename, data):
    errors = refused(session, filename, data)
    assert [(e.sheet, e.column) for e in errors] == [("", "")]


def test_a_csv_whose_header_matches_no_list_is_refused(session):
    errors = refused(session, "things.csv", csv_bytes([["颜色", "大小"], ["红", "大"]]))
    assert places(errors) == [("", 1, "")]


def test_two_lists_of_the_same_kind_are_refused(session):
    import_base(session)
    from meeting.services.roster.importing.service import import_files

    before = table_counts(session)
    with pytest.raises(ImportRefused) as caught:
        import_files(session, [("a.csv", csv_bytes(CADRES)), ("b.csv", csv_bytes(CADRES))])
    assert places(caught.value.errors) == [("cadres", 1, "")]
    assert table_counts(session) == before


def test_every_error_of_every_sheet_is_reported_not_just_the_first(session):
    workbook = full_workbook(
        villages=replace_cell(VILLAGES, 4, "村庄名称", ""),
        cadres=replace_cell(replace_cell(CADRES, 2, "联系电话", "123"), 4, "级别", "??"),
        households=replace_cell(replace_cell(HOUSEHOLDS, 2, "联系干部编号", 77), 5, "户编号", "H001"),
        demands=replace_cell(DEMANDS, 3, "提出日期", "not a date"),
    )
    errors = refused(session, "roster.xlsx", workbook)
    assert places(errors) == [
        ("villages", 4, "村庄名称"),
        ("cadres", 2, "联系电话"), ("cadres", 4, "级别"),
        ("households", 2, "联系干部编号"), ("households", 5, "户编号"),
        ("demands", 3, "提出日期"),
    ]


def test_the_refusal_message_counts_the_rows_with_errors(session):
    import_base(session)
    rows = replace_cell(replace_cell(CADRES, 2, "联系电话", "1"), 2, "级别", "?")
    with force_locale("en"), pytest.raises(ImportRefused) as caught:
        import_roster(session, "cadres.csv", csv_bytes(replace_cell(rows, 3, "姓名", "")))
    assert len(caught.value.errors) == 3
    assert "2" in caught.value.message


def test_a_bad_row_in_a_good_file_keeps_the_good_rows_out_too(session):
    errors = refused(session, "roster.xlsx", full_workbook(households=replace_cell(HOUSEHOLDS, 5, "联系电话", "x")))
    assert places(errors) == [("households", 5, "联系电话")]
    assert table_counts(session)["cadres"] == 0


def test_references_into_a_list_with_a_broken_header_are_not_reported_twice(session):
    broken_cadres = [["干部编号", "名字"]] + [r[:2] for r in CADRES[1:]]
    errors = refused(session, "roster.xlsx", full_workbook(cadres=broken_cadres))
    assert places(errors) == [("cadres", 1, "名字"), ("cadres", 1, "姓名")]


def test_a_column_given_twice_is_refused(session):
    import_base(session)
    rows = [CADRES[0] + ["手机"]] + [r + ["10400000009"] for r in CADRES[1:]]
    errors = refused(session, "cadres.csv", csv_bytes(rows))
    assert places(errors) == [("cadres", 1, "手机")]


def test_text_longer_than_its_column_is_refused_not_cut(session):
    import_base(session)
    errors = refused(session, "households.csv", csv_bytes(replace_cell(HOUSEHOLDS, 3, "户主姓名", "长" * 33)))
    assert places(errors) == [("households", 3, "户主姓名")]


def test_a_csv_cell_beyond_the_csv_field_limit_is_a_file_error_not_a_crash(session):
    import_base(session)
    rows = replace_cell(DEMANDS, 2, "诉求内容", "长" * 200_000)
    errors = refused(session, "demands.csv", csv_bytes(rows))
    assert [(e.sheet, e.column) for e in errors] == [("", "")]

"""Cell parsers and header matching of the roster import (pure functions, no database)."""
from __future__ import annotations

import datetime as dt

import pytest

from meeting.services.roster.importing.formats import SPECS, guess_kind, match_column, vocab_lookup
from meeting.services.roster.importing.values import parse_date, parse_int, parse_phone


@pytest.mark.parametrize("text, number", [("12", 12), ("12.0", 12), (" 7 ", 7), ("０１２", 12)])
def test_cadre_numbers_accept_integral_spellings(text, number):
    assert parse_int(text) == number


@pytest.mark.parametrize("text", ["12.5", "-3", "0", "abc", "1e3", "99999999999"])
def test_cadre_numbers_refuse_anything_but_a_positive_whole_number(text):
    with pytest.raises(ValueError):
        parse_int(text)


@pytest.mark.parametrize("text, stored", [
    ("10412345678", "10412345678"),
    ("104 1234 5678", "10412345678"),
    ("104-1234-5678", "10412345678"),
    ("+86 104 1234 5678", "10412345678"),
    ("0539-2212345", "05392212345"),
    ("(0539) 221 2345", "05392212345"),
    ("010-12345678", "01012345678"),
    ("0539-22123456", "053922123456"),
])
def test_phone_numbers_keep_only_the_digits_to_dial(text, stored):
    assert parse_phone(text) == stored


@pytest.mark.parametrize("text", ["123", "1041234567", "104123456789", "21234567890", "0539-221",
                                  "电话", "0539-2212345-801"])
def test_malformed_phone_numbers_are_refused(text):
    with pytest.raises(ValueError):
        parse_phone(text)


@pytest.mark.parametrize("text", ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305",
                                  "2024-03-05 00:00:00", "２０２４－０３－０５"])
def test_dates_are_read_in_the_usual_chinese_spellings(text):
    assert parse_date(text) == dt.date(2024, 3, 5)


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "3/5/2024", "昨天", "1800-01-01"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("spelling, value", [("县级领导", "county_leader"), ("County Leader", "county_leader"),
                                             ("township_leader", "township_leader"), ("干部", "cadre")])
def test_ranks_are_accepted_in_chinese_and_english(spelling, value):
    assert vocab_lookup("rank", spelling) == value


@pytest.mark.parametrize("header", ["联系电话", " 联系电话 ", "联系电话（手机）", "联系电话(手机)", "phone", "Phone",
                                    "*联系电话"])
def test_headers_match_despite_spaces_parentheses_and_case(header):
    assert match_column(SPECS["cadres"], header).key == "phone"


def test_full_width_and_half_width_parentheses_are_the_same_header():
    assert match_column(SPECS["villages"], "乡镇（街道）").key == "township"
    assert match_column(SPECS["villages"], "乡镇(街道)").key == "township"


@pytest.mark.parametrize("headers, kind", [
    (["乡镇", "工作片", "村庄名称", "村庄编码"], "villages"),
    (["干部编号", "姓名"], "cadres"),
    (["户编号", "户主姓名", "村庄编码", "联系干部编号"], "households"),
    (["户编号", "诉求内容"], "demands"),
    (["number", "name", "phone"], "cadres"),
    (["code", "name", "village_code", "cadre_number"], "households"),
    (["household_code", "text", "status"], "demands"),
])
def test_a_csv_kind_is_recognised_from_its_header_row(headers, kind):
    assert guess_kind(headers) == kind


def test_a_header_row_matching_nothing_has_no_kind():
    assert guess_kind(["foo", "bar"]) is None

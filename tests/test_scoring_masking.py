"""Household names and phone numbers masked for public screens (scoring/masking.py)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from scoring.masking import COMPOUND_SURNAMES, mask_name, mask_phone

PROPS = settings(max_examples=300, deadline=None, database=None, derandomize=True)


@pytest.mark.parametrize("name, masked", [
    ("王小明", "王**"), ("王明", "王*"), ("王", "*"), ("张三丰", "张**"), ("  李四  ", "李*"),
])
def test_a_chinese_name_keeps_the_surname_and_stars_each_other_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("name, masked", [
    ("欧阳小明", "欧阳**"), ("欧阳修", "欧阳*"), ("司马光", "司马*"), ("诸葛亮", "诸葛*"),
    ("上官婉儿", "上官**"), ("令狐冲", "令狐*"), ("慕容复", "慕容*"), ("端木蕻良", "端木**"),
])
def test_a_compound_surname_is_kept_whole(name, masked):
    assert mask_name(name) == masked


def test_a_two_character_name_starting_like_a_compound_surname_keeps_only_one_character():
    assert mask_name("司马") == "司*"
    assert mask_name("欧阳") == "欧*"


def test_the_compound_surname_list_holds_only_two_character_surnames():
    assert {"欧阳", "司马", "诸葛", "上官", "皇甫", "尉迟"} <= COMPOUND_SURNAMES
    assert all(len(s) == 2 for s in COMPOUND_SURNAMES)


def test_an_ethnic_name_keeps_its_separator_dot():
    assert mask_name("阿依古丽·买买提") == "阿***·***"


@pytest.mark.parametrize("name, masked", [("John Smith", "J***"), ("Li", "L***"), ("x", "*"), ("Ölund", "Ö***")])
def test_a_latin_name_keeps_the_first_letter_and_a_fixed_three_stars(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_name_masks_to_an_empty_string(empty):
    assert mask_name(empty) == ""


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),
    ("+8613812345678", "138****5678"),
    ("008613812345678", "138****5678"),
    ("(+86) 199-0000-1111", "199****1111"),
])
def test_a_mobile_number_keeps_the_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("phone, masked", [
    ("0539-2212345", "0539-***2345"),
    ("05392212345", "0539-***2345"),
    ("0539 2212 3456", "0539-****3456"),
    ("(0539)22123456", "0539-****3456"),
    ("010-62345678", "010-****5678"),
    ("021 5234 5678", "021-****5678"),
    ("+86 539 2212345", "0539-***2345"),
    ("+86 10 6234 5678", "010-****5678"),
])
def test_a_landline_keeps_the_area_code_and_the_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("phone, masked", [
    ("12345", "***45"), ("2212345", "*****45"), ("400-123-4567", "********67"), ("abc", "***"),
    ("1234", "****"), ("12", "**"), ("x", "*"), ("+1 415 555 0100", "********00"), ("１３８１２３４５６７８", "********７８"),
    ("13812345678 ext 2", "******** 2"), ("0539-2212345-801", "********01"),
])
def test_an_unrecognised_number_shows_at_most_its_last_two_characters(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("empty", ["", "  ", None])
def test_an_empty_phone_masks_to_an_empty_string(empty):
    assert mask_phone(empty) == ""


@PROPS
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_hides_its_middle_four_digits(phone):
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


@PROPS
@given(st.text(min_size=1, max_size=40))
def test_a_masked_phone_never_reveals_more_than_seven_characters(text):
    masked = mask_phone(text)
    if text.strip():
        assert "*" in masked
        assert len(re.sub(r"[*\-]", "", masked)) <= 7


@PROPS
@given(st.text(min_size=1, max_size=20))
def test_a_masked_name_reveals_at_most_its_first_two_characters(name):
    masked = mask_name(name)
    if name.strip():
        assert "*" in masked
        assert set(masked[2:]) <= set("*·•・.- ")

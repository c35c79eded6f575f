"""Caps on rows and cells, checked while streaming: bombs are refused before they inflate."""
from __future__ import annotations

import tracemalloc

import pytest

from meeting.models import Cadre
from meeting.services.roster.importing.limits import Limits
from meeting.services.roster.importing.readers import read_file
from meeting.services.roster.importing.service import import_roster
from meeting.services.roster.importing.types import FileProblem, ImportRefused
from tests.bombs_import import repeated_row_bomb, shared_strings_bomb
from tests.fixtures_import import csv_bytes, import_base


def _all_rows(data: bytes, name: str, limits: Limits) -> list:
    return [list(sheet.rows()) for sheet in read_file(name, data, limits)]


def test_a_csv_with_more_rows_than_the_cap_is_refused():
    data = csv_bytes([["干部编号", "姓名"]] + [[n, "张三"] for n in range(1, 30)])
    with pytest.raises(FileProblem, match="more than 20 rows"):
        _all_rows(data, "c.csv", Limits(max_rows=20))


def test_a_csv_cell_larger_than_the_cap_is_refused():
    data = csv_bytes([["干部编号", "姓名"], [1, "张" * 400]])
    with pytest.raises(FileProblem, match="more than 1,000 bytes"):
        _all_rows(data, "c.csv", Limits(max_cell_bytes=1000))


def test_an_xlsx_repeating_a_row_past_the_cap_is_refused_while_streaming():
    data = repeated_row_bomb(5000)
    assert len(data) < 200_000
    with pytest.raises(FileProblem, match="more than 1,000 rows"):
        _all_rows(data, "bomb.xlsx", Limits(max_rows=1000))


def test_a_shared_string_bomb_is_refused_before_the_string_is_loaded():
    data = shared_strings_bomb(20_000_000)
    assert len(data) < 300_000
    tracemalloc.start()
    try:
        with pytest.raises(FileProblem):
            read_file("bomb.xlsx", data, Limits())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_an_xlsx_part_larger_than_the_cap_is_refused_from_the_zip_directory():
    data = shared_strings_bomb(3_000_000)
    with pytest.raises(FileProblem, match="too large once unpacked"):
        read_file("bomb.xlsx", data, Limits(max_part_bytes=1_000_000))


def test_a_capped_file_writes_nothing(session):
    import_base(session)
    before = session.query(Cadre).count()
    with pytest.raises(ImportRefused) as refused:
        import_roster(session, "bomb.xlsx", shared_strings_bomb(2_000_000))
    assert refused.value.errors and session.query(Cadre).count() == before


def test_the_caps_come_from_the_configuration():
    limits = Limits.from_config({"IMPORT_MAX_ROWS": 5, "IMPORT_MAX_CELL_BYTES": 7,
                                 "IMPORT_MAX_XLSX_PART_MB": 3})
    assert limits == Limits(max_rows=5, max_cell_bytes=7, max_part_bytes=3 * 1024 * 1024)

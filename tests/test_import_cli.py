"""`flask import-roster` and `flask roster-template` on the command line."""
from __future__ import annotations

from meeting.extensions import db
from tests.fixtures_import import CADRES, HOUSEHOLDS, VILLAGES, csv_bytes, full_workbook, replace_cell, table_counts


def counts(app) -> dict[str, int]:
    with app.app_context():
        return table_counts(db.session)


def test_importing_a_good_file_prints_the_counts(app, runner, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(full_workbook())
    result = runner.invoke(args=["import-roster", "--lang", "en", str(path)])
    assert result.exit_code == 0, result.output
    assert "cadres: 3 created, 0 updated" in result.output
    assert counts(app)["households"] == 4
    again = runner.invoke(args=["import-roster", "--lang", "en", str(path)])
    assert "households: 0 created, 4 updated" in again.output
    assert counts(app)["households"] == 4


def test_several_csv_files_import_as_one(app, runner, tmp_path):
    paths = []
    for name, rows in (("households.csv", HOUSEHOLDS), ("villages.csv", VILLAGES), ("cadres.csv", CADRES)):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(csv_bytes(rows, "gb18030"))
    result = runner.invoke(args=["import-roster", *map(str, paths)])
    assert result.exit_code == 0, result.output
    assert counts(app)["cadres"] == 3


def test_a_bad_file_prints_every_error_and_exits_non_zero_writing_nothing(app, runner, tmp_path):
    good, bad = tmp_path / "villages.csv", tmp_path / "cadres.csv"
    good.write_bytes(csv_bytes(VILLAGES))
    bad.write_bytes(csv_bytes(replace_cell(replace_cell(CADRES, 2, "联系电话", "12"), 4, "干部编号", "x")))
    before = counts(app)
    result = runner.invoke(args=["import-roster", "--lang", "en", str(good), str(bad)])
    assert result.exit_code == 1
    assert "row 2, column 联系电话:" in result.output
    assert "row 4, column 干部编号:" in result.output
    assert counts(app) == before  # the good villages file was not imported either


def test_an_unreadable_file_is_an_error_not_a_crash(app, runner, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    result = runner.invoke(args=["import-roster", "--lang", "en", str(path)])
    assert result.exit_code == 1
    assert "not a valid .xlsx" in result.output


def test_a_template_is_written_where_asked(runner, tmp_path):
    target = tmp_path / "cadres.csv"
    result = runner.invoke(args=["roster-template", "--kind", "cadres", "--format", "csv",
                                 "--lang", "zh", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().decode("utf-8-sig").startswith("干部编号,姓名")


def test_the_cli_template_round_trips_through_the_cli_import(app, runner, tmp_path):
    target = tmp_path / "villages.csv"
    runner.invoke(args=["roster-template", "--kind", "villages", "--format", "csv", "--lang", "en",
                        "-o", str(target)])
    target.write_bytes(target.read_bytes() + "沂城街道,,,第一工作片,,东村,V001\r\n".encode())
    result = runner.invoke(args=["import-roster", str(target)])
    assert result.exit_code == 0, result.output
    assert counts(app)["villages"] == 1


def test_a_csv_template_needs_a_kind(runner, tmp_path):
    result = runner.invoke(args=["roster-template", "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and result.exception.__class__ is SystemExit  # a usage error
    assert not (tmp_path / "x.csv").exists()

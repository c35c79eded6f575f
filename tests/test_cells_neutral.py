"""Names a spreadsheet would run as formulas (issue #11 item 8) are stored as typed and come out
as text in every file the app writes: the roster file (hashed, docs/VERIFY.md §3), CSV and xlsx
exports; both verifiers still agree on the meeting's bundle."""
from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
import sqlalchemy as sa

from meeting.models import Cadre, Household, Township
from meeting.services.roster.importing.export import excel_like, roster_to_csv, roster_to_xlsx
from meeting.services.roster.importing.service import import_files, import_roster
from scoring import bundle as bundle_mod
from scoring.cells import cell, formula_like, neutral, typed
from tests import spec_verifier
from tests.fixtures_import import CADRES, HOUSEHOLDS, VILLAGES, csv_bytes
from tests.verify_spec_support import reference

NAMES = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)"]


@pytest.mark.parametrize("text, out", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("张三", "张三"), ("", ""),
    ("'=x", "'=x"), ("a=b", "a=b"), (" =x", " =x"),
])
def test_neutral_prefixes_an_apostrophe_to_formula_like_text_only(text, out):
    assert neutral(text) == out
    assert neutral(neutral(text)) == out  # idempotent: a roster field is canonical when it is its own neutral


@pytest.mark.parametrize("text", NAMES + ["\tx", "张三", "", "a=b", "'plain"])
def test_reading_a_csv_cell_back_undoes_the_apostrophe(text):
    assert typed(neutral(text)) == text


def test_cell_neutralises_text_and_leaves_numbers_alone():
    assert [cell(v) for v in ("-2", -2, None, 3.5, "ok")] == ["'-2", -2, None, 3.5, "ok"]
    assert typed("'plain") == "'plain" and typed("'-2") == "-2"


def _formula_roster():
    from meeting.demo.generator import generate_roster

    roster = generate_roster(scale=0.005, seed=7)
    cadres = [dataclasses.replace(c, name=NAMES[i]) if i < len(NAMES) else c for i, c in enumerate(roster.cadres)]
    households = [dataclasses.replace(roster.households[0], name="=1+1")] + list(roster.households[1:])
    return dataclasses.replace(roster, cadres=cadres, households=households)


def test_a_csv_export_writes_formula_names_with_an_apostrophe_and_imports_back_as_typed(session):
    roster = _formula_roster()
    files = roster_to_csv(roster)
    rows = list(csv.reader(io.StringIO(files["cadres"].decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:len(NAMES) + 1]]
    assert names == ["'" + n for n in NAMES]
    import_files(session, [(f"{kind}.csv", data) for kind, data in files.items()])
    stored = dict(session.execute(sa.select(Cadre.number, Cadre.name)).all())
    assert [stored[c.number] for c in roster.cadres[:len(NAMES)]] == NAMES
    assert list(csv.reader(io.StringIO(files["households"].decode("utf-8-sig"))))[1][1] == "'=1+1"
    assert session.scalar(sa.select(Household.name).where(Household.code == roster.households[0].code)) == "=1+1"


def test_an_xlsx_export_writes_formula_names_as_text_cells_and_imports_back_as_typed(session):
    from openpyxl import load_workbook

    roster = _formula_roster()
    data = roster_to_xlsx(roster)
    from meeting.services.roster.importing.formats import SPECS

    sheet = load_workbook(io.BytesIO(data))[SPECS["cadres"].sheet_name("zh")]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, max_row=len(NAMES) + 1)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(n, "s", True) for n in NAMES]
    import_roster(session, "roster.xlsx", excel_like(data))
    stored = dict(session.execute(sa.select(Cadre.number, Cadre.name)).all())
    assert [stored[c.number] for c in roster.cadres[:len(NAMES)]] == NAMES


def test_an_imported_formula_name_is_stored_as_typed(session):
    rows = [list(r) for r in CADRES]
    rows[1][1], rows[2][1], rows[3][1] = NAMES[0], NAMES[2], NAMES[4]
    import_files(session, [("villages.csv", csv_bytes(VILLAGES)), ("cadres.csv", csv_bytes(rows)),
                           ("households.csv", csv_bytes(HOUSEHOLDS))])
    assert sorted(session.scalars(sa.select(Cadre.name))) == sorted([NAMES[0], NAMES[2], NAMES[4]])


def test_the_roster_file_neutralises_names_and_township_codes_and_both_verifiers_agree(app, client):
    from meeting.extensions import db
    from meeting.services.draw import bundle as draw_bundle
    from tests.draw_support import build_roster, run_demo_meeting

    with app.app_context():
        s = db.session
        build_roster(s, cadres=15)
        for number, name in zip(range(101, 116, 3), NAMES):
            s.execute(sa.update(Cadre).where(Cadre.number == number).values(name=name))
        s.execute(sa.update(Township).where(Township.code == "T02").values(code="-T02"))
        s.commit()
        mid = run_demo_meeting(s, plan={"kind": "strata", "strata": ["-T02", "T01"], "per_stratum": 2},
                               skip=(), households=1)
        typed_names = sorted(s.scalars(sa.select(Cadre.name).where(Cadre.name.in_(NAMES))))
        data = bundle_mod.dumps(draw_bundle.build_bundle(s, mid)).encode("utf-8")
        assert s.scalar(sa.select(sa.func.count()).select_from(Household)) > 0
    assert typed_names == sorted(NAMES)  # the database keeps them as typed
    text = client.get(f"/m/{mid}/roster.txt").get_data(as_text=True)
    fields = [line.split("\t") for line in text.splitlines()]
    assert sorted(f[3] for f in fields if f[3].lstrip("'") in NAMES) == sorted("'" + n for n in NAMES)
    assert {f[1] for f in fields} == {"'-T02", "T01"}
    assert all(not formula_like(x) for f in fields for x in f)
    assert reference(data) == (0, "OK") and spec_verifier.check(data) == (0, None, "OK")
    assert json.loads(data)["roster"]["lines"] == text.splitlines()
    notice = client.get(f"/m/{mid}/notice?lang=en").get_data(as_text=True)
    assert "(-T02)</span></td><td>5<" in notice  # the stratum's size counts its neutralised lines

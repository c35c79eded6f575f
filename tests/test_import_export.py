"""A generated demo roster, exported in the template format, imports back exactly."""
from __future__ import annotations

import sqlalchemy as sa

from meeting.models import Cadre, Demand, Household
from meeting.services.roster.importing.service import import_files, import_roster
from meeting.services.roster.importing.export import excel_like, roster_to_csv, roster_to_xlsx
from tests.fixtures_import import table_counts


def small_roster():
    from meeting.demo.generator import generate_roster

    return generate_roster(scale=0.005, seed=7)


def test_an_exported_roster_imports_back_with_the_same_rows_and_values(session):
    roster = small_roster()
    files = [(f"{kind}.csv", data) for kind, data in roster_to_csv(roster, encoding="gb18030").items()]
    result = import_files(session, files)
    assert table_counts(session) == roster.counts()
    assert result.created == roster.counts()
    cadres = {(c.number, c.name, c.rank, c.phone, c.village.code if c.village else None)
              for c in session.scalars(sa.select(Cadre))}
    assert cadres == {(c.number, c.name, c.rank, c.phone, c.village_code) for c in roster.cadres}
    households = {(h.code, h.cadre.number, h.village.code) for h in session.scalars(sa.select(Household))}
    assert households == {(h.code, h.cadre_number, h.village_code) for h in roster.households}
    demands = sorted((d.household.code, d.text, d.status, d.level, d.raised_on, d.resolved_on)
                     for d in session.scalars(sa.select(Demand)))
    assert demands == sorted((d.household_code, d.text, d.status, d.level, d.raised_on, d.resolved_on)
                             for d in roster.demands)


def test_an_exported_workbook_imports_and_reimports_without_duplicates(session):
    roster = small_roster()
    workbook = excel_like(roster_to_xlsx(roster, lang="en"))
    import_roster(session, "roster.xlsx", workbook)
    again = import_roster(session, "roster.xlsx", workbook)
    assert set(again.created.values()) == {0}
    assert again.updated == roster.counts()
    assert table_counts(session) == roster.counts()

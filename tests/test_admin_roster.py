"""Admin roster pages: dashboard, search, paging, the cadre page."""
from __future__ import annotations

import re

import pytest

from meeting.services.roster import query as rq
from tests.helpers_roster import login, make_user, many_cadres, small_roster


@pytest.fixture
def staff(client, session):
    """A logged-in moderator (any staff role may read the roster), pages in English."""
    make_user(session, "moderator1", role="moderator")
    login(client, "moderator1")
    client.get("/login?lang=en")
    return client


def numbers_on(html: str) -> list[int]:
    """Cadre numbers linked from a roster page, in page order."""
    return [int(n) for n in re.findall(r'href="/admin/cadres/(\d+)">\d+</a>', html)]


def household_codes_on(html: str) -> list[str]:
    """Household codes in the households table, in page order."""
    return re.findall(r"<td>(H[P0-9]+)</td>", html)


def test_the_overview_shows_roster_counts(staff, session):
    small_roster(session)
    html = staff.get("/admin/").get_data(as_text=True)
    assert re.search(r'stat-n">4</span><span class="stat-l">Cadres', html)
    assert re.search(r'stat-n">7</span><span class="stat-l">Contact households', html)
    assert re.search(r'stat-n">2</span><span class="stat-l">Resolved demands', html)


def test_the_overview_of_an_empty_roster_says_so(staff):
    assert "The roster is empty." in staff.get("/admin/").get_data(as_text=True)


def test_the_roster_lists_cadres_in_number_order(staff, session):
    small_roster(session)
    html = staff.get("/admin/cadres").get_data(as_text=True)
    assert numbers_on(html) == [1001, 1002, 1003, 1004]
    assert "County leader" in html and "县委书记" in html


def test_search_by_number_is_exact(staff, session):
    small_roster(session)
    assert numbers_on(staff.get("/admin/cadres?number=1002").get_data(as_text=True)) == [1002]
    assert numbers_on(staff.get("/admin/cadres?number=100").get_data(as_text=True)) == []


def test_a_number_that_is_not_digits_shows_an_error_not_a_crash(staff, session):
    small_roster(session)
    for bad in ("abc", "-1", "１２", "99999999999999999999"):
        response = staff.get(f"/admin/cadres?number={bad}")
        assert response.status_code == 200
        assert "The cadre number must be digits only." in response.get_data(as_text=True)


def test_search_by_name_matches_part_of_the_name(staff, session):
    small_roster(session)
    assert numbers_on(staff.get("/admin/cadres?name=建").get_data(as_text=True)) == [1001, 1003]
    assert numbers_on(staff.get("/admin/cadres?name=李").get_data(as_text=True)) == [1002]
    assert numbers_on(staff.get("/admin/cadres?name=%25").get_data(as_text=True)) == []


def test_search_by_township_and_village(staff, session):
    r = small_roster(session)
    xj = r.townships["许家湖镇"].id
    assert numbers_on(staff.get(f"/admin/cadres?township={xj}").get_data(as_text=True)) == [1003, 1004]
    assert numbers_on(staff.get("/admin/cadres?village=关").get_data(as_text=True)) == [1002]
    both = staff.get(f"/admin/cadres?township={xj}&village=东").get_data(as_text=True)
    assert numbers_on(both) == [1003]


def test_a_search_without_results_says_so(staff, session):
    small_roster(session)
    assert "No cadre matches." in staff.get("/admin/cadres?name=不存在").get_data(as_text=True)


def test_paging_walks_the_roster_without_gaps_or_repeats(staff, session, app):
    app.config["ROSTER_PAGE_SIZE"] = 10
    many_cadres(session, 25)
    pages = [numbers_on(staff.get(f"/admin/cadres?page={p}").get_data(as_text=True)) for p in (1, 2, 3)]
    assert pages[0] == list(range(1, 11)) and pages[1] == list(range(11, 21))
    assert pages[2] == list(range(21, 26))  # the last page is short
    html = staff.get("/admin/cadres?page=2").get_data(as_text=True)
    assert "page 2 of 3" in html and 'rel="next"' in html and 'rel="prev"' in html


def test_paging_keeps_the_filters(staff, session, app):
    app.config["ROSTER_PAGE_SIZE"] = 3
    many_cadres(session, 25)
    html = staff.get("/admin/cadres?name=%E5%B9%B2%E9%83%A8001").get_data(as_text=True)  # 干部001
    assert numbers_on(html) == [10, 11, 12] and "page 1 of 4" in html
    nxt = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "name=" in nxt and "page=2" in nxt
    assert numbers_on(staff.get(nxt).get_data(as_text=True)) == [13, 14, 15]


@pytest.mark.parametrize("page", ["4", "999", "0", "-3", "x", "99999999999999999999999"])
def test_a_page_out_of_range_is_clamped_not_an_error(staff, session, app, page):
    app.config["ROSTER_PAGE_SIZE"] = 10
    many_cadres(session, 25)
    response = staff.get(f"/admin/cadres?page={page}")
    assert response.status_code == 200
    shown = numbers_on(response.get_data(as_text=True))
    assert shown in (list(range(21, 26)), list(range(1, 11)))


def test_the_households_list_searches_by_name_village_and_cadre(staff, session):
    small_roster(session)
    html = staff.get("/admin/households").get_data(as_text=True)
    assert household_codes_on(html) == [f"H000{i}" for i in range(1, 8)]
    assert "13912340001" in html  # full phone numbers: staff only
    assert household_codes_on(staff.get("/admin/households?name=王秀").get_data(as_text=True)) == ["H0007"]
    assert household_codes_on(staff.get("/admin/households?name=王秀英").get_data(as_text=True)) == ["H0007"]
    assert household_codes_on(staff.get("/admin/households?name=秀").get_data(as_text=True)) == []
    assert household_codes_on(staff.get("/admin/households?village=西关").get_data(as_text=True)) == \
        ["H0004", "H0005"]
    assert household_codes_on(staff.get("/admin/households?cadre=1003").get_data(as_text=True)) == \
        ["H0006", "H0007"]
    assert household_codes_on(staff.get("/admin/households?cadre=1003&name=郑").get_data(as_text=True)) == \
        ["H0006"]


def test_a_household_name_prefix_matches_only_names_that_begin_with_it(session):
    """The index-backed prefix range must not leak neighbours (王 vs 王一, 汪) nor wildcards."""
    r = small_roster(session)
    from tests.helpers_roster import make_household
    cadre = r.cadres[1001]
    for code, name in (("X1", "王"), ("X2", "王一"), ("X3", "汪秀"), ("X4", "王_x"), ("X5", "玊")):
        make_household(session, cadre, code, name, "")
    session.commit()

    def codes(prefix: str) -> list[str]:
        page = rq.search_households(session, rq.HouseholdFilter(name=prefix), 1, 50)
        return [row.household.code for row in page.items]

    assert codes("王") == ["H0007", "X1", "X2", "X4"]
    assert codes("王一") == ["X2"]
    assert codes("王_") == ["X4"]
    assert codes("%") == []


def test_the_households_list_pages(staff, session, app):
    app.config["ROSTER_PAGE_SIZE"] = 10
    many_cadres(session, 25)
    first = household_codes_on(staff.get("/admin/households").get_data(as_text=True))
    last = household_codes_on(staff.get("/admin/households?page=3").get_data(as_text=True))
    assert len(first) == 10 and len(last) == 5 and set(first).isdisjoint(last)
    assert staff.get("/admin/households?page=50").status_code == 200
    assert "digits only" in staff.get("/admin/households?cadre=x").get_data(as_text=True)


def test_the_cadre_page_shows_households_with_phones_and_their_demands(staff, session):
    small_roster(session)
    html = staff.get("/admin/cadres/1001").get_data(as_text=True)
    assert "张建国" in html and "东风村" in html and "城关街道" in html
    for name, phone in (("刘大海", "13912340001"), ("陈桂英", "13912340002"), ("孙德胜", "13912340003")):
        assert name in html and phone in html
    assert "周玉梅" not in html  # another cadre's household
    assert "村东路灯不亮" in html and "已更换路灯12盏" in html and "Village level" in html
    assert "希望修缮村卫生室" in html
    assert html.count('class="badge badge-resolved"') == 1 and html.count('class="badge badge-open"') == 1


def test_a_cadre_without_households_has_a_page_too(staff, session):
    small_roster(session)
    html = staff.get("/admin/cadres/1004").get_data(as_text=True)
    assert "赵书记" in html and "This cadre has no contact households." in html


def test_an_unknown_cadre_number_is_404(staff, session):
    small_roster(session)
    assert staff.get("/admin/cadres/4242").status_code == 404
    assert staff.get("/admin/cadres/99999999999999999999").status_code == 404


def test_the_queries_do_not_load_relationships_row_by_row(session):
    """The page is cut before joining and counts come per page: the statement count is fixed."""
    import sqlalchemy as sa

    many_cadres(session, 30)
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, ...)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        session.expunge_all()
        page = rq.search_households(session, rq.HouseholdFilter(), 1, 20)
        for row in page.items:  # touching what the template touches must not query
            _ = (row.household.cadre.number, row.household.village.township.name)
        cadres = rq.search_cadres(session, rq.CadreFilter(), 1, 20)
        for row in cadres.items:
            _ = (row.cadre.township.name, row.cadre.village.name)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert len(page.items) == 20 and len(cadres.items) == 20
    assert len(statements) <= 10, statements

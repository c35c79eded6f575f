"""Small factories that put a grid, cadres, households, demands and staff users straight into
the database with the models (no import service involved), for the admin page tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy.orm as so
from flask.testing import FlaskClient

from meeting.models import Cadre, Demand, Household, Township, User, Village, WorkArea
from meeting.services.setup.moderators import assign_moderator


@dataclass
class SmallRoster:
    """What small_roster() created, by name, for assertions."""

    townships: dict[str, Township] = field(default_factory=dict)
    villages: dict[str, Village] = field(default_factory=dict)
    cadres: dict[int, Cadre] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    demands: list[Demand] = field(default_factory=list)


def make_user(session: so.Session, username: str, password: str = "secret-pass",
              role: str = "admin", display_name: str = "", moderates: tuple[int, ...] = ()) -> User:
    """A staff account with a hashed password (committed), bound as moderator to `moderates`."""
    user = User(username=username, role=role, display_name=display_name)
    user.set_password(password)
    session.add(user)
    session.commit()
    for meeting_id in moderates:
        assign_moderator(session, meeting_id, username, actor="test")
    return user


def login(client: FlaskClient, username: str, password: str = "secret-pass", **kwargs):
    """POST the log-in form; returns the response."""
    return client.post("/login", data={"username": username, "password": password, **kwargs})


def make_township(session: so.Session, code: str, name: str) -> Township:
    """A township with one work area (flushed)."""
    township = Township(code=code, name=name)
    session.add(township)
    session.add(WorkArea(code=f"{code}-W1", name=f"{name}第一工作片", township=township))
    session.flush()
    return township


def make_village(session: so.Session, township: Township, code: str, name: str) -> Village:
    """A village in the township's first work area (flushed)."""
    village = Village(code=code, name=name, work_area=township.work_areas[0], township=township)
    session.add(village)
    session.flush()
    return village


def make_cadre(session: so.Session, number: int, name: str, village: Village | None = None,
               township: Township | None = None, rank: str = "cadre",
               position: str = "包村干部", phone: str = "") -> Cadre:
    """A cadre in a village (or only a township, for leaders) (flushed)."""
    cadre = Cadre(number=number, name=name, village=village, rank=rank, position=position,
                  township=township or (village.township if village else None), phone=phone,
                  unit="县直单位")
    session.add(cadre)
    session.flush()
    return cadre


def make_household(session: so.Session, cadre: Cadre, code: str, name: str, phone: str,
                   village: Village | None = None) -> Household:
    """A contact household of the cadre (flushed)."""
    household = Household(code=code, name=name, phone=phone, cadre=cadre,
                          village=village or cadre.village)
    session.add(household)
    session.flush()
    return household


def make_demand(session: so.Session, household: Household, text: str, status: str = "open",
                level: str | None = None, answer: str = "") -> Demand:
    """A demand of the household (flushed)."""
    demand = Demand(household=household, text=text, status=status, level=level,
                    public_answer=answer, category="民生", raised_on=dt.date(2024, 3, 5),
                    resolved_on=dt.date(2024, 4, 1) if status == "resolved" else None)
    session.add(demand)
    session.flush()
    return demand


def small_roster(session: so.Session) -> SmallRoster:
    """Two townships, three villages, four cadres (one a county leader without a village),
    two or three households each, a few demands. Committed."""
    r = SmallRoster()
    r.townships["城关街道"] = cg = make_township(session, "T01", "城关街道")
    r.townships["许家湖镇"] = xj = make_township(session, "T02", "许家湖镇")
    r.villages["东风村"] = dongfeng = make_village(session, cg, "V001", "东风村")
    r.villages["西关村"] = xiguan = make_village(session, cg, "V002", "西关村")
    r.villages["湖东村"] = hudong = make_village(session, xj, "V003", "湖东村")
    r.cadres[1001] = zhang = make_cadre(session, 1001, "张建国", dongfeng, phone="13800001001")
    r.cadres[1002] = li = make_cadre(session, 1002, "李秀兰", xiguan, phone="13800001002")
    r.cadres[1003] = wang = make_cadre(session, 1003, "王建军", hudong, phone="13800001003")
    r.cadres[1004] = make_cadre(session, 1004, "赵书记", None, township=xj, rank="county_leader",
                                position="县委书记")
    for cadre, rows in ((zhang, [("H0001", "刘大海", "13912340001"), ("H0002", "陈桂英", "13912340002"),
                                 ("H0003", "孙德胜", "13912340003")]),
                        (li, [("H0004", "周玉梅", "13912340004"), ("H0005", "吴建华", "13912340005")]),
                        (wang, [("H0006", "郑春生", "13912340006"), ("H0007", "王秀英", "13912340007")])):
        for code, name, phone in rows:
            r.households[code] = make_household(session, cadre, code, name, phone)
    r.demands.append(make_demand(session, r.households["H0001"], "村东路灯不亮，晚上出行不便",
                                 status="resolved", level="village", answer="已更换路灯12盏"))
    r.demands.append(make_demand(session, r.households["H0001"], "希望修缮村卫生室"))
    r.demands.append(make_demand(session, r.households["H0004"], "灌溉水渠堵塞", status="resolved",
                                 level="township", answer="镇水利站已清淤"))
    session.commit()
    return r


def many_cadres(session: so.Session, count: int, start: int = 1) -> list[Cadre]:
    """`count` cadres numbered from `start` in one village, each with one household. Committed."""
    township = make_township(session, "TP", "测试镇")
    village = make_village(session, township, "VP", "测试村")
    cadres = []
    for i in range(start, start + count):
        cadre = Cadre(number=i, name=f"干部{i:04d}", village=village, township=township)
        cadres.append(cadre)
        session.add(cadre)
        session.add(Household(code=f"HP{i:05d}", name=f"农户{i:04d}", phone="", cadre=cadre,
                              village=village))
    session.commit()
    return cadres

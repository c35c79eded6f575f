"""A small county for the echo wall tests: one township, two villages, demands public and private, cases."""
from __future__ import annotations

import datetime as dt

from meeting.models import Cadre, Decision, Demand, Household, Meeting, Round, Township, Village, WorkArea
from meeting.services import followup

DECIDED_AT = dt.datetime(2026, 3, 24, 2, 0)  # 10:00 in Beijing on the meeting day
RECTIFY = {"items": ["卫生室补齐常用药"], "deadline": "2026-05-31", "responsible": "孙兆龙", "note": ""}
PRIVATE_TEXT = "家中老人看病费用困难请求救助"


def build_county(session) -> dict:
    """泉庄镇 (T05): 磨石沟村 with 王小明 (a public demand in a case), 欧阳春花 (a private demand),
    李大山 (a resolved demand); 北山村 with 张卫国. Cases: 2026-03-24-R2-01 on 王小明's demand."""
    t = Township(code="T05", name="泉庄镇")
    w = WorkArea(code="W050", name="泉庄第一片", township=t)
    v1 = Village(code="V0501", name="磨石沟村", work_area=w, township=t)
    v2 = Village(code="V0502", name="北山村", work_area=w, township=t)
    cadre = Cadre(number=88, name="孙兆龙", position="党委书记", unit="泉庄镇党委", rank="township_leader", township=t)
    wang = Household(code="H0501", name="王小明", village=v1, cadre=cadre, phone="17012345678")
    ouyang = Household(code="H0502", name="欧阳春花", village=v1, cadre=cadre, phone="17087654321")
    li = Household(code="H0503", name="李大山", village=v1, cadre=cadre, phone="")
    zhang = Household(code="H0504", name="张卫国", village=v2, cadre=cadre, phone="")
    road = Demand(household=wang, text="村卫生室缺常用药", category="医疗", status="open")
    secret = Demand(household=ouyang, text=PRIVATE_TEXT, category="民政", status="resolved", level="township",
                    public_answer="已协调临时救助", private=True)
    lamp = Demand(household=li, text="路灯不亮", category="基础设施", status="resolved", level="village",
                  public_answer="已更换路灯")
    well = Demand(household=zhang, text="机井需要维修", status="open")
    meeting = Meeting(title="现场直播调查大会", date=dt.date(2026, 3, 24))
    session.add_all([t, w, v1, v2, cadre, wang, ouyang, li, zhang, road, secret, lamp, well, meeting])
    session.flush()
    rnd = Round(meeting_id=meeting.id, number=2, cadre_id=cadre.id, stage="decided")
    session.add(rnd)
    session.flush()
    decision = Decision(round_id=rnd.id, kind="rectification", detail=RECTIFY, actor="moderator",
                        created_at=DECIDED_AT)
    session.add(decision)
    session.commit()
    case = followup.create_case_from_decision(session, decision.id, actor="moderator:赵主持", now=DECIDED_AT,
                                              household_ids=[wang.id, ouyang.id], demand_ids=[road.id])
    return {"case": case.code, "township": t, "villages": (v1, v2), "demands": (road, secret, lamp, well)}

"""Builders shared by the draw and verifier tests: a small roster and a complete demo meeting."""
from __future__ import annotations

from typing import Any

from meeting.errors import Conflict
from meeting.models import Cadre, Household, Meeting, Township, Village, WorkArea
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from meeting.services.live.actions import perform

SEED = "5eed" * 16
TOWNSHIPS = (("T01", "沂城街道"), ("T02", "泉庄镇"), ("T03", "许家湖镇"))
RANK_CYCLE = ("county_leader", "township_leader", "department_head", "cadre", "cadre")


def household_name(i: int, h: int) -> str:
    return f"王{'一二三四五六七八九十'[h % 10]}户{i}"


def household_phone(i: int, h: int) -> str:
    return f"139{i:04d}{h:04d}"


def build_roster(session, cadres: int = 45) -> None:
    """`cadres` cadres numbered 101.., spread over three townships, 3–6 households each."""
    villages = []
    for code, name in TOWNSHIPS:
        township = Township(code=code, name=name)
        area = WorkArea(code=f"W{code}", name=f"{name}一片", township=township)
        villages.append(Village(code=f"V{code}", name=f"{name}东村", work_area=area, township=township))
    session.add_all(villages)
    session.flush()
    for i in range(1, cadres + 1):
        village = villages[i % 3]
        cadre = Cadre(number=100 + i, name=f"干部{i}", rank=RANK_CYCLE[i % 5], township_id=village.township_id,
                      village=village, phone=f"1380000{i:04d}")
        session.add(cadre)
        for h in range(3 + i % 4):
            session.add(Household(code=f"H{i:03d}-{h}", name=household_name(i, h), village=village,
                                  phone=household_phone(i, h), cadre=cadre))
    session.commit()


def new_meeting(session, title: str = "2026年干部联系群众工作现场直播调查大会", **kwargs: Any) -> int:
    meeting = Meeting(title=title, **kwargs)
    session.add(meeting)
    session.commit()
    return meeting.id


def run_demo_meeting(session, plan: dict | None = None, draws: int = 5, skip: tuple[int, ...] = (2,),
                     households: int = 2, entropy: Any = (("骰子", "3 5 1 6 2 4 6 1"), ("体彩", "07 12 33")),
                     exclusions: tuple = ({"number": 103, "reason": "病假"},), reveal: bool = True) -> int:
    """A whole meeting: freeze, commit, start, entropy, draws (with skips), household picks, reveal."""
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, plan or {"kind": "whole", "draws": draws}, list(exclusions), "organiser")
    draw_seed.commit_seed(session, mid, "organiser", seed_factory=lambda: SEED)
    perform(session, mid, "start_meeting", {}, "moderator")  # live entropy comes after the start (§7)
    draw_seed.enter_entropy(session, mid, list(entropy) if not isinstance(entropy, str) else entropy, "moderator")
    number = 1
    while True:
        try:
            result = draw_steps.draw_next(session, mid, "moderator", expected_draw=number)
        except Conflict:
            break
        if number in skip:
            draw_steps.skip_drawn(session, mid, number, "other", "moderator", text="缺席(出差)")
        elif households:
            draw_steps.pick_households(session, mid, count=households, actor="moderator",
                                         cadre_number=result.cadre_number)
        number += 1
    if reveal:
        draw_seed.reveal_seed(session, mid, "organiser")
    return mid

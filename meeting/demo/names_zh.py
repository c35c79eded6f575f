"""Built-in Chinese tables for the demo roster: names, places, units and positions.

Plain data, no randomness: meeting.demo.generator draws from these with its own seeded Random.
"""
from __future__ import annotations

# (name, kind, weight): Yishui's 18 townships/streets and 2 zones. Weights are rough village
# counts; the generator apportions work areas, villages and cadres by them.
TOWNSHIPS: tuple[tuple[str, str, int], ...] = (
    ("沂城街道", "township", 62), ("龙家圈街道", "township", 58), ("许家湖镇", "township", 66),
    ("黄山铺镇", "township", 54), ("诸葛镇", "township", 68), ("崔家峪镇", "township", 57),
    ("四十里堡镇", "township", 60), ("杨庄镇", "township", 63), ("夏蔚镇", "township", 64),
    ("沙沟镇", "township", 52), ("高庄镇", "township", 61), ("高桥镇", "township", 53),
    ("富官庄镇", "township", 58), ("道托镇", "township", 47), ("马站镇", "township", 55),
    ("院东头镇", "township", 50), ("泉庄镇", "township", 49), ("圈里乡", "township", 33),
    ("沂水经济开发区", "zone", 18), ("沂蒙风情旅游景区", "zone", 12),
)

# Common surnames with rough weights (per mille), Shandong-flavoured.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 92), ("张", 80), ("李", 78), ("刘", 62), ("陈", 30), ("杨", 28), ("赵", 26),
    ("孙", 25), ("高", 22), ("徐", 20), ("马", 18), ("于", 17), ("宋", 15), ("朱", 14),
    ("胡", 12), ("郭", 12), ("韩", 11), ("周", 11), ("吴", 10), ("许", 10), ("武", 9),
    ("崔", 9), ("魏", 8), ("杜", 8), ("姜", 8), ("段", 7), ("田", 7), ("董", 7), ("袁", 7),
    ("薛", 6), ("梁", 6), ("石", 6), ("林", 6), ("郑", 6), ("黄", 6), ("何", 5), ("曹", 5),
    ("岳", 5), ("葛", 5), ("冯", 5), ("邵", 4), ("吕", 4), ("贾", 4), ("彭", 4), ("唐", 4),
    ("程", 4), ("范", 4), ("沈", 3), ("侯", 3), ("尹", 3), ("孟", 3), ("秦", 3), ("庞", 3),
    ("谢", 3), ("苏", 3), ("潘", 3), ("卢", 3), ("蒋", 2), ("丁", 2), ("耿", 2), ("诸葛", 1),
)

# Characters for given names; the generator picks one or two.
GIVEN_MALE = tuple("建国明军伟强磊涛勇峰刚杰斌波宏海鹏志华庆东平春德文兆龙永昌立新学成福祥贵金山树林洪良玉")
GIVEN_FEMALE = tuple("秀英兰芳丽敏静霞红梅玲燕凤娟桂珍翠萍艳琴云华美荣爱莲淑芬春慧洁")

# Village names: [direction] + root + suffix (+ 村). Roots are surnames and landscape words.
VILLAGE_PREFIXES = ("", "", "", "", "东", "西", "南", "北", "前", "后", "上", "下", "大", "小")
VILLAGE_ROOTS = (
    "王家", "张家", "李家", "刘家", "赵家", "孙家", "高家", "徐家", "马家", "于家", "宋家",
    "岳", "葛", "许", "韩", "崔", "武", "姚", "石", "杨", "柳", "杏", "桃", "梨", "枣", "松",
    "柏", "槐", "黄土", "红石", "青山", "白沙", "双河", "长岭", "龙泉", "凤凰", "磨石",
    "青龙", "卧虎", "官", "店", "梭庄", "泉", "沂", "汶", "姜家", "邵家", "诸葛", "田家",
)
VILLAGE_SUFFIXES = ("庄", "村", "峪", "岭", "沟", "埠", "疃", "坡", "河", "湖", "崖", "旺",
                    "官庄", "店子", "洼", "泉", "山")

# County departments (县直部门) whose heads and staff are cadres too.
DEPARTMENTS = (
    "县委办公室", "县政府办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委",
    "县纪委监察局", "县人大常委会办公室", "县政协办公室", "县发展和改革局", "县教育和体育局",
    "县科学技术局", "县公安局", "县民政局", "县司法局", "县财政局", "县人力资源和社会保障局",
    "县国土资源局", "县环境保护局", "县住房和城乡建设局", "县交通运输局", "县水利局",
    "县农业局", "县林业局", "县畜牧局", "县商务局", "县文化广电新闻出版局", "县卫生局",
    "县人口和计划生育局", "县审计局", "县安全生产监督管理局", "县统计局", "县物价局",
    "县食品药品监督管理局", "县工商行政管理局", "县质量技术监督局", "县信访局", "县扶贫办",
    "县供销合作社", "县农机局", "县城市管理局", "县旅游局", "县粮食局", "县供电公司",
)

COUNTY_LEADER_POSITIONS = (
    ("县委书记", "沂水县委"), ("县长", "沂水县人民政府"), ("县委副书记", "沂水县委"),
    ("县人大常委会主任", "沂水县人大常委会"), ("县政协主席", "沂水县政协"),
    ("常务副县长", "沂水县人民政府"), ("县委常委、组织部部长", "沂水县委"),
    ("县委常委、纪委书记", "沂水县委"), ("县委常委、宣传部部长", "沂水县委"),
    ("县委常委、政法委书记", "沂水县委"), ("副县长", "沂水县人民政府"),
)
DEPARTMENT_STAFF_POSITIONS = ("科员", "科员", "科员", "股长", "副科长", "科长", "副局长", "主任科员")

# Township leadership, in order of precedence; the head's title depends on the kind of unit.
TOWNSHIP_LEADER_POSITIONS = ("党委书记", "{head}", "党委副书记", "人大主席", "纪委书记",
                             "组织委员", "宣传委员", "武装部长", "副{head}")
ZONE_LEADER_POSITIONS = ("党工委书记", "管委会主任", "党工委副书记", "纪工委书记", "管委会副主任")
TOWNSHIP_STAFF_POSITIONS = (
    "包村干部", "包村干部", "包村干部", "包村干部", "工作片片长", "党政办科员", "经管站站长",
    "民政所所长", "财政所科员", "农业综合服务中心主任", "计生办主任", "司法所所长",
    "派出所民警", "国土资源所所长", "水利站站长", "文化站站长", "卫生院院长",
)


def township_head_title(name: str) -> str:
    """镇长 / 乡长 / 办事处主任, from the name's ending."""
    if name.endswith("街道"):
        return "办事处主任"
    if name.endswith("乡"):
        return "乡长"
    return "镇长"


def township_unit(name: str, kind: str) -> str:
    """The cadre's work unit inside a township: the party committee / government / zone office."""
    if kind == "zone":
        return f"{name}管委会"
    if name.endswith("街道"):
        return f"{name}办事处"
    return f"{name}人民政府"

"""``campusgate demo``: one year of the Hebi cycle on a fresh SQLite database.

The story runs on fixed dates (each service gets its ``today``), so it comes out the same
whatever the real date is:

* 2026-11: the city's bureaus and two counties apply for the 2027 whitelist; the education
  bureau reviews, returns one application (amended and reviewed again), one is withdrawn;
* 2026-12-18: the leadership-group secretariats file within the quotas; one county application
  does not fit its quota and stays reviewed;
* 2027-01-02: the 2027 whitelists are published;
* 2027: problem clues from the hotline, the mailbox, schools and teachers go onto the
  rectification ledger and are closed (销号), extended, revoked as duplicates or left open;
  a flood-season emergency item is ratified by the province and added within the quota;
* 2027-12-25: the year-end evaluation; one item is suspended for rectification, with a linked
  ledger item.

Then it prints the city's 2027 whitelist, the ledger and a summary, and verifies the audit chain.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from campusgate import migrations
from campusgate.models import Database, User
from campusgate.workflow import audit, items, org
from campusgate.workflow.errors import CampusgateError
from campusgate.workflow.items import Params
from campusgate.workflow.kinds import BASIS_KINDS, FILING_PRIORITY, STATES
from campusgate.workflow.messages import label

YEAR = 2027
PROVINCE, CITY = "河南省", "鹤壁市"
QIBIN, XUNXIAN = "淇滨区", "浚县"

# who acts (see hebi.toml)
ADMIN = "zhang.jian"  # province admin
CITY_ADMIN = "tian.yu"
PROVINCE_APPROVER = "he.jun"
CITY_REVIEWER, CITY_REVIEWER_2 = "wang.fang", "liu.yang"
CITY_FILER, CITY_PUBLISHER = "zhao.lei", "qian.min"
BUREAU_OFFICER = "qin.lan"  # 市教体局: responsible for the school-side rectifications

D = date.fromisoformat

#: Quotas (total quantity control): jurisdiction, max items, per-school max.
QUOTAS = ((CITY, 8, 6), (QIBIN, 3, 6), (XUNXIAN, 3, 6))

#: The applications for the 2027 whitelist: (key, applicant, date applied, fields).
APPLICATIONS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "fire",
        "ma.chao",
        "2026-11-10",
        {
            "department": "市消防救援支队",
            "title": "消防安全教育进校园",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国消防法》", "《社会消防安全教育培训规定》"],
            "lead_units": ["市消防救援支队", "市教体局"],
            "schedule": "每年1-2次（11月9日全国消防日前后）",
            "manner": "专题讲座、疏散演练",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "消防安全知识讲座；火灾逃生疏散演练；消防器材使用示范。",
        },
    ),
    (
        "drowning",
        "guo.qing",
        "2026-11-10",
        {
            "department": "市应急管理局",
            "title": "防溺水安全教育",
            "basis_kind": "joint",
            "basis_docs": ["《教育部等部门关于做好预防中小学生溺水工作的通知》"],
            "lead_units": ["市应急管理局", "市教体局"],
            "schedule": "每月1次",
            "manner": "入校宣讲、组织学生签订安全承诺书",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "防溺水“六不”安全常识；暑期前重点提醒。",
        },
    ),
    (
        "drugs",
        "sun.hao",
        "2026-11-10",
        {
            "department": "市公安局",
            "title": "禁毒预防教育",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国禁毒法》", "《全国青少年毒品预防教育规划》"],
            "lead_units": ["市公安局", "市禁毒委员会办公室"],
            "schedule": "每年1次（6月26日国际禁毒日前后）",
            "manner": "禁毒知识讲座、展板巡展",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "毒品危害与预防知识；识别新型毒品。",
        },
    ),
    (
        "health",
        "li.na",
        "2026-11-10",
        {
            "department": "市卫健委",
            "title": "学生健康体检和常见病防治",
            "basis_kind": "law",
            "basis_docs": ["《学校卫生工作条例》", "《中小学生健康体检管理办法》"],
            "lead_units": ["市卫健委", "市疾病预防控制中心"],
            "schedule": "每年1次（9-10月）",
            "manner": "专业机构入校体检、健康讲座",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "学生健康体检；近视、肥胖、脊柱弯曲异常等常见病筛查与防治宣传。",
        },
    ),
    (
        "law_vp",
        "lin.xue",
        "2026-11-11",
        {
            "department": "市司法局",
            "title": "法治副校长进校园",
            "basis_kind": "joint",
            "basis_docs": ["《中小学法治副校长聘任与管理办法》"],
            "lead_units": ["市司法局", "市公安局", "市人民法院", "市人民检察院"],
            "schedule": "每学期不少于1次",
            "manner": "法治课、法治讲座",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "法治副校长上法治课；预防未成年人犯罪和学生欺凌防治。",
        },
    ),
    (
        "fraud",
        "sun.hao",
        "2026-11-11",
        {
            "department": "市公安局",
            "title": "反电信网络诈骗宣传进校园",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国反电信网络诈骗法》"],
            "lead_units": ["市公安局"],
            "schedule": "2027年3-4月、9-10月",
            "manner": "反诈讲座、致家长的一封信",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "电信网络诈骗防范知识；校园贷、刷单返利等常见骗局识别。",
        },
    ),
    (
        "aids",
        "chen.jing",
        "2026-11-12",
        {
            "department": "市卫健委",
            "title": "防艾滋病宣传教育",
            "basis_kind": "unified",
            "basis_docs": ["《中国遏制与防治艾滋病规划（2024—2030年）》"],
            "lead_units": ["市卫健委", "市教体局"],
            "schedule": "每年1次（12月1日世界艾滋病日前后）",
            "manner": "青春期健康教育讲座",
            "scope": "全市普通高中、中等职业学校",
            "place": "各高中、中职学校",
            "content": "艾滋病防治知识；青春期健康教育。",
        },
    ),
    (
        "civility",
        "xu.ming",
        "2026-11-12",
        {
            "department": "市文明办",
            "title": "文明城市创建“小手拉大手”宣传",
            "basis_kind": "unified",
            "basis_docs": ["《鹤壁市全国文明城市创建工作实施方案》"],
            "lead_units": ["市文明办"],
            "schedule": "2027年4-5月",
            "manner": "主题班会、绘画征集",
            "scope": "全市中小学",
            "place": "各中小学校",
            "content": "文明城市创建知识宣传，学生带动家庭参与文明实践。",
        },
    ),
    (
        "traffic",
        "han.bing",
        "2026-11-10",
        {
            "department": "淇滨区公安分局",
            "title": "交通安全宣传教育",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国道路交通安全法》"],
            "lead_units": ["淇滨区公安分局交警大队"],
            "schedule": "每学期1次",
            "manner": "交通安全讲座、情景模拟",
            "scope": "淇滨区中小学",
            "place": "各中小学校",
            "content": "道路交通安全常识；上下学途中安全。",
        },
    ),
    (
        "quake",
        "cao.yan",
        "2026-11-10",
        {
            "department": "淇滨区应急管理局",
            "title": "地震应急疏散演练",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国防震减灾法》"],
            "lead_units": ["淇滨区应急管理局"],
            "schedule": "每年1次（5月12日防灾减灾日前后）",
            "manner": "应急疏散演练",
            "scope": "淇滨区中小学、幼儿园",
            "place": "各中小学校",
            "content": "地震避险与应急疏散演练。",
        },
    ),
    (
        "eyes",
        "zhou.qiang",
        "2026-11-11",
        {
            "department": "淇滨区卫健委",
            "title": "学生视力筛查与近视防控宣传",
            "basis_kind": "joint",
            "basis_docs": ["《综合防控儿童青少年近视实施方案》"],
            "lead_units": ["淇滨区卫健委"],
            "schedule": "每学期1次",
            "manner": "视力筛查、健康讲座",
            "scope": "淇滨区中小学",
            "place": "各中小学校",
            "content": "学生视力筛查，建立视力健康档案；近视防控知识宣传。",
        },
    ),
    (
        "sanitary",
        "feng.jie",
        "2026-11-13",
        {
            "department": "淇滨区爱卫办",
            "title": "国家卫生城市复审问卷调查进校园",
            "basis_kind": "unified",
            "basis_docs": ["《国家卫生城市和国家卫生县标准》"],
            "lead_units": ["淇滨区爱卫办"],
            "schedule": "2027年5月",
            "manner": "问卷调查",
            "scope": "淇滨区中小学",
            "place": "各中小学校",
            "content": "卫生城市创建知晓率、满意度问卷调查。",
        },
    ),
    (
        "food",
        "jiang.hong",
        "2026-11-10",
        {
            "department": "浚县市场监管局",
            "title": "校园食品安全宣传",
            "basis_kind": "law",
            "basis_docs": [
                "《中华人民共和国食品安全法》",
                "《学校食品安全与营养健康管理规定》",
            ],
            "lead_units": ["浚县市场监管局"],
            "schedule": "每年1次（9月）",
            "manner": "食品安全讲座、食堂开放日",
            "scope": "浚县中小学",
            "place": "各中小学校",
            "content": "食品安全常识；拒绝“三无”食品。",
        },
    ),
    (
        "bullying",
        "yang.bo",
        "2026-11-11",
        {
            "department": "浚县公安局",
            "title": "预防未成年人犯罪和学生欺凌宣传",
            "basis_kind": "law",
            "basis_docs": ["《中华人民共和国预防未成年人犯罪法》"],
            "lead_units": ["浚县公安局"],
            "schedule": "每年1次",
            "manner": "法治讲座",
            "scope": "浚县中小学",
            "place": "各中小学校",
            "content": "预防未成年人犯罪；学生欺凌的识别与求助。",
        },
    ),
)

#: The flood-season emergency item, applied for during the year itself.
EMERGENCY: dict[str, Any] = {
    "department": "市应急管理局",
    "title": "汛期防汛避险安全教育",
    "basis_kind": "emergency",
    "basis_docs": [
        "《中华人民共和国防洪法》",
        "《河南省防汛抗旱指挥部关于做好主汛期防汛工作的紧急通知》",
    ],
    "lead_units": ["市应急管理局", "市水利局"],
    "schedule": "2027年6月下旬（主汛期前，1次）",
    "manner": "安全教育平台推送、致家长的一封信",
    "scope": "全市中小学",
    "place": "线上",
    "content": "汛期防溺水、防雷电、防地质灾害避险常识。",
}

#: Who reviews, and who files and publishes, per jurisdiction.
OFFICERS = {
    CITY: (CITY_REVIEWER, CITY_FILER, CITY_PUBLISHER),
    QIBIN: ("wu.min", "zheng.hua", "zheng.hua"),
    XUNXIAN: ("xie.ting", "du.wei", "du.wei"),
}


class Story:
    """The demo's database and what happened, for the summary."""

    def __init__(self, db: Database, lang: str) -> None:
        self.db = db
        self.lang = lang
        self.ids: dict[str, int] = {}
        #: rules that said no on the way: (what was tried, the message)
        self.refusals: list[dict[str, Any]] = []

    def fire(
        self, login: str, key_or_id: str | int, trigger: str, day: str, **params: Any
    ) -> dict[str, Any]:
        item_id = self.ids[key_or_id] if isinstance(key_or_id, str) else key_or_id
        return items.fire(self.db, login, item_id, trigger, Params(**params), today=D(day))

    def refused(self, login: str, key: str, trigger: str, day: str, **params: Any) -> None:
        """Fire a trigger that a rule is expected to refuse, and keep the refusal."""
        try:
            self.fire(login, key, trigger, day, **params)
        except CampusgateError as exc:
            self.refusals.append(
                {
                    "id": self.ids[key],
                    "trigger": trigger,
                    "actor": login,
                    "date": day,
                    "code": exc.code,
                    "exit": exc.exit_code,
                    "message": exc.message(self.lang),
                }
            )
        else:  # pragma: no cover - the story is fixed
            raise AssertionError(f"{trigger} on {key} was expected to be refused")

    def clue(self, key: str, day: str, login: str, **fields: Any) -> int:
        view = items.add_clue(self.db, login, today=D(day), **fields)
        self.ids[key] = int(view["id"])
        return self.ids[key]

    def ledger(
        self, key: str, login: str, day: str, standard: str, deadline: str, owner: str
    ) -> None:
        """Verify a clue (核实) and put it on the ledger with standard, deadline, owner."""
        self.fire(login, key, "review", day)
        self.fire(login, key, "file", day, standard=standard, deadline=deadline, owner=owner)


# --------------------------------------------------------------------------- the year


def _organisation(story: Story) -> None:
    org.load(story.db, ADMIN, _org_file())
    for jurisdiction, maximum, per_school in QUOTAS:
        org.set_quota(
            story.db,
            CITY_ADMIN,
            jurisdiction=jurisdiction,
            year=YEAR,
            max_items=maximum,
            per_school_max=per_school,
        )


def _applications(story: Story) -> None:
    for key, login, day, fields in APPLICATIONS:
        view = items.apply(story.db, login, year=YEAR, today=D(day), **fields)
        story.ids[key] = int(view["id"])


def _year_end_review(story: Story) -> None:
    """November-December 2026: review, return and amend, withdraw, file within the quota."""
    db = story.db
    # 市文明办 withdraws: the campaign goes into schools' regular moral education instead
    story.fire(
        "xu.ming",
        "civility",
        "revoke",
        "2026-11-18",
        reason="并入学校日常德育工作，不再单独安排进校园",
    )
    # the education bureaus review (核实准入依据)
    city = [
        k for k, _, _, f in APPLICATIONS if f["department"].startswith("市") and k != "civility"
    ]
    for n, key in enumerate(city):
        reviewer = CITY_REVIEWER if n % 2 == 0 else CITY_REVIEWER_2
        story.fire(reviewer, key, "review", "2026-11-20")
    for key in ("traffic", "quake", "eyes", "sanitary"):
        story.fire(OFFICERS[QIBIN][0], key, "review", "2026-11-21")
    for key in ("food", "bullying"):
        story.fire(OFFICERS[XUNXIAN][0], key, "review", "2026-11-21")
    # 防溺水: a visit every month and pledges collected by teachers are too much: returned
    story.fire(
        CITY_REVIEWER,
        "drowning",
        "return",
        "2026-11-23",
        reason="每月入校频次过高，且要求教师组织学生签订承诺书，增加教师负担；"
        "请按集中宣传安排调整开展时间和方式",
    )
    items.amend(
        db,
        "guo.qing",
        story.ids["drowning"],
        {"schedule": "2027年5-6月（暑假前1次）", "manner": "主题班会、致家长的一封信"},
    )
    story.fire(CITY_REVIEWER, "drowning", "review", "2026-11-26")
    # 2026-12-18: filing (集中审批、备案) in priority order: law, joint, unified; then earliest
    pending = sorted(
        (k for k, _, _, f in APPLICATIONS if k != "civility"),
        key=lambda k: (FILING_PRIORITY[_fields(k)["basis_kind"]], story.ids[k]),
    )
    for key in pending:
        jurisdiction = _jurisdiction_of(key)
        filer = OFFICERS[jurisdiction][1]
        if key == "sanitary":  # 淇滨区's quota of 3 is full: it stays reviewed
            story.refused(filer, key, "file", "2026-12-18")
            continue
        story.fire(filer, key, "file", "2026-12-18")


def _publish(story: Story) -> None:
    """2027-01-02: each level publishes its 2027 whitelist."""
    for key, _, _, _ in APPLICATIONS:
        if key in ("civility", "sanitary"):
            continue
        story.fire(OFFICERS[_jurisdiction_of(key)][2], key, "publish", "2027-01-02")


def _emergency(story: Story) -> None:
    """June 2027: a flood-season emergency item, ratified by the province, within the quota."""
    view = items.apply(story.db, "guo.qing", year=YEAR, today=D("2027-06-18"), **EMERGENCY)
    story.ids["flood"] = int(view["id"])
    story.fire(CITY_REVIEWER_2, "flood", "review", "2027-06-18")
    story.refused(CITY_FILER, "flood", "file", "2027-06-18")  # not yet ratified by 河南省
    story.fire(PROVINCE_APPROVER, "flood", "ratify", "2027-06-19")
    story.fire(CITY_FILER, "flood", "file", "2027-06-19")
    story.fire(CITY_PUBLISHER, "flood", "publish", "2027-06-19")


def _clues_spring(story: Story) -> None:
    """March-June 2027: clues from the hotline, mailbox, schools and teachers; the ledger."""
    s = story
    s.clue(
        "duty",
        "2027-03-06",
        CITY_REVIEWER,
        jurisdiction=CITY,
        source="hotline",
        aspect="duty",
        school="鹤壁市高级中学",
        reporter="教师（匿名）139****5210",
        summary="学校实行“校级领导领班、中层领导带班、一线教师值班”制度，"
        "一线教师节假日及寒暑假轮流值班",
    )
    s.ledger(
        "duty",
        CITY_REVIEWER,
        "2027-03-08",
        standard="值班制度改为“校级领导及中层值班”，日常及节假日、寒暑假均不安排一线教师值班",
        deadline="2027-03-31",
        owner=BUREAU_OFFICER,
    )
    s.clue(
        "duty_again",
        "2027-03-09",
        CITY_REVIEWER_2,
        jurisdiction=CITY,
        source="hotline",
        aspect="duty",
        school="鹤壁市高级中学",
        summary="来电反映该校寒假安排一线教师值班",
    )
    s.fire(
        CITY_REVIEWER_2,
        "duty_again",
        "revoke",
        "2027-03-09",
        reason=f"与第 {s.ids['duty']} 号线索重复，已并入处理",
    )
    s.clue(
        "seconded",
        "2027-03-12",
        CITY_REVIEWER,
        jurisdiction=CITY,
        source="teacher",
        aspect="secondment",
        summary="市属学校12名教师长期被借调至机关和其他单位，脱离教学岗位",
    )
    s.ledger(
        "seconded",
        CITY_REVIEWER,
        "2027-03-13",
        standard="市属学校外借调教师全部清退回原学校，充实到一线教育教学岗位",
        deadline="2027-06-30",
        owner=BUREAU_OFFICER,
    )
    s.clue(
        "seconded_county",
        "2027-03-15",
        "xie.ting",
        jurisdiction=XUNXIAN,
        source="school",
        aspect="secondment",
        school="浚县第一中学",
        summary="学校自查：部分教师被借调到乡镇从事非教学工作",
    )
    s.ledger(
        "seconded_county",
        "xie.ting",
        "2027-03-16",
        standard="县区外借教师全部返回原学校工作",
        deadline="2027-07-31",
        owner="xie.ting",
    )
    s.fire(
        BUREAU_OFFICER,
        "duty",
        "publish",
        "2027-03-28",
        result="已修订值班制度并公示，一线教师不再参与值班；经回访核实，销号",
    )
    s.clue(
        "river",
        "2027-05-10",
        CITY_REVIEWER_2,
        jurisdiction=CITY,
        source="teacher",
        aspect="social-affairs",
        summary="往年暑假期间有乡镇安排教师参与巡河值守",
    )
    s.ledger(
        "river",
        CITY_REVIEWER_2,
        "2027-05-11",
        standard="明令严禁安排教师参与巡河；暑期开展专项明查暗访",
        deadline="2027-08-31",
        owner="he.ping",
    )
    s.clue(
        "forms",
        "2027-06-02",
        CITY_REVIEWER,
        jurisdiction=CITY,
        source="mailbox",
        aspect="forms",
        summary="学生资助、健康、安全教育等多个平台要求教师重复填报同一学生信息",
    )
    s.ledger(
        "forms",
        CITY_REVIEWER,
        "2027-06-04",
        standard="梳理涉校填报平台，同一数据“一次采集、多方共享”，停止重复填报",
        deadline="2027-12-31",
        owner=BUREAU_OFFICER,
    )
    s.fire(
        BUREAU_OFFICER,
        "seconded",
        "publish",
        "2027-06-15",
        result="12名借调教师已于6月中旬全部返回原学校任教，销号",
    )


def _clues_autumn(story: Story) -> None:
    """July-November 2027: an extension, more clues, items closed (销号)."""
    s = story
    s.fire(
        "du.wei",
        "seconded_county",
        "extend",
        "2027-07-28",
        deadline="2027-09-30",
        reason="涉及跨部门人事调整手续，经县委教育工作领导小组同意延期至秋季开学后",
    )
    s.fire(
        CITY_REVIEWER_2,
        "river",
        "publish",
        "2027-08-30",
        result="已发文明令禁止；暑期多次专项明查暗访，未发现安排教师巡河的情况，销号",
    )
    s.clue(
        "inspections",
        "2027-09-15",
        "wu.min",
        jurisdiction=QIBIN,
        source="inspection",
        aspect="inspections",
        school="淇滨中学",
        summary="创建检查要求学校准备大量纸质台账和佐证材料",
    )
    s.ledger(
        "inspections",
        "wu.min",
        "2027-09-16",
        standard="清理涉校督查检查评比事项，不得要求学校提供纸质台账和佐证材料",
        deadline="2027-11-30",
        owner="wu.min",
    )
    s.fire(
        "xie.ting",
        "seconded_county",
        "publish",
        "2027-09-26",
        result="外借教师已全部返回原学校工作，销号",
    )
    s.clue(
        "formalism",
        "2027-10-11",
        CITY_REVIEWER,
        jurisdiction=CITY,
        source="teacher",
        aspect="formalism",
        school="鹤壁市外国语中学",
        summary="要求教师每日在工作群打卡并上传活动照片留痕",
    )
    s.ledger(
        "formalism",
        CITY_REVIEWER,
        "2027-10-12",
        standard="取消工作群打卡和照片留痕要求",
        deadline="2027-11-15",
        owner=BUREAU_OFFICER,
    )
    s.fire(
        BUREAU_OFFICER,
        "formalism",
        "publish",
        "2027-11-01",
        result="学校已取消打卡和照片留痕要求，销号",
    )
    s.fire(
        "zheng.hua",
        "inspections",
        "publish",
        "2027-11-20",
        result="已清理3项涉校检查，改为线上抽查，销号",
    )


def _evaluation(story: Story) -> None:
    """2027-12-25: the city's leadership group evaluates its 2027 items (评估)."""
    db = story.db
    day = "2027-12-25"
    for key in ("fire", "drowning", "drugs", "health", "law_vp", "aids", "flood"):
        rating = "adequate" if key == "aids" else "good"
        items.evaluate(db, CITY_FILER, story.ids[key], rating=rating, outcome="keep")
    note = "实施中要求班主任督促家长下载反诈APP并逐班统计安装率，占用教师时间，效果不佳"
    items.evaluate(db, CITY_FILER, story.ids["fraud"], rating="poor", outcome="rectify", note=note)
    # outcome rectify: suspend, and open a linked rectification item (source evaluation)
    story.fire(CITY_FILER, "fraud", "suspend", day, reason=f"年度评估：整改。{note}")
    story.clue(
        "fraud_rectify",
        day,
        CITY_REVIEWER,
        jurisdiction=CITY,
        source="evaluation",
        aspect="social-affairs",
        summary="年度评估：反电信网络诈骗宣传进校园要求教师统计家长APP安装率，增加教师负担",
        linked_item=story.ids["fraud"],
    )
    story.ledger(
        "fraud_rectify",
        CITY_REVIEWER,
        day,
        standard="改由公安机关直接面向家长宣传，不得要求教师统计安装率",
        deadline="2028-03-31",
        owner="sun.hao",
    )
    # reinstating waits for the rectification to be closed
    story.refused(CITY_FILER, "fraud", "reinstate", "2027-12-28", reason="申请恢复")


# --------------------------------------------------------------------------- entry point


def run(db_path: str | None, lang: str = "zh", quiet: bool = False) -> dict[str, Any]:
    """Build the demo database, tell the year, print it (unless quiet), return a summary."""
    path = _fresh_path(db_path)
    db = Database(str(path))
    try:
        migrations.upgrade(db)
        story = Story(db, lang)
        _organisation(story)
        _applications(story)
        _year_end_review(story)
        _publish(story)
        _clues_spring(story)
        _emergency(story)
        _clues_autumn(story)
        _evaluation(story)
        summary = _summary(story, path)
        if not quiet:
            _print(story, summary)
        return summary
    finally:
        db.dispose()


def _fresh_path(db_path: str | None) -> Path:
    if db_path is None:
        return Path(tempfile.mkdtemp(prefix="campusgate-demo-")) / "hebi.db"
    path = Path(db_path).expanduser().resolve()
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _org_file() -> Path:
    try:
        resource = resources.files("campusgate").joinpath("hebi.toml")
        if resource.is_file():
            return Path(str(resource))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parent / "hebi.toml"


def _fields(key: str) -> dict[str, Any]:
    return next(f for k, _, _, f in APPLICATIONS if k == key)


def _jurisdiction_of(key: str) -> str:
    department = _fields(key)["department"]
    if department.startswith(QIBIN):
        return QIBIN
    if department.startswith(XUNXIAN):
        return XUNXIAN
    return CITY


# --------------------------------------------------------------------------- summary, output


def _summary(story: Story, path: Path) -> dict[str, Any]:
    db = story.db
    everything = items.list_items(db, CITY_ADMIN)
    counts: dict[str, dict[str, int]] = {"whitelist": {}, "rectification": {}}
    for kind in counts:
        tally = Counter(i["state"] for i in everything if i["kind"] == kind)
        counts[kind] = {s: tally[s] for s in STATES if tally[s]}
    tally = Counter(i["basis_kind"] for i in everything if i["kind"] == "whitelist")
    basis = {k: tally[k] for k in BASIS_KINDS if tally[k]}
    city_list = [
        i["id"]
        for i in everything
        if i["kind"] == "whitelist"
        and i["jurisdiction"] == CITY
        and i["year"] == YEAR
        and i["state"] in ("published", "suspended")
    ]
    with db.read() as session:
        verdict = audit.verify(session)
    return {
        "database": str(path),
        "year": YEAR,
        "counts": counts,
        "basis_kinds": basis,
        "published": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "published"
        ],
        "city_whitelist": city_list,
        "suspended": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "suspended"
        ],
        "left_reviewed": [
            i["id"] for i in everything if i["kind"] == "whitelist" and i["state"] == "reviewed"
        ],
        "ledger": [
            i["id"]
            for i in everything
            if i["kind"] == "rectification" and i["state"] in ("filed", "published", "suspended")
        ],
        "ledger_open": [
            i["id"] for i in everything if i["kind"] == "rectification" and i["state"] == "filed"
        ],
        "quotas": org.show_quotas(db, CITY_ADMIN, year=YEAR),
        "refusals": story.refusals,
        "audit": {"ok": verdict.ok, "events": verdict.events, "first_broken": verdict.first_broken},
    }


def _h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _print(story: Story, summary: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from campusgate import render

    lang, db = story.lang, story.db
    out = render.console()
    everything = {i["id"]: i for i in items.list_items(db, CITY_ADMIN)}
    with db.read() as session:
        names = {u.login: u.name for u in session.query(User)}

    out.print(
        _h(
            lang,
            f"[bold]鹤壁市社会事务进校园白名单与教师减负整改台账 · {YEAR} 年度演示[/bold]",
            f"[bold]Hebi: campus whitelist and teacher-burden ledger, {YEAR} demo[/bold]",
        )
    )

    # the city's published whitelist
    table = Table(
        title=_h(
            lang,
            f"{CITY}{YEAR}年度社会事务进校园白名单",
            f"{CITY} whitelist of social affairs entering campus, {YEAR}",
        ),
        caption=escape(
            _h(
                lang,
                f"［应急］应急增补事项，经{PROVINCE}批准；［暂停］年度评估后暂停、整改中。"
                "监督举报电话 0392-0000000，邮箱 jianfu@example.gov.cn",
                f"[emergency] emergency addition, ratified by {PROVINCE}; [suspended] suspended "
                "for rectification after the annual evaluation. "
                "Complaints: 0392-0000000, jianfu@example.gov.cn",
            )
        ),
        show_lines=True,
        expand=True,
    )
    for zh, en, ratio in (
        ("序号", "no.", None),
        ("活动名称", "activity", 4),
        ("实施单位", "implementing units", 3),
        ("开展时间", "when", 3),
        ("开展方式", "manner", 3),
        ("实施范围", "scope", 2),
        ("开展依据", "basis", 4),
    ):
        table.add_column(_h(lang, zh, en), overflow="fold", ratio=ratio, no_wrap=ratio is None)
    for n, item_id in enumerate(summary["city_whitelist"], 1):
        item = everything[item_id]
        title = item["title"]
        if item["basis_kind"] == "emergency":
            title += "\n" + _h(lang, "［应急］", "[emergency]")
        if item["state"] == "suspended":
            title += "\n" + _h(lang, "［暂停］", "[suspended]")
        table.add_row(
            *map(
                escape,
                (
                    str(n),
                    title,
                    "、".join(item["lead_units"]),
                    item["schedule"] or "",
                    item["manner"] or "",
                    item["scope"] or "",
                    "\n".join(item["basis_docs"]),
                ),
            )
        )
    out.print(table)

    # the rectification ledger
    ledger = Table(
        title=_h(lang, f"减轻中小学教师负担整改台账（{YEAR}）", f"Rectification ledger ({YEAR})"),
        show_lines=True,
    )
    for zh, en in (
        ("编号", "id"),
        ("问题线索", "clue"),
        ("方面", "aspect"),
        ("整改标准", "standard"),
        ("时限", "deadline"),
        ("责任人", "responsible"),
        ("状态", "state"),
    ):
        ledger.add_column(_h(lang, zh, en), overflow="fold", no_wrap=zh in ("编号", "时限"))
    for item in everything.values():
        if item["kind"] != "rectification":
            continue
        clue = item["summary"]
        if item["school"]:
            clue = f"【{item['school']}】{clue}"
        elif item["jurisdiction"] != CITY:
            clue = f"【{item['jurisdiction']}】{clue}"
        owner = item["owner"]
        state = label(item["state"], lang)
        if item["state"] == "published":
            state += _h(lang, "（销号）", " (closed)")
        elif item["state"] == "filed":
            state += _h(lang, "（整改中）", " (open)")
        ledger.add_row(
            *map(
                escape,
                (
                    str(item["id"]),
                    clue,
                    label(item["aspect"], lang),
                    item["standard"] or "—",
                    item["deadline"] or "—",
                    f"{names.get(owner, owner)}（{owner}）" if owner else "—",
                    state,
                ),
            )
        )
    out.print(ledger)

    render.quotas_table(summary["quotas"], lang)

    # a short summary
    wl, rc = summary["counts"]["whitelist"], summary["counts"]["rectification"]

    def states(tally: dict[str, int]) -> str:
        sep = "，" if lang == "zh" else ", "
        return sep.join(f"{label(s, lang)} {n}" for s, n in tally.items())

    basis = ("，" if lang == "zh" else ", ").join(
        f"{label(k, lang) if lang == 'zh' else k} {n}" for k, n in summary["basis_kinds"].items()
    )
    lines = [
        _h(lang, "[bold]小结[/bold]", "[bold]Summary[/bold]"),
        _h(
            lang,
            f"白名单申请 {sum(wl.values())} 项：{states(wl)}",
            f"whitelist applications: {sum(wl.values())} ({states(wl)})",
        ),
        _h(lang, f"  准入依据：{basis}", f"  admission basis: {basis}"),
        _h(
            lang,
            f"问题线索 {sum(rc.values())} 条：{states(rc)}；"
            f"上台账 {len(summary['ledger'])} 条，未销号 {len(summary['ledger_open'])} 条",
            f"problem clues: {sum(rc.values())} ({states(rc)}); "
            f"{len(summary['ledger'])} on the ledger, {len(summary['ledger_open'])} still open",
        ),
        _h(lang, "规则拦截：", "refused by the rules:"),
    ]
    for r in summary["refusals"]:
        lines.append(
            _h(
                lang,
                f"  {r['date']} {r['actor']} {label(r['trigger'], lang)} 事项 {r['id']}："
                f"{r['message']}（退出码 {r['exit']}）",
                f"  {r['date']} {r['actor']} {r['trigger']} item {r['id']}: "
                f"{r['message']} (exit {r['exit']})",
            )
        )
    verdict = summary["audit"]
    ok = verdict["ok"]
    lines.append(
        _h(
            lang,
            f"审计链：{'完整' if ok else '断裂'}，{verdict['events']} 条事件",
            f"audit chain: {'intact' if ok else 'BROKEN'}, {verdict['events']} events",
        )
    )
    lines.append(
        _h(
            lang,
            f"演示数据库：{summary['database']}\n"
            f"  查看：campusgate --db {summary['database']} --as wang.fang item list",
            f"demo database: {summary['database']}\n"
            f"  look around: campusgate --db {summary['database']} --as wang.fang item list",
        )
    )
    for line in lines:
        out.print(line, markup=line.startswith("[bold]"))

"""What users read: messages and labels in Chinese (default) and English."""

from __future__ import annotations

from typing import Any

from campusgate.workflow.errors import CampusgateError

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # input (exit 2)
    "missing_field": ("缺少必填项：{field}", "missing required field: {field}"),
    "invalid_choice": (
        "{field} 的取值 “{value}” 无效，可选：{choices}",
        "invalid {field} '{value}'; choose from: {choices}",
    ),
    "invalid_date": (
        "日期 “{value}” 格式无效，应为 YYYY-MM-DD",
        "invalid date '{value}', use YYYY-MM-DD",
    ),
    "invalid_number": (
        "{field} 应为非负整数，收到 “{value}”",
        "{field} must be a non-negative integer, got '{value}'",
    ),
    "undecodable": (
        "{field} 含有无法识别的字符（请检查终端编码是否为 UTF-8）",
        "{field} holds undecodable bytes (is the terminal UTF-8?)",
    ),
    "number_too_large": (
        "{field} 最大为 {maximum}，收到 “{value}”",
        "{field} must be at most {maximum}, got '{value}'",
    ),
    "invalid_hours": (
        "{field} 应为 0 到 10000 之间的数，收到 “{value}”",
        "{field} must be a number from 0 to 10000, got '{value}'",
    ),
    "unknown_revision": (
        "没有迁移版本 “{revision}”：{detail}",
        "no migration revision '{revision}': {detail}",
    ),
    "bootstrap_needs_admin": (
        "首次建立组织时必须至少有一名管理员（admin），否则之后无人能维护组织",
        "the first organisation must include an admin user, or nobody could change it afterwards",
    ),
    "invalid_type": ("{field} 应为文字，收到 {value}", "{field} must be text, got {value}"),
    "number_too_small": (
        "{field} 至少为 {minimum}，收到 “{value}”",
        "{field} must be at least {minimum}, got '{value}'",
    ),
    "org_entry_invalid": (
        "组织文件 {path} 的 {where} 有误：{detail}",
        "organisation file {path}, {where}: {detail}",
    ),
    "too_long": (
        "{field} 过长（最多 {limit} 字）",
        "{field} is too long (at most {limit} characters)",
    ),
    "control_chars": ("{field} 含有不可见控制字符", "{field} contains control characters"),
    "unknown_trigger": (
        "没有操作 “{trigger}”，可用操作：{choices}",
        "there is no trigger '{trigger}'; triggers: {choices}",
    ),
    "invalid_id": ("编号 “{value}” 无效，应为整数", "invalid id '{value}': use a whole number"),
    "year_out_of_range": (
        "年度 {value} 超出范围（2000–2999）",
        "year {value} is out of range (2000–2999)",
    ),
    "concurrent_write": ("数据刚被他人修改，请重试", "changed concurrently; try again"),
    "unknown_trigger_of_kind": (
        "{kind} 事项没有操作 “{trigger}”，可用操作：{choices}",
        "{kind} items have no trigger '{trigger}'; triggers: {choices}",
    ),
    "reason_required": (
        "操作 “{trigger}” 需要填写理由（--reason）",
        "trigger '{trigger}' needs a reason (--reason)",
    ),
    "param_required": ("操作 “{trigger}” 需要 {param}", "trigger '{trigger}' needs {param}"),
    "nothing_to_amend": ("没有需要修改的字段", "nothing to amend: no field changed"),
    "not_editable": ("字段 {field} 不能修改", "field {field} cannot be amended"),
    "no_such_level": (
        "层级 “{value}” 无效，可选：province、city、county",
        "invalid level '{value}'; choose from: province, city, county",
    ),
    "bad_parent_level": (
        "{level} 级行政区的上级必须是 {parent_level} 级",
        "a {level} jurisdiction's parent must be a {parent_level}",
    ),
    "parent_required": (
        "{level} 级行政区必须指定上级（--parent）",
        "a {level} jurisdiction needs --parent",
    ),
    "org_file_invalid": (
        "组织文件 {path} 无效：{detail}",
        "organisation file {path} is invalid: {detail}",
    ),
    "org_conflict": (
        "{what} “{name}” 已存在且内容不同：{detail}",
        "{what} '{name}' exists with other data: {detail}",
    ),
    "config_invalid": (
        "配置文件 {path} 无效：{detail}",
        "configuration file {path} is invalid: {detail}",
    ),
    "department_outside": (
        "部门 {department} 不属于 {jurisdiction}",
        "department {department} does not belong to {jurisdiction}",
    ),
    "wrong_kind": ("事项 {id} 不是{kind}事项", "item {id} is not a {kind} item"),
    "no_db_schema": (
        "数据库尚未初始化，请先运行：campusgate db upgrade",
        "the database has no schema yet; run: campusgate db upgrade",
    ),
    # not found (exit 3)
    "no_item": ("事项 {id} 不存在", "item {id} does not exist"),
    "no_acting_user": (
        "操作人 {login} 不是本系统用户；请用 --as 登录名（或环境变量 CAMPUSGATE_USER）指定操作人",
        "{login} is not a user here; act as a user with --as LOGIN (or CAMPUSGATE_USER)",
    ),
    "no_user": ("用户 {login} 不存在", "user {login} does not exist"),
    "no_department": ("部门 “{name}” 不存在", "department '{name}' does not exist"),
    "no_jurisdiction": ("行政区 “{name}” 不存在", "jurisdiction '{name}' does not exist"),
    "no_school": ("学校 “{name}” 不存在", "school '{name}' does not exist"),
    # permission (exit 4)
    "admin_only": ("只有管理员（admin）可以执行此操作", "only an admin may do this"),
    "not_permitted": (
        "{actor} 无权对事项 {id}（{state}）执行 “{trigger}”：需要 {who}",
        "{actor} may not '{trigger}' item {id} ({state}): needs {who}",
    ),
    "not_permitted_apply": (
        "{actor} 不能以 {department} 的名义申请：需要该部门的申请人（applicant）角色",
        "{actor} may not apply for {department}: needs the applicant role in that department",
    ),
    "not_permitted_clue": (
        "{actor} 不能在 {jurisdiction} 登记问题线索：需要该地审核人（reviewer）角色",
        "{actor} may not take clues in {jurisdiction}: needs the reviewer role there",
    ),
    "not_permitted_evaluate": (
        "{actor} 不能评估事项 {id}：需要 {jurisdiction} 的审批人（approver）角色",
        "{actor} may not evaluate item {id}: needs the approver role in {jurisdiction}",
    ),
    "not_readable": ("{actor} 无权查看事项 {id}", "{actor} may not read item {id}"),
    "not_readable_jurisdiction": (
        "{actor} 无权查看 {jurisdiction} 的数据",
        "{actor} may not read the data of {jurisdiction}",
    ),
    "separation_applicant": (
        "职责分离：申请人 {actor} 不能对自己申请的事项 {id} 执行 “{trigger}”",
        "separation of duties: {actor} applied for item {id} and may not '{trigger}' it",
    ),
    "separation_reviewer": (
        "职责分离：审核人 {actor} 不能对自己审核的事项 {id} 执行 “{trigger}”",
        "separation of duties: {actor} reviewed item {id} and may not '{trigger}' it",
    ),
    # the transition engine and intake
    "outside_jurisdiction": (
        "{actor} 不能对事项 {id}（{state}）执行 “{trigger}”：该事项属于 {jurisdiction}，"
        "不在其职权范围内（{actor} 只在 {own} 办理）",
        "{actor} may not '{trigger}' item {id} ({state}): it lies in {jurisdiction}, "
        "outside their jurisdiction ({actor} acts in {own})",
    ),
    "duplicate_application": (
        "{department} 已有 {year} 年度的同名申请 “{title}”（事项 {id}），不能重复申请",
        "{department} already applied for '{title}' in {year}: item {id}",
    ),
    # rules (exit 5)
    "state_refused": (
        "事项 {id} 当前状态为 “{state}”，不能执行 “{trigger}”",
        "item {id} is {state}; '{trigger}' is not possible from there",
    ),
    "year_past": (
        "白名单年度 {year} 早于当前年度 {current}",
        "whitelist year {year} is before the current year {current}",
    ),
    "emergency_current_year": (
        "应急事项只能申请当年（{current}）的白名单",
        "emergency items may only be applied for the current year ({current})",
    ),
    "basis_invalid": ("准入依据无效：{detail}", "admission basis invalid: {detail}"),
    "ratify_emergency_only": (
        "只有应急（emergency）事项需要上级批准",
        "only emergency items are ratified",
    ),
    "already_ratified": ("事项 {id} 已由 {by} 批准", "item {id} was already ratified by {by}"),
    "ratification_missing": (
        "应急事项 {id} 须先经上级（{parent}）审批人批准（ratify）才能备案",
        "emergency item {id} needs ratification by an approver of {parent} before filing",
    ),
    "no_quota": (
        "{jurisdiction} {year} 年度尚未设置总量控制，不能备案。请管理员运行："
        "campusgate quota set --jurisdiction {jurisdiction} --year {year} --max N",
        "{jurisdiction} has no quota for {year}, so nothing can be filed. An admin sets one with: "
        "campusgate quota set --jurisdiction {jurisdiction} --year {year} --max N",
    ),
    "quota_exceeded": (
        "{jurisdiction} {year} 年度白名单已达总量上限 {max} 项（已备案 {used} 项）",
        "{jurisdiction}'s {year} whitelist is full: {used} of {max} items filed",
    ),
    "quota_below_used": (
        "{jurisdiction} {year} 年度已备案 {used} 项，上限不能低于此数",
        "{jurisdiction} already has {used} items filed for {year}; the quota cannot be lower",
    ),
    "publish_outside_year": (
        "事项 {id} 属于 {year} 年度，只能在 {year} 年内发布（今天是 {today}）",
        "item {id} belongs to {year} and can only be published during {year} (today is {today})",
    ),
    "linked_open": (
        "事项 {id} 关联的整改事项 {linked} 尚未销号，不能恢复",
        "item {id} has an open rectification item {linked}; it cannot be reinstated yet",
    ),
    "deadline_past": (
        "整改时限 {deadline} 早于今天 {today}",
        "deadline {deadline} is before today {today}",
    ),
    "deadline_not_later": (
        "新的整改时限 {deadline} 必须晚于原时限 {old}",
        "the new deadline {deadline} must be later than {old}",
    ),
    "owner_outside": (
        "责任人 {login} 不在 {jurisdiction} 或其下级",
        "responsible person {login} is not in {jurisdiction} or below",
    ),
    "school_outside": (
        "学校 {school} 不在 {jurisdiction} 或其下级",
        "school {school} is not in {jurisdiction} or below",
    ),
    "link_invalid": (
        "关联事项 {linked} 必须是 {jurisdiction} 或其下级的白名单事项",
        "linked item {linked} must be a whitelist item of {jurisdiction} or below",
    ),
    "evaluate_state": (
        "只能评估已发布或已暂停的白名单事项；事项 {id} 当前为 “{state}”",
        "only published or suspended whitelist items are evaluated; item {id} is {state}",
    ),
    "evaluation_applied": (
        "事项 {id} 的评估结果已执行，不能再修改",
        "item {id}'s evaluation was already applied and cannot change",
    ),
    "audit_broken": (
        "审计链在事项 {item_id} 第 {seq} 条事件处断裂：{detail}",
        "audit chain broken at item {item_id}, event {seq}: {detail}",
    ),
    # conflict (exit 6)
    "concurrent_change": (
        "事项 {id} 刚被他人修改，请重新查看后再试",
        "item {id} was changed concurrently; look again and retry",
    ),
    # confirmations
    "db_at": ("数据库 {url} 当前版本：{revision}", "database {url} is at revision {revision}"),
    "org_loaded": (
        "组织已载入：新建 {created}，更新 {updated}，未变 {unchanged}",
        "organisation loaded: {created} created, {updated} updated, {unchanged} unchanged",
    ),
    "org_created": ("已新建：{name}", "created: {name}"),
    "org_updated": ("已更新：{name}", "updated: {name}"),
    "org_unchanged": ("已存在，未变：{name}", "exists, unchanged: {name}"),
    "amended": ("事项 {id} 已修改（版本 {version}）", "item {id} amended (version {version})"),
    "advanced": ("事项 {id}：{trigger} → {state}", "item {id}: {trigger} → {state}"),
    "advance_summary": ("成功 {ok} / 共 {total}", "{ok} of {total} done"),
    "evaluated": (
        "事项 {id} 的评估已记录：{outcome}",
        "evaluation of item {id} recorded: {outcome}",
    ),
    "audit_ok": (
        "审计链完整：{events} 条事件全部校验通过",
        "audit chain intact: {events} events verified",
    ),
    "written": ("已写入 {path}", "written to {path}"),
    "graphviz_missing": (
        "生成 {fmt} 需要 Graphviz 的 dot 命令（例如 apt-get install graphviz）；也可用 --format dot 或 mermaid",
        "{fmt} needs Graphviz's dot command (e.g. apt-get install graphviz); or use --format dot or mermaid",
    ),
    "output_required": ("{fmt} 格式需要 --output 文件路径", "{fmt} needs --output PATH"),
    # internal (exit 1)
    "internal": ("内部错误：{detail}", "internal error: {detail}"),
}

LABELS: dict[str, tuple[str, str]] = {
    # kinds
    "whitelist": ("白名单", "whitelist"),
    "rectification": ("整改", "rectification"),
    # states
    "submitted": ("已提交", "submitted"),
    "reviewed": ("已审核", "reviewed"),
    "filed": ("已备案", "filed"),
    "published": ("已发布", "published"),
    "suspended": ("已暂停", "suspended"),
    "revoked": ("已撤销", "revoked"),
    # triggers
    "apply": ("申请", "apply"),
    "clue": ("登记线索", "clue add"),
    "amend": ("修改", "amend"),
    "review": ("审核", "review"),
    "return": ("退回", "return"),
    "ratify": ("上级批准", "ratify"),
    "file": ("备案", "file"),
    "publish": ("发布", "publish"),
    "suspend": ("暂停", "suspend"),
    "reinstate": ("恢复", "reinstate"),
    "revoke": ("撤销", "revoke"),
    "extend": ("延期", "extend"),
    "evaluate": ("评估", "evaluate"),
    # roles
    "applicant": ("申请人", "applicant"),
    "reviewer": ("审核人", "reviewer"),
    "approver": ("审批人", "approver"),
    "admin": ("管理员", "admin"),
    "parent-approver": ("上级审批人", "parent approver"),
    "own-applicant": ("本部门申请人", "applicant of the department"),
    "responsible": ("责任人", "responsible person"),
    # basis kinds
    "law": ("法律法规或党委政府文件明确规定", "law or party/government document"),
    "joint": ("部委联合教育部部署", "joint deployment with education authority"),
    "unified": (
        "党委政府统一部署的专项工作",
        "campaign deployed by party committee and government",
    ),
    "emergency": ("特殊时期、紧急情况", "special period or emergency"),
    # aspects
    "inspections": ("督查检查评比考核", "inspections, appraisals and assessments"),
    "social-affairs": ("社会事务进校园", "social affairs entering campus"),
    "paperwork": ("文件会议", "documents and meetings"),
    "forms": ("报表填写和调研统计", "forms, surveys and statistics"),
    "secondment": ("抽调借用中小学教师", "teachers seconded or borrowed"),
    "duty": ("校园值班值守", "campus duty rotas"),
    "formalism": ("校园形式主义、官僚主义", "formalism and bureaucratism on campus"),
    # sources
    "hotline": ("举报热线", "hotline"),
    "mailbox": ("举报邮箱", "mailbox"),
    "school": ("学校自查", "school self-check"),
    "teacher": ("教师反映", "teacher report"),
    "inspection": ("督查发现", "inspection"),
    "evaluation": ("年度评估", "annual evaluation"),
    # audit verification
    "orphan_events": ("事件所属的事项不存在", "events of an item that does not exist"),
    "tail_missing": (
        "事项末尾的事件缺失（与事项记录的最后哈希或版本不符）",
        "events missing at the end (the item's last hash or version disagrees)",
    ),
    "seq_missing": ("该序号的事件缺失", "an event of this sequence number is missing"),
    "prev_hash_mismatch": ("前一哈希不符", "the previous hash does not match"),
    "hash_mismatch": (
        "事件内容与其哈希不符（被修改）",
        "the content does not match its hash (edited)",
    ),
    "beyond_version": (
        "事件超出事项记录的版本（被追加）",
        "an event beyond the item's version (appended)",
    ),
    "no_events": ("事项没有任何事件", "the item has no events"),
    # levels
    "province": ("省", "province"),
    "city": ("市", "city"),
    "county": ("县（区）", "county"),
    # evaluation
    "good": ("好", "good"),
    "adequate": ("一般", "adequate"),
    "poor": ("差", "poor"),
    "keep": ("保留", "keep"),
    "rectify": ("整改", "rectify"),
    "retire": ("清理", "retire"),
}


#: Message parameters whose values are label keys, shown in the reader's language.
_LABELLED = frozenset({"state", "trigger", "kind", "level", "parent_level", "outcome"})


def _shown(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, CampusgateError):
        return value.message(lang)
    if key in _LABELLED and isinstance(value, str):
        return label(value, lang)
    if isinstance(value, list | tuple):
        return " / ".join(label(v, lang) if isinstance(v, str) else str(v) for v in value)
    return value


def _index(lang: str) -> int:
    return 1 if lang == "en" else 0


def render(code: str, lang: str = "zh", **params: Any) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code if not params else f"{code}: {params}"
    shown = {k: _shown(k, v, lang) for k, v in params.items()}
    return template[_index(lang)].format(**shown)


def label(key: str | None, lang: str = "zh") -> str:
    if key is None:
        return ""
    pair = LABELS.get(key)
    return pair[_index(lang)] if pair else key

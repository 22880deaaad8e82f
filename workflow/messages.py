"""What users read: messages and labels in Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Localized(Protocol):
    """Anything that reads in the reader's language (an error nested as a parameter)."""

    def message(self, lang: str = "zh") -> str: ...


MESSAGES: dict[str, tuple[str, str]] = {
    # input (exit 2)
    "missing_field": ("缺少必填项：{field}", "missing required field: {field}"),
    "invalid_choice": (
        "{field}的取值 “{value}” 无效，可选：{choices}",
        "invalid {field} '{value}'; choose from: {choices}",
    ),
    "invalid_date": (
        "日期 “{value}” 格式无效，应为 YYYY-MM-DD",
        "invalid date '{value}', use YYYY-MM-DD",
    ),
    "invalid_number": (
        "{field}应为非负整数，收到 “{value}”",
        "{field} must be a non-negative integer, got '{value}'",
    ),
    "undecodable": (
        "{field}含有无法识别的字符（请检查终端编码是否为 UTF-8）",
        "{field} holds undecodable bytes (is the terminal UTF-8?)",
    ),
    "number_too_large": (
        "{field}最大为 {maximum}，收到 “{value}”",
        "{field} must be at most {maximum}, got '{value}'",
    ),
    "invalid_hours": (
        "{field}应为 0 到 10000 之间的数，收到 “{value}”",
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
    "invalid_type": ("{field}应为文字，收到 {value}", "{field} must be text, got {value}"),
    "number_too_small": (
        "{field}至少为 {minimum}，收到 “{value}”",
        "{field} must be at least {minimum}, got '{value}'",
    ),
    "org_file_problems": (
        "组织文件 {path} 有 {count} 处问题，未做任何更改：{problems}",
        "organisation file {path} has {count} problems, nothing changed: {problems}",
    ),
    # the same refusals inside that list, where the file is already named
    "org_file_invalid.listed": ("无效：{detail}", "invalid: {detail}"),
    "org_unknown_table.listed": (
        "未知的表 {table}；可用：{allowed}",
        "unknown table {table}; allowed: {allowed}",
    ),
    "org_unknown_key.listed": (
        "{where} 含有未知的键 “{key}”；可用：{allowed}",
        "{where}: unknown key '{key}'; allowed: {allowed}",
    ),
    "org_duplicate.listed": (
        "{where}：“{name}” 出现了两次（首次在 {first}）",
        "{where}: '{name}' appears twice (first at {first})",
    ),
    "org_entry_invalid.listed": ("{where} 有误：{detail}", "{where}: {detail}"),
    "org_entry_invalid": (
        "组织文件 {path} 的 {where} 有误：{detail}",
        "organisation file {path}, {where}: {detail}",
    ),
    "too_long": (
        "{field}过长（最多 {limit} 字）",
        "{field} is too long (at most {limit} characters)",
    ),
    "control_chars": ("{field}含有不可见控制字符", "{field} contains control characters"),
    "unknown_trigger": (
        "没有操作 “{trigger}”，可用操作：{choices}",
        "there is no trigger '{trigger}'; triggers: {choices}",
    ),
    "invalid_id": (
        "编号 “{value}” 无效，应为正整数",
        "invalid id '{value}': use a positive whole number",
    ),
    "year_out_of_range": (
        "年度 {value} 超出范围（2000–2999）",
        "year {value} is out of range (2000–2999)",
    ),
    "concurrent_write": ("数据刚被他人修改，请重试", "changed concurrently; try again"),
    "unknown_trigger_of_kind": (
        "{kind}事项没有操作 “{trigger}”，可用操作：{choices}",
        "{kind} items have no trigger '{trigger}'; triggers: {choices}",
    ),
    "amend_by_edit": (
        "修改申请不用 advance，请用：campusgate item edit {id} --字段 新值（如 --place 各中小学校）",
        "an application is amended by item edit, not advance: "
        "campusgate item edit {id} --field value (e.g. --place 'all schools')",
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
    "org_file_syntax": (
        "组织文件 {path} 第 {line} 行第 {column} 列不符合 TOML 语法：{reason}",
        "organisation file {path} is not valid TOML at line {line}, column {column}: {reason}",
    ),
    "org_conflict": (
        "{what} “{name}” 已存在且内容不同：{detail}",
        "{what} '{name}' exists with other data: {detail}",
    ),
    "config_invalid": (
        "配置文件 {path} 无效：{detail}",
        "configuration file {path} is invalid: {detail}",
    ),
    "config_syntax": (
        "配置文件 {path} 第 {line} 行第 {column} 列不符合 TOML 语法：{reason}",
        "configuration file {path} is not valid TOML at line {line}, column {column}: {reason}",
    ),
    "department_outside": (
        "部门 {department} 不属于 {jurisdiction}",
        "department {department} does not belong to {jurisdiction}",
    ),
    "wrong_kind": ("事项 {id} 不是{kind}事项", "item {id} is not a {kind} item"),
    # not found (exit 3)
    "no_item": ("事项 {id} 不存在", "item {id} does not exist"),
    "no_acting_user": (
        "操作人 {login} 不是本系统用户；请用 --as 登录名（或环境变量 CAMPUSGATE_USER）指定操作人",
        "{login} is not a user here; act as a user with --as LOGIN (or CAMPUSGATE_USER)",
    ),
    "no_user": ("用户 {login} 不存在", "user {login} does not exist"),
    "no_user_near": (
        "用户 {login} 不存在；是否指：{near}？",
        "user {login} does not exist; did you mean: {near}?",
    ),
    "no_department": ("部门 “{name}” 不存在", "department '{name}' does not exist"),
    "no_department_near": (
        "部门 “{name}” 不存在；是否指：{near}？",
        "department '{name}' does not exist; did you mean: {near}?",
    ),
    "no_jurisdiction": ("行政区 “{name}” 不存在", "jurisdiction '{name}' does not exist"),
    "no_jurisdiction_near": (
        "行政区 “{name}” 不存在；是否指：{near}？",
        "jurisdiction '{name}' does not exist; did you mean: {near}?",
    ),
    "no_school": ("学校 “{name}” 不存在", "school '{name}' does not exist"),
    "no_school_near": (
        "学校 “{name}” 不存在；是否指：{near}？",
        "school '{name}' does not exist; did you mean: {near}?",
    ),
    # permission (exit 4)
    "admin_only": ("只有管理员（admin）可以执行此操作", "only an admin may do this"),
    "audit_show_admin_only": (
        "只有管理员（admin）可以查看组织与全部事项的审计记录；查看单个事项的请用 --item ID",
        "only an admin may read the organisation's and every item's audit trail; for one item's,"
        " use --item ID",
    ),
    "not_permitted": (
        "{actor} 无权对事项 {id}（{state}）执行 “{trigger}”：需要{who}",
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
    "duplicate_clue": (
        "与未销号的问题线索 {id} 相同（行政区、来源、方面、问题线索、学校、反映人均一致），"
        "不能重复登记",
        "the same as the open clue {id} (jurisdiction, source, aspect, summary, school and "
        "reporter alike): not taken in twice",
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
        "{jurisdiction} {year} 年度白名单已达总量上限 {max} 项（已占用 {used} 项：已备案、已发布、已暂停的事项）",
        "{jurisdiction}'s {year} whitelist is full: {used} of {max} places taken "
        "(filed, published and suspended items)",
    ),
    "quota_below_used": (
        "{jurisdiction} {year} 年度已占用 {used} 项（已备案、已发布、已暂停），上限不能低于此数",
        "{jurisdiction} already has {used} places taken for {year} (filed, published and "
        "suspended items); the quota cannot be lower",
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
    "owner_no_email": (
        "责任人 {name}（{login}）没有电子邮箱，设置前收不到整改提醒；"
        "请管理员设置邮箱：{command} --email 邮箱地址",
        "responsible person {name} ({login}) has no e-mail address and gets no reminders "
        "until an admin sets one: {command} --email ADDRESS",
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
    "db_upgrade_due": (
        "本程序需要版本 {head}；升级请运行：campusgate db upgrade",
        "this program needs revision {head}; upgrade with: campusgate db upgrade",
    ),
    "db_not_created": (
        "数据库文件 {path} 尚不存在（没有任何版本）；建立请运行：campusgate --db {path} db upgrade",
        "the database file {path} does not exist yet (no revision); create it with: "
        "campusgate --db {path} db upgrade",
    ),
    "db_none_here": (
        "本机没有数据库（{path}）；远程模式下无需本机数据库",
        "no database on this machine ({path}); remote mode needs none",
    ),
    "db_remote_mode": (
        "已配置服务器 {server}：其他命令均发往该服务器，db 命令只作用于上述本地数据库",
        "a server is configured: every other command goes to {server}; db acts on the local "
        "database above",
    ),
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
    "advance_none": ("未执行任何事项（共 {total} 项）", "none of the {total} items was tried"),
    "item_refused": ("事项 {id}：{why}", "item {id}: {why}"),
    "repeated_id": ("事项 {id} 出现了不止一次", "item {id} is given more than once"),
    "evaluated": (
        "事项 {id} 的评估已记录：评价 {rating}，结论 {outcome}",
        "evaluation of item {id} recorded: rating {rating}, outcome {outcome}",
    ),
    "evaluation_unchanged": (
        "事项 {id} 的评估已是：评价 {rating}，结论 {outcome}，未做改动",
        "evaluation of item {id} is already: rating {rating}, outcome {outcome}; nothing changed",
    ),
    "evaluation_replaced": (
        "事项 {id} 的评估已更新：评价 {rating}，结论 {outcome}"
        "（取代 {by} 于 {at} 记录的：评价 {old_rating}，结论 {old_outcome}）",
        "evaluation of item {id} updated: rating {rating}, outcome {outcome} (replacing the one"
        " {by} recorded at {at}: rating {old_rating}, outcome {old_outcome})",
    ),
    "audit_ok": (
        "审计链完整：事项事件 {events} 条、组织事件 {org_events} 条，全部校验通过",
        "audit chains intact: {events} item events and {org_events} organisation events verified",
    ),
    "written": ("已写入 {path}", "written to {path}"),
    "graphviz_missing": (
        "生成 {fmt} 需要 Graphviz 的 dot 命令（例如 apt-get install graphviz）；也可用 --format dot 或 mermaid",
        "{fmt} needs Graphviz's dot command (e.g. apt-get install graphviz); or use --format dot or mermaid",
    ),
    "output_required": ("{fmt} 格式需要 --output 文件路径", "{fmt} needs --output PATH"),
    # trust: organisation audit, checkpoints, strict organisation files
    "invalid_login": (
        "{field} “{value}” 无效：登录名只能包含英文字母、数字和 . _ @ -，并以字母或数字开头",
        "invalid {field} '{value}': use ASCII letters, digits and . _ @ -, starting with a letter or digit",
    ),
    "invalid_email": (
        "{field} “{value}” 不是有效的电子邮件地址",
        "{field} '{value}' is not a valid e-mail address",
    ),
    "org_unknown_table": (
        "组织文件 {path} 含有未知的表 {table}；可用：{allowed}",
        "organisation file {path} has an unknown table {table}; allowed: {allowed}",
    ),
    "org_unknown_key": (
        "组织文件 {path} 的 {where} 含有未知的键 “{key}”；可用：{allowed}",
        "organisation file {path}, {where}: unknown key '{key}'; allowed: {allowed}",
    ),
    "org_duplicate": (
        "组织文件 {path} 的 {where}：“{name}” 在文件中出现了两次（首次在 {first}）",
        "organisation file {path}, {where}: '{name}' appears twice in the file (first at {first})",
    ),
    "placed_elsewhere": (
        "{entity} “{name}” 已属于 {jurisdiction}，不能改到 {wanted}",
        "{entity} '{name}' already belongs to {jurisdiction}; it cannot move to {wanted}",
    ),
    "audit_item_or_org": (
        "--item 与 --org 只能选一个",
        "give --item or --org, not both",
    ),
    "checkpoint_file_invalid": (
        "检查点文件 {path} 无效：{detail}",
        "checkpoint file {path} is invalid: {detail}",
    ),
    "audit_broken_org": (
        "组织审计链在第 {seq} 条事件处断裂（{entity} {key}）：{detail}",
        "organisation audit chain broken at event {seq} ({entity} {key}): {detail}",
    ),
    "audit_broken_checkpoint": (
        "审计日志与检查点 {checkpoint}（{source}）不符：{detail}",
        "the audit log disagrees with checkpoint {checkpoint} ({source}): {detail}",
    ),
    "audit_org_event": (
        "{action}{entity} {key}（{changes}）",
        "{entity} {key} {action} ({changes})",
    ),
    "audit_checkpointed": (
        "检查点 {checkpoint} 已记录：{items} 个事项、{item_events} 条事项事件、{org_events} 条组织事件，摘要 {head}",
        "checkpoint {checkpoint} recorded: {items} items, {item_events} item events, "
        "{org_events} organisation events, head {head}",
    ),
    # internal (exit 1)
    "internal": ("内部错误：{detail}", "internal error: {detail}"),
    # the line a refusal is printed as
    "command_option_first": (
        "{option} 是各命令的选项，须写在命令之后：campusgate … 命令 {option}",
        "{option} belongs to each command and goes after it: campusgate … COMMAND {option}",
    ),
    "global_option_after": (
        "{option} 是全局选项，须写在命令之前：campusgate {option} … {command} …",
        "{option} is a global option and goes before the command: campusgate {option} … {command}"
        " …",
    ),
    "error_line": ("错误：{message}", "error: {message}"),
    "warning_line": ("注意：{message}", "warning: {message}"),
    "serving": ("campusgate 服务 {url}，数据库 {db}", "campusgate serving {url}, database {db}"),
    "serve_plain_http": (
        "{address} 不只对本机开放且未启用 TLS：令牌将以明文经网络传输；请用 --certfile/--keyfile，"
        "或只监听 127.0.0.1 并由反向代理提供 https",
        "{address} is open beyond this machine without TLS: tokens would cross the network"
        " unencrypted; use --certfile/--keyfile, or listen on 127.0.0.1 behind a reverse proxy"
        " serving https",
    ),
    "plain_http": (
        "{url} 不是 https 地址：令牌将以明文经网络发送，请使用 https（或在服务器本机登录）",
        "{url} is not https: the token will cross the network unencrypted; use https (or log in"
        " on the server's own machine)",
    ),
    "token_prompt": ("令牌", "token"),
}

# --------------------------------------------------------------- configuration, clock, database
MESSAGES |= {
    "config_unknown_table": (
        "配置文件 {path} 中没有 [{table}] 这一节；可用的节：{allowed}",
        "configuration file {path}: there is no table [{table}]; tables: {allowed}",
    ),
    "config_unknown_key": (
        "配置文件 {path} 的 [{table}] 中没有 {key}；可用的键：{allowed}",
        "configuration file {path}: [{table}] has no key '{key}'; keys: {allowed}",
    ),
    "config_wrong_type": (
        "配置文件 {path} 的 [{table}] {key} 应为{expected}，收到 {value}",
        "configuration file {path}: [{table}] {key} must be {expected}, got {value}",
    ),
    "config_not_table": (
        "配置文件 {path} 的 {table} 应为一节（[{table}]）",
        "configuration file {path}: {table} must be a table ([{table}])",
    ),
    "today_not_allowed": (
        "只有演练时才能指定今天的日期（{source}）：请在配置文件中设置 [clock] allow_override = true",
        "setting today's date ({source}) is for drills only: "
        "set [clock] allow_override = true in the configuration",
    ),
    "today_not_allowed_server": (
        "只有演练时才能指定今天的日期（{source}）：须在服务器的配置文件中设置"
        " [clock] allow_override = true（本机的配置对服务器上的命令不起作用）",
        "a date for today ({source}) is for drills only: the server's configuration must set"
        " [clock] allow_override = true (this machine's configuration does not reach it)",
    ),
    "date_nonexistent": (
        "日期 {value} 不存在（YYYY-MM-DD 格式正确，但没有这一天）",
        "the date {value} does not exist (written YYYY-MM-DD, but there is no such day)",
    ),
    "date_out_of_range": (
        "日期 {value} 超出范围（2000–2999 年）",
        "date {value} is out of range (years 2000–2999)",
    ),
    "database_busy": (
        "数据库正忙（被其他操作长时间锁定），未做任何修改，请稍后重试",
        "the database is busy (locked by another operation for too long); nothing was changed, "
        "try again later",
    ),
    "db_missing": (
        "数据库文件 {path} 不存在；新建请运行：campusgate --db {path} db upgrade"
        "（员工电脑连接服务器请改用：campusgate login --server 服务器地址）",
        "there is no database file {path}; create one with: campusgate --db {path} db upgrade"
        " (on a staff PC, connect to the server instead: campusgate login --server URL)",
    ),
    "db_is_directory": (
        "{path} 是文件夹，不是数据库文件；请用 --db 指定数据库文件",
        "{path} is a folder, not a database file; name a database file with --db",
    ),
    "db_not_a_database": (
        "{path} 不是 SQLite 数据库文件；请检查 --db 或配置中的 [database] url",
        "{path} is not an SQLite database; check --db or [database] url in the configuration",
    ),
    "db_cannot_open": (
        "无法打开数据库文件 {path}（{error}）；请检查路径和权限",
        "cannot open the database file {path} ({error}); check the path and its permissions",
    ),
    "db_unreachable": (
        "无法连接数据库服务器 {host}（{error}）；请检查服务器是否运行、地址、网络和数据库名，"
        "或 --db / [database] url",
        "cannot connect to the database server {host} ({error}); check that it runs, the "
        "address, the network and the database name, or --db / [database] url",
    ),
    "db_timeout": (
        "数据库服务器 {host} 在 {seconds} 秒内没有应答；请检查服务器，"
        "或调大配置中的 [database] connect_timeout",
        "the database server {host} did not answer within {seconds} s; check the server, or raise "
        "[database] connect_timeout in the configuration",
    ),
    "db_outdated": (
        "数据库 {url} 的结构版本为 {revision}，本程序需要 {head}：请先运行 campusgate db upgrade",
        "the database {url} is at schema revision {revision}, this program needs {head}; "
        "run: campusgate db upgrade",
    ),
    "no_db_schema": (
        "数据库 {url} 尚未初始化，请先运行：campusgate db upgrade",
        "the database {url} has no schema yet; run: campusgate db upgrade",
    ),
    "downgrade_needs_yes": (
        "db downgrade 会删除数据：请在终端上确认，或加 --yes",
        "db downgrade drops data: confirm it on a terminal, or pass --yes",
    ),
    "downgrade_confirm": (
        "将数据库 {url} 降级到 {revision}，会删除数据。继续吗？",
        "Downgrade {url} to {revision}? This drops data. Continue?",
    ),
    "downgrade_declined": ("未降级，数据库未变", "not downgraded; the database is unchanged"),
    "items_count": ("共 {count} 项", "{count} items"),
    "items_next_page": ("下一页：--after {after}", "next page: --after {after}"),
    "item_heading": ("事项 {id}", "item {id}"),
    "as_of_note": ("[按 {date}]", "[as of {date}]"),
    # publication, the campus gate, imports, the ledger, stats
    "gate_allowed": (
        "准许：事项 {item} 可于 {date} 进入 {school}",
        "allowed: item {item} may enter {school} on {date}",
    ),
    "gate_refused": (
        "不准许：事项 {item} 不能于 {date} 进入 {school}（{reason}）",
        "not allowed: item {item} may not enter {school} on {date} ({reason})",
    ),
    "gate_not_whitelist_item": (
        "事项 {item} 是整改台账事项，不是白名单事项，不得进入 {school}",
        "item {item} is a rectification ledger item, not a whitelist item; it may not enter {school}",
    ),
    "gate_out_of_jurisdiction": (
        "事项 {item} 不在覆盖 {school} 的白名单中，不得进入该校",
        "item {item} is on no whitelist covering {school}; it may not enter",
    ),
    "gate_wrong_year": (
        "事项 {item} 不属于 {date} 所在年度的白名单，不得进入 {school}",
        "item {item} is not on the whitelist of the year of {date}; it may not enter {school}",
    ),
    "gate_revoked": (
        "事项 {item} 已撤销，不得进入 {school}",
        "item {item} is revoked; it may not enter {school}",
    ),
    "gate_suspended": (
        "事项 {item} 于 {date} 处于暂停状态，不得进入 {school}",
        "item {item} is suspended on {date}; it may not enter {school}",
    ),
    "gate_not_published": (
        "事项 {item} 于 {date} 尚未发布，不得进入 {school}",
        "item {item} is not published on {date}; it may not enter {school}",
    ),
    "gate_school_cap_reached": (
        "{school} 本年度已接收 {cap} 项白名单事项，达到每校上限，事项 {item} 不得进入",
        "{school} has received {cap} whitelist items this year, its cap; item {item} may not enter",
    ),
    "entry_in_future": (
        "进校日期 {date} 晚于今天（{today}），不能登记；演练请设置 CAMPUSGATE_TODAY"
        "（配置文件中需有 [clock] allow_override = true）",
        "entry date {date} is after today ({today}); a later date is a drill (CAMPUSGATE_TODAY,"
        " with [clock] allow_override = true in the configuration file)",
    ),
    "not_permitted_entry": (
        "{actor} 无权为 {school} 登记进校：须为管理员，或覆盖该校的审核人、审批人",
        "{actor} may not record entries into {school}: admins, and reviewers or approvers of "
        "a level covering the school, may",
    ),
    "entry_recorded": (
        "已登记：事项 {item} 于 {date} 进入 {school}",
        "recorded: item {item} entered {school} on {date}",
    ),
    "none_overdue": ("无", "none"),
    "entries_empty": ("没有登记的进校园记录", "no entries recorded"),
    "entry_exists": (
        "此前已登记：事项 {item} 于 {date} 进入 {school}",
        "already recorded: item {item} entered {school} on {date}",
    ),
    "nothing_published": (
        "{jurisdiction} {year} 年度没有已发布的白名单事项",
        "{jurisdiction} has published no whitelist items for {year}",
    ),
    "nothing_published_school": (
        "覆盖 {school} 的各级 {year} 年度白名单均无已发布事项",
        "no level covering {school} has published whitelist items for {year}",
    ),
    "invalid_format": (
        "格式 “{value}” 无效，可选：{choices}",
        "invalid format '{value}'; choose from: {choices}",
    ),
    "output_unwritable": (
        "无法写入 {path}：{detail}",
        "cannot write {path}: {detail}",
    ),
    "output_folder_missing": (
        "文件夹 {folder} 不存在（或不是文件夹），未写入 {path}：请更正路径或先建立该文件夹",
        "the folder {folder} does not exist (or is no folder); nothing was written to "
        "{path}: correct the path or create the folder first",
    ),
    "publish_folder_missing": (
        "发布文件夹 {folder}（配置项 [publish] folder）不存在，未写入白名单文件："
        "请建立该文件夹或更正配置，再运行本任务",
        "the publish folder {folder} ([publish] folder) does not exist; no whitelist file was "
        "written: create it or correct the configuration, then run the job again",
    ),
    "exported": ("已导出 {count} 行到 {path}", "exported {count} rows to {path}"),
    "whitelist_id_note": (
        "校门核验某事项能否进校时，请使用该事项的“编号”（不是“序号”）",
        "At the school gate, check an item by its number (编号), not its row (序号)",
    ),
    "school_or_jurisdiction": (
        "--jurisdiction 与 --school 只能选一个",
        "give --jurisdiction or --school, not both",
    ),
    "import_unreadable": ("无法读取文件 {path}：{detail}", "cannot read {path}: {detail}"),
    "import_empty": ("文件 {path} 没有数据行", "{path} holds no data rows"),
    "import_unknown_column": (
        "文件 {path} 的列无法识别：{column}；可用列：{choices}",
        "{path}: unknown columns: {column}; columns: {choices}",
    ),
    "import_unknown_header": (
        "无法识别的列，可用列：{choices}",
        "unknown column; columns: {choices}",
    ),
    "import_missing_column": (
        "文件 {path} 缺少必填列：{column}",
        "{path} lacks the required columns: {column}",
    ),
    "import_missing_column_unknown": (
        "文件 {path} 缺少必填列：{column}；另有无法识别的列：{unknown}（可用列：{choices}）",
        "{path} lacks the required columns: {column}; it has unknown columns: {unknown} "
        "(columns: {choices})",
    ),
    "import_bad_rows": (
        "文件 {path} {count}，未导入任何数据：{rows}",
        "{path}: {count}, nothing imported: {rows}",
    ),
    "import_bad_row_count": ("有 {rows} 行有误", "{rows} bad rows"),
    "import_unknown_column_count": (
        "表头有 {count} 列无法识别",
        "{count} unknown columns in the header",
    ),
    "import_bad_row_problems": (
        "有 {rows} 行有误（共 {problems} 处）",
        "{rows} bad rows ({problems} problems)",
    ),
    "import_row": ("第 {row} 行 {column}：{reason}", "row {row}, {column}: {reason}"),
    "import_same_row": ("与第 {row} 行重复", "the same as row {row}"),
    "imported": ("已导入 {count} 项：{ids}", "imported {count} items: {ids}"),
    # the demo's printing
    "demo_title": (
        "{city}社会事务进校园白名单与教师减负整改台账 · {year} 年度演示",
        "{city}: campus whitelist and teacher-burden ledger, {year} demo",
    ),
    "complaints": ("监督举报电话 {hotline}，邮箱 {mailbox}", "Complaints: {hotline}, {mailbox}"),
    "outbox_title": ("发件箱（{count} 封）", "Outbox ({count} messages)"),
    "list_separator": ("，", ", "),
    "demo_applications": (
        "白名单申请 {count} 项：{states}",
        "whitelist applications: {count} ({states})",
    ),
    "demo_basis": ("  准入依据：{basis}", "  admission basis: {basis}"),
    "demo_clues": (
        "问题线索 {count} 条：{states}；其中列入台账 {ledger} 条，尚未销号 {open} 条",
        "problem clues: {count} ({states}); {ledger} put on the ledger, {open} not yet closed",
    ),
    "demo_refusals": ("规则拦截：", "refused by the rules:"),
    "demo_refusal": (
        "  {date} {actor} {trigger} 事项 {id}：{message}（退出码 {exit}）",
        "  {date} {actor} {trigger} item {id}: {message} (exit {exit})",
    ),
    "demo_audit_ok": ("审计链：完整，{events} 条事件", "audit chain: intact, {events} events"),
    "demo_audit_broken": ("审计链：断裂，{events} 条事件", "audit chain: BROKEN, {events} events"),
    "demo_database": (
        "演示数据库：{path}\n  查看：campusgate --db {path} --as wang.fang item list",
        "demo database: {path}\n  look around: campusgate --db {path} --as wang.fang item list",
    ),
    "not_permitted_import": (
        "{actor} 无权导入 {jurisdiction} 的数据：须为管理员或该行政区的审核人",
        "{actor} may not import into {jurisdiction}: admins and its reviewers may",
    ),
    "not_permitted_import_any": (
        "{actor} 无权导入：须为管理员或审核人",
        "{actor} may not import: admins and reviewers may",
    ),
}

#: Headings of tables and fields, by the key they show.
HEADINGS: dict[str, tuple[str, str]] = {
    "id": ("编号", "id"),
    "kind": ("类别", "kind"),
    "state": ("状态", "state"),
    "year": ("年度", "year"),
    "jurisdiction": ("行政区", "jurisdiction"),
    "title_or_summary": ("名称/线索", "title/summary"),
    "department_or_owner": ("部门/责任人", "department/owner"),
    "deadline_short": ("时限", "deadline"),
    "department": ("申请部门", "department"),
    "title": ("事项名称", "title"),
    "basis_kind": ("准入依据类别", "basis kind"),
    "basis_docs": ("开展依据", "basis documents"),
    "lead_units": ("实施单位", "implementing units"),
    "schedule": ("开展时间/周期", "schedule"),
    "place": ("开展地点", "place"),
    "scope": ("实施范围", "scope"),
    "manner": ("开展方式", "manner"),
    "content": ("主要内容", "content"),
    "teacher_hours": ("预计占用教师课时", "teacher hours"),
    "ratified_by": ("上级批准人", "ratified by"),
    "ratified": ("上级批准", "ratified"),
    "summary": ("问题线索", "summary"),
    "source": ("线索来源", "source"),
    "aspect": ("问题方面", "aspect"),
    "school": ("学校", "school"),
    "reporter": ("反映人联系方式", "reporter"),
    "standard": ("整改标准", "standard"),
    "deadline": ("整改时限", "deadline"),
    "owner": ("责任人", "responsible"),
    "result": ("整改结果", "result"),
    "linked_item": ("关联白名单事项", "linked item"),
    "applied_by": ("申请/登记人", "applied by"),
    "reviewed_by": ("审核人", "reviewed by"),
    "version": ("版本", "version"),
    "evaluation": ("年度评估", "evaluation"),
    "rating": ("评价", "rating"),
    "outcome": ("结论", "outcome"),
    "note": ("备注", "note"),
    "reason": ("理由", "reason"),
    "actions": ("可执行操作", "you may"),
    "history": ("历史记录", "history"),
    "seq": ("序号", "seq"),
    "trigger": ("操作", "trigger"),
    "actor": ("操作人", "actor"),
    "at_local": ("时间（北京时间）", "time (Asia/Shanghai)"),
    "reason_or_changes": ("理由/变更", "reason/changes"),
    "departments": ("部门：", "departments: "),
    "schools": ("学校：", "schools: "),
    "organisation": ("组织", "organisation"),
    "quotas": ("总量控制", "quotas"),
    "max": ("上限", "max"),
    "used": ("已占用", "used"),
    "per_school": ("每校上限", "per school"),
    # the organisation's fields, as its audit events and refusals name them
    "name": ("名称", "name"),
    "user.name": ("姓名", "name"),
    "user.department": ("部门", "department"),
    "email": ("电子邮箱", "e-mail"),
    "role": ("角色", "role"),
    "roles": ("角色", "roles"),
    "parent": ("上级行政区", "parent"),
    "max_items": ("上限", "max"),
    "per_school_max": ("每校上限", "per school"),
    "recorded_by": ("登记人", "recorded by"),
    "limit": ("每页条数", "limit"),
    "after": ("起始编号", "after"),
    # publication, the campus gate, the ledger, stats
    "level": ("层级", "level"),
    "no": ("序号", "no."),
    "count": ("数量", "count"),
    "hotline": ("举报电话", "Hotline"),
    "mailbox": ("举报邮箱", "Mailbox"),
    "search": ("搜索", "Search"),
    "by_state": ("按状态", "by state"),
    "by_aspect": ("按问题方面", "by aspect"),
    "by_source": ("按线索来源", "by source"),
    "whitelist_per_level": ("各级白名单事项与总量控制", "whitelist items per level against quota"),
    "overdue_items": ("逾期整改事项", "overdue rectification items"),
    "date": ("日期", "date"),
    "recipient": ("收件人", "recipient"),
    "subject": ("主题", "subject"),
    "attempts": ("尝试次数", "attempts"),
    "job": ("任务", "job"),
    "job_about": ("说明", "what it does"),
    "schedule_cron": ("计划（cron，北京时间）", "schedule (cron, Beijing time)"),
    "next_run": ("下次运行", "next run"),
    "last_run": ("上次运行（按日期）", "last run (for date)"),
    "login": ("登录名", "login"),
    "valid_until": ("有效期至", "valid until"),
    "revoked_at": ("吊销时间", "revoked"),
    "token_note": ("备注", "note"),
    "expires": ("有效期至", "valid until"),
    "token.revoked": ("已吊销", "revoked"),
    "expires_days": ("有效天数", "days valid"),
    # other options refusals name
    "since": ("起始日期", "since"),
    "as": ("操作人", "acting user"),
    "argv": ("命令行参数", "arguments"),
    "smtp": ("SMTP 服务器", "SMTP server"),
    "summary_heading": ("小结", "Summary"),
    # kinds of configuration values
    "value_text": ("文字", "text"),
    "value_whole_number": ("整数", "a whole number"),
    "value_seconds": ("秒数（正数）", "a positive number of seconds"),
    "value_bool": ("true 或 false", "true or false"),
    "value_number_list": ("整数列表", "a list of whole numbers"),
    "value_date_list": (
        "日期列表（TOML 日期，如 2031-10-01）",
        "a list of dates (TOML dates, e.g. 2031-10-01)",
    ),
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
    # what a job counted (jobs run); job_would_*: what a dry run counted, where it differs
    "job_items": ("台账事项", "ledger items"),
    "job_queued": ("新写入发件箱", "queued"),
    "job_would_queued": ("将写入发件箱", "would queue"),
    "job_already": ("已在发件箱", "already queued"),
    "job_digests": ("汇总提醒", "digests"),
    "job_year": ("年度", "year"),
    "job_filed": ("已备案", "filed"),
    "job_would_filed": ("将备案", "would file"),
    "job_left": ("未备案", "left reviewed"),
    "job_would_left": ("将留在已审核", "would stay reviewed"),
    "job_jurisdictions": ("行政区", "jurisdictions"),
    "job_published": ("已发布", "published"),
    "job_would_published": ("将发布", "would publish"),
    "job_files": ("文件", "files"),
    "job_to_apply": ("待执行评估结论", "outcomes to apply"),
    "job_applied": ("已执行", "applied"),
    "job_unevaluated": ("未评估", "unevaluated"),
    "job_due": ("本次应发", "due now"),
    "job_sent": ("已发送", "sent"),
    "job_retry": ("待重试", "to retry"),
    "job_failed": ("失败", "failed"),
    "job_pending": ("发件箱中待发送", "pending in the outbox"),
    "job_note": ("说明", "note"),
    "job_recorded": ("新记录检查点", "checkpoint recorded"),
    "job_would_recorded": ("将记录检查点", "would record a checkpoint"),
    "job_checkpoint": ("检查点", "checkpoint"),
    "job_skipped": ("已由其他调度进程运行，跳过", "skipped: run elsewhere"),
    # the outbox: the states and kinds of its messages
    "pending": ("待发送", "pending"),
    "sent": ("已发送", "sent"),
    "failed": ("发送失败", "failed"),
    "reminder": ("整改提醒", "reminder"),
    "due": ("到期提醒", "due today"),
    "overdue": ("超期督办", "overdue"),
    "escalation": ("超期上报", "escalation"),
    "digest-pending": ("待审申请汇总", "digest of pending applications"),
    "digest-unevaluated": ("未评估事项汇总", "digest of unevaluated items"),
    "docket": ("集中审批清单", "year-end review docket"),
    "checkpoint": ("审计存证", "audit checkpoint"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # a rectification item's own words: on the ledger, rectified and closed (销号)
    "rectification.filed": ("已上台账", "on the ledger"),
    "rectification.published": ("已销号", "closed"),
    "rectification.file": ("上台账", "put on the ledger"),
    "rectification.publish": ("销号", "close"),
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
    # trust: audit verification of rows, the organisation and checkpoints
    "item_row_mismatch": (
        "事项记录与其事件不符（被直接修改）",
        "the item's row disagrees with its events (changed outside the program)",
    ),
    "org_row_mismatch": (
        "组织数据与组织事件不符（在本程序之外被修改）",
        "the organisation's rows disagree with its events (changed outside the program)",
    ),
    "checkpoint_counts": (
        "检查点记录的数量与日志不符（事件或事项被删除或插入）",
        "the checkpoint's counts disagree with the log (events or items deleted or inserted)",
    ),
    "checkpoint_head": (
        "检查点的摘要与日志不符（事件被改写）",
        "the checkpoint's head disagrees with the log (events rewritten)",
    ),
    "org_created": ("新增", "created"),
    "org_updated": ("修改", "updated"),
    "org_deleted": ("删除", "deleted"),
    "org_recorded": ("登记原有", "recorded (existing before the migration)"),
    "org_issued": ("签发", "issued"),
    "org_revoked": ("吊销", "revoked"),
    "entity_jurisdiction": ("行政区", "jurisdiction"),
    "entity_department": ("部门", "department"),
    "entity_school": ("学校", "school"),
    "entity_user": ("用户", "user"),
    "entity_quota": ("总量控制", "quota"),
    "entity_token": ("令牌", "token"),
    "token_live": ("有效", "live"),
    "token_expired": ("已过期", "expired"),
    "token_revoked": ("已吊销", "revoked"),
    # the scheduled jobs, by what they do
    "job_named_reminders": ("到期提醒", "deadline reminders"),
    "job_named_year-end-review": ("年末审查备案", "year-end review"),
    "job_named_publish": ("年初发布白名单", "publish the whitelists"),
    "job_named_refresh-published": ("更新已发布的名单文件", "refresh the published files"),
    "job_named_evaluation": ("执行年度评估结论", "apply the evaluations"),
    "job_named_deliver": ("发送待发邮件", "send the outbox"),
    "job_named_checkpoint": ("审计存证", "audit checkpoint"),
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
    # publication and the campus gate
    "entity_entry": ("进校登记", "entry"),
    "not_whitelist_item": (
        "整改台账事项，不是白名单事项",
        "a rectification ledger item, not a whitelist item",
    ),
    "out_of_jurisdiction": ("不在覆盖该校的白名单中", "on no whitelist covering the school"),
    "wrong_year": ("不属于该年度白名单", "not on that year's whitelist"),
    "not_published": ("尚未发布", "not published"),
    "school_cap_reached": ("已达每校上限", "the school's cap is reached"),
}


#: How a refusal names a field in Chinese besides its label: the option that gives it on the
#: command line (年度（--year）), the key it is written under in a file (登录名（login）), or
#: nothing (an import row names its column already).
OPTION, KEY, LABEL_ONLY = "option", "key", "label"

#: The option giving a field, where it is not ``--`` and the field's name with dashes;
#: ``None``: an argument, named by its label alone.
OPTIONS: dict[str, str | None] = {
    "basis_docs": "--basis-doc",
    "lead_units": "--lead-unit",
    "role": "--role",
    "roles": "--role",
    "login": None,
    "name": None,
    "id": None,
    "argv": None,
}


#: Message parameters whose values are label keys, shown in the reader's language.
_LABELLED = frozenset(
    {"state", "trigger", "kind", "level", "parent_level", "outcome", "rating"}
    | {"old_outcome", "old_rating"}
)
#: Those of them an item's kind words (a rectification item's ``published`` is 已销号): a
#: message about an item carries its ``kind`` among its parameters.
_OF_KIND = frozenset({"state", "trigger"})


def _shown(key: str, value: Any, lang: str, kind: str | None, fields: str) -> Any:
    # Plain values first: a check against a runtime Protocol is slow, and they never match.
    if not isinstance(value, str | int | float | None) and isinstance(value, Localized):
        return value.message(lang)
    if key == "field" and isinstance(value, str):
        return field_name(value, lang, fields)
    if key == "entity" and isinstance(value, str):
        return label(f"entity_{value}", lang)
    if key in _LABELLED and isinstance(value, str):
        return label(value, lang, kind if key in _OF_KIND else None)
    if isinstance(value, list | tuple):
        return " / ".join(label(v, lang) if isinstance(v, str) else str(v) for v in value)
    return value


def _index(lang: str) -> int:
    return 1 if lang == "en" else 0


def render(code: str, lang: str = "zh", *, field_spelling: str = OPTION, **params: Any) -> str:
    """The message ``code`` in ``lang``; a ``kind`` among ``params`` words its ``state`` and
    ``trigger`` (the item's kind chooses their labels, whether the template names it or not),
    and its ``field`` is named as ``field_spelling`` says (see :func:`field_name`)."""
    template = MESSAGES.get(code)
    if template is None:
        return code if not params else f"{code}: {params}"
    kind = params.get("kind")
    shown = {k: _shown(k, v, lang, kind, field_spelling) for k, v in params.items()}
    # a list under the line (``listed``) starts right after the colon that leads to it
    return template[_index(lang)].format(**shown).replace(" \n", "\n")


def field_label(field: str, lang: str = "zh", context: str | None = None) -> str | None:
    """A field's label (``HEADINGS``), in ``context``'s own word where it has one (a user's
    ``name`` is 姓名); ``None`` for a field without one."""
    pair = (context and HEADINGS.get(f"{context}.{field}")) or HEADINGS.get(field)
    return pair[_index(lang)] if pair else None


def field_name(field: str, lang: str = "zh", spelling: str = OPTION) -> str:
    """How a refusal names the input ``field`` (a field's name, or an option as ``--as``): in
    English as it is written; in Chinese by its label, followed by the option or file key it
    is written as (``spelling``): 年度（--year）, 登录名（login）, 年度."""
    if lang == "en":
        return field
    code = field.removeprefix("--").replace("-", "_")
    name = field_label(code, lang)
    if name is None:
        return field
    if spelling == KEY:
        written: str | None = field
    elif spelling == OPTION:
        written = field if field.startswith("--") else OPTIONS.get(field, f"--{field}")
        written = written and written.replace("_", "-")
    else:
        written = None
    return f"{name}（{written}）" if written else name


def label(key: str | None, lang: str = "zh", kind: str | None = None) -> str:
    """A code's label in the reader's language; with ``kind``, that kind's own word where it
    has one (a closed rectification item is 已销号, not 已发布)."""
    if key is None:
        return ""
    pair = (kind and LABELS.get(f"{kind}.{key}")) or LABELS.get(key)
    return pair[_index(lang)] if pair else key


def heading(key: str, lang: str = "zh") -> str:
    """A table or field heading (``HEADINGS``) in the reader's language."""
    return HEADINGS[key][_index(lang)]


@dataclass(frozen=True)
class Choices:
    """A message parameter listing the codes a value may take; in Chinese each with its
    label, which is accepted in its place (``hotline（举报热线）``). Given ``kinds``, each
    code is shown with every label those kinds word it by, in English too where a label is
    not the code itself (``publish（发布/销号）``, ``publish (close)``)."""

    codes: tuple[str, ...]
    kinds: tuple[str, ...] = ()

    def message(self, lang: str = "zh") -> str:
        if lang == "en" and not self.kinds:
            return ", ".join(self.codes)
        return ("、" if lang == "zh" else ", ").join(self._shown(code, lang) for code in self.codes)

    def _shown(self, code: str, lang: str) -> str:
        words = dict.fromkeys(label(code, lang, kind) for kind in self.kinds or (None,))
        words.pop(code, None)
        if not words:
            return code
        return f"{code}（{'/'.join(words)}）" if lang == "zh" else f"{code} ({'/'.join(words)})"


def listed(problems: Iterable[str]) -> str:
    """Problems of one input as a refusal lists them: one as it is, several each on a line of
    its own, indented under the refusal's first line."""
    found = list(problems)
    if len(found) == 1:
        return found[0]
    return "".join(f"\n  {problem}" for problem in found)


@dataclass(frozen=True)
class Names:
    """A message parameter listing names as they are written (never read as codes)."""

    names: tuple[str, ...]

    def message(self, lang: str = "zh") -> str:
        return (", " if lang == "en" else "、").join(self.names)


#: Why the operating system refused a file or folder, by the error's name (``errno``); other
#: errors read as the system words them.
OS_REASONS: dict[str, tuple[str, str]] = {
    "ENOENT": ("文件或文件夹不存在", "no such file or directory"),
    "EACCES": ("没有访问权限", "permission denied"),
    "EPERM": ("不允许此操作", "operation not permitted"),
    "EISDIR": ("这是文件夹，不是文件", "is a directory"),
    "ENOTDIR": ("路径中有一段不是文件夹", "not a directory"),
    "ENOSPC": ("磁盘空间不足", "no space left on the device"),
    "EROFS": ("只读的文件系统", "read-only file system"),
    "EEXIST": ("已经存在", "already exists"),
    "ENAMETOOLONG": ("文件名过长", "file name too long"),
    "EADDRINUSE": ("地址已被占用", "address already in use"),
    "ECONNREFUSED": (
        "连接被拒绝（服务器没有运行，或地址、端口不对）",
        "connection refused (the server is not running, or the address or port is wrong)",
    ),
    "ECONNRESET": ("连接被对方断开", "connection reset by the other side"),
    "ETIMEDOUT": ("连接超时", "connection timed out"),
    "EHOSTUNREACH": ("无法到达该主机", "no route to the host"),
    "ENETUNREACH": ("网络不可达", "network unreachable"),
    # not the system's: a name that does not resolve, and a wait that ran out
    "tls-failed": (
        "TLS 握手失败（该地址可能不是 https 服务，或其证书不被信任）",
        "the TLS handshake failed (the address may not serve https, or its certificate is not"
        " trusted)",
    ),
    "name-unresolved": ("无法解析服务器的名称", "the server's name does not resolve"),
    "timeout": ("等待超时", "timed out"),
    "not-http": (
        "该地址的程序没有按 HTTP 答复（不是 campusgate 服务器？）",
        "what answers there does not speak HTTP (not a campusgate server?)",
    ),
}


@dataclass(frozen=True)
class OsReason:
    """A message parameter: why the operating system refused (``OSError``), in the reader's
    language where the catalogue knows the error."""

    name: str
    text: str

    @classmethod
    def of(cls, exc: OSError) -> OsReason:
        import errno

        name = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
        return cls(name, exc.strerror or str(exc))

    def message(self, lang: str = "zh") -> str:
        pair = OS_REASONS.get(self.name)
        return pair[_index(lang)] if pair else self.text


def code_of(value: str, codes: tuple[str, ...], kind: str | None = None) -> str | None:
    """The code among ``codes`` whose Chinese or English label reads ``value``, with ``kind``
    that kind's own label too (销号 names a rectification item's ``publish``); ``None``
    unless exactly one code does."""
    found = [
        code
        for code in codes
        if any(
            pair and value in pair
            for pair in (LABELS.get(code), kind and LABELS.get(f"{kind}.{code}"))
        )
    ]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Heading:
    """A message parameter shown as a heading in the reader's language."""

    key: str

    def message(self, lang: str = "zh") -> str:
        return heading(self.key, lang)


# --------------------------------------------------------------------------- jobs, outbox, mail
MESSAGES |= {
    # input (exit 2)
    "unknown_job": (
        "没有名为 “{job}” 的任务，可选：{choices}",
        "no job '{job}'; choose from: {choices}",
    ),
    "job_date_ahead": (
        "{day} 晚于今天（{today}）：按该日期实际运行即为演练，需在配置中设置 [clock] allow_override = true；"
        "只看将执行什么请加 --dry-run（试运行，不写入）",
        "{day} is after today ({today}): a real run for that date is a drill and needs [clock] "
        "allow_override = true; add --dry-run to see what it would do without writing",
    ),
    "calendar_unknown_year": (
        "节假日日历不包含 {year} 年：请在 [reminders] 中配置该年的 extra_holidays 和 extra_working_days，或关闭 working_days",
        "the holiday calendar does not know {year}: configure that year's extra_holidays and "
        "extra_working_days under [reminders], or turn working_days off",
    ),
    "not_permitted_jobs": (
        "{actor} 无权运行任务或查看发件箱：需要管理员角色",
        "{actor} may not run jobs or read the outbox: the admin role is needed",
    ),
    "job_done": ("任务 {job}（{day}）完成：{summary}", "job {job} ({day}) done: {summary}"),
    "job_dry_done": (
        "任务 {job}（{day}）试运行（不写入）：{summary}",
        "job {job} ({day}) dry run, nothing written: {summary}",
    ),
    "job_wrote": ("  已写入 {path}", "  wrote {path}"),
    "job_would_write": ("  将写入 {path}", "  would write {path}"),
    "smtp_not_configured": (
        "未配置 SMTP（[smtp] host）：邮件保留在发件箱待发送",
        "no SMTP configured ([smtp] host): messages stay pending in the outbox",
    ),
    "no_address": ("收件人 {login} 没有电子邮箱", "recipient {login} has no e-mail address"),
    "demo_url": (
        "演示只使用本地 SQLite 文件，不接受数据库 URL：{url}",
        "the demo runs on a local SQLite file only, not on a database URL: {url}",
    ),
    "demo_not_demo_db": (
        "{path} 已存在且不是演示数据库；如确需覆盖请加 --yes",
        "{path} exists and is not a demo database; add --yes to replace it",
    ),
    "demo_configured_db": (
        "{path} 是配置中的数据库，演示不会写入它",
        "{path} is the configured database; the demo never writes to it",
    ),
    # e-mail subjects (the body follows each)
    "mail_reminder": (
        "【整改提醒】事项 {id} 距整改时限还有 {days} 天",
        "[Reminder] item {id}: {days} days to the deadline",
    ),
    "mail_reminder_body": (
        "{name}：\n\n您负责的整改事项 {id}（{summary}）整改时限为 {deadline}，请按整改标准按时完成并报告结果：\n{standard}\n",
        "{name},\n\nthe rectification item {id} ({summary}) you are responsible for is due on "
        "{deadline}. Please complete it to this standard and report the result:\n{standard}\n",
    ),
    "mail_due": ("【整改提醒】事项 {id} 今日到期", "[Reminder] item {id} is due today"),
    "mail_overdue": (
        "【整改督办】事项 {id} 已超期 {days} 天",
        "[Overdue] item {id} is {days} days overdue",
    ),
    "mail_escalation": (
        "【整改督办】{jurisdiction}事项 {id} 已超期 {days} 天，责任人 {owner}",
        "[Escalation] {jurisdiction} item {id} is {days} days overdue; responsible: {owner}",
    ),
    "mail_escalation_body": (
        "{name}：\n\n整改事项 {id}（{summary}）整改时限为 {deadline}，已超期 {days} 天，责任人 {owner}。请督办。\n",
        "{name},\n\nthe rectification item {id} ({summary}) was due on {deadline} and is {days} "
        "days overdue; responsible: {owner}. Please follow it up.\n",
    ),
    "mail_digest_pending": (
        "【待办汇总】{year} 年度白名单申请尚有 {count} 项待处理（{review} 集中审核）",
        "[Digest] {count} applications for {year} still pending (year-end review on {review})",
    ),
    "mail_digest_unevaluated": (
        "【待办汇总】{year} 年度白名单尚有 {count} 项未评估（{sweep} 年度评估）",
        "[Digest] {count} whitelist items of {year} not yet evaluated (sweep on {sweep})",
    ),
    "mail_docket": (
        "【集中审批】{jurisdiction}{year} 年度白名单：已备案 {filed} 项，{left} 项未备案",
        "[Year-end review] {jurisdiction} {year}: {filed} filed, {left} left reviewed",
    ),
    "mail_items_body": ("{name}：\n\n{lines}\n", "{name},\n\n{lines}\n"),
    "evaluation_reason": ("年度评估：{outcome}。{note}", "annual evaluation: {outcome}. {note}"),
    "evaluation_clue": (
        "年度评估：{title}（事项 {id}）需整改。{note}",
        "annual evaluation: {title} (item {id}) needs rectification. {note}",
    ),
}

# --------------------------------------------------------------------------- checkpoint mail
MESSAGES |= {
    "mail_checkpoint": (
        "【审计存证】{day} 审计日志摘要：{item_events} 条事项事件、{org_events} 条组织事件",
        "[Audit checkpoint] {day}: {item_events} item events, {org_events} organisation events",
    ),
    "mail_checkpoint_body": (
        "{name}：\n\n以下一行是今天审计日志的摘要，请保存在数据库以外的地方（本邮件即可）。"
        "日后可用 campusgate audit verify --against 文件 核对日志是否被改动：\n\n{line}\n",
        "{name},\n\nthe line below is today's digest of the audit log. Keep it outside the "
        "database (this mail will do); campusgate audit verify --against FILE checks the log "
        "against it later:\n\n{line}\n",
    ),
}

# the server, personal tokens and the CLI as the server's client (SPEC §11)
MESSAGES |= {
    "no_token": ("未找到令牌：{id}", "no such token: {id}"),
    "token_invalid": (
        "令牌无效、已过期或已吊销，请向管理员申请新令牌后运行 campusgate login",
        "the token is unknown, expired or revoked: ask an admin for a new one and run campusgate login",
    ),
    "token_missing": (
        "缺少令牌：请运行 campusgate login 或设置 CAMPUSGATE_TOKEN",
        "no token: run campusgate login or set CAMPUSGATE_TOKEN",
    ),
    "token_issued": (
        "令牌 {id}（{login}，有效期至 {expires}）只显示这一次，请妥善保存：\n{token}",
        "token {id} ({login}, valid until {expires}) is shown only this once; keep it safe:\n{token}",
    ),
    "token_revoked": ("令牌 {id} 已吊销", "token {id} revoked"),
    "token_already_revoked": (
        "令牌 {id} 已于 {revoked} 吊销，未再改动",
        "token {id} was already revoked on {revoked}; nothing changed",
    ),
    "token_empty": ("未输入令牌", "no token given"),
    "as_remote": (
        "连接服务器时身份由个人令牌决定，不能使用 --as / CAMPUSGATE_USER",
        "with a server the personal token decides who acts: --as / CAMPUSGATE_USER is refused",
    ),
    "local_only": (
        "命令 {command} 只能在数据库所在主机上本地运行，不能通过服务器运行",
        "the command {command} runs only locally, on the database host, never through the server",
    ),
    "server_unreachable": (
        "无法连接服务器 {url}：{detail}",
        "cannot reach the server {url}: {detail}",
    ),
    "server_no_answer": (
        "服务器 {url} 在 {seconds} 秒内没有答复：请求已送达，可能仍在服务器上执行；"
        "请稍后查看结果（如 item list），不要立即重试",
        "the server {url} gave no answer within {seconds} seconds: the request reached it and"
        " may still be running there; check the outcome later (item list, say) before trying"
        " again",
    ),
    "server_bad_answer": (
        "服务器 {url} 的应答无法识别（HTTP {status}）",
        "the server {url} gave an answer that cannot be read (HTTP {status})",
    ),
    "server_url_invalid": (
        "服务器地址必须以 http:// 或 https:// 开头：{url}",
        "the server address must start with http:// or https://: {url}",
    ),
    "logged_in": ("已登录 {url}，身份 {login}", "logged in to {url} as {login}"),
    "logged_out": ("已退出 {url}", "logged out of {url}"),
    "not_logged_in": ("尚未登录任何服务器", "not logged in to any server"),
    "whoami_nowhere": (
        "尚未登录服务器，本机也没有数据库（{path} 不存在），无法确认操作人 {login}。"
        "在员工电脑上请先登录：campusgate login --server 服务器地址；"
        "在数据库所在的电脑上请用 --db 指定数据库、--as 指定操作人",
        "not logged in to a server, and there is no local database ({path} does not exist) "
        "to tell who {login} is. On a staff PC, log in first: campusgate login --server URL; "
        "on the database host, name the database with --db and the user with --as",
    ),
    "request_invalid": ("请求无效：{detail}", "invalid request: {detail}"),
    # why a request's body, path or query was refused, by pydantic's error type
    "request.missing": ("缺少 {where}", "{where}: field required"),
    "request.extra_forbidden": ("不认识的字段 {where}", "{where}: unknown field"),
    "request.literal_error": ("{where} 应为 {expected}", "{where}: should be {expected}"),
    "request.int_parsing": ("{where} 应为整数", "{where}: should be an integer"),
    "request.int_type": ("{where} 应为整数", "{where}: should be an integer"),
    "request.string_type": ("{where} 应为文本", "{where}: should be text"),
    "request.bool_type": ("{where} 应为 true 或 false", "{where}: should be true or false"),
    "request.list_type": ("{where} 应为列表", "{where}: should be a list"),
    "request.int_from_float": ("{where} 应为整数", "{where}: should be an integer"),
    "request.dict_type": ("{where} 应为对象", "{where}: should be an object"),
    "request.model_type": ("{where} 应为对象", "{where}: should be an object"),
    "request.model_attributes_type": ("{where} 应为对象", "{where}: should be an object"),
    # the body itself not an object: form data (curl's default), a list, a string
    "request.body_object": (
        "请求体须为 JSON 对象（Content-Type: application/json）",
        "the body must be a JSON object (Content-Type: application/json)",
    ),
    # a list or text of at least one: empty
    "request.empty": ("{where} 不能为空", "{where}: must not be empty"),
    "request.too_short": (
        "{where} 太短（至少 {min_length} 项）",
        "{where}: too short (at least {min_length} items)",
    ),
    "request.too_long": (
        "{where} 太长（最多 {max_length} 项）",
        "{where}: too long (at most {max_length} items)",
    ),
    "request.string_too_short": (
        "{where} 太短（至少 {min_length} 个字符）",
        "{where}: too short (at least {min_length} characters)",
    ),
    "request.string_too_long": (
        "{where} 太长（最多 {max_length} 个字符）",
        "{where}: too long (at most {max_length} characters)",
    ),
    "request.greater_than_equal": ("{where} 应不小于 {ge}", "{where}: should be at least {ge}"),
    "request.less_than_equal": ("{where} 应不大于 {le}", "{where}: should be at most {le}"),
    "request.json_invalid": ("请求体不是有效的 JSON", "the body is not valid JSON"),
    "request.method_not_allowed": (
        "{path} 不接受 {method} 请求",
        "{path} does not take {method} requests",
    ),
    "request_too_large": (
        "请求过大（上限 {limit} MB）",
        "the request is too large (limit {limit} MB)",
    ),
    "not_published": (
        "{jurisdiction}{year} 年度白名单尚未公布",
        "the whitelist of {jurisdiction} for {year} is not published",
    ),
    "route_not_found": ("没有这个地址：{path}", "no such address: {path}"),
    "certfile_keyfile": (
        "--certfile 与 --keyfile 须同时给出",
        "--certfile and --keyfile go together",
    ),
    "listen_invalid": (
        "监听地址须为 HOST:PORT：{value}",
        "the listen address must be HOST:PORT: {value}",
    ),
    "listen_in_use": (
        "端口 {address} 已被占用（也许已有 campusgate serve 在运行）：请先停止占用该端口的程序，"
        "或用 --listen 换一个端口",
        "{address} is already in use (perhaps by another campusgate serve): stop what holds it, "
        "or choose another port with --listen",
    ),
    "listen_not_here": (
        "{address} 不是本机的地址：请用本机地址（如 127.0.0.1，或 0.0.0.0 表示所有地址）",
        "{address} is not an address of this machine: use one of its own (127.0.0.1, or "
        "0.0.0.0 for all)",
    ),
    "listen_denied": (
        "无权监听 {address}（1024 以下的端口需要系统管理员权限）：请换一个端口，由反向代理转发",
        "not allowed to listen on {address} (ports below 1024 need root): use another port "
        "behind a reverse proxy",
    ),
    "listen_failed": (
        "无法在 {address} 监听：{detail}；请检查 --listen（或配置中的 [server] listen）",
        "cannot listen on {address}: {detail}; check --listen (or [server] listen)",
    ),
    "serve_failed": (
        "服务器未能在 {address} 启动，原因见上方日志",
        "the server did not start on {address}; the log above says why",
    ),
}

# --------------------------------------------------------------------------- tables of the admin
MESSAGES |= {
    "outbox_empty": ("发件箱中没有邮件", "the outbox holds no messages"),
    "stats_year": (
        "{year} 年度统计（其他年度：--year）",
        "figures for {year} (another year: --year)",
    ),
    "person": ("{name}（{login}）", "{name} ({login})"),
    "whoami_line": (
        "{login}（{name}）：{roles}，{jurisdiction}",
        "{login} ({name}): {roles} in {jurisdiction}",
    ),
}

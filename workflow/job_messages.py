# ruff: noqa: E501
"""Messages of the scheduled jobs, the outbox and the scheduler, in the shape of
``workflow.messages.MESSAGES`` and registered into it on import."""

from __future__ import annotations

from campusgate.workflow.messages import MESSAGES

JOB_MESSAGES: dict[str, tuple[str, str]] = {
    # input (exit 2)
    "unknown_job": (
        "没有名为 “{job}” 的任务，可选：{choices}",
        "no job '{job}'; choose from: {choices}",
    ),
    "job_date_ahead": (
        "{day} 晚于今天（{today}）：演练需在配置中设置 [clock] allow_override = true",
        "{day} is after today ({today}): drills need [clock] allow_override = true",
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

MESSAGES.update(JOB_MESSAGES)

"""xlsuite remind: mail the listed agencies that have not reported yet (dry run unless --send)."""
from __future__ import annotations

import click

from ..errors import ExitCode, XlsuiteError
from .collect import common_options, settings
from .common import emit_json, xlsuite_command


@xlsuite_command("remind", hints={"no_list": "或用 --list 给出"})
@common_options
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="请对方在此日期前报送（写在催报邮件中）。")
@click.option("--send", "really", is_flag=True, help="真的发送；不加时只显示将发给谁、邮件内容（演示）。")
@click.option("--json", "as_json", is_flag=True, help="结果输出为一个 JSON 对象（每个未报送机关一项）。")
def command(list_path, output, year, config_path, deadline, really, as_json) -> ExitCode:
    """催报：给名单中尚未报送的机关发邮件。Remind the agencies that have not reported.

    Who has reported comes from the collection folder (what `xlsuite collect`
    has stored there); the agencies of the list without a report get one
    reminder each at the 邮箱 of the list, sent over the [smtp] settings. By
    default nothing is sent: the reminders are only shown. With --send they
    go out; one that cannot go is kept in the outbox (exit 3). The same agency
    is reminded at most once a day.

    \b
    Example:
        xlsuite remind --list 名单.csv -o 收件/ --year 2024
        xlsuite remind --list 名单.csv --deadline 2025-01-31 --send
    """
    from ..collect import remind
    from ..mail import load_config

    cfg, agencies, out, year = settings(config_path, list_path, output, year, required=False)
    if agencies is None:
        raise XlsuiteError("没有机关名单", code="no_list", remedy="请在配置文件 [collect] list 中填写名单文件")
    mail = load_config(config_path)
    reminders = remind(out, agencies, year, mail, send=really, office=cfg.office,
                       deadline=deadline.date() if deadline else None)
    code = ExitCode.NOT_SENT if any(r.status == "queued" for r in reminders) else ExitCode.OK
    if as_json:
        emit_json({"year": year, "agencies": len(agencies), "sent": really,
                   "reminders": [_to_json(r) for r in reminders]})
        return code
    if not reminders:
        click.echo(f"名单中的 {len(agencies)} 个机关都已报送 {year} 年度报告，无需催报。")
    for r in reminders:
        click.echo(r.line, err=r.status in ("queued", "no_email"))
    previews = [r for r in reminders if r.status == "preview"]
    msg = previews[0].message if previews else None
    if msg is not None:
        click.echo(f"（演示，没有发送。共 {len(previews)} 封；确认后加 --send 发送。第一封如下：）")
        for h in ("From", "To", "Subject"):
            click.echo(f"  {h}: {msg[h]}")
        body = msg.get_body(("plain",))
        for line in (body.get_content() if body is not None else "").splitlines():
            click.echo(f"  {line}")
    return code


def _to_json(r) -> dict:
    """status: preview (dry run) / sent / queued (kept in the outbox) / already (today) / no_email."""
    out = {"agency": r.agency, "status": r.status, "line": r.line, "to": None, "subject": None, "body": None}
    if r.message is not None:
        body = r.message.get_body(("plain",))
        out.update(to=str(r.message["To"]), subject=str(r.message["Subject"]),
                   body=body.get_content() if body is not None else None)
    return out

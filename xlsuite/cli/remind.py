"""xlsuite remind: mail the listed agencies that have not reported yet (dry run unless --send)."""
from __future__ import annotations

import click

from ..errors import XlsuiteError
from .collect import EXIT_NOT_SENT, common_options, settings
from .common import EXIT_BAD_INPUT, EXIT_OK, echo_err


@click.command("remind")
@common_options
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="请对方在此日期前报送（写在催报邮件中）。")
@click.option("--send", "really", is_flag=True, help="真的发送；不加时只显示将发给谁、邮件内容（演示）。")
def command(list_path, output, year, config_path, deadline, really) -> None:
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

    try:
        cfg, agencies, out, year = settings(config_path, list_path, output, year, required=False)
        if agencies is None:
            raise XlsuiteError("请用 --list 给出机关名单（或在配置文件 [collect] list 中填写）")
        mail = load_config(config_path)
        reminders = remind(out, agencies, year, mail, send=really, office=cfg.office,
                           deadline=deadline.date() if deadline else None)
    except XlsuiteError as e:
        echo_err(f"错误：{e}")
        raise SystemExit(EXIT_BAD_INPUT)
    if not reminders:
        click.echo(f"名单中的 {len(agencies)} 个机关都已报送 {year} 年度报告，无需催报。")
    for r in reminders:
        click.echo(r.line, err=r.status in ("queued", "no_email"))
    previews = [r for r in reminders if r.status == "preview"]
    if previews:
        msg = previews[0].message
        click.echo(f"（演示，没有发送。共 {len(previews)} 封；确认后加 --send 发送。第一封如下：）")
        for h in ("From", "To", "Subject"):
            click.echo(f"  {h}: {msg[h]}")
        for line in msg.get_body(("plain",)).get_content().splitlines():
            click.echo(f"  {line}")
    raise SystemExit(EXIT_NOT_SENT if any(r.status == "queued" for r in reminders) else EXIT_OK)

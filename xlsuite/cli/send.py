"""xlsuite send: validated workbooks to the office above, by e-mail."""
from __future__ import annotations

import click

from ..errors import ExitCode
from .common import xlsuite_command

RESEND = "：xlsuite send --outbox"
FORCE = "（加 --force 强制发送）"


@xlsuite_command("send", hints={"eml_not_folder": "--eml 应给一个文件夹"})
@click.argument("workbooks", nargs=-1, type=click.Path())
@click.option("--to", "to", multiple=True, metavar="ADDR", help="收件人（可重复）；不给则用配置文件 [send] to。")
@click.option("--cc", "cc", multiple=True, metavar="ADDR", help="抄送（可重复）；不给则用配置文件 [send] cc。")
@click.option("--config", "config_path", type=click.Path(), default=None,
              help="邮件配置文件；默认 ./xlsuite.toml，其次用户配置目录下的 xlsuite/xlsuite.toml。")
@click.option("--force", is_flag=True, help="未通过校验也发送：主题和正文标明“未通过校验”并列出问题。")
@click.option("--eml", type=click.Path(), default=None, metavar="OUT.eml",
              help="不发送，把邮件写成 .eml 文件（多个工作簿时为文件夹），供 Outlook 打开后发送。")
@click.option("--dry-run", is_flag=True, help="只显示将要发送的邮件，不连接服务器。")
@click.option("--outbox", "use_outbox", is_flag=True, help="重发待发箱中先前发送失败的邮件（每封只发一次）。")
def command(workbooks: tuple[str, ...], to: tuple[str, ...], cc: tuple[str, ...], config_path: str | None,
            force: bool, eml: str | None, dry_run: bool, use_outbox: bool) -> ExitCode:
    """发送已校验的工作簿给上级。Send validated workbooks upward by e-mail.

    Each workbook is checked first and goes out as one message: subject
    【政府信息公开年报】<机关> <年度>年度（已校验）, the key figures and the verdict
    in the body, the workbook attached. If any workbook fails a hard relation
    nothing is sent (exit 1) unless --force, or unless every failing relation
    is marked 核实 with its reason in the 校验 sheet: then the subject says
    不通过（已说明） and the body gives each reason. A message the server does not take
    is kept in the outbox (exit 3); `xlsuite send --outbox` sends it later.
    The password comes from the XLSUITE_SMTP_PASSWORD environment variable or
    the system keyring, never from the command line. Exit 2: unreadable
    workbook or bad settings.

    \b
    Example:
        xlsuite send 2024-某某区人民政府.xlsx --to city-gkb@example.gov.cn
        xlsuite send out/*.xlsx --dry-run
        xlsuite send 2024-某某区人民政府.xlsx --eml 报送.eml
        xlsuite send --outbox
    """
    from ..mail import (INTERRUPTED, PREVIEW, QUEUED, REFUSED, UNREADABLE, exit_code, load_config, resend_outbox,
                        send_workbooks)

    if use_outbox and (workbooks or eml or dry_run or force or to or cc):
        raise click.UsageError("--outbox 单独使用：它重发待发箱中的邮件，不接受工作簿或其他选项")
    if not use_outbox and not workbooks:
        raise click.UsageError("请给出要发送的工作簿（或用 --outbox 重发待发箱）")
    if eml and dry_run:
        raise click.UsageError("--eml 与 --dry-run 只能选一个")
    config = load_config(config_path)
    if use_outbox:
        outcomes = resend_outbox(config)
        if not outcomes:
            click.echo(f"待发箱 {config.outbox} 中没有邮件。")
    else:
        outcomes = send_workbooks(list(workbooks), config, to=to, cc=cc, force=force, dry_run=dry_run, eml=eml)

    for o in outcomes:
        to_err = o.status in (REFUSED, UNREADABLE, QUEUED, INTERRUPTED)
        hint = RESEND if o.status == QUEUED and not use_outbox else FORCE if o.status == REFUSED else ""
        click.echo(o.line + hint, err=to_err)
        for r in o.failures:
            click.echo(f"  [错误] {r.id} {r.message}", err=to_err)
        for w in o.warnings:
            click.echo(f"  [提示] {w.message}", err=to_err)
        if o.status == PREVIEW and o.message is not None:
            _show(o.message, config)
    return exit_code(outcomes)


def _show(msg, config) -> None:
    from ..mail.smtp import message_bytes

    server = f"{config.host}:{config.port}（{config.security}）" if config.host else "（未配置 smtp.host）"
    click.echo(f"  服务器：{server}" + (f"，用户 {config.user}" if config.user else ""))
    for h in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        if msg[h]:
            click.echo(f"  {h}: {msg[h]}")
    for part in msg.iter_attachments():
        click.echo(f"  附件：{part.get_filename()}（{part.get_content_type()}，"
                   f"{len(part.get_content())} 字节）")
    click.echo(f"  邮件大小：{len(message_bytes(msg))} 字节")
    body = msg.get_body(("plain",))
    if body is not None:
        click.echo("  ---- 正文 ----")
        for line in body.get_content().splitlines():
            click.echo(f"  {line}")

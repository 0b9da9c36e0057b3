"""xlsuite collect: fetch the agencies' workbooks from the office mailbox, and track who has reported."""
from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import click

from ..errors import ExitCode
from .common import Bar, echo_err, emit_json, xlsuite_command


def list_option(f):
    return click.option("--list", "list_path", type=click.Path(dir_okay=False), default=None, metavar="名单.csv",
                        help="机关名单（.csv 或 .xlsx：机关名称, 联系人, 邮箱, 上级）；默认配置文件 [collect] list。")(f)


def common_options(f):
    for opt in reversed([
        list_option,
        click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
                     help="收件文件夹；默认配置文件 [collect] output，否则 ./收件/。"),
        click.option("--year", type=click.IntRange(2000, 2100), default=None,
                     help="收取哪一年度的报告；默认配置文件 [collect] year，否则上一年。"),
        click.option("--config", "config_path", type=click.Path(), default=None,
                     help="配置文件；默认 ./xlsuite.toml，其次用户配置目录下的 xlsuite/xlsuite.toml。"),
    ]):
        f = opt(f)
    return f


def settings(config_path, list_path, output, year, *, required: bool):
    """(collect config, agency list or None, output folder, year) from options, then the config file."""
    from ..collect import default_year, load_collect_config, read_list

    cfg = load_collect_config(config_path, required=required)
    list_file = list_path or cfg.list
    agencies = read_list(list_file) if list_file else None
    out = Path(output) if output else (cfg.output or Path("收件"))
    return cfg, agencies, out, year or cfg.year or default_year()


@xlsuite_command("collect")
@click.option("--from", "from_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="不连邮箱，从导出的邮件文件夹收取（.eml 文件或 Maildir）。")
@common_options
@click.option("--move-to", default=None, metavar="FOLDER",
              help="收取后把邮件移到邮箱中的这个文件夹（不给则邮箱中什么也不改动，也从不删除邮件）。")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="只看这一天以后收到的邮件；默认配置文件 [collect] window_days 天（180）。")
@click.option("--reply", is_flag=True, help="给每封新来件的发件人回执：收到了什么、校验结论（按 [smtp] 发送）。")
@click.option("--json", "as_json", is_flag=True, help="结果输出为一个 JSON 对象。")
def command(from_dir, list_path, output, year, config_path, move_to, since, reply, as_json) -> ExitCode:
    """从邮箱收取各机关报送的工作簿，生成报送情况表。Collect submissions from the office mailbox.

    Fetches the messages not collected yet (IMAP, settings in the [collect]
    table of xlsuite.toml; password from XLSUITE_IMAP_PASSWORD or the keyring),
    or reads an exported folder with --from. Each workbook attachment is checked
    like `xlsuite check` and stored as <年度>/<年度>-<机关>.xlsx in the output
    folder (earlier versions under 历史/). Messages that are not reports, of the
    wrong year, from agencies off the list, or with damaged attachments are named
    and not collected. <输出>/报送情况.xlsx is rewritten on every run. Nothing on
    the server is changed unless --move-to. A second run fetches nothing twice.

    Exit code 0 when collected, 2 when the mailbox, list or settings cannot be
    used, 3 when some replies could not be sent (kept in the outbox).

    \b
    Example:
        xlsuite collect --list 名单.csv -o 收件/ --year 2024
        xlsuite collect --from 导出的邮件/ --list 名单.csv
        xlsuite collect --list 名单.csv --reply --move-to 已收取
    """
    from ..collect import collect
    from ..mail import load_config

    cfg, agencies, out, year = settings(config_path, list_path, output, year, required=from_dir is None)
    mail = load_config(config_path) if reply else None
    with Bar("收取邮件") as bar:
        result = collect(out, year=year, agencies=agencies, config=cfg, from_dir=from_dir, move_to=move_to,
                         since=since.date() if since else None, reply=mail, office=cfg.office,
                         on_message=None if as_json else partial(_print_received, say=bar.echo), on_progress=bar)
    code = ExitCode.OK
    queued = [o for o in result.replies if o.status != "sent"]
    if as_json:
        emit_json(_to_json(result))
    else:
        _summary(result, agencies)
        for o in result.replies:
            click.echo(o.line, err=o.status != "sent")
    if queued:
        code = ExitCode.NOT_SENT
    if result.tracker_error:
        echo_err(f"错误：{result.tracker_error}")
        code = ExitCode.BAD_INPUT
    return code


def _print_received(r, say=click.echo) -> None:
    if r.unrelated:
        return  # ordinary mail: counted in the summary, listed in the tracker's 来件记录
    for line in r.lines:
        say(line)


def _summary(result, agencies) -> None:
    got = result.received
    items = [i for r in got for i in r.items]
    stored = [i for i in items if i.outcome == "stored" and i.placed != "same"]
    failed = [i for i in stored if i.failures]
    outside = [i for i in items if i.outcome == "off_list"]
    if not got:
        click.echo("没有新邮件（已收取过的邮件不会重复收取）。")
    else:
        click.echo(f"本次收取 {len(got)} 封邮件：收取工作簿 {len(stored)} 份（通过 {len(stored) - len(failed)}，"
                   f"未通过 {len(failed)}），名单外 {len(outside)} 份，未收取 {len(result.junk)} 封。")
        if result.unrelated:
            click.echo(f"另有 {len(result.unrelated)} 封与年报无关的邮件（没有 Excel 附件，发件人不在名单中），"
                       "未收取，列在报送情况表的“来件记录”中。")
    if result.moved:
        click.echo(f"已把 {result.moved} 封已收取的邮件移到邮箱文件夹。")
    if result.status is not None:
        c = result.status.counts
        head = f"名单 {len(agencies)} 个机关：" if agencies is not None else "来件机关："
        click.echo(f"{result.year} 年度报送情况：{head}已报送（通过）{c['pass']}，已报送（未通过）{c['fail']}，"
                   f"未报送 {c['missing']}，名单外来件 {c['outside']}"
                   + (f" → {result.tracker}" if result.tracker else ""))
        missing = result.status.of("missing")
        if missing:
            click.echo("  未报送：" + "、".join(r.name for r in missing[:20]) + ("……" if len(missing) > 20 else ""))


def _to_json(result) -> dict:
    def item(i):
        return i.to_dict()

    rows = []
    if result.status is not None:
        for r in result.status.rows:
            rows.append({"agency": r.name, "status": r.status, "state": r.state, "path": r.path,
                         "date": r.date.isoformat() if isinstance(r.date, datetime) else None, "sender": r.sender,
                         "failures": r.failures, "notes": r.notes, "reply": r.reply})
    return {"year": result.year, "out": str(result.out), "tracker": str(result.tracker) if result.tracker else None,
            "received": [{"ref": r.ref, "from": r.sender, "subject": r.subject, "lines": r.lines,
                          "items": [item(i) for i in r.items]} for r in result.received],
            "moved": result.moved, "counts": dict(result.status.counts) if result.status else {},
            "rows": rows, "replies": [{"status": o.status, "line": o.line, "subject": o.subject}
                                      for o in result.replies]}


__all__ = ["command", "settings", "common_options"]

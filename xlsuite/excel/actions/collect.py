"""收集 (city office): fetch the agencies' workbooks into the collection folder and open the tracker.

Settings come from the ``[collect]`` table of xlsuite.toml (beside the open
workbook, else the user's settings folder): the mailbox, the list, the folder.
What is not configured is asked: the agency list, and without a mailbox the
folder of exported messages.
"""
from __future__ import annotations

import os

from ...errors import XlsuiteError
from ..adapter import WorkbookAdapter, status_progress
from .base import BAD_INPUT, DONE, Outcome, cancelled, finish, refused_by


def run(adapter: WorkbookAdapter) -> Outcome:
    from ...collect import collect, default_year, load_collect_config, read_list

    here = os.path.dirname(adapter.path) if adapter.path else os.getcwd()
    try:
        cfg = load_collect_config(None, cwd=here, required=False)
        list_path = str(cfg.list) if cfg.list else adapter.ask_file("选择机关名单（名单.csv 或 名单.xlsx）",
                                                                    ("*.csv", "*.xlsx"))
        if not list_path:
            return cancelled(adapter, "收集")
        from_dir = None
        if not cfg.host:
            from_dir = adapter.ask_folder("没有配置邮箱（xlsuite.toml 的 [collect]）：选择导出的邮件文件夹（.eml 或 Maildir）")
            if not from_dir:
                return cancelled(adapter, "收集")
        agencies = read_list(list_path)
        out = str(cfg.output) if cfg.output else os.path.join(os.path.dirname(os.path.abspath(list_path)), "收件")
        year = cfg.year or default_year()
        result = collect(out, year=year, agencies=agencies, config=cfg, from_dir=from_dir, office=cfg.office,
                         on_progress=status_progress(adapter, "收集：收取邮件"))
    except XlsuiteError as e:
        return refused_by(adapter, e, "收集")
    assert result.status is not None  # collect() always builds the status it writes
    c = result.status.counts
    lines = [f"{year} 年度：本次收取 {len(result.received)} 封邮件。" if result.received else
             f"{year} 年度：没有新邮件。",
             f"名单 {len(agencies)} 个机关：已报送（通过）{c['pass']}，已报送（未通过）{c['fail']}，"
             f"未报送 {c['missing']}，名单外来件 {c['outside']}。"]
    for r in result.junk[:10]:
        lines.append("· " + r.lines[0])
    if len(result.junk) > 10:
        lines.append(f"……另有 {len(result.junk) - 10} 封未收取，见“报送情况”表的“来件记录”")
    if result.tracker_error:
        return finish(adapter, BAD_INPUT, "\n".join(lines + [result.tracker_error]), "error")
    adapter.open(str(result.tracker))
    return finish(adapter, DONE, "\n".join(lines + [f"报送情况：{result.tracker}"]), output=str(result.tracker))

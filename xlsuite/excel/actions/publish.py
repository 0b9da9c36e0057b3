"""生成年报: the publishable annual report (Word, and PDF where LibreOffice is installed) from the open workbook.

The same ``publish_report`` as ``xlsuite publish``, on the workbook as it is
on screen (unsaved edits included). The workbook is checked first, as 校验
does: failing cells turn red, and a workbook that fails its hard relations is
only published as a draft marked 未通过校验 when the user chooses so, unless
each failure is marked 已核实无误 with a 说明 on the 校验 sheet. A
document already at the chosen path is kept as a backup beside it.
"""
from __future__ import annotations

import os
import shutil

from ...errors import XlsuiteError
from ..adapter import WorkbookAdapter
from .base import BAD_INPUT, DONE, REFUSED, Outcome, cancelled, finish, refused_by
from .checking import check_workbook, summary

FORCE, STOP = "force", "stop"
CHOICES = [(STOP, "不生成，先改正标红的单元格"), (FORCE, "仍然生成草稿（每页标注“未通过校验”，不得作为正式文本发布）")]


def suggested_name(agency: str | None, year: int | None) -> str:
    return f"{year or ''}{agency or ''}政府信息公开工作年度报告.docx"


def pdf_available() -> bool:
    from ...workbook.recalc import SofficeMissing, find_soffice

    try:
        find_soffice()
    except SofficeMissing:
        return False
    return True


def run(adapter: WorkbookAdapter) -> Outcome:
    from ...publish import gate, publish_report, verified_marks
    from ...backups import backup_path

    if not adapter.path:
        return finish(adapter, BAD_INPUT, "请先保存工作簿，再点“生成年报”。", "error")
    checked = check_workbook(adapter)
    adapter.save()
    report = checked.report
    name = os.path.basename(adapter.path)
    verified = verified_marks(adapter.path)  # 核实 marks on the 校验 sheet, as just saved
    force = False
    if not gate(report, verified).ok:
        choice = adapter.ask_choice("工作簿未通过校验。\n\n" + summary(checked, name) + "\n\n要怎么做？", CHOICES)
        if choice != FORCE:
            return finish(adapter, REFUSED, "没有生成年报：工作簿未通过校验，请改正标红的单元格后再生成。\n\n" +
                          summary(checked, name), "error")
        force = True
    folder = os.path.dirname(adapter.path)
    out = adapter.ask_save_path("保存年报（Word 文档）到",
                                os.path.join(folder, suggested_name(report.meta.agency, report.meta.year)))
    if not out:
        return cancelled(adapter, "生成年报")
    if not out.lower().endswith(".docx"):
        out += ".docx"
    pdf = pdf_available()
    backups = []
    try:
        for target in [out] + ([os.path.splitext(out)[0] + ".pdf"] if pdf else []):
            if os.path.exists(target):
                backups.append(shutil.copy2(target, backup_path(target)))
        done = publish_report(report, out, pdf=pdf, force=force, overwrite=True, verified=verified,
                              source=adapter.path)
    except PermissionError:
        return finish(adapter, BAD_INPUT, f"没有生成年报：{out} 正被其他程序打开（如 Word），请关闭后再试。", "error")
    except XlsuiteError as e:
        return refused_by(adapter, e, "生成年报")
    except OSError as e:
        return finish(adapter, BAD_INPUT, f"没有生成年报：{e}", "error")
    lines = [f"已生成年报：{done.docx}"]
    lines.append(f"PDF：{done.pdf}" if done.pdf else "没有生成 PDF：本机没有 LibreOffice；可在 Word 中“另存为 PDF”。")
    if done.forced:
        lines.append("注意：工作簿未通过校验，文档每页标注“未通过校验”，不得作为正式文本发布。")
    if done.gate.verified:
        lines.append("以下不成立的关系已在“校验”表中核实说明，不影响生成（说明不会写入年报）：")
        lines += [f"· {r.id}" for r in done.gate.verified]
    lines += [f"原有文件已备份为：{b}" for b in backups]
    lines += [f"提示：{n}" for n in done.notes]
    return finish(adapter, DONE, "\n".join(lines), docx=str(done.docx), pdf=str(done.pdf) if done.pdf else "")


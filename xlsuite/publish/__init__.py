"""Publish the annual report from the standard workbook: Word, and PDF through LibreOffice.

The flow turned around: staff fill or import the workbook, fix what the checks
flag, and the publishable report is written from it, so the printed tables
reconcile by construction. ``publish(workbook, out)`` reads the workbook,
refuses it while a hard relation fails (``Refused``; ``force=True`` publishes
with a 未通过校验 line on every page), and writes the .docx; ``pdf=True`` adds
the PDF beside it. ``publish_report`` does the same for a Report already read
(the ribbon's 生成年报 reads the open workbook, unsaved edits included).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_path
from ..errors import ExitCode, SourceError, XlsuiteError
from ..model import Report
from .fonts import Fonts, resolve
from .gate import Gate, gate, verified_from_marks

NOT_A_WORKBOOK = "不是标准工作簿：生成年报需要 xlsuite 标准工作簿（先用 xlsuite import 导入报告，核对后再生成）"


class Refused(XlsuiteError):
    """The report fails its hard relations (or has cells that are no number): not published."""

    def __init__(self, source: str, result: Gate):
        self.source = source
        self.gate = result
        super().__init__(f"{source}：未通过校验，没有生成年报（{result.summary()}）", code="refused",
                         exit_code=ExitCode.CHECKS_FAILED)


@dataclass
class Published:
    docx: Path
    pdf: Path | None
    gate: Gate
    forced: bool  # published although the gate said no: the document carries 未通过校验
    fonts: Fonts
    notes: list[str] = field(default_factory=list)  # Chinese: what staff should know (empty sections)

    def to_dict(self) -> dict:
        return {"docx": str(self.docx), "pdf": str(self.pdf) if self.pdf else None,
                "forced": self.forced, "failures": self.gate.lines(),
                "verified": self.gate.verified_lines(),
                "fonts": self.fonts.describe(), "notes": self.notes}


def read_workbook_report(path: str | os.PathLike) -> Report:
    """The standard workbook at ``path`` as a Report; SourceError for anything else."""
    from ..readers import sniff
    from ..readers.workbook import read_report

    path = os.fspath(path)
    if sniff(path) != "workbook":
        raise SourceError(path, NOT_A_WORKBOOK, "wrong_workbook")
    return read_report(path)


def pdf_path(docx_path: str | os.PathLike) -> Path:
    return Path(docx_path).with_suffix(".pdf")


def publish(workbook: str | os.PathLike, out: str | os.PathLike, *, pdf: bool = False, force: bool = False,
            overwrite: bool = False) -> Published:
    """Publish the standard workbook at ``workbook`` as ``out`` (.docx), and its PDF with ``pdf``.

    Failures the 校验 sheet marks 已核实无误 with a 说明 do not block (``gate.verified_from_marks``).
    """
    report = read_workbook_report(workbook)
    return publish_report(report, out, pdf=pdf, force=force, overwrite=overwrite,
                          verified=verified_marks(workbook), source=os.fspath(workbook))


def verified_marks(workbook: str | os.PathLike) -> dict[str, str]:
    """The reviewer marks of a workbook file that let a failure through (id -> reason)."""
    from ..workbook.marks import read_marks

    try:
        marks = read_marks(workbook)
    except Exception:  # noqa: BLE001 - unreadable marks are no marks: the failures then block
        return {}
    return verified_from_marks(marks)


def publish_report(report: Report, out: str | os.PathLike, *, pdf: bool = False, force: bool = False,
                   overwrite: bool = False, verified: Mapping[str, str] | None = None,
                   source: str | None = None) -> Published:
    """Write ``report`` as the publishable .docx at ``out`` (and the PDF beside it with ``pdf``).

    ``verified``: reviewer marks (finding id -> reason) whose failures may be published.

    Raises ``Refused`` when the gate blocks and not ``force``, ``SourceError`` when the
    cover lacks the agency or year the title needs, ``FileExistsError`` when an output
    exists and not ``overwrite`` (checked before anything is written).
    """
    from .word import build

    source = source or report.meta.source or "报告"
    out = Path(out)
    missing = [label for label, v in (("机关名称", report.meta.agency), ("报告年度", report.meta.year)) if not v]
    if missing:
        raise SourceError(source, f"封面没有填写{'和'.join(missing)}，无法生成年报标题", "incomplete")
    if not report.meta.form:
        raise SourceError(source, "封面没有表式（gov2019/gov2021），无法确定表格格式", "incomplete")
    if out.suffix.lower() != ".docx":
        raise XlsuiteError(f"{out}：输出文件应以 .docx 结尾")
    result = gate(report, verified)
    if not result.ok and not force:
        raise Refused(source, result)
    targets = [out] + ([pdf_path(out)] if pdf else [])
    if not overwrite:
        for t in targets:
            if t.exists():
                raise FileExistsError(str(t))
    fonts = resolve()
    doc = build(report, fonts, unchecked=None if result.ok else result.summary())
    with atomic_path(out, overwrite=overwrite) as tmp:
        doc.save(str(tmp))
    published = Published(out, None, result, not result.ok, fonts, _notes(report))
    if pdf:
        published.pdf = to_pdf([out], overwrite=overwrite)[0]
    return published


def _notes(report: Report) -> list[str]:
    from ..forms import get_form
    from .word import paragraphs_of

    return [f"“{s.number}、{s.title}”没有文字，年报中这一部分只有标题" for s in get_form(report.meta.form).sections
            if s.kind == "narrative" and not paragraphs_of(report, s.id)]


def to_pdf(docx_paths: list[str | os.PathLike], *, overwrite: bool = True) -> list[Path]:
    """The PDF of each .docx, beside it, from one LibreOffice call for all of them."""
    from ..workbook.recalc import SofficeMissing, convert

    paths = [Path(p).resolve() for p in docx_paths]
    stems = [p.stem for p in paths]
    dup = sorted({s for s in stems if stems.count(s) > 1})
    if dup:
        raise ValueError(f"several documents are named {', '.join(dup)}: convert them in separate calls")
    targets = [pdf_path(p) for p in docx_paths]
    if not overwrite:
        for t in targets:
            if t.exists():
                raise FileExistsError(str(t))
    if not paths:
        return []
    work = Path(tempfile.mkdtemp(prefix="xlsuite-pdf-"))  # not beside the user's files: a kill leaves no litter
    try:
        try:
            convert(paths, work, "pdf:writer_pdf_Export")
        except SofficeMissing:
            raise XlsuiteError(
                f"找不到 LibreOffice（soffice），无法生成 PDF（Word 文档已生成：{', '.join(map(str, paths))}）。"
                "请安装：apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk，"
                "或设置环境变量 XLSUITE_SOFFICE 指向 soffice") from None
        for p, target in zip(paths, targets):
            made = work / f"{p.stem}.pdf"
            if not made.exists():
                raise XlsuiteError(f"LibreOffice 没有生成 {target.name}（来自 {p}）")
            with atomic_path(target, overwrite=overwrite) as tmp:
                shutil.move(str(made), tmp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return targets


__all__ = ["Published", "Refused", "Gate", "gate", "publish", "publish_report", "read_workbook_report", "to_pdf",
           "verified_marks"]

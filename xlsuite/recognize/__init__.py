"""From a reader's lines to a Report: sections, title, form, tables, narrative.

This is the one place where printed reports are understood; every reader
(text, Markdown, HTML, PDF, DOCX, OCR) feeds it the same kind of ``Document``.
"""
from __future__ import annotations

import re
from itertools import accumulate

from ..document import Document, Line
from ..forms import Form
from ..model import Meta, Report, Value
from ..relations import sum_instances
from .meta import agency_and_year, detect_form
from .numbers import is_page_number, nfkc, squash
from .sections import Span, split_sections
from .proofs import ONE_ROW_GROUP
from .tables import TableReader
from .tokens import tokenize

def recognize(doc: Document) -> Report:
    lines = doc.lines
    report = Report(Meta(source=doc.source, source_kind=doc.kind, pages=doc.pages))
    report.warnings.extend(doc.notes)

    # The heading regexes are the same in both forms; split once to find the tables.
    from ..forms import GOV2021
    sections = split_sections(GOV2021, lines)
    first_section = min((s.head for s in sections.values()), default=len(lines))

    # The report's own title stands before its first section, often after a web page's
    # banner and navigation: every short line up there is a candidate, the page's <title> last.
    head = [l.text for l in lines[:min(first_section, 60)] if l.text.strip()]
    title_texts = head + ([doc.title] if doc.title else [])
    body = squash(" ".join(l.text for l in lines[:200]))
    agency, year = agency_and_year(title_texts, body)
    report.meta.agency, report.meta.year = agency, year

    table_text = " ".join(lines[i].text for sid in ("active", "requests", "appeals") if sid in sections
                          for i in range(sections[sid].start, sections[sid].end))
    form, by_labels = detect_form(table_text, year)
    report.meta.form = form.id
    if not by_labels:
        report.warn("form_from_year", f"表格标签不足以判断表式，按年份{year or '未知'}采用{form.id}")
    if agency is None:
        report.warn("no_agency", "未能从标题中识别机关名称")
    if year is None:
        report.warn("no_year", "未能从标题中识别报告年度")

    sections = split_sections(form, lines)
    report.sections_found = [s.id for s in form.sections if s.id in sections]
    for section in form.sections:
        if section.id not in sections:
            continue
        span = sections[section.id]
        if section.kind == "narrative":
            kept = [l for l in lines[span.start:span.end] if l.text.strip() and not is_page_number(l.text)]
            texts = [l.text.strip() for l in kept]
            report.narrative[section.id] = "\n".join(texts)
            offsets = [0, *accumulate(len(t) + 1 for t in texts[:-1])] if texts else []
            report.narrative_places[section.id] = [(o, l.page, l.line) for o, l in zip(offsets, kept)]

    for table in form.tables:
        row_relations = tuple((r.left, r.right) for r in form.rules
                              if r.per == "row" and r.section == table.section and not r.cross_year)
        table_relations = tuple(
            (tuple((t.key, t.sign) for t in inst.left), tuple((t.key, t.sign) for t in inst.right))
            for inst in sum_instances(form.id) if inst.severity == "error" and inst.keys
            and all(k.startswith(table.section + ".") for k in inst.keys))
        reader = TableReader(table, report, doc.source, row_relations, table_relations)
        read = 0
        if table.section in sections:
            span = sections[table.section]
            read = reader.read(tokenize(lines[span.start:span.end]))
        if read == 0 and not reader.filled:
            where = "标题存在但没有表格内容（可能是图片）" if table.section in sections else "未找到该部分"
            report.tables_absent[table.section] = "no_table" if table.section in sections else "section_missing"
            section = next(s for s in form.sections if s.id == table.section)
            report.warn("table_absent", f"“{section.number}、{section.title}”的表格缺失：{where}",
                        section=table.section)
        _complete_table(report, form, table, reader)

    report.values = {k: report.values.get(k, Value(None)) for k in form.keys()}
    return report


def _complete_table(report: Report, form: Form, table, reader: TableReader) -> None:
    # docs/forms.md: a 2021-layout report may print （六）其他处理 as one row; its two sub-items are then 0.
    if table.section == "requests" and "other_misc" in reader.filled:
        missing = [r for r in ONE_ROW_GROUP["requests"] if r not in reader.filled]
        if len(missing) == 2:
            for rid in missing:
                for col in table.columns:
                    report.values[f"requests.{rid}.{col.id}"] = Value(0)
            report.warn("other_one_row",
                        "（六）其他处理只印了一行，已记入“3.其他”，其余两个子项记为0，请核对",
                        section="requests")

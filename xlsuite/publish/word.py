"""The annual report as a Word document: title, the six sections, the three tables.

Page and type follow 党政机关公文格式 (GB/T 9704-2012): A4, margins 37/35 mm
top/bottom and 28/26 mm left/right, the title in 二号 小标宋, headings in 三号
黑体, the body in 三号 仿宋 at a fixed 28 pt line, the page number as — N —.
"""
from __future__ import annotations

from ..forms import get_form
from ..model import Report
from .fonts import Fonts
from .tables import add_table, set_font

PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
TITLE_PT, HEADING_PT, BODY_PT, LINE_PT = 22, 16, 16, 28
UNCHECKED = "未通过校验"
UNCHECKED_RED = "C00000"


def title_of(report: Report) -> str:
    """``<机关><年度>年政府信息公开工作年度报告``."""
    return f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"


def paragraphs_of(report: Report, section_id: str) -> list[str]:
    """A section's paragraphs as staff left them: one per workbook row (the reader joins rows by line)."""
    return [p.strip() for p in (report.narrative.get(section_id) or "").split("\n") if p.strip()]


def build(report: Report, fonts: Fonts, *, unchecked: str | None = None):
    """The python-docx Document of ``report``; ``unchecked`` (a summary) adds the 未通过校验 header."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    form = get_form(report.meta.form)
    doc = docx.Document()
    doc.core_properties.title = title_of(report)
    doc.core_properties.author = report.meta.agency or ""
    doc.core_properties.comments = f"由 xlsuite 根据标准工作簿生成（{form.id}）"
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)

    normal = doc.styles["Normal"]
    normal.font.name = fonts.body.name
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(_qn("w:eastAsia"), fonts.body.name)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = 0
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)

    if unchecked:
        _unchecked_header(section, fonts, unchecked)
    _page_number(section, fonts)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.6)
    title.paragraph_format.space_after = Pt(LINE_PT)
    set_font(title.add_run(title_of(report)), fonts.title, TITLE_PT, fonts.title.bold)

    for sec in form.sections:
        heading = doc.add_paragraph()
        heading.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        heading.paragraph_format.keep_with_next = True
        set_font(heading.add_run(f"{sec.number}、{sec.title}"), fonts.heading, HEADING_PT, fonts.heading.bold)
        for text in paragraphs_of(report, sec.id):
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            set_font(p.add_run(text), fonts.body, BODY_PT)
            if sec.kind == "table":
                p.paragraph_format.keep_with_next = True
        if sec.kind == "table":
            values = {k: v.value for k, v in report.values.items() if k.startswith(sec.id + ".")}
            add_table(doc, form, sec.id, values, fonts, TEXT_WIDTH_MM)
    return doc


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _unchecked_header(section, fonts: Fonts, summary: str) -> None:
    """A red line at the top of every page: this text did not pass the checks."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(f"{UNCHECKED}（{summary}）：草稿，不得作为正式文本发布")
    set_font(run, fonts.heading, 12, True)
    run.font.color.rgb = RGBColor.from_string(UNCHECKED_RED)


def _page_number(section, fonts: Fonts) -> None:
    """— N — centred in the footer (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), fonts.body, 14)
    run = p.add_run()
    set_font(run, fonts.body, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(_qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if (text or "").strip() == "PAGE" else "w:t")
            el.set(_qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    set_font(p.add_run(" —"), fonts.body, 14)

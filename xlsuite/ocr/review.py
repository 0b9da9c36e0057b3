"""Which OCR'd values a person must look at: the confidence thresholds, in one place.

No OCR engine is needed here: the workbook, the CLI and the checks use these
rules on any Report whose values carry ``Provenance.confidence``.

A value's confidence is the recognizer's certainty about its digits (see
``xlsuite.ocr.engine``). Digits that OCR mixes up with each other (0/8/6/9,
1/7/4, 3/8, 5/6) must be read with more certainty than the others, because one
of them read wrong still looks like a perfectly good number.
"""
from __future__ import annotations

from .. import codes
from ..model import Finding, Report, Severity, Value

# The confidence a reader gives numbers taken from a scan's own invisible text layer (scanning
# software's reading, whose certainty nobody knows): always to be checked, with that reason.
SCAN_LAYER_CONFIDENCE = 0.0
LOW_CONFIDENCE = 0.90
CONFUSABLE_CONFIDENCE = 0.98
# Digit pairs printed digits are commonly misread as, in scans of ten-point type.
CONFUSABLE_PAIRS = ("08", "06", "09", "17", "14", "38", "56")
CONFUSABLE_DIGITS = frozenset("".join(CONFUSABLE_PAIRS))
_PAIRS_ZH = "、".join(f"{p[0]}/{p[1]}" for p in CONFUSABLE_PAIRS[:5])


def review_reason(confidence: float | None, printed: str | None) -> str | None:
    """Why an OCR'd cell needs a person's look (Chinese, for the cell comment), or None."""
    if confidence is None:
        return None
    if confidence == SCAN_LAYER_CONFIDENCE:
        return "数字取自扫描件自带的文字层（扫描软件的识别结果），未经核实，请对照原件核对"
    if confidence < LOW_CONFIDENCE:
        return f"文字识别（OCR）把握不足（置信度 {confidence:.2f}），请对照原件核对"
    if confidence < CONFUSABLE_CONFIDENCE and printed and CONFUSABLE_DIGITS & set(printed):
        return (f"文字识别（OCR）读到的“{printed}”含易混数字（{_PAIRS_ZH}），"
                f"置信度 {confidence:.2f}，请对照原件核对")
    return None


def needs_review(value: Value) -> str | None:
    """The reason to highlight a value's cell, or None: what the workbook calls per cell.

    The reader's own doubt (a row it could not place for sure) comes first, then OCR's.
    """
    return value.provenance.review or review_reason(value.provenance.confidence, value.provenance.text)


def is_ocr(value: Value) -> bool:
    return value.provenance.confidence is not None


def flag_uncertain(report: Report) -> list[Finding]:
    """Add a warning, with its place, for every OCR'd value that needs review; returns them."""
    from ..forms import get_form

    form = get_form(report.meta.form) if report.meta.form else None
    added: list[Finding] = []
    ocr_count = 0
    for key, value in report.values.items():
        if not is_ocr(value):
            continue
        ocr_count += 1
        reason = needs_review(value)
        if reason is None:
            continue
        low = value.provenance.confidence is not None and value.provenance.confidence < LOW_CONFIDENCE
        code = codes.OCR_LOW_CONFIDENCE if low else codes.OCR_CONFUSABLE
        label = form.label_of(key) if form else key
        f = Finding(code, f"{label}：{reason}", Severity.WARNING, key=key, section=key.split(".")[0],
                    provenance=value.provenance)
        report.warnings.append(f)
        added.append(f)
    if ocr_count:
        report.warnings.append(Finding(
            codes.OCR_USED, f"本报告有 {ocr_count} 个数字来自文字识别（OCR），其中 {len(added)} 个需要核对；"
                        "请以勾稽关系校验结果为准", Severity.INFO))
    return added

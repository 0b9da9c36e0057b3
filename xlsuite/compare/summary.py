"""The comparison in a few lines of Chinese: for the terminal and the ribbon's message box."""
from __future__ import annotations

from ..audit.result import SECTION_NAMES
from .core import Comparison
from .text import ADDED, CHANGED, FIGURES, REMOVED

SHOWN_FIGURES = 12


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def summary_lines(cmp: Comparison) -> list[str]:
    """The comparison for a terminal (and the ribbon's message box): the essentials first."""
    p, c = cmp.previous.meta, cmp.current.meta
    rep = cmp.repetition()
    lines = [f"对比：{c.agency or '（机关未识别）'}　{p.year}年度 → {c.year}年度（{p.form} → {c.form}）"]
    lines += [f"  注意：{w}（已确认仍然比较）" for w in cmp.warnings]
    lines.append(f"重复率：文字 {pct(rep['text'])}；表格未变单元格 {pct(rep['tables']['all'])}")
    for section, d in cmp.narrative.items():
        n = d.counts()
        lines.append(f"  {SECTION_NAMES[section]}：{pct(d.repetition)}（新增 {n[ADDED]} 句，删除 {n[REMOVED]} 句，"
                     f"改写 {n[CHANGED]} 句，仅数字变化 {n[FIGURES]} 句）")
    lines.append("指标（上年 → 本年）：")
    for mc in cmp.metrics.values():
        fmt = pct if mc.metric.kind == "ratio" else (lambda v: "—" if v is None else f"{v:,}")
        prev = mc.previous.value if mc.previous else None
        note = "；".join(f"{'上年' if k == 'previous' else '本年'}{v}" for k, v in mc.notes().items())
        lines.append(f"  {mc.metric.name}：{fmt(prev)} → {fmt(mc.current.value)}" + (f"（{note}）" if note else ""))
    figs = [(section, s, f) for section, d in cmp.narrative.items() for s in d.sentences for f in s.figures]
    if figs:
        lines.append("文字中变化的数字：")
        for section, _s, f in figs[:SHOWN_FIGURES]:
            lines.append(f"  {SECTION_NAMES[section].split('、')[0]}、{f.text()}")
        if len(figs) > SHOWN_FIGURES:
            lines.append(f"  ……另有 {len(figs) - SHOWN_FIGURES} 处，见 --json 或对比工作簿“文字对比”表")
    failed = [r for r in cmp.cross_year if r.failed]
    lines.append(f"跨年度勾稽关系（R8–R10）：{len(cmp.cross_year)} 项，不一致 {len(failed)} 项")
    lines += [f"  {r.message}" for r in failed[:6]]
    return lines

"""Named indicators (指标) declared as data: sums and ratios of form keys.

Each metric is a sum of keys (a count) or a ratio of two sums. Keys are glob
patterns over a form's keys (``requests.denied_*.total``) and resolve against
each form; a metric whose keys do not exist in a form is not defined for it.
From this one declaration come the Python values (``xlsuite.metrics``), the
Excel formulas (``xlsuite.workbook.formulas.metric_formula``), the dataset
columns and docs/metrics.md. A ratio whose denominator is blank or 0 has no
value: it is left blank with a note, never 0 and never ``#DIV/0!``.
"""
from __future__ import annotations

from dataclasses import dataclass
import fnmatch
import re
from typing import Literal

from .schema import Form


@dataclass(frozen=True)
class Metric:
    id: str  # ascii, stable: dataset column ``m_<id>``, JSON key
    name: str  # Chinese, on sheets and in docs
    kind: Literal["count", "ratio"]
    numerator: tuple[str, ...]  # key patterns, summed
    denominator: tuple[str, ...] = ()  # ratio only
    description: str = ""  # Chinese: what the indicator tells a reader
    numerator_label: str = ""  # Chinese: the cells summed above the line
    denominator_label: str = ""  # Chinese: below the line, named in the blank note
    # Which way a change is good news, for colour scales: "up", "down" or "" (neither).
    good: Literal["up", "down", ""] = ""

    def resolve(self, form: Form) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(numerator keys, denominator keys) in ``form``; None when a pattern matches nothing there."""
        if (self, form.id) not in _RESOLVED:
            _RESOLVED[self, form.id] = self._resolve(form)
        return _RESOLVED[self, form.id]

    def _resolve(self, form: Form) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        keys = form.keys()

        def match(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
            out = []
            for pat in patterns:
                match_key = re.compile(fnmatch.translate(pat)).match  # fnmatchcase, compiled once per pattern
                found = [k for k in keys if match_key(k)]
                if not found:
                    return None
                out += [k for k in found if k not in out]
            return tuple(out)

        num = match(self.numerator)
        den = match(self.denominator) if self.kind == "ratio" else ()
        if num is None or den is None:
            return None
        return num, den


# (metric, form id) -> its keys there: the forms are declared once, so each pair is matched once.
_RESOLVED: dict[tuple[Metric, str], tuple[tuple[str, ...], tuple[str, ...]] | None] = {}

_RESULT = "“（七）总计”"

METRICS: tuple[Metric, ...] = (
    Metric("requests_new", "本年新收申请", "count", ("requests.new.total",),
           description="本年新收到的政府信息公开申请件数（三、一行总计）。",
           numerator_label="“一、本年新收”总计"),
    Metric("requests_handled", "办理结果总计", "count", ("requests.total.total",),
           description="本年办理的申请件数：各项办理结果之和（三、（七）总计）。",
           numerator_label=_RESULT),
    Metric("disclosure_rate", "公开率", "ratio", ("requests.granted.total", "requests.partial.total"),
           ("requests.total.total",),
           description="办理结果中予以公开与部分公开所占比例。",
           numerator_label="“（一）予以公开”与“（二）部分公开”总计", denominator_label=_RESULT, good="up"),
    Metric("denial_rate", "不予公开率", "ratio", ("requests.denied_*.total",), ("requests.total.total",),
           description="办理结果中（三）不予公开各项所占比例。",
           numerator_label="“（三）不予公开”各项总计", denominator_label=_RESULT, good="down"),
    Metric("unable_rate", "无法提供率", "ratio", ("requests.unable_*.total",), ("requests.total.total",),
           description="办理结果中（四）无法提供各项所占比例（多为本机关不掌握）。",
           numerator_label="“（四）无法提供”各项总计", denominator_label=_RESULT),
    Metric("rejected_rate", "不予处理率", "ratio", ("requests.rejected_*.total",), ("requests.total.total",),
           description="办理结果中（五）不予处理各项所占比例。",
           numerator_label="“（五）不予处理”各项总计", denominator_label=_RESULT),
    Metric("carry_over_rate", "结转率", "ratio", ("requests.carried_out.total",),
           ("requests.new.total", "requests.carried_in.total"),
           description="本年收到与上年结转的申请中，结转下年度继续办理的比例。",
           numerator_label="“四、结转下年度继续办理”总计",
           denominator_label="“一、本年新收”与“二、上年结转”总计之和", good="down"),
    Metric("reviews", "行政复议", "count", ("appeals.review.total",),
           description="因政府信息公开被申请行政复议的件数（四、行政复议总计）。",
           numerator_label="行政复议总计"),
    Metric("suits", "行政诉讼", "count", ("appeals.suit_direct.total", "appeals.suit_after_review.total"),
           description="因政府信息公开被提起行政诉讼的件数（未经复议直接起诉与复议后起诉之和）。",
           numerator_label="行政诉讼两项总计之和"),
    Metric("corrected", "被纠错", "count", ("appeals.*.corrected",),
           description="行政复议与行政诉讼中结果被纠正的件数之和。",
           numerator_label="复议与诉讼各项“结果纠正”之和", good="down"),
    Metric("review_correction_rate", "复议纠错率", "ratio", ("appeals.review.corrected",), ("appeals.review.total",),
           description="行政复议中结果被纠正的比例（纠正 ÷ 复议总计，总计含尚未审结）。",
           numerator_label="行政复议“结果纠正”", denominator_label="行政复议总计", good="down"),
    Metric("suit_loss_rate", "诉讼败诉率", "ratio", ("appeals.suit_*.corrected",), ("appeals.suit_*.total",),
           description="行政诉讼中结果被纠正（败诉）的比例（纠正 ÷ 诉讼总计，总计含尚未审结）。",
           numerator_label="行政诉讼两项“结果纠正”之和", denominator_label="行政诉讼两项总计之和", good="down"),
    Metric("regulations_in_force", "规章现行有效", "count", ("active.regulations.in_force",),
           description="年末现行有效的规章件数（2021 版表式）。", numerator_label="规章“现行有效件数”"),
    Metric("normative_docs_in_force", "规范性文件现行有效", "count", ("active.normative_docs.in_force",),
           description="年末现行有效的行政规范性文件件数（2021 版表式）。",
           numerator_label="行政规范性文件“现行有效件数”"),
    Metric("normative_docs_published", "规范性文件对外公开总数", "count", ("active.normative_docs.total_published",),
           description="对外公开的规范性文件总数（2019 版表式）。", numerator_label="规范性文件“对外公开总数量”"),
)

BY_ID = {m.id: m for m in METRICS}


def metrics_of(form: Form) -> tuple[Metric, ...]:
    """The metrics defined for ``form``, in declaration order."""
    return tuple(m for m in METRICS if m.resolve(form) is not None)

"""Relations R11-R13 (docs/forms.md) declared as data: what the text restates, and where.

A narrative rule says which phrasing of a figure restates which table cells.
Its ``keys`` are glob patterns over the form's keys (``requests.denied_*.total``):
they resolve against each form, so a rule whose cells exist in only one form
(``active.regulations.new_published`` is gov2019's) compares nothing in the other
and says so. A rule with no keys at all records figures that look like table
figures but restate no cell (主动公开政府信息 98 份: the forms have no such total).

Patterns run on the normalised sentence (NFKC, no whitespace, ``〔〕`` as ``()``);
``{N}`` stands for the figure, ``{Q}`` for the filler words before it (共, 累计, 为 …),
``{U}`` for a count unit. The first rule that matches a stretch of text takes it,
so combined phrasings (予以公开及部分公开, 行政复议和行政诉讼) come before their parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms.schema import RuleSeverity

SEVERITY: RuleSeverity = "warning"

N = r"(?<![\d.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
Q = r"(?:共计?|合计|总计|累计|总数|数量|均|为|达到?|了|是)*"
# Before a figure of this year's documents: no 累计/总数, which state the 对外公开总数量 instead.
QY = r"(?:共计?|为|达到?|了|是)*"
_NOT_CUMULATIVE = r"(?<!累计)(?<!总共)(?<!累积)"
U = r"(?:件|起|宗|个)"
_APPLY = r"(?:各类|各级)?(?:政府信息公开|信息公开|依申请公开)?(?:的)?申请"
_PARENS = r"(?:\((?:[^()]|\([^()]*\))*\))?"  # (闽商务(2020)76号) after a document title


@dataclass(frozen=True)
class NarrativeRule:
    id: str  # stable: "R11.narrative.requests.new.total"
    title: str  # Chinese: the relation, for the 校验 sheet
    states: str  # Chinese: what the sentence says, "收到政府信息公开申请"
    cells: str  # Chinese: the table cells it restates, "“本年新收”总计"
    patterns: tuple[str, ...]
    keys: tuple[str, ...] = ()  # glob patterns over form keys, summed
    note: str = ""  # Chinese: why a figure is not compared when no key resolves
    severity: RuleSeverity = SEVERITY

    def compiled(self) -> tuple[re.Pattern, ...]:
        return _compile(self.patterns)


_CACHE: dict[tuple[str, ...], tuple[re.Pattern, ...]] = {}


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    if patterns not in _CACHE:
        _CACHE[patterns] = tuple(re.compile(p.format(N=N, Q=Q, QY=QY, U=U, APPLY=_APPLY, PARENS=_PARENS, NC=_NOT_CUMULATIVE))
                                 for p in patterns)
    return _CACHE[patterns]


NO_CELL_2019 = "本表式（2019版）没有对应的单元格，未比较"
NO_CELL_2021 = "本表式（2021版）没有对应的单元格，未比较"

NARRATIVE_RULES: tuple[NarrativeRule, ...] = (
    # --- 三 requests: the combined phrasings first ---
    NarrativeRule(
        "R11.narrative.requests.granted_partial.total", "叙述中的予以公开及部分公开件数=表格两行总计之和",
        "予以公开及部分公开", "“（一）予以公开”与“（二）部分公开”总计之和",
        (r"予以公开(?:及|和|与|、)部分公开{Q}{N}{U}",),
        ("requests.granted.total", "requests.partial.total")),
    NarrativeRule(
        "R11.narrative.requests.received.total", "叙述中含上年结转的受理件数=表格“本年新收”与“上年结转”总计之和",
        "受理政府信息公开申请（含上年结转）", "“一、本年新收”与“二、上年结转”总计之和",
        (r"(?:受理|收到|接收|接到|办理){APPLY}{Q}{N}{U}\((?:其中)?(?:含|包括)上年度?结转",),
        ("requests.new.total", "requests.carried_in.total")),
    NarrativeRule(
        "R11.narrative.requests.new.total", "叙述中的收到申请件数=表格“本年新收”总计",
        "收到政府信息公开申请", "“一、本年新收政府信息公开申请数量”总计",
        (r"(?:受理|收到|接收|接到|新收){APPLY}{Q}{N}{U}",),
        ("requests.new.total",)),
    NarrativeRule(
        "R11.narrative.requests.carried_in.total", "叙述中的上年结转件数=表格“上年结转”总计",
        "上年结转申请", "“二、上年结转政府信息公开申请数量”总计",
        (r"上年度?结转(?:的)?(?:政府信息公开|信息公开)?(?:申请)?{Q}{N}{U}",),
        ("requests.carried_in.total",)),
    NarrativeRule(
        "R11.narrative.requests.carried_out.total", "叙述中的结转下年件数=表格“结转下年度继续办理”总计",
        "结转下年度办理", "“四、结转下年度继续办理”总计",
        (r"(?:结转|顺延)(?:至|到)?下一?年度?(?:继续)?(?:办理|答复|处理)?(?:的)?(?:申请)?{Q}{N}{U}",
         r"{N}{U}(?:申请)?[^。;]{{0,16}}?(?:结转|顺延)(?:至|到)下一?年度?"),
        ("requests.carried_out.total",)),
    NarrativeRule(
        "R11.narrative.requests.total.total", "叙述中的办结（答复）件数=表格“（七）总计”",
        "答复（办结）政府信息公开申请", "“（七）总计”总计",
        (r"(?:答复|办结|办理完毕|办理完成)(?:了)?{APPLY}{Q}{N}{U}",),
        ("requests.total.total",)),
    NarrativeRule(
        "R11.narrative.requests.granted.total", "叙述中的予以公开件数=表格“（一）予以公开”总计",
        "予以公开", "“（一）予以公开”总计",
        (r"(?<!不)(?<!主动)予以公开{Q}{N}{U}",),
        ("requests.granted.total",)),
    NarrativeRule(
        "R11.narrative.requests.partial.total", "叙述中的部分公开件数=表格“（二）部分公开”总计",
        "部分公开", "“（二）部分公开”总计",
        (r"部分公开{Q}{N}{U}",),
        ("requests.partial.total",)),
    NarrativeRule(
        "R11.narrative.requests.denied.total", "叙述中的不予公开件数=表格“（三）不予公开”各项总计之和",
        "不予公开", "“（三）不予公开”各项总计之和",
        (r"不予公开{Q}{N}{U}",),
        ("requests.denied_*.total",)),
    NarrativeRule(
        "R11.narrative.requests.unable.total", "叙述中的无法提供件数=表格“（四）无法提供”各项总计之和",
        "无法提供", "“（四）无法提供”各项总计之和",
        (r"无法提供{Q}{N}{U}",),
        ("requests.unable_*.total",)),
    NarrativeRule(
        "R11.narrative.requests.rejected.total", "叙述中的不予处理件数=表格“（五）不予处理”各项总计之和",
        "不予处理", "“（五）不予处理”各项总计之和",
        (r"不予处理{Q}{N}{U}",),
        ("requests.rejected_*.total",)),
    NarrativeRule(
        "R11.narrative.requests.other.total", "叙述中的其他处理件数=表格“（六）其他处理”总计",
        "其他处理", "“（六）其他处理”总计（2021版为三个子项之和）",
        (r"其他处理{Q}{N}{U}",),
        ("requests.other.total", "requests.other_*.total")),
    NarrativeRule(
        "R11.narrative.requests.disclosed_items", "依申请公开的信息条数（表格无对应单元格）",
        "依申请公开信息条数", "（无）",
        (r"依申请公开(?:政府信息|信息)?{Q}{N}条",),
        note="“依申请公开N条”计的是公开的信息条数，不是申请件数，表格没有对应单元格，未比较"),
    # --- 四 appeals ---
    NarrativeRule(
        "R11.narrative.appeals.all.total", "叙述中的复议诉讼合计件数=表格三组总计之和",
        "行政复议和行政诉讼合计", "行政复议、两类行政诉讼的总计之和",
        (r"行政复议(?:和|及|与|、)(?:提起)?(?:行政)?诉讼(?:案件)?{Q}{N}{U}",),
        ("appeals.*.total",)),
    NarrativeRule(
        "R11.narrative.appeals.review.total", "叙述中的行政复议件数=表格“行政复议·总计”",
        "行政复议", "“行政复议·总计”",
        (r"行政复议(?:案件|申请)?{Q}{N}{U}",),
        ("appeals.review.total",)),
    NarrativeRule(
        "R11.narrative.appeals.suit.total", "叙述中的行政诉讼件数=表格两类行政诉讼总计之和",
        "行政诉讼", "“未经复议直接起诉”与“复议后起诉”总计之和",
        (r"诉讼(?:案件)?{Q}{N}{U}",),
        ("appeals.suit_direct.total", "appeals.suit_after_review.total")),
    # --- 二 active ---
    NarrativeRule(
        "R11.narrative.active.total", "主动公开信息总数（表格无对应单元格）",
        "主动公开政府信息", "（无）",
        (r"主动(?:公开|发布)(?:各类)?(?:政府信息|信息){Q}{N}(?:条|件|份)",),
        note="表格只分类列出规章、规范性文件等，没有主动公开信息总数，未比较"),
    NarrativeRule(
        "R11.narrative.active.regulations.published", "叙述中公开的规章件数=表格“规章·本年新公开数量”",
        "公开规章", "“规章·本年新公开数量”",
        (r"{NC}公开(?:了)?(?:政府)?规章{QY}{N}件",),
        ("active.regulations.new_published",), note=NO_CELL_2021),
    NarrativeRule(
        "R11.narrative.active.normative_docs.published", "叙述中公开的规范性文件件数=表格“规范性文件·本年新公开数量”",
        "公开规范性文件", "“规范性文件·本年新公开数量”",
        (r"{NC}公开(?:了)?(?:行政)?规范性文件{QY}{N}件",
         r"{NC}公开(?:了)?规章\d+件[,、](?:行政)?规范性文件{QY}{N}件",
         r"{NC}公开(?:了)?(?:《[^》]{{1,80}}》{PARENS})?等{N}(?:件|份)(?:行政)?规范性文件"),
        ("active.normative_docs.new_published",), note=NO_CELL_2021),
    NarrativeRule(
        "R11.narrative.active.normative_docs.issued", "叙述中制发的规范性文件件数=表格“本年制发件数”",
        "制发规范性文件", "“行政规范性文件·本年制发件数”（2019版为本年新制作数量）",
        (r"(?:制发|出台|印发|制定)(?:了)?(?:行政)?规范性文件{QY}{N}件",),
        ("active.normative_docs.issued", "active.normative_docs.new_made")),
    NarrativeRule(
        "R11.narrative.active.normative_docs.repealed", "叙述中废止的规范性文件件数=表格“本年废止件数”",
        "废止规范性文件", "“行政规范性文件·本年废止件数”",
        (r"废止(?:了)?(?:行政)?规范性文件{QY}{N}件",
         r"废止(?:了)?{N}件(?:行政)?规范性文件"),
        ("active.normative_docs.repealed",), note=NO_CELL_2019),
    NarrativeRule(
        "R11.narrative.active.normative_docs.in_force", "叙述中现行有效的规范性文件件数=表格“现行有效件数”",
        "现行有效规范性文件", "“行政规范性文件·现行有效件数”",
        (r"现行有效(?:的)?(?:行政)?规范性文件{Q}{N}件",),
        ("active.normative_docs.in_force",), note=NO_CELL_2019),
)


@dataclass(frozen=True)
class CompletenessRule:
    id: str  # prefix; the section id or the cell key is appended
    title: str
    message: str  # Chinese; {name} is the section or cell
    severity: RuleSeverity = SEVERITY


SECTION_MISSING = CompletenessRule(
    "R12.completeness.section", "六个部分齐全", "缺少“{name}”部分（未找到该标题）")
SECTION_EMPTY = CompletenessRule(
    "R12.completeness.section_empty", "各部分有内容", "“{name}”部分只有标题，没有内容")
TABLE_MISSING = CompletenessRule(
    "R12.completeness.table", "三张表格齐全", "“{name}”的表格缺失：{why}")
CELL_BLANK = CompletenessRule(
    "R12.completeness.blank", "表格无空白单元格", "{name}{what}，未填数字（记为空值，不按0计）")
CELL_UNREAD = CompletenessRule(
    "R12.completeness.unread", "表格单元格均已读取", "{name}没有读到数字（该行或该列可能缺失）")


@dataclass(frozen=True)
class FeeRule:
    """Relation 13: gov2021 section 六 states the 信息处理费 charged, or that none was."""

    id: str
    title: str
    forms: tuple[str, ...]
    section: str
    mention: str  # a sentence that talks about the fee
    amount: str  # the amount charged, group n and unit
    none_charged: str  # says nothing was charged
    missing: str  # Chinese messages
    elsewhere: str
    vague: str
    severity: RuleSeverity = SEVERITY


FEES = FeeRule(
    "R13.fees.statement", "第六部分说明信息处理费收取情况", ("gov2021",), "other",
    mention=r"(?:信息)?处理费",
    amount=r"(?:信息)?处理费[^。;]{0,12}?(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<unit>万元|元)",
    none_charged=r"(?:未|没有|不(?!断)|免予?|无需?)[^。;,]{0,6}?(?:收取|收费|征收|产生)|零收费|免收"
                 r"|处理费[^。;]{0,6}?(?:为零|为0|0元|为无)|无(?:信息)?处理费",
    missing="第六部分“其他需要报告的事项”没有说明信息处理费的收取情况（应写明收取金额，或写明未收取）",
    elsewhere="信息处理费的收取情况写在了“{section}”部分，按规定应在第六部分“其他需要报告的事项”中说明",
    vague="第六部分提到了信息处理费，但没有写明收取金额或未收取",
)

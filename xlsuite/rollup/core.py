"""The roll-up itself (docs/forms.md, 全市汇总): the key-by-key sum of agency reports. No files here.

The readers hand over one ``Entry`` per input. This module decides which of them
may be added (one form, one year, one report per agency, hard relations kept),
adds them exactly, says which agencies left a summed cell blank, and gives the
per-agency breakdown as a pandas DataFrame.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codes
from ..assessment import Assessment, assess
from ..audit.years import pair_years
from ..checks import CheckResult, check_years
from ..errors import ExitCode, XlsuiteError
from ..forms import Form, get_form
from ..model import Finding, Meta, Number, Report, Severity, Value
from ..text import agency_key, same_agency

if TYPE_CHECKING:
    import pandas as pd

ON_INVALID = ("stop", "skip", "include")
ON_MISSING = ("stop", "warn")  # agencies of the expected list (名单) without a report
ON_INVALID_ZH = {
    "stop": "停止汇总（默认）",
    "skip": "剔除未通过校验的报告，其余照常汇总",
    "include": "未通过校验的报告仍计入汇总",
}

# Relations 8-10 between an agency's report and its report of the year before: the roll-up
# only needs "(previous, current) -> results".
CrossYearCheck = Callable[[Report, Report], list[CheckResult]]


class RollupError(XlsuiteError):
    """The inputs cannot be added up as given. The message names the files and what to do."""

    default_code = "rollup"

    def __init__(self, message: str, paths: Iterable[str] = (), code: str = "rollup", *, remedy: str | None = None,
                 details: Iterable[str] = (), exit_code: ExitCode = ExitCode.BAD_INPUT):
        super().__init__(message, code=code, remedy=remedy, details=details, paths=paths, exit_code=exit_code)


@dataclass
class Entry:
    """One input as the roll-up sees it."""

    path: str
    report: Report
    # When the report was imported (the workbook's 封面), else the file's modification time:
    # ``dedupe`` keeps the newest.
    imported_at: datetime | None = None
    hard_failures: list[CheckResult] | None = None  # failing hard relations; computed on first use

    @property
    def agency(self) -> str:
        return self.report.meta.agency or f"（未识别机关：{Path(self.path).name}）"

    @property
    def year(self) -> int | None:
        return self.report.meta.year

    @property
    def form(self) -> str | None:
        return self.report.meta.form

    def failures(self) -> list[CheckResult]:
        if self.hard_failures is None:
            # Inputs are read without their text (a sum does not use it): relations only.
            self.hard_failures = assess(self.report, audit_text=False).hard_failures
        return self.hard_failures


@dataclass
class Invalid:
    """An input that fails hard relations: named with its agency, relations and keys."""

    entry: Entry
    failures: list[CheckResult]

    def lines(self) -> list[str]:
        head = f"{self.entry.agency}（{self.entry.path}）：{len(self.failures)} 项勾稽关系不通过"
        body = [f"  {r.id} {r.title}：{r.message}；涉及 {'、'.join(r.keys)}" for r in self.failures]
        return [head] + body


@dataclass
class Rollup:
    """The total and everything needed to explain it."""

    total: Report
    entries: list[Entry]  # the inputs that were added, in input order
    on_invalid: str = "stop"
    invalid: list[Invalid] = field(default_factory=list)  # skipped or included, per ``on_invalid``
    dropped: list[Entry] = field(default_factory=list)  # older duplicates removed by ``dedupe``
    previous: dict[str, Entry] = field(default_factory=dict)  # agency -> its report of year - 1
    cross_year: dict[str, list[CheckResult]] = field(default_factory=dict)  # agency -> R8-R10
    blanks: dict[str, list[str]] = field(default_factory=dict)  # key -> agencies that left it blank
    missing: list[str] = field(default_factory=list)  # agencies of the expected list without a report
    own_totals: list[Entry] = field(default_factory=list)  # earlier totals of this roll-up, not added

    @property
    def form(self) -> Form:
        return get_form(self.total.meta.form)

    @property
    def breakdown(self) -> pd.DataFrame:
        """One row per agency (index ``agency``), one column per key; blanks are <NA>."""
        return breakdown_frame(self.form, self.entries)

    def tidy(self) -> pd.DataFrame:
        """The breakdown as a tidy table: columns agency, key, value."""
        return tidy_frame(self.form, self.entries)

    def assessment(self) -> Assessment:
        """The total's assessment (relations; a total's generated text is not audited)."""
        return assess(self.total)

    @property
    def included_invalid(self) -> list[Invalid]:
        return self.invalid if self.on_invalid == "include" else []

    @property
    def skipped_invalid(self) -> list[Invalid]:
        return self.invalid if self.on_invalid == "skip" else []


# ---------------------------------------------------------------- choosing the inputs

def select(entries: list[Entry], year: int | None = None, dedupe: bool = False
           ) -> tuple[list[Entry], dict[int, Entry], list[Entry]]:
    """(entries to add, previous-year entries by id of the current entry's report, dropped duplicates).

    Refuses, naming the files: an unknown year, a year or form that differs from
    the others, one agency twice (unless ``dedupe``). A report of year - 1 is not
    an error when the same agency's report of ``year`` is also given: it is kept
    aside for the cross-year relations, paired as ``xlsuite check`` pairs years
    (``audit.pair_years``: 洪泽区人民政府 is 淮安市洪泽区人民政府 when unambiguous).
    """
    if not entries:
        raise RollupError("没有可汇总的报告：请给出工作簿、报告文件或文件夹", code="no_inputs")
    for e in entries:
        if all(v.value is None for v in e.report.values.values()):
            raise RollupError(f"{e.path}：报告中没有任何表格数值（表格缺失或为图片？），无法参与汇总",
                              [e.path], "no_values")
        if e.year is None:
            raise RollupError(f"{e.path}：未能识别报告年度，无法确认与其他报告属于同一年度；"
                              "请在工作簿“封面”或报告标题中补上年度", [e.path], "no_year")
    target: int = year if year is not None else max(e.year for e in entries if e.year is not None)
    current = [e for e in entries if e.year == target]
    previous = [e for e in entries if e.year == target - 1
                and any(same_agency(e.report.meta.agency, c.report.meta.agency) for c in current)]
    aside = {id(e) for e in previous}
    for e in entries:
        if e.year == target or id(e) in aside:
            continue
        if current:
            other = current[0]
            raise RollupError(f"年度不一致，不能汇总：{other.path} 为{other.year}年度，"
                              f"{e.path} 为{e.year}年度", [other.path, e.path], "mixed_years")
        raise RollupError(f"{e.path} 为{e.year}年度，与要汇总的{target}年度不符", [e.path], "wrong_year")
    first = current[0]
    for e in current[1:]:
        if e.form != first.form:
            raise RollupError(f"表式不一致，不能汇总：{first.path} 为{first.form}（{_form_title(first.form)}），"
                              f"{e.path} 为{e.form}（{_form_title(e.form)}）", [first.path, e.path], "mixed_forms")
    kept, dropped = _one_per_agency(current, dedupe)
    prev_kept, prev_dropped = _one_per_agency(previous, dedupe)
    prev_of = {id(e.report): e for e in prev_kept}
    pairs = {id(cur): prev_of[id(prev)] for prev, cur in pair_years(e.report for e in kept + prev_kept)
             if id(prev) in prev_of}
    return kept, pairs, dropped + prev_dropped


def _form_title(form_id: str | None) -> str:
    try:
        return get_form(form_id).title
    except KeyError:
        return "未知表式"


def _one_per_agency(entries: list[Entry], dedupe: bool) -> tuple[list[Entry], list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(agency_key(e.agency), []).append(e)
    twice = {k: g for k, g in groups.items() if len(g) > 1}
    if twice and not dedupe:
        lines = [f"{g[0].agency}：{'、'.join(e.path for e in g)}" for g in twice.values()]
        raise RollupError("同一机关出现多次，不能重复汇总", [e.path for g in twice.values() for e in g],
                          "duplicate_agency", remedy="每个机关只留一份，或选择保留导入时间最新的一份", details=lines)
    keep = {k: _newest(g) for k, g in groups.items()}
    kept = [e for e in entries if keep[agency_key(e.agency)] is e]
    return kept, [e for e in entries if keep[agency_key(e.agency)] is not e]


def _newest(group: list[Entry]) -> Entry:
    # An unknown import time counts as oldest; on a tie the later input wins. Timestamps compare
    # naive (local) and zone-aware times alike.
    def when(e: Entry) -> float:
        return e.imported_at.timestamp() if e.imported_at else float("-inf")
    best = group[0]
    for e in group[1:]:
        if when(e) >= when(best):
            best = e
    return best


def expected(entries: list[Entry], expect: Iterable[str], year: int | None = None) -> tuple[list[str], list[str]]:
    """(agencies of ``expect`` without a report of the year, agencies reporting that are not in ``expect``)."""
    years = [e.year for e in entries if e.year is not None]
    target = year if year is not None else (max(years) if years else None)
    present = {agency_key(e.agency): e.agency for e in entries if e.year == target}
    wanted = {agency_key(n) for n in expect}
    missing = [n for n in expect if agency_key(n) not in present]
    return missing, [name for key, name in present.items() if key not in wanted]


def check_expected(entries: list[Entry], expect: Iterable[str], year: int | None = None,
                   on_missing: str = "stop") -> tuple[list[str], list[Finding]]:
    """Compare the inputs with the agency list; raises RollupError for missing agencies unless ``on_missing="warn"``."""
    if on_missing not in ON_MISSING:
        raise ValueError(f"on_missing must be one of {ON_MISSING}, not {on_missing!r}")
    expect = list(expect)
    missing, outside = expected(entries, expect, year)
    if missing and on_missing == "stop":
        raise RollupError(f"名单中 {len(missing)} 个机关没有报告，已停止汇总：{'、'.join(missing)}", (),
                          "missing_agencies", remedy="补齐后重试，或选择照常汇总并提示",
                          exit_code=ExitCode.CHECKS_FAILED)
    notes = []
    if missing:
        notes.append(Finding(codes.ROLLUP_MISSING, f"名单中 {len(missing)} 个机关未报送，汇总数不含这些机关："
                                               f"{'、'.join(missing)}", severity=Severity.WARNING))
    if outside:
        notes.append(Finding(codes.ROLLUP_OFF_LIST, f"{len(outside)} 个机关不在名单（共 {len(expect)} 个）中，"
                                                f"仍计入汇总：{'、'.join(outside)}", severity=Severity.WARNING))
    return missing, notes


def screen(entries: list[Entry], on_invalid: str = "stop") -> tuple[list[Entry], list[Invalid]]:
    """(entries to add, inputs failing hard relations), applying ``on_invalid``."""
    if on_invalid not in ON_INVALID:
        raise ValueError(f"on_invalid must be one of {ON_INVALID}, not {on_invalid!r}")
    invalid = [Invalid(e, f) for e in entries if (f := e.failures())]
    if invalid and on_invalid == "stop":
        lines = [line for inv in invalid for line in inv.lines()]
        raise RollupError(f"{len(invalid)} 份报告未通过勾稽关系校验，已停止汇总", [inv.entry.path for inv in invalid],
                          "invalid_inputs", remedy="改正后重试，或选择剔除这些报告、或照常计入", details=lines,
                          exit_code=ExitCode.CHECKS_FAILED)
    if on_invalid == "skip":
        bad = {id(inv.entry) for inv in invalid}
        entries = [e for e in entries if id(e) not in bad]
        if not entries:
            raise RollupError("所有报告都未通过勾稽关系校验，剔除后没有可汇总的报告",
                              [inv.entry.path for inv in invalid], "all_invalid")
    return entries, invalid


# ---------------------------------------------------------------- adding up

def exact_sum(values: list[Number]) -> Number:
    """The sum without binary rounding: 0.1 + 0.2 万元 gives 0.3, whole results are ints."""
    if all(isinstance(v, int) for v in values):
        return sum(values)
    s = sum((Decimal(repr(v)) if isinstance(v, float) else Decimal(v) for v in values), Decimal(0))
    return int(s) if s == s.to_integral_value() else float(s)


def add_up(form: Form, reports: list[tuple[str, Report]]) -> tuple[dict[str, Number | None], dict[str, list[str]]]:
    """Key-by-key sums of ``(agency, report)`` pairs, and for each partly blank key the agencies
    that left it blank. A key blank in every report stays blank (None), never 0."""
    totals: dict[str, Number | None] = {}
    blanks: dict[str, list[str]] = {}
    for key in form.keys():
        present: list[Number] = []
        missing: list[str] = []
        for agency, report in reports:
            v = report.number(key)
            if v is None:
                missing.append(agency)
            else:
                present.append(v)
        totals[key] = exact_sum(present) if present else None
        if present and missing:
            blanks[key] = missing
    return totals, blanks


def narrative(agency: str, entries: list[Entry]) -> dict[str, str]:
    """Texts do not add up: the total's narrative names the agencies it sums instead."""
    listing = "\n".join(f"{n}. {e.agency}" for n, e in enumerate(entries, 1))
    note = "汇总报告不合并各机关的文字内容，详见各机关报告。"
    return {
        "overview": f"本报告为{agency}汇总数据，由以下 {len(entries)} 个机关（单位）的年度报告逐项相加而成：\n{listing}",
        "issues": note,
        "other": note,
    }


def consolidate(entries: list[Entry], *, agency: str, year: int | None = None, on_invalid: str = "stop",
                dedupe: bool = False, cross_year: CrossYearCheck | None = check_years) -> Rollup:
    """The whole roll-up of already-read entries. Raises RollupError when they cannot be added."""
    own = [e for e in entries if is_total_of(e, agency)]
    if own and len(own) == len(entries):
        raise RollupError(f"给出的只有{agency}本身以前的汇总结果（{'、'.join(e.path for e in own)}），"
                          "没有可汇总的机关报告", [e.path for e in own], "only_own_total")
    entries = [e for e in entries if not is_total_of(e, agency)]
    current, previous, dropped = select(entries, year, dedupe)
    current, invalid = screen(current, on_invalid)
    form = get_form(current[0].form)
    values, blanks = add_up(form, [(e.agency, e.report) for e in current])
    total = Report(Meta(agency=agency, year=current[0].year, form=form.id, source=None, source_kind="rollup"))
    total.values = {k: Value(v) for k, v in values.items()}
    total.narrative = narrative(agency, current)
    total.sections_found = [s.id for s in form.sections]
    rollup = Rollup(total, current, on_invalid, invalid, dropped, blanks=blanks, own_totals=own)
    if cross_year is not None:
        for e in current:
            prev = previous.get(id(e.report))
            if prev is not None:
                rollup.previous[e.agency] = prev
                rollup.cross_year[e.agency] = cross_year(prev.report, e.report)
    total.warnings.extend(findings(rollup))
    return rollup


def is_total_of(e: Entry, agency: str) -> bool:
    """Whether an input is an earlier total of the roll-up being made: a roll-up workbook
    (来源类型 汇总) under the same name. Saved into the inbox it would be added to itself."""
    return e.report.meta.source_kind == "rollup" and same_agency(e.report.meta.agency, agency)


def findings(rollup: Rollup) -> list[Finding]:
    """What staff must know about the total: blanks skipped, invalid inputs, duplicates, past years."""
    out: list[Finding] = []
    form = rollup.form
    for e in rollup.own_totals:
        out.append(Finding(codes.ROLLUP_OWN_TOTAL, f"{e.path} 是{rollup.total.meta.agency}以前的汇总结果，"
                           "未计入（否则会重复相加）", severity=Severity.WARNING))
    totals = [e for e in rollup.entries if e.report.meta.source_kind == "rollup"]
    if totals and len(totals) < len(rollup.entries):
        out.append(Finding(codes.ROLLUP_MIXED_TOTALS,
                           f"输入中既有汇总结果（{'、'.join(f'{e.agency}（{e.path}）' for e in totals)}）又有机关报告："
                           "汇总结果已包含的机关若再单独给出，会被重复相加，请核对", severity=Severity.WARNING))
    for key, agencies in rollup.blanks.items():
        out.append(Finding(codes.ROLLUP_BLANK, f"{form.label_of(key)}：{len(agencies)} 个机关留空，"
                           f"汇总数只含其余机关：{'、'.join(agencies)}", key=key))
    for e in rollup.entries:
        if not e.report.meta.agency:
            out.append(Finding(codes.ROLLUP_NO_AGENCY, f"{e.path}：未能识别机关名称，明细中以文件名代替；"
                               "同一机关的重复报告因此可能未被发现"))
        # Doubtful cells of an input feed the total: keep them visible, named with the agency.
        for w in e.report.warnings:
            if w.key:
                out.append(Finding(codes.ROLLUP_INPUT_CELL, f"{e.agency}（{e.path}）：{w.message}", key=w.key,
                                   provenance=w.provenance))
    verb = {"include": "仍计入汇总", "skip": "未计入汇总"}.get(rollup.on_invalid, "")
    for inv in rollup.invalid:
        ids = "、".join(r.id for r in inv.failures)
        out.append(Finding(codes.ROLLUP_INVALID_INPUT,
                           f"{inv.entry.agency}（{inv.entry.path}）未通过勾稽关系校验（{ids}），{verb}",
                           severity=Severity.WARNING))
    for e in rollup.dropped:
        out.append(Finding(codes.ROLLUP_DUPLICATE_DROPPED,
                           f"{e.agency} 的重复报告 {e.path} 未计入（保留导入时间最新的一份）", severity=Severity.INFO))
    for name, prev in rollup.previous.items():
        out.append(Finding(codes.ROLLUP_PREVIOUS_YEAR, f"{name} 的上年报告 {prev.path} 只用于跨年度比对，未计入汇总",
                           severity=Severity.INFO))
    for name, results in rollup.cross_year.items():
        for r in results:
            if r.failed:
                out.append(Finding(codes.ROLLUP_CROSS_YEAR, f"{name}（与上年报告 {rollup.previous[name].path} 比对）："
                                   f"{r.id} {r.message}", key=r.keys[0] if r.keys else None))
    return out


# ---------------------------------------------------------------- the breakdown as data

def _dtype(form: Form, key: str) -> str:
    return "Float64" if form.column_of(key).kind == "money" else "Int64"


def breakdown_frame(form: Form, entries: list[Entry]) -> pd.DataFrame:
    import pandas as pd

    keys = form.keys()
    columns = {k: pd.array([e.report.number(k) for e in entries], dtype=_dtype(form, k)) for k in keys}
    return pd.DataFrame(columns, index=pd.Index([e.agency for e in entries], name="agency"))


def tidy_rows(form: Form, entries: list[Entry]) -> Iterable[tuple[str, str, Number | None]]:
    """(agency, key, value) in agency then form order, values exactly as read."""
    keys = form.keys()
    for e in entries:
        for k in keys:
            yield e.agency, k, e.report.number(k)


def tidy_frame(form: Form, entries: list[Entry]) -> pd.DataFrame:
    import pandas as pd

    rows = list(tidy_rows(form, entries))
    return pd.DataFrame({
        "agency": [r[0] for r in rows],
        "key": [r[1] for r in rows],
        "value": pd.array([r[2] for r in rows], dtype="Float64"),
    })

"""Relation instances as Excel formulas over defined names: the rows of the 校验 sheet.

These formulas mirror ``xlsuite.checks`` exactly, so that Excel (or LibreOffice)
and the Python engine give the same result for every instance:

- a side is the signed sum of its terms; a blank addend counts as 0 (SUM skips
  blanks and text), and a side whose terms are all blank is blank;
- a blank side makes the relation 无法校验 (not checkable), never 不通过;
- equality and inequalities allow the engine's tolerance;
- rule 5 (a count is a non-negative integer) is one row per cell; a blank cell
  has no result in Python and shows 空白 here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..assessment import FAILED_EXPLAINED, Review
from ..checks import FAIL, NOT_CHECKABLE, PASS, STATUS_ZH, TOLERANCE
from ..forms import get_form
from ..metrics import NOTE_DEN_BLANK, NOTE_DEN_ZERO, NOTE_NO_DATA, NOTE_NUM_BLANK
from ..relations import Instance, Term, instances
from .layout import defined_name, previous_name

PASS_ZH, FAIL_ZH, UNCHECKABLE_ZH = STATUS_ZH[PASS], STATUS_ZH[FAIL], STATUS_ZH[NOT_CHECKABLE]
BLANK_ZH = "空白"
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
OP_TEXT = {"==": "=", "<=": "≤", ">=": "≥"}
# Excel has no literal for 1e-6 that every engine prints the same; keep it in plain decimal.
_TOL = f"{TOLERANCE:.10f}".rstrip("0")


@dataclass(frozen=True)
class CheckRow:
    """The formulas of one 校验 row; ``E``/``F`` are the addresses of its left and right cells."""

    instance: Instance
    left: str  # formula
    right: str
    difference: str
    result: str
    expression: str  # the relation in keys, for people


def _side(terms: tuple[Term, ...]) -> str:
    if not terms:
        return ""
    # Last year's terms (relations 8-10) read the 上年数据 sheet's ``prev.`` names.
    plus = [previous_name(t.key) if t.previous else defined_name(t.key) for t in terms if t.sign > 0]
    minus = [previous_name(t.key) if t.previous else defined_name(t.key) for t in terms if t.sign < 0]
    names = ",".join(plus + minus)
    total = f"SUM({','.join(plus)})" if plus else "0"
    if minus:
        total += f"-SUM({','.join(minus)})"
    return f'=IF(COUNT({names})=0,"",{total})'


def _compare(op: str, left: str, right: str) -> str:
    if op == "==":
        return f"ABS({left}-{right})<={_TOL}"
    if op == "<=":
        return f"{left}<={right}+{_TOL}"
    return f"{left}>={right}-{_TOL}"


def _expression(inst: Instance) -> str:
    def side(terms):
        out = ""
        for n, t in enumerate(terms):
            out += (" - " if t.sign < 0 else (" + " if n else "")) + (previous_name(t.key) if t.previous else t.key)
        return out
    return f"{side(inst.left)} {OP_TEXT[inst.op]} {side(inst.right)}"


def _cell_rule(inst: Instance, form_id: str) -> tuple[str, str]:
    """Rule 5 for one cell: the condition a number must meet, and its description."""
    key = inst.left[0].key
    name = defined_name(key)
    kind = get_form(form_id).column_of(key).kind
    if kind == "money":
        return f"{name}>=0", f"{key} ≥ 0"
    if kind == "signed":
        return f"{name}=INT({name})", f"{key} 为整数"
    return f"AND({name}>=0,{name}=INT({name}))", f"{key} ≥ 0，且为整数"


def check_row(inst: Instance, form_id: str, row: int, left_col: str = "E", right_col: str = "F") -> CheckRow:
    left_ref, right_ref = f"{left_col}{row}", f"{right_col}{row}"
    if inst.rule.per == "cell":
        name = defined_name(inst.left[0].key)
        cond, text = _cell_rule(inst, form_id)
        return CheckRow(
            inst,
            left=f'=IF(ISNUMBER({name}),{name},"")',
            right="",
            difference="",
            result=f'=IF(ISNUMBER({name}),IF({cond},"{PASS_ZH}","{FAIL_ZH}"),"{BLANK_ZH}")',
            expression=text,
        )
    blank = f'OR({left_ref}="",{right_ref}="")'
    return CheckRow(
        inst,
        left=_side(inst.left),
        right=_side(inst.right),
        difference=f'=IF({blank},"",{left_ref}-{right_ref})',
        result=f'=IF({blank},"{UNCHECKABLE_ZH}",IF({_compare(inst.op, left_ref, right_ref)},"{PASS_ZH}","{FAIL_ZH}"))',
        expression=_expression(inst),
    )


def sheet_order(form_id: str) -> tuple[Instance, ...]:
    """The 校验 rows: relations between cells first, then the one-per-cell rule 5 rows."""
    insts = instances(form_id)
    return tuple(i for i in insts if i.rule.per != "cell") + tuple(i for i in insts if i.rule.per == "cell")


# 核实: a reviewer's mark on a finding, and the verdict of a report whose every hard failure is explained.
# The words are the assessment's (``assessment.Review``), which reads the same marks back.
UNREVIEWED_ZH, CONFIRMED_ZH, CORRECTED_ZH = (Review.UNREVIEWED.value, Review.CONFIRMED.value,
                                             Review.CORRECTED.value)
REVIEW_CHOICES = (UNREVIEWED_ZH, CONFIRMED_ZH, CORRECTED_ZH)
EXPLAINED_CHOICES = tuple(r.value for r in Review if r != Review.UNREVIEWED)
FAILED_EXPLAINED_ZH = FAILED_EXPLAINED


def explained_formula(review_cell: str) -> str:
    """True when the 核实 cell says the finding was looked at (as ``Mark.explained``)."""
    return "OR(" + ",".join(f'{review_cell}="{c}"' for c in EXPLAINED_CHOICES) + ")"


def verdict_formula(result_range: str, severity_range: str, review_range: str | None = None) -> str:
    """``checks.verdict``, as ``Assessment.verdict``: 通过 unless a hard relation fails; 不通过（已说明）
    when every failing one is marked 核实. A mark never turns the verdict into 通过.
    """
    hard = f'COUNTIFS({result_range},"{FAIL_ZH}",{severity_range},"{SEVERITY_ZH["error"]}")'
    if review_range is None:
        return f'=IF({hard}>0,"{FAIL_ZH}","{PASS_ZH}")'
    unexplained = (f'COUNTIFS({result_range},"{FAIL_ZH}",{severity_range},"{SEVERITY_ZH["error"]}",'
                   + ",".join(f'{review_range},"<>{c}"' for c in EXPLAINED_CHOICES) + ")")
    return f'=IF({hard}>0,IF({unexplained}>0,"{FAIL_ZH}","{FAILED_EXPLAINED_ZH}"),"{PASS_ZH}")'


def status_of(excel_text: str | None) -> str | None:
    """An Excel result text back to the engine's status (None for a blank cell's 空白)."""
    return {PASS_ZH: PASS, FAIL_ZH: FAIL, UNCHECKABLE_ZH: NOT_CHECKABLE}.get(excel_text or "")


# --- metrics ------------------------------------------------------------------

def _args(keys: tuple[str, ...], ref) -> str:
    return ",".join(ref(k) for k in keys)


def metric_formula(metric, num: tuple[str, ...], den: tuple[str, ...], ref=defined_name) -> str:
    """A metric (``xlsuite.forms.metrics``) as a formula; ``ref(key)`` gives each key's reference.

    Mirrors ``xlsuite.metrics.evaluate``: blank, never 0 or #DIV/0!, when the
    denominator is blank or 0 or the numerator entirely blank.
    """
    n = _args(num, ref)
    if metric.kind == "count":
        return f'=IF(COUNT({n})=0,"",SUM({n}))'
    d = _args(den, ref)
    return f'=IF(COUNT({d})=0,"",IF(SUM({d})=0,"",IF(COUNT({n})=0,"",SUM({n})/SUM({d}))))'


def metric_note_formula(metric, num: tuple[str, ...], den: tuple[str, ...], ref=defined_name) -> str:
    """Why the metric cell is blank, in the words of ``xlsuite.metrics`` (empty when it has a value)."""
    n = _args(num, ref)
    if metric.kind == "count":
        return f'=IF(COUNT({n})=0,"{NOTE_NO_DATA}","")'
    d = _args(den, ref)
    return (f'=IF(COUNT({d})=0,"{NOTE_DEN_BLANK}",IF(SUM({d})=0,"{NOTE_DEN_ZERO}",'
            f'IF(COUNT({n})=0,"{NOTE_NUM_BLANK}","")))')

"""Expand the declared rules of a form into concrete relation instances.

An instance is a linear relation over value keys: ``sum(left) op sum(right)``.
The Python check engine evaluates instances; the workbook renders the very same
instances as Excel formulas over defined names. One declaration, two renderings.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .forms import Form, Rule, get_form
from .forms.schema import RuleSeverity


@dataclass(frozen=True)
class Term:
    key: str
    sign: int = 1
    previous: bool = False  # read from last year's report

    def render(self) -> str:
        name = ("上年:" if self.previous else "") + self.key
        return ("-" if self.sign < 0 else "") + name


@dataclass(frozen=True)
class Instance:
    id: str  # stable: "R1.requests.natural"
    rule: Rule
    label: str  # Chinese: the row or column it ranges over
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def op(self) -> str:
        return self.rule.op

    @property
    def severity(self) -> RuleSeverity:
        return self.rule.severity

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.left + self.right if not t.previous)

    @property
    def message(self) -> str:
        return self.rule.message.format(label=self.label)


def _expand(form: Form, rule: Rule) -> list[Instance]:
    if rule.per == "cell":
        # Relation 5 is a property of each cell, not a sum; it has no terms beyond the cell.
        return [Instance(f"{rule.id}.{key}", rule, form.label_of(key), (Term(key),), ())
                for key in form.keys()]
    table = form.table(rule.section)
    out: list[Instance] = []
    if rule.per == "column":
        row_ids = {r.id for r in table.rows}
        for col in table.columns:
            names = [n.lstrip("-").removeprefix("prev:") for n in rule.left + rule.right]
            if not all(n in row_ids for n in names):
                continue
            left = tuple(_rowterm(table.section, n, col.id) for n in rule.left)
            right = tuple(_rowterm(table.section, n, col.id) for n in rule.right)
            out.append(Instance(f"{rule.id}.{table.section}.{col.id}", rule, col.label, left, right))
    else:
        rows = table.rows if rule.per == "row" else tuple(r for r in table.rows if r.id in rule.rows)
        for row in rows:
            cols = {c.id for c in table.row_columns(row)}
            names = [n.lstrip("-").removeprefix("prev:") for n in rule.left + rule.right]
            if not all(n in cols for n in names):
                continue
            left = tuple(_colterm(table.section, row.id, n) for n in rule.left)
            right = tuple(_colterm(table.section, row.id, n) for n in rule.right)
            label = f"{row.group}·{row.label}" if table.layout == "flat" and row.group else row.label
            out.append(Instance(f"{rule.id}.{table.section}.{row.id}", rule, label, left, right))
    return out


def _rowterm(section: str, name: str, col: str) -> Term:
    sign = -1 if name.startswith("-") else 1
    name = name.lstrip("-")
    previous = name.startswith("prev:")
    return Term(f"{section}.{name.removeprefix('prev:')}.{col}", sign, previous)


def _colterm(section: str, row: str, name: str) -> Term:
    sign = -1 if name.startswith("-") else 1
    name = name.lstrip("-")
    previous = name.startswith("prev:")
    return Term(f"{section}.{row}.{name.removeprefix('prev:')}", sign, previous)


@lru_cache(maxsize=None)
def instances(form_id: str, cross_year: bool = False) -> tuple[Instance, ...]:
    """All instances of a form's rules; cross-year rules only when asked for."""
    form = get_form(form_id)
    return tuple(i for rule in form.rules if rule.cross_year == cross_year for i in _expand(form, rule))


def sum_instances(form_id: str) -> tuple[Instance, ...]:
    """The single-year relations that compare sums (everything but the per-cell rule 5)."""
    return tuple(i for i in instances(form_id) if i.rule.per != "cell")

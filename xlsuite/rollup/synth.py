"""Synthetic agencies that add up to a given total: fixtures for roll-up tests and benchmarks.

Each agency's report keeps the hard relations 1-5 on its own, so their
roll-up must both equal the total and pass every check. The requests table is
split as individual applications (each comes in as new or carried over and
goes out as one outcome or carried over), which keeps relations 1-3 per
agency; appeals are split by result, which keeps relation 4.
"""
from __future__ import annotations

import random
from typing import Any
from decimal import Decimal

from ..forms import Form, get_form
from ..model import Meta, Number, Report, Value


def _rule(form: Form, rule_id: str):
    return next(r for r in form.rules if r.id == rule_id)


def _shares(rng: random.Random, n: int) -> list[float]:
    # Agencies differ a lot in size: a few big ones, many small, some with nothing at all.
    w = [rng.paretovariate(1.2) * (rng.random() > 0.15) for _ in range(n)]
    if not any(w):
        w[0] = 1.0
    s = sum(w)
    return [x / s for x in w]


def split_int(rng: random.Random, value: int, shares: list[float]) -> list[int]:
    """``value`` (>= 0) into non-negative parts proportional to ``shares``, summing exactly."""
    parts = [int(value * s) for s in shares]
    candidates = [i for i, s in enumerate(shares) if s > 0]
    for _ in range(value - sum(parts)):
        parts[rng.choice(candidates)] += 1
    return parts


def split_signed(rng: random.Random, value: int, shares: list[float]) -> list[int]:
    """A signed change: proportional parts, then zero-sum noise so some parts turn negative."""
    parts = split_int(rng, abs(value), shares)
    if value < 0:
        parts = [-p for p in parts]
    for _ in range(len(parts) // 4):
        i, j = rng.sample(range(len(parts)), 2)
        k = rng.randint(1, 5)
        parts[i] += k
        parts[j] -= k
    return parts


def split_money(rng: random.Random, value: Number, shares: list[float]) -> list[Number]:
    """Money in its stored unit, split to the cent (or the whole unit when it is whole)."""
    if isinstance(value, int):
        return list(split_int(rng, value, shares))
    cents = Decimal(repr(value)) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"cannot split {value} exactly to the cent")
    return [float(Decimal(p) / 100) for p in split_int(rng, int(cents), shares)]


def _split_requests(rng, form: Form, values: dict, shares: list[float], out: list[dict]) -> None:
    table = form.table("requests")
    sources = _rule(form, "R1").left           # new, carried_in
    total_row, carried_out = _rule(form, "R1").right
    outcomes = _rule(form, "R3").right
    applicants = _rule(form, "R2").right       # the columns that add up to 总计
    sum_col = _rule(form, "R2").left[0]
    for col in applicants:
        def v(row):
            return values[f"requests.{row}.{col}"] or 0
        ins = [row for row in sources for _ in range(v(row))]
        outs = [row for row in outcomes + (carried_out,) for _ in range(v(row))]
        if len(ins) != len(outs):
            raise ValueError(f"requests column {col} does not satisfy relation 1; cannot split")
        rng.shuffle(outs)
        owners = split_int(rng, len(ins), shares)
        pos = 0
        for i, count in enumerate(owners):
            counts = {r.id: 0 for r in table.rows}
            for src, dst in zip(ins[pos:pos + count], outs[pos:pos + count]):
                counts[src] += 1
                counts[dst] += 1
            pos += count
            counts[total_row] = sum(counts[r] for r in outcomes)
            for row_id, n in counts.items():
                out[i][f"requests.{row_id}.{col}"] = n
    for agency in out:
        for r in table.rows:
            agency[f"requests.{r.id}.{sum_col}"] = sum(agency[f"requests.{r.id}.{c}"] for c in applicants)


def _split_appeals(rng, form: Form, values: dict, shares: list[float], out: list[dict]) -> None:
    rule = _rule(form, "R4")
    for row in form.table("appeals").rows:
        for col in rule.right:
            for agency, part in zip(out, split_int(rng, values[f"appeals.{row.id}.{col}"] or 0, shares)):
                agency[f"appeals.{row.id}.{col}"] = part
        for agency in out:
            agency[f"appeals.{row.id}.{rule.left[0]}"] = sum(agency[f"appeals.{row.id}.{c}"] for c in rule.right)


def split(values: dict[str, Number | None], form_id: str, n: int, seed: int = 0) -> list[dict[str, Number | None]]:
    """``n`` value dicts, each satisfying relations 1-5, whose key-by-key sum is ``values``.

    ``values`` must itself satisfy relations 1-5 and have no blank cells.
    """
    form = get_form(form_id)
    blank = [k for k in form.keys() if values.get(k) is None]
    if blank:
        raise ValueError(f"cannot split a report with blank cells: {blank[:5]}")
    rng = random.Random(seed)
    shares = _shares(rng, n)
    out: list[dict] = [{} for _ in range(n)]
    for key in form.table("active").keys():
        kind = form.column_of(key).kind
        splitter: Any = {"signed": split_signed, "money": split_money}.get(kind, split_int)
        for agency, part in zip(out, splitter(rng, values[key], shares)):
            agency[key] = part
    _split_requests(rng, form, values, shares, out)
    _split_appeals(rng, form, values, shares, out)
    return [{k: d[k] for k in form.keys()} for d in out]


def agency_names(n: int, city: str = "厦门市") -> list[str]:
    bureaus = ["人民政府办公厅", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
               "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "建设局", "交通运输局",
               "农业农村局", "水利局", "商务局", "文化和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局",
               "审计局", "市场监督管理局", "体育局", "统计局", "医疗保障局", "城市管理行政执法局", "金融监督管理局",
               "国有资产监督管理委员会", "信访局", "大数据管理局", "海洋发展局", "林业局", "住房保障和房屋管理局"]
    districts = ["思明区人民政府", "湖里区人民政府", "集美区人民政府", "海沧区人民政府", "同安区人民政府", "翔安区人民政府"]
    names = [city + b for b in bureaus] + [city + d for d in districts]
    if n <= len(names):
        return names[:n]
    return [f"{city}第{i + 1:04d}号机关" for i in range(n)]


def synthetic_reports(total: Report, n: int, seed: int = 0, names: list[str] | None = None) -> list[Report]:
    """``n`` agency reports of the total's year and form that add up to it exactly."""
    names = names or agency_names(n)
    parts = split(total.numbers(), get_form(total.meta.form).id, n, seed)
    return [Report(Meta(agency=name, year=total.meta.year, form=total.meta.form, source_kind="synthetic"),
                   {k: Value(v) for k, v in values.items()},
                   narrative={"overview": f"{name}{total.meta.year}年度政府信息公开工作总体情况（测试数据）。"},
                   sections_found=[s.id for s in get_form(total.meta.form).sections])
            for name, values in zip(names, parts)]

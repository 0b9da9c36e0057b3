"""Which reports of a batch are the same agency's consecutive years (relations 8-10).

``xlsuite.checks.check_years(previous, current)`` compares two reports; this
module only finds the pairs, so ``check``, roll-ups and batches pair alike.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..model import Report
from ..text import agency_key, same_agency

__all__ = ["agency_key", "pair_years", "same_agency"]


def pair_years(reports: Iterable[Report]) -> list[tuple[Report, Report]]:
    """(previous, current) for every report whose agency's report of the year before is present.

    An agency-year held by two reports is ambiguous and paired with nothing; so is a
    shortened name that fits two agencies.
    """
    by_year: dict[int, dict[str, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        if r.meta.agency and r.meta.year:
            by_year[r.meta.year][agency_key(r.meta.agency)].append(r)
    pairs = []
    for year in sorted(by_year):
        before = by_year.get(year - 1)
        if not before:
            continue
        for key, current in sorted(by_year[year].items()):
            if len(current) != 1:
                continue
            exact = before.get(key)
            candidates = [exact] if exact else [group for k, group in before.items() if same_agency(k, key)]
            if len(candidates) == 1 and len(candidates[0]) == 1:
                pairs.append((candidates[0][0], current[0]))
    return pairs

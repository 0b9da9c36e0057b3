"""How long `extract` takes on a 20-page text report, against a floor measured in the same run.

The floor is what any parser must do at least: decode the file and find every
number in it with one regular expression. Run: .venv/bin/python benchmarks/extract_speed.py
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import median_of  # noqa: E402

from xlsuite.checks import check  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402

SEED = ROOT / "examples" / "xiamen-city-2020.pdf.txt"
LINES_PER_PAGE = 38


def twenty_pages() -> str:
    """Xiamen's report with its narrative repeated until the text fills 20 printed pages."""
    text = SEED.read_text(encoding="utf-8")
    head, sep, rest = text.partition("二、主动公开政府信息情况")
    lines = head.splitlines()
    while len(lines) + rest.count("\n") < 20 * LINES_PER_PAGE * 2:  # the dump has a blank line between lines
        lines += head.splitlines()[5:]
    return "\n".join(lines) + "\n" + sep + rest


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "report-20-pages.txt"
        path.write_text(twenty_pages(), encoding="utf-8")
        pages = path.read_text(encoding="utf-8").count("\n") // (LINES_PER_PAGE * 2)
        number = re.compile(r"[+-]?\d+(?:\.\d+)?")

        def floor():
            return len(number.findall(path.read_bytes().decode("utf-8")))

        def extract():
            report = read_report(path)
            check(report)
            assert report.number("requests.new.total") == 1609

        t_floor, t_extract = median_of(15, floor), median_of(15, extract)
        print(f"input: {path.stat().st_size / 1024:.0f} KB, about {pages} pages")
        print(f"floor (decode + one regex over all numbers): {t_floor * 1000:7.1f} ms")
        print(f"xlsuite extract + check:                      {t_extract * 1000:7.1f} ms"
              f"  ({t_extract / t_floor:.0f}x the floor, {t_extract / pages * 1000:.1f} ms per page)")
        print("target: well under 1 s per report:", "met" if t_extract < 0.5 else "NOT met")


if __name__ == "__main__":
    main()

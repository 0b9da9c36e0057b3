"""Pictures for docs/excel.md: a workbook after the 校验 button, rendered by LibreOffice.

A seed workbook gets one wrong total (本年新收·总计 1609 -> 1614), the 校验
action runs on it through the file adapter (as ``xlsuite excel validate``
would), and examples/render_workbook.py renders the result. The pages showing
三、依申请公开 and the 校验 sheet are copied to docs/img/. The Excel ribbon
itself cannot be pictured here: it needs Excel on Windows.

    python examples/excel_screens.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlsuite.excel import book  # noqa: E402
from xlsuite.excel.dispatch import dispatch  # noqa: E402
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

SEEDS = ROOT / "examples"
PAGES = {"三、收到和处理政府信息公开申请情况": "excel-validate-requests.png",
         "校验：勾稽关系": "excel-validate-checks.png"}


def main() -> int:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = write_workbook(read_report(SEEDS / "xiamen-city-2020.pdf.txt"), tmp / "2020-厦门市人民政府.xlsx")
        a = OpenpyxlAdapter(path)
        book.set_value(a, "requests.new.total", 1614)
        a.save()
        print(dispatch("validate", OpenpyxlAdapter(path)).alert)
        subprocess.run([sys.executable, str(ROOT / "examples" / "render_workbook.py"), str(path),
                        "-o", str(tmp / "png"), "--dpi", "60"], check=True)
        pdf = next((tmp / "png").glob("*.pdf"))
        pngs = sorted((tmp / "png").glob("*.png"))
        written: set[str] = set()
        for n, png in enumerate(pngs, 1):
            text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                  capture_output=True, text=True).stdout
            for heading, name in PAGES.items():
                if text.lstrip().startswith(heading) and name not in written:
                    shutil.copy(png, out / name)
                    written.add(name)
                    print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

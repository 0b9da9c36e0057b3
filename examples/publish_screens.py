"""Pictures for docs/publish.md: the published tables as LibreOffice renders them.

Two samples are imported and published as Word and PDF, exactly as
``xlsuite import`` and ``xlsuite publish --pdf`` do: 淮安市洪泽区 2024
(gov2021, from the real PDF) and 厦门市 2020 (gov2019). Each table is cut from
its PDF page (with its section heading) and saved under docs/img/, with the
first page of the 2024 report.

    python examples/publish_screens.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlsuite.publish import publish, to_pdf  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

SEEDS = REALPDF = ROOT / "examples"
SAMPLES = {"gov2021": REALPDF / "huaian-hongze-2024.pdf", "gov2019": SEEDS / "xiamen-city-2020.pdf.txt"}
TABLES = ("active", "requests", "appeals")
DPI = 110
HEADING_PT = 30  # the section heading above a table, in PDF points


def main() -> int:
    import pdfplumber
    import pypdfium2 as pdfium

    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = {}
        for form_id, src in SAMPLES.items():
            wb = write_workbook(read_report(src), tmp / f"{form_id}.xlsx")
            docs[form_id] = publish(wb, tmp / f"{form_id}.docx").docx
        pdfs = dict(zip(docs, to_pdf(list(docs.values()))))
        scale = DPI / 72
        for form_id, pdf_path in pdfs.items():
            doc = pdfium.PdfDocument(str(pdf_path))
            with pdfplumber.open(pdf_path) as pdf:
                found = [(n, t.bbox) for n, page in enumerate(pdf.pages) for t in page.find_tables()]
            for i, (section, (n, (x0, top, x1, bottom))) in enumerate(zip(TABLES, found)):
                image = doc[n].render(scale=scale).to_pil()
                above = found[i - 1][1][3] + 3 if i and found[i - 1][0] == n else 0  # the table before
                box = (int((x0 - 6) * scale), int(max(top - HEADING_PT, above) * scale),
                       int((x1 + 6) * scale), int((bottom + 6) * scale))
                name = out / f"publish-{form_id}-{section}.png"
                image.crop(box).convert("L").save(name, optimize=True)
                print(f"wrote {name}")
            if form_id == "gov2021":
                name = out / "publish-page1.png"
                doc[0].render(scale=60 / 72).to_pil().convert("L").save(name, optimize=True)
                print(f"wrote {name}")
            doc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A synthetic national batch for tests, benchmarks and the walkthrough.

Copies sample reports under many agency names (the agency is rewritten in the
text, so the names really differ after extraction) into per-place folders, and
adds broken files of each kind a real harvest contains: empty, corrupt,
binary, an unsupported legacy format, a text that is not a report.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..model import Report
from ..readers import read_report, read_text_file

PLACES = ("南平市", "龙岩市", "三明市", "莆田市", "宁德市", "漳州市", "泉州市", "福州市", "厦门市", "温州市",
          "台州市", "丽水市", "衢州市", "金华市", "湖州市", "嘉兴市", "绍兴市", "赣州市", "吉安市", "抚州市",
          "上饶市", "九江市", "景德镇市", "萍乡市", "鹰潭市")
DEPARTMENTS = ("商务局", "教育局", "民政局", "财政局", "司法局", "交通运输局", "水利局", "农业农村局",
               "文化和旅游局", "卫生健康委员会", "审计局", "统计局", "医疗保障局", "林业局", "应急管理局",
               "市场监督管理局", "自然资源局", "生态环境局", "住房和城乡建设局", "人力资源和社会保障局")

# Broken inputs by the reason code the readers give them; each is bytes and a file suffix.
BROKEN = {
    "empty": (b"", ".txt"),
    "corrupt": (b"PK\x03\x04" + b"\x00\x14truncated zip member" * 8, ".docx"),
    "binary": (bytes(range(256)) * 8, ".txt"),
    "unsupported": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, ".docx"),
    "no_report": ("今天召开了全体干部会议，传达学习上级文件精神，部署下一阶段工作。\n".encode() * 20, ".txt"),
}


@dataclass
class Corpus:
    folder: Path
    files: list[Path] = field(default_factory=list)
    agency: dict[Path, str] = field(default_factory=dict)  # the agency each good copy names
    origin: dict[Path, Path] = field(default_factory=dict)  # the sample each good copy came from
    broken: dict[Path, str] = field(default_factory=dict)  # path -> the reason code expected

    @property
    def expected_failures(self) -> Counter:
        return Counter(self.broken.values())


def agency_names(n: int) -> list[str]:
    """``n`` distinct plausible agency names, place by department."""
    names = [p + d for d in DEPARTMENTS for p in PLACES]
    if n > len(names):
        raise ValueError(f"at most {len(names)} distinct agency names")
    return names[:n]


def make_corpus(folder: str | os.PathLike, samples: Mapping[Path, Report], n: int = 500,
                broken_each: int = 4, pdf_copies: int = 2) -> Corpus:
    """``n`` files in ``folder``: ``broken_each`` of each broken kind, the rest copies of ``samples``
    (sample path -> its report, as ``read_samples`` gives).

    Text, Markdown and HTML samples are copied with their agency replaced by a new
    name; a PDF cannot be rewritten, so it is copied as is, ``pdf_copies`` times
    at most (PDFs are slow to read and would dominate a test run).
    """
    folder = Path(folder)
    corpus = Corpus(folder)
    texts: list[tuple[Path, str, str]] = []  # sample, its text, the agency it names
    pdfs: list[Path] = []
    for s, report in samples.items():
        if report.meta.source_kind in ("text", "markdown", "html"):
            agency = report.meta.agency
            text = read_text_file(str(s))
            if agency and agency in text:
                texts.append((s, text, agency))
        else:
            pdfs.append(s)

    n_broken = broken_each * len(BROKEN)
    n_pdf = min(pdf_copies * len(pdfs), max(0, n - n_broken))
    n_text = n - n_broken - n_pdf
    if n_text and not texts:
        raise ValueError("no text, Markdown or HTML sample names its agency")
    names = agency_names(n_text)
    for i, name in enumerate(names):
        sample, text, agency = texts[i % len(texts)]
        path = folder / _place_of(name) / f"{i:04d}-{sample.name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(agency, name), encoding="utf-8")
        corpus.files.append(path)
        corpus.agency[path] = name
        corpus.origin[path] = sample
    for i in range(n_pdf):
        sample = pdfs[i % len(pdfs)]
        path = folder / "pdf" / f"{i:04d}-{sample.name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sample, path)
        corpus.files.append(path)
        corpus.origin[path] = sample
    for code, (data, suffix) in BROKEN.items():
        for i in range(broken_each):
            path = folder / "broken" / f"{code}-{i}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            corpus.files.append(path)
            corpus.broken[path] = code
    return corpus


def _place_of(name: str) -> str:
    return next(p for p in PLACES if name.startswith(p))


def read_samples(folders: list[str | os.PathLike]) -> dict[Path, Report]:
    """The sample files in ``folders`` that this installation reads (PDFs need the PDF reader)."""
    out = {}
    for folder in folders:
        for f in sorted(Path(folder).glob("*")):
            if not f.is_file():
                continue
            try:
                out[f] = read_report(f)
            except (SourceError, ImportError):
                continue
    return out

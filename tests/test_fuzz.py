"""Random and mutated input never crashes a reader: a Report or a clear SourceError, nothing else."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsuite.errors import SourceError
from xlsuite.readers import html, markdown, read_report, text
from xlsuite.recognize import recognize

from .conftest import SEEDS

SEED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())
              if p.suffix in (".txt", ".md", ".html")}
PARSERS = {".txt": text.parse, ".md": markdown.parse, ".html": html.parse}

_ALPHABET = string.digits + " \n|/-+.,万元年" + "一二三四五六（）()、总计本年新收上年结转予以公开国家秘密其他处理行政复议诉讼<>td/tr"
settings.register_profile("xlsuite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("xlsuite")


@st.composite
def mutated_seed(draw):
    name = draw(st.sampled_from(sorted(SEED_TEXTS)))
    s = SEED_TEXTS[name]
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, max(0, len(s) - 1)))
        op = draw(st.sampled_from(["delete", "insert", "swap", "truncate"]))
        chunk = draw(st.text(_ALPHABET, max_size=20))
        if op == "delete":
            s = s[:i] + s[i + draw(st.integers(1, 400)):]
        elif op == "insert":
            s = s[:i] + chunk + s[i:]
        elif op == "swap":
            j = draw(st.integers(0, max(0, len(s) - 1)))
            a, b = sorted((i, j))
            s = s[:a] + s[b:] + s[a:b]
        else:
            s = s[:i]
    return name, s


@settings(max_examples=150)
@given(mutated_seed())
def test_mutated_seeds_parse_without_crashing(case):
    name, s = case
    parse = PARSERS["." + name.rsplit(".", 1)[1]]
    report = recognize(parse(s, name))
    assert report.meta.form in ("gov2019", "gov2021")
    assert all(v.value is None or isinstance(v.value, (int, float)) for v in report.values.values())


@settings(max_examples=100)
@given(st.text(_ALPHABET + string.printable, max_size=600), st.sampled_from(sorted(PARSERS)))
def test_random_text_parses_without_crashing(s, suffix):
    report = recognize(PARSERS[suffix](s, "random" + suffix))
    assert len(report.values) in (198, 200)


@settings(max_examples=60)
@given(st.binary(max_size=3000), st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html>", b"| a | b |\n|---|---|\n",
                                                 b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"]))
def test_random_files_give_report_or_clear_error(tmp_path_factory, data, prefix):
    p = tmp_path_factory.mktemp("fuzz") / "input.bin"
    p.write_bytes(prefix + data)
    try:
        read_report(p)
    except SourceError as e:
        assert str(p) in str(e) and e.reason and "\n" not in str(e)


def test_truncated_image_is_a_clear_error(tmp_path):
    import pytest

    p = tmp_path / "scan.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(SourceError) as e:
        read_report(p)
    assert e.value.code in ("corrupt", "scanned") and str(p) in str(e.value)


def test_mutation_campaign_every_kind_stays_in_the_error_model(tmp_path):
    """Mutants of real PDF, Word, workbook, HTML, Markdown, text and picture files, about 90 s on 2 cores,
    each under 2.5 GB and a kill after 40 s (tests/fuzzing.py; benchmarks/fuzz.py runs thousands)."""
    import warnings

    from .fuzzing import campaign, counts

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name" while mutating
        results = campaign(tmp_path, seconds=90, seed=19, jobs=2)
    c = counts(results)
    findings = [(r.kind, r.mutation, r.outcome, r.detail) for r in results
                if r.outcome not in ("ok", "source_error", "project_error")]
    assert not findings, findings
    assert c["multi_line"] == 0
    assert c["inputs"] >= 30 and set(c["by_kind"]) == {"pdf", "docx", "xlsx", "html", "md", "txt", "png"}, c

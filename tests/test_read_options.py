"""How to read is one frozen ReadOptions, resolved once at the edge; an unknown option is an error."""
from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.readers import load_document, read_report
from xlsuite.readers.options import OptionError, ReadOptions

from .conftest import REALPDF, SEEDS

XIAMEN = SEEDS / "xiamen-city-2020.pdf.txt"


def test_resolve_from_nothing_a_mapping_keywords_or_itself():
    default = ReadOptions.resolve()
    assert default == ReadOptions() and (default.ocr, default.ocr_dpi, default.ruling_lines) == ("auto", None, True)
    never = ReadOptions.resolve({"ocr": "never"})
    assert never.ocr == "never" and ReadOptions.resolve(never) is never
    assert ReadOptions.resolve(never, ocr_dpi=200) == ReadOptions(ocr="never", ocr_dpi=200)
    with pytest.raises(dataclasses.FrozenInstanceError):
        never.ocr = "always"  # type: ignore[misc]


@pytest.mark.parametrize("bad", [{"orc": "never"}, {"progress": True}, {"ocr": "sometimes"}, {"ocr_dpi": 5},
                                 {"ocr_dpi": "150"}, {"ruling_lines": "yes"}])
def test_unknown_options_and_bad_values_are_errors(bad):
    with pytest.raises(OptionError) as e:
        ReadOptions.resolve(bad)
    assert e.value.code == "bad_option" and e.value.exit_code == 2
    with pytest.raises(OptionError):
        read_report(XIAMEN, **bad)


def test_the_fingerprint_names_what_differs_from_the_defaults():
    assert ReadOptions().fingerprint() == ""
    assert ReadOptions(ocr="never", ocr_dpi=200).fingerprint() == "ocr='never',ocr_dpi=200"


def test_one_argument_reaches_the_pdf_reader():
    pdf = REALPDF / "huaian-hongze-2023.pdf"
    ruled = load_document(pdf, options=ReadOptions(ocr="never"))
    words = load_document(pdf, options=ReadOptions(ocr="never", ruling_lines=False))
    assert ruled.lines and words.lines and [l.text for l in ruled.lines] != [l.text for l in words.lines]


def test_roll_up_and_dataset_take_the_ocr_mode():
    for cmd in (["rollup", "--agency", "某市"], ["dataset", "-o", "ds"], ["excel", "validate"]):
        r = CliRunner().invoke(cli, [*cmd, "--help"])
        assert "--ocr [auto|never|always]" in r.output, cmd


def test_dataset_reads_again_when_the_options_change(tmp_path):
    from xlsuite.dataset import build_dataset

    out = tmp_path / "ds"
    assert build_dataset([XIAMEN], out, workers=1).summary.read == 1
    assert build_dataset([XIAMEN], out, workers=1).summary.read == 0
    assert build_dataset([XIAMEN], out, workers=1, options={"ocr": "never"}).summary.read == 1
    assert build_dataset([XIAMEN], out, workers=1, options=ReadOptions(ocr="never")).summary.read == 0

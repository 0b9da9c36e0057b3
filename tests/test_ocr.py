"""OCR pieces that need no OCR engine: confidence rules, decoding, word cutting, deskew,
the layout carrying confidences into the report, page planning and the CLI option."""
from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.errors import SourceError
from xlsuite.readers.options import OptionError, ReadOptions
from xlsuite.layout import read_words
from xlsuite.model import Meta, Provenance, Report, Value
from xlsuite.ocr import INSTALL_HINT, engine as ocr_engine
from xlsuite.ocr.engine import (Char, border_before, borders, decode_chars, erase_rules, missed_ink, rotate, skew_angle,
                               split_words)
from xlsuite.ocr.review import (CONFUSABLE_CONFIDENCE, LOW_CONFIDENCE, flag_uncertain, needs_review,
                                review_reason)
from xlsuite.readers import ocr as ocr_reader
from xlsuite.readers import sniff
from xlsuite.recognize import recognize
from xlsuite.document import Document


# -- review thresholds --------------------------------------------------------------------

def test_review_thresholds():
    assert review_reason(None, "8") is None  # not OCR'd
    assert review_reason(0.999, "80") is None
    assert "置信度 0.85" in review_reason(0.85, "2")  # low, whatever the digits
    assert review_reason(0.95, "2") is None  # 2 is in no confusion pair
    assert "易混数字" in review_reason(0.95, "10")  # 1/7, 0/8 need more certainty
    assert review_reason(CONFUSABLE_CONFIDENCE, "10") is None
    assert LOW_CONFIDENCE < CONFUSABLE_CONFIDENCE


def test_flag_uncertain_names_the_cell_and_its_place():
    r = Report(Meta(form="gov2021"))
    r.values = {
        "requests.new.natural": Value(8, Provenance("scan.pdf", 3, 17, "8", confidence=0.62)),
        "requests.new.total": Value(10, Provenance("scan.pdf", 3, 17, "10", confidence=0.999)),
        "requests.new.org_other": Value(0, Provenance("scan.pdf", 3, 17, "0", confidence=0.95)),
        "requests.granted.natural": Value(2, Provenance("text.pdf", 1, 2, "2")),  # a text page
    }
    added = flag_uncertain(r)
    assert [(f.code, f.key) for f in added] == [("ocr_low_confidence", "requests.new.natural"),
                                                 ("ocr_confusable", "requests.new.org_other")]
    assert added[0].provenance.where() == "第3页第17行"
    assert "自然人" in added[0].message and "0.62" in added[0].message
    used = [w for w in r.warnings if w.code == "ocr_used"]
    assert len(used) == 1 and "3 个数字" in used[0].message and "2 个需要核对" in used[0].message
    assert needs_review(r.values["requests.new.total"]) is None


# -- decoding and words ---------------------------------------------------------------------

CHARSET = ["blank", *"0123456789", "O", "o", "本", " "]


def _probs(steps: list[dict[str, float]]) -> np.ndarray:
    p = np.zeros((len(steps), len(CHARSET)))
    for t, d in enumerate(steps):
        rest = 1.0 - sum(d.values())
        p[t, 0] = rest
        for ch, v in d.items():
            p[t, CHARSET.index(ch)] = v
    return p


def test_digit_confidence_is_the_share_among_digits():
    digits = np.array([CHARSET.index(d) for d in "0123456789"])
    # "0" at 0.6 with the letter O at 0.35: as a digit it is certain.
    chars = decode_chars(_probs([{}, {"0": 0.6, "O": 0.35}, {}]), CHARSET, digits)
    assert [c.text for c in chars] == ["0"] and chars[0].confidence > 0.99
    # "0" at 0.6 against "8" at 0.35: doubtful.
    chars = decode_chars(_probs([{}, {"0": 0.6, "8": 0.35}, {}]), CHARSET, digits)
    assert chars[0].confidence == pytest.approx(0.6 / 0.95)
    # A "1" the model nearly read in a gap, far from the "0": the 0 becomes doubtful.
    chars = decode_chars(_probs([{"0": 0.99}, {}, {}, {}, {}, {"1": 0.4}]), CHARSET, digits)
    assert chars[0].confidence == pytest.approx(0.6)
    # A letter keeps the digit the model liked best at its place.
    chars = decode_chars(_probs([{"o": 0.5, "0": 0.3}]), CHARSET, digits)
    assert (chars[0].text, chars[0].best_digit, chars[0].digit_probability) == ("o", "0", 0.3)


def test_a_row_of_numbers_in_one_box_becomes_words():
    # 30 px high box, 600 px wide: 48/30 scale gives 960 px, 120 steps of 5 px.
    box = np.array([[100, 200], [700, 200], [700, 230], [100, 230]], dtype=float)
    chars = [Char("1", 4, 0.99), Char("0", 7, 0.98), Char("7", 40, 0.999), Char("o", 112, 0.4, "0", 0.45)]
    words = split_words(box, "107o", 0.7, chars)
    assert [w[0] for w in words] == ["10", "7", "0"]
    assert [round(w[2], 2) for w in words] == [0.98, 1.0, 0.45]  # the look-alike stays doubtful
    xs = [(w[1][:, 0].min() + w[1][:, 0].max()) / 2 for w in words]
    assert xs[0] < xs[1] < xs[2] and 100 < xs[0] < 150 and 650 < xs[2] < 700
    # A label with its characters side by side stays one word, with the engine's score.
    label = [Char("本", i * 6, 0.99) for i in range(4)]
    assert [(w[0], w[2]) for w in split_words(box, "本本本本", 0.97, label)] == [("本本本本", 0.97)]


def test_a_cell_border_cuts_a_label_from_the_next_cells_number():
    # A label printed up to the border runs into the number of the next cell as one box.
    vert = np.zeros((300, 800), np.uint8)
    vert[:, 478:483] = 255  # the erased rule between the label and the number cells
    box = np.array([[200, 100], [540, 100], [540, 130], [200, 130]], dtype=float)
    cuts = borders(box, vert)
    assert len(cuts) == 1 and cuts[0] == pytest.approx(280, abs=1)
    # 30 px high, 340 px wide: 48/30 scale gives 544 px, 68 steps of 5 px.
    chars = [Char("本", s, 0.99) for s in (3, 9, 15, 21, 27, 33, 39, 45, 51)] + [Char("2", 57, 0.99)]
    words = split_words(box, "本" * 9 + "2", 0.98, chars, cuts)
    assert [w[0] for w in words] == ["本" * 9, "2"]
    assert [w[0] for w in split_words(box, "本" * 9 + "2", 0.98, chars)] == ["本" * 9 + "2"]
    # A rule that does not cross the whole box (a stroke, a rule ending above) is no border.
    short = np.zeros((300, 800), np.uint8)
    short[:115, 478:483] = 255
    assert borders(box, short) == []
    # Words cut apart there: the number's word knows a border stands before it, the label's not.
    number = np.array([[486, 100], [500, 100], [500, 130], [486, 130]], dtype=float)
    label = np.array([[200, 100], [470, 100], [470, 130], [200, 130]], dtype=float)
    assert border_before(number, vert) == 482 and border_before(label, vert) is None
    assert border_before(number, short) is None


def test_a_word_after_a_cell_border_starts_a_cell():
    def w(text, x0, x1, top, **more):
        return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 14, **more}
    head = [w("信息", 20, 60, 10), w("甲", 212, 226, 10), w("乙", 262, 276, 10)]
    row = [w("5.要求行政机关确认或重新出具已获取信息", 20, 200, 40), w("2", 206, 214, 40), w("3", 262, 270, 40)]
    plain = [ln.cells for ln in read_words([head + row]) if ln.cells]
    assert plain == [["5.要求行政机关确认或重新出具已获取信息2", "3"]]  # 6 pt apart: one cell
    row[1]["border_x"] = 203  # OCR saw the erased rule between them
    assert [ln.cells for ln in read_words([head + row]) if ln.cells] == [
        ["5.要求行政机关确认或重新出具已获取信息", "2", "3"]]
    # A border left of both words (the table's edge, before an item number read apart from its
    # label) is not between them: the label stays one cell.
    row = [w("1", 20, 28, 40), w("本机关不掌握相关政府信息", 32, 200, 40, border_x=15),
           w("2", 212, 220, 40, border_x=206), w("3", 262, 270, 40)]
    assert [ln.cells for ln in read_words([head + row]) if ln.cells] == [["1本机关不掌握相关政府信息", "2", "3"]]


def test_ink_no_text_box_covers_is_found_glyph_by_glyph():
    img = np.full((400, 900), 255, np.uint8)
    img[100:120, 100:300] = 0   # a line of text the detector found
    img[102:118, 306:314] = 0   # ink just right of it on its line: part of that text
    img[200:220, 500:512] = 0   # a lone digit in a wide cell, missed
    img[200:220, 516:528] = 0   # its neighbour: one number of two digits
    img[300:320, 700:712] = 0   # another lone digit
    img[250:290, 800:801] = 0   # a hair-thin sliver (the stub of a rule): no glyph
    for x in range(20, 880, 30):  # glyphs of the page's text, to give the glyph height
        img[360:380, x:x + 14] = 0
    boxes = [np.array([[98, 98], [302, 98], [302, 122], [98, 122]], dtype=float),
             np.array([[18, 358], [882, 358], [882, 382], [18, 382]], dtype=float)]
    runs = missed_ink(img, boxes)
    assert len(runs) == 2
    (a, b) = sorted(runs)
    assert a[0] < 500 and a[2] > 528 and a[1] < 200 and a[3] > 220  # both digits, one run, padded
    assert b[0] < 700 < 712 < b[2]
    # A cell border (erased) between the two digits: two cells, two runs.
    vert = np.zeros(img.shape, np.uint8)
    vert[:, 513:515] = 255
    assert len(missed_ink(img, boxes, vert)) == 3


def test_a_second_reading_of_ink_the_detector_doubted_stays_doubted():
    from types import SimpleNamespace

    from xlsuite.ocr.engine import REREAD_CONFIDENCE, Engine
    from xlsuite.ocr.review import LOW_CONFIDENCE

    img = np.full((400, 900), 255, np.uint8)
    for x in range(20, 880, 30):  # the page's text, found
        img[360:380, x:x + 14] = 0
    img[200:220, 500:512] = 0  # a lone 0 the detector missed
    img[300:320, 700:712] = 0  # a lone 0 the detector found, but read too doubtfully to keep
    found = [np.array([[18, 358], [882, 358], [882, 382], [18, 382]], dtype=float)]
    doubted = [np.array([[696, 296], [716, 296], [716, 324], [696, 324]], dtype=float)]
    sure = [Char("0", 3, 0.99)]
    fake = SimpleNamespace(_ocr=SimpleNamespace(text_rec=lambda crops: ([("0", 0.99, sure)] * len(crops), 0.0)))
    words = Engine.missed_numbers(fake, img, found, None, doubted)
    conf = {int(q[:, 0].min()) // 100: c for _t, q, c in words}
    assert conf[4] > LOW_CONFIDENCE  # missed: read glyph by glyph, as sure as the reading
    assert conf[6] == REREAD_CONFIDENCE < LOW_CONFIDENCE  # doubted once: flagged for review


def test_a_rows_numbers_on_two_lines_are_one_row():
    # A number wrapped in its cell sits higher than the one-line numbers beside it:
    # the row comes out as two lines that fill complementary columns.
    def w(text, x0, mid, width=40):
        return {"text": text, "x0": x0, "x1": x0 + width, "top": mid - 14, "bottom": mid + 14}
    xs = [730, 790, 850, 910, 970, 1030, 1083]
    head = [w(t, x, 380, 20) for t, x in zip("自商科社法其总", xs)]
    above = [w("上一行", 265, 410, 200)] + [w(str(v), x, 410) for v, x in zip([5, 1, 0, 0, 0, 0, 6], xs)]
    row = [w("一、本年新收政府信息公开申请数量", 265, 456, 300), w("1534", xs[0], 456), w("1609", xs[6], 456)]
    low = [w(str(v), x, 468) for v, x in zip([47, 7, 4, 15, 2], xs[1:6])]
    after = [w("二、上年结转", 265, 510, 200)] + [w(str(v), x, 510) for v, x in zip([27, 1, 0, 0, 0, 0, 28], xs)]
    rows = [ln.cells for ln in read_words([head + above + row + low + after]) if ln.cells]
    assert ["一、本年新收政府信息公开申请数量", "1534", "47", "7", "4", "15", "2", "1609"] in rows
    assert len(rows) == 3
    # Lines that both print a number in one column are two rows, however close.
    clash = [w(str(v), x, 468) for v, x in zip([47, 7, 4, 15, 2, 9], xs[1:])]
    rows = [ln.cells for ln in read_words([head + above + row + clash + after]) if ln.cells]
    assert len(rows) == 4
    # Two rows a line apart are two rows, however well their blank cells complement each other
    # (a row with blank cells, then a row whose label is printed elsewhere).
    part = [w("一、本年新收政府信息公开申请数量", 265, 456, 300), w("1534", xs[0], 456), w("1609", xs[6], 456)]
    next_row = [w(str(v), x, 484) for v, x in zip([47, 7, 4, 15, 2], xs[1:6])]
    rows = [ln.cells for ln in read_words([head + above + part + next_row + after]) if ln.cells]
    assert len(rows) == 4


def test_skew_is_measured_and_undone():
    angle = math.radians(0.8)
    straight = [np.array([[x, y], [x + 300, y], [x + 300, y + 25], [x, y + 25]], dtype=float)
                for x in (100, 500) for y in range(100, 1500, 60)]
    tilted = [rotate(b, angle, (620, 877)) for b in straight]
    assert skew_angle(tilted) == pytest.approx(angle, abs=1e-6)
    back = rotate(tilted[5], -angle, (620, 877))
    assert np.allclose(back, straight[5])
    assert skew_angle(straight) == 0.0


def test_erase_rules_keeps_the_digits():
    img = np.full((400, 600), 255, np.uint8)
    img[100:102, 20:580] = 0  # a horizontal rule
    img[20:380, 300:302] = 0  # a vertical rule
    img[150:175, 200:212] = 0  # a digit-sized blob
    out = erase_rules(img)
    assert out[101, 50] == 255 and out[200, 301] == 255
    assert (out[150:175, 200:212] == 0).all()


# -- the layout keeps OCR confidences through to the report ---------------------------------

def _w(text, x0, top, conf, x1=None):
    return {"text": text, "x0": x0, "x1": x1 or x0 + 8 * len(text), "top": top, "bottom": top + 12,
            "confidence": conf}


def test_confidences_reach_the_values():
    words = [_w("2021年某某县人民政府政府信息公开工作年度报告", 80, 40, 0.99, 480),
             _w("二、主动公开政府信息情况", 60, 80, 0.99, 300),
             _w("第二十条第（一）项", 60, 100, 0.99, 300),
             _w("信息内容", 60, 120, 0.99), _w("本年制发件数", 200, 120, 0.99), _w("本年废止件数", 300, 120, 0.99),
             _w("现行有效件数", 400, 120, 0.99),
             _w("规章", 60, 140, 0.99), _w("3", 220, 140, 0.999), _w("8", 320, 140, 0.71), _w("12", 420, 140, 0.97),
             _w("三、收到和处理政府信息公开申请情况", 60, 200, 0.99, 400)]
    lines = read_words([words])
    row = next(l for l in lines if l.cells and l.cells[0] == "规章")
    assert row.cells[1:] == ["3", "8", "12"]
    assert row.confidences[1:] == [0.999, 0.71, 0.97]
    report = recognize(Document("scan.png", "image", lines))
    v = report.values["active.regulations.repealed"]
    assert (v.value, v.provenance.confidence) == (8, 0.71)
    flagged = {f.key: f.code for f in flag_uncertain(report)}
    assert flagged == {"active.regulations.repealed": "ocr_low_confidence",
                       "active.regulations.in_force": "ocr_confusable"}


# -- planning pages, missing extra, options -------------------------------------------------

def test_plan_pages_by_mode(monkeypatch):
    monkeypatch.setattr(ocr_reader, "available", lambda: True)
    assert ocr_reader.plan_pages("a.pdf", [120, 0, 300, 0]) == ([2, 4], [])
    assert ocr_reader.plan_pages("a.pdf", [120, 300], "auto") == ([], [])
    assert ocr_reader.plan_pages("a.pdf", [120, 300], "always") == ([1, 2], [])
    assert ocr_reader.plan_pages("a.pdf", [120, 0], "never") == ([], [])
    with pytest.raises(SourceError) as e:
        ocr_reader.plan_pages("a.pdf", [0, 0], "never")
    assert e.value.code == "ocr_off" and "共 2 页" in e.value.reason and "不做文字识别" in e.value.reason
    with pytest.raises(OptionError) as e:
        ReadOptions(ocr="sometimes")  # checked once, where the options are made
    assert e.value.code == "bad_option" and "sometimes" in str(e.value)


def test_without_the_extra_a_scan_names_it(monkeypatch):
    monkeypatch.setattr(ocr_reader, "available", lambda: False)
    with pytest.raises(SourceError) as e:
        ocr_reader.plan_pages("scan.pdf", [0, 0, 0])
    assert e.value.code == "scanned" and "扫描件" in e.value.reason and INSTALL_HINT in e.value.reason
    pages, notes = ocr_reader.plan_pages("mixed.pdf", [500, 0, 400])
    assert pages == [] and notes[0].code == "ocr_unavailable" and "第 2 页" in notes[0].message
    assert INSTALL_HINT in notes[0].message


def _image_only_pdf(path, pages=2):
    from PIL import Image

    imgs = [Image.new("L", (595, 842), 255) for _ in range(pages)]
    imgs[0].save(path, "PDF", resolution=72, save_all=True, append_images=imgs[1:])
    return path


def test_scanned_pdf_without_extra_fails_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr_reader, "available", lambda: False)
    pdf = _image_only_pdf(tmp_path / "scan.pdf")
    res = CliRunner().invoke(cli, ["extract", str(pdf)])
    assert res.exit_code == 2
    assert "扫描件（共 2 页" in res.output and INSTALL_HINT in res.output


def test_ocr_option_on_extract_and_check(tmp_path):
    pdf = _image_only_pdf(tmp_path / "scan.pdf", 1)
    for cmd in ("extract", "check", "import"):
        args = ["-o", str(tmp_path / "out")] if cmd == "import" else []
        res = CliRunner().invoke(cli, [cmd, *args, "--ocr", "never", str(pdf)])
        assert res.exit_code == 2 and "--ocr never" in res.output, res.output
        res = CliRunner().invoke(cli, [cmd, *args, "--ocr", "sometimes", str(pdf)])
        assert res.exit_code == 2 and "sometimes" in res.output


def test_images_are_sniffed_as_images(tmp_path):
    from PIL import Image

    Image.new("L", (20, 20), 255).save(tmp_path / "t.png")
    Image.new("L", (20, 20), 255).save(tmp_path / "t.jpg")
    assert sniff(tmp_path / "t.png") == "image" and sniff(tmp_path / "t.jpg") == "image"


def test_image_with_ocr_never_is_refused(tmp_path):
    from PIL import Image

    Image.new("L", (20, 20), 255).save(tmp_path / "t.png")
    res = CliRunner().invoke(cli, ["extract", "--ocr", "never", str(tmp_path / "t.png")])
    assert res.exit_code == 2 and "图片文件" in res.output


def test_engine_is_optional():
    # The module imports without the extra; only building the engine needs it.
    assert callable(ocr_engine.available)


def test_review_rules_and_asking_for_the_engine_load_no_numpy():
    import subprocess
    import sys

    code = "import sys, xlsuite.ocr, xlsuite.ocr.review as r; print(r.LOW_CONFIDENCE, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0.9", "False"]


def test_a_dropped_minus_sign_comes_back_doubted():
    from xlsuite.ocr.engine import SIGN_CONFIDENCE, restore_minus
    from xlsuite.ocr.review import LOW_CONFIDENCE

    img = np.full((100, 400), 255, np.uint8)
    img[48:51, 92:104] = 0  # a dash at mid-height, just left of the digit
    img[40:60, 108:118] = 0  # the digit "4"
    img[40:60, 308:318] = 0  # another number, nothing to its left
    quad = lambda x0, x1: np.array([[x0, 38], [x1, 38], [x1, 62], [x0, 62]], float)  # noqa: E731
    label = ("本年增减", quad(10, 80), 0.99)
    out = restore_minus([label, ("4", quad(106, 120), 0.998), ("2", quad(306, 320), 0.999)], img)
    assert [(t, c) for t, _, c in out] == [("本年增减", 0.99), ("-4", SIGN_CONFIDENCE), ("2", 0.999)]
    assert SIGN_CONFIDENCE < LOW_CONFIDENCE

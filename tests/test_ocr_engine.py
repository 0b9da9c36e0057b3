"""The OCR engine's speed settings change no number it computes.

Part of a real page (the 2024 report's table 二, rendered at 150 dpi, rules
erased as the engine does) goes through RapidOCR's own recogniser and through
ours, and through the whole engine on one thread and on two.
"""
from __future__ import annotations

import numpy as np
import pytest

from xlsuite.ocr import available, unavailable_reason

from .conftest import REALPDF

pytestmark = pytest.mark.skipif(not available(), reason=f"OCR not available: {unavailable_reason()}")


@pytest.fixture(scope="module")
def table_part() -> np.ndarray:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(REALPDF / "huaian-hongze-2024.pdf"))
    gray = np.asarray(doc[1].render(scale=150 / 72, grayscale=True).to_pil().convert("L"))
    doc.close()
    return gray[int(470 * 150 / 72):int(720 * 150 / 72)]  # the heading and first rows of table 二


def _crops(ocr, gray):
    from xlsuite.ocr.engine import erase_rules

    img = np.stack([erase_rules(gray)] * 3, axis=-1)
    boxes, _ = ocr.auto_text_det(img)
    return ocr.get_crop_img_list(img, boxes)


def _plain(results):
    return [(text, score, [(c.text, c.step, c.confidence, c.best_digit, c.digit_probability) for c in chars])
            for text, score, chars in results]


def test_recognizer_reads_as_rapidocrs_batches(table_part):
    from xlsuite.ocr.engine import Recognizer, engine

    ocr = engine()._ocr
    ours = ocr.text_rec
    assert isinstance(ours, Recognizer)
    crops = _crops(ocr, table_part)
    assert len(crops) > ours._rec.rec_batch_num  # more than one batch, of several widths
    theirs, _ = type(ours._rec).__call__(ours._rec, crops)  # RapidOCR's: batches of six
    mine, _ = ours(crops)
    assert _plain(mine) == _plain(theirs)
    assert any(text.isdigit() for text, _, _ in mine)


def test_words_do_not_depend_on_the_thread_count(table_part, monkeypatch):
    from xlsuite.ocr import engine as module

    two = module.engine().words(table_part)
    monkeypatch.setenv("XLSUITE_OCR_THREADS", "1")
    one = module.Engine()
    assert one._ocr.text_rec._workers == 1
    assert one.words(table_part) == two
    assert sum(w["text"].isdigit() for w in two) >= 4


def test_detector_input_by_table_is_rapidocrs_bit_for_bit():
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    from xlsuite.ocr.engine import _normalize_by_table

    class Detector:
        def get_preprocess(self, max_wh):
            return DetPreProcess(736, "min", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])

    page = np.random.default_rng(7).integers(0, 256, (700, 500, 3), dtype=np.uint8)
    theirs = Detector().get_preprocess(0)(page)
    fast = Detector()
    _normalize_by_table(fast)
    ours = fast.get_preprocess(0)(page)
    assert ours.dtype == theirs.dtype == np.float32 and ours.shape == theirs.shape == (1, 3, 1024, 736)
    assert ours.tobytes() == theirs.tobytes()


def test_folded_models_read_as_the_shipped_ones(table_part):
    """The models with their scalar steps folded into the convolutions (``xlsuite.ocr.fold``)
    compute the same function: the same text boxes and texts, confidences within float rounding."""
    pytest.importorskip("onnx")
    from xlsuite.ocr import engine as module

    folded = module.engine()
    saved = module._folded
    module._folded = lambda path: path
    try:
        shipped = module.Engine()
    finally:
        module._folded = saved
    ours, theirs = folded.words(table_part), shipped.words(table_part)
    assert [w["text"] for w in ours] == [w["text"] for w in theirs]
    assert sum(w["text"].isdigit() for w in ours) >= 4
    for a, b in zip(ours, theirs):
        assert abs(a["confidence"] - b["confidence"]) <= 1e-3
        assert all(abs(a[k] - b[k]) <= 1.0 for k in ("x0", "x1", "top", "bottom"))


def test_fold_removes_the_scalar_steps():
    pytest.importorskip("onnx")
    from pathlib import Path

    import onnx
    import rapidocr_onnxruntime

    from xlsuite.ocr.fold import fold

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    for name in ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"):
        raw = (models / name).read_bytes()
        out, counts = fold(raw)
        assert counts["affine_into_conv"] >= 20 and counts["hardswish"] >= 20 and counts["affine_into_next_conv"] >= 10
        before = [n.op_type for n in onnx.load_from_string(raw).graph.node]
        after = [n.op_type for n in onnx.load_from_string(out).graph.node]
        assert after.count("Clip") == before.count("Clip") - counts["hardswish"]
        assert after.count("Div") == before.count("Div") - counts["hardswish"]
        assert after.count("Conv") == before.count("Conv")
        onnx.checker.check_model(onnx.load_from_string(out))

"""The OCR engine: page images to positioned words, each with its confidence.

RapidOCR runs PaddleOCR's PP-OCRv4 Chinese models on onnxruntime; the models
ship inside the ``rapidocr-onnxruntime`` wheel, so nothing is downloaded.

Three things make its output fit a table reader:

- Ruling lines are erased before detection. Next to a cell border the detector
  misses lone digits or reads the border as a letter (``0|0`` -> ``0o``).
- Without borders, a row of numbers comes back as one text box; it is cut into
  words where the characters stand far apart, from the position of each
  character in the recogniser's output (as pdfplumber makes words of chars).
- The engine's score is the mean top probability of the characters, a poor
  guide for digits: a clean ``0`` often scores 0.6 because the model also likes
  ``O`` and ``〇``. In a number only digits can stand, so a digit's confidence is
  its share of the probability the model gives the ten digits there: high for
  ``0`` against ``O``, low when ``0`` competes with ``8``.
"""
from __future__ import annotations

import math
import statistics
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import available, unavailable_reason  # noqa: F401  (engine.available() as before)

# Boxes the engine scores below this are noise (specks, remains of lines).
_MIN_TEXT_SCORE = 0.3
_MIN_BOX_SCORE = 0.3
_DIGITS = "0123456789"
_FULLWIDTH_DIGITS = "０１２３４５６７８９"  # the model has both; a fullwidth digit is the same digit
_AS_DIGIT = {c: str(k) for k, c in enumerate(_FULLWIDTH_DIGITS)} | {d: d for d in _DIGITS}
# Letters a digit is read as, in a box that is otherwise digits.
_DIGIT_LOOKALIKES = set("oO〇OlI|丨DSZBgq")
# The recogniser's output step covers this many pixels of its 48-pixel-high input.
_REC_STRIDE = 8
_REC_HEIGHT = 48
# Characters further apart than this many character heights are separate words.
_WORD_GAP = 1.1
# More threads than this wait on memory more than they compute, for pages this size.
_MAX_THREADS = 8


class MissingEngine(ImportError):
    """The ``ocr`` extra is not installed."""


_lock = threading.Lock()
_engine: "Engine | None" = None


def engine() -> "Engine":
    """One engine per process: loading the models takes about a second."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = Engine()
        return _engine


def threads() -> int:
    """The engine's threads: the cores this process may run on, at most eight
    (``XLSUITE_OCR_THREADS`` overrides)."""
    import os

    wanted = os.environ.get("XLSUITE_OCR_THREADS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_THREADS))


@contextmanager
def _session_options(det_threads: int) -> Iterator[None]:
    """While RapidOCR builds its onnxruntime sessions: the detector on ``det_threads``
    threads, the recogniser on one (``Recognizer`` runs text boxes side by side), no spinning,
    the models folded (``xlsuite.ocr.fold``).

    onnxruntime's worker threads spin while they wait for work by default; on a
    machine whose cores are busy with other programs the spinning takes the cores
    from the threads with work. Neither setting changes a number the models
    compute; the folding changes their float rounding only (tests/test_ocr_engine.py).
    """
    from rapidocr_onnxruntime.utils import infer_engine

    cls = infer_engine.OrtInferSession
    original = cls.__dict__["_init_sess_opts"]

    def options(config):
        opts = original.__func__(config)
        opts.intra_op_num_threads = det_threads if "limit_side_len" in config else 1
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return opts

    session = getattr(infer_engine, "InferenceSession", None)  # another RapidOCR may build it elsewhere

    def folded(model_path, *args, **kwargs):
        return session(_folded(model_path), *args, **kwargs)

    cls._init_sess_opts = staticmethod(options)
    if session is not None:
        infer_engine.InferenceSession = folded
    try:
        yield
    finally:
        cls._init_sess_opts = original
        if session is not None:
            infer_engine.InferenceSession = session


def _folded(model_path):
    """The model's bytes with its scalar steps folded into the convolutions (``xlsuite.ocr.fold``),
    or its path as it is without the ``onnx`` package (or for a model onnx cannot parse: it then
    runs as shipped, slower, reading the same)."""
    try:
        import onnx  # noqa: F401
    except ImportError:
        return model_path
    from pathlib import Path

    from .fold import fold

    try:
        return fold(Path(model_path).read_bytes())[0]
    except Exception:  # noqa: BLE001 - a faster model is optional, the shipped one reads the same
        return model_path


class Recognizer:
    """RapidOCR's text recogniser, one text box per run, ``workers`` boxes at a time.

    RapidOCR stacks six boxes into one input; on a CPU that costs a third more
    than six runs of one (the stack no longer fits the caches), and one run keeps
    one core busy. Each box is still padded to the width its batch of six would
    have had (boxes in order of width, each batch as wide as its widest box, at
    least the model's 320 pixels): the model's output depends on that padding, and
    so it stays the same, number for number.
    """

    def __init__(self, rec, workers: int) -> None:
        self._rec = rec
        self._workers = workers
        self._pool: Any = None  # a ThreadPoolExecutor, made on first use
        self._pool_pid = 0
        self.postprocess_op = rec.postprocess_op
        self.seconds = 0.0  # spent recognising, in all

    def __call__(self, images: list[np.ndarray], return_word_box: bool = False):
        import time

        start = time.perf_counter()
        rec = self._rec
        ratios = [im.shape[1] / im.shape[0] for im in images]
        order = np.argsort(np.array(ratios))  # as RapidOCR's (not a stable sort: ties as it has them)
        _, height, width = rec.rec_image_shape[:3]
        padded = [0.0] * len(images)
        for b in range(0, len(images), rec.rec_batch_num):
            batch = order[b:b + rec.rec_batch_num]
            widest = max([width / height] + [ratios[i] for i in batch])
            for i in batch:
                padded[i] = widest

        def one(i: int):
            x = rec.resize_norm_img(images[i], padded[i])[np.newaxis].astype(np.float32)
            preds = rec.session(x)[0]
            return self.postprocess_op(preds, return_word_box, wh_ratio_list=[ratios[i]],
                                       max_wh_ratio=padded[i])[0]

        if self._workers > 1 and len(images) > 1:
            import os

            if self._pool is None or self._pool_pid != os.getpid():  # a forked child has no threads of its parent
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="xlsuite-ocr")
                self._pool_pid = os.getpid()
            results = list(self._pool.map(one, range(len(images))))
        else:
            results = [one(i) for i in range(len(images))]
        elapsed = time.perf_counter() - start
        self.seconds += elapsed
        return results, elapsed


def _normalize_by_table(detector) -> None:
    """The detector's input scaled through a table of the 256 grey levels.

    RapidOCR computes ``(pixel / 255 - mean) / std`` in 64-bit floats over the
    whole page, a sixth of the detection's time. The same arithmetic done once
    per grey level and looked up gives the same 32-bit numbers, bit for bit.
    """
    make = detector.get_preprocess

    def get_preprocess(max_wh):
        pre = make(max_wh)
        levels = np.arange(256, dtype=np.uint8)[:, None].astype("float32")
        table = ((levels * pre.scale - pre.mean) / pre.std).astype(np.float32)  # as RapidOCR's, per level

        def run(img: np.ndarray):
            resized = pre.resize(img)
            if resized is None:
                return None
            if resized.dtype != np.uint8 or resized.ndim != 3:
                return np.expand_dims(pre.permute(pre.normalize(resized)), axis=0).astype(np.float32)
            out = np.empty((1, resized.shape[2], *resized.shape[:2]), np.float32)
            for c in range(resized.shape[2]):
                out[0, c] = table[:, c][resized[:, :, c]]
            return out

        return run

    detector.get_preprocess = get_preprocess


def _gpu_options() -> dict:
    """Detection and recognition on the GPU when onnxruntime has CUDA here (onnxruntime-gpu); never needed."""
    import onnxruntime

    if onnxruntime.get_device() == "GPU" and "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return {"det_use_cuda": True, "rec_use_cuda": True}
    return {}


@dataclass
class Char:
    text: str
    step: int  # position in the recogniser's output sequence
    confidence: float  # digit share for digits, top probability otherwise
    best_digit: str | None = None  # for a letter: the digit the model liked best there
    digit_probability: float = 0.0


class Engine:
    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # pragma: no cover - exercised where the extra is missing
            raise MissingEngine(str(e)) from None
        # No angle classifier: pages come upright (or nearly), and it costs time. A lower
        # box threshold than the default 0.5 keeps lone small digits of borderless tables,
        # which the detector scores low; specks it lets in are read as nothing or flagged.
        gpu = _gpu_options()
        with _session_options(threads()):
            try:
                self._ocr = RapidOCR(text_score=0.0, use_cls=False, det_box_thresh=_MIN_BOX_SCORE, **gpu)
            except Exception:  # a GPU onnxruntime reports but cannot start: the CPU does it
                if not gpu:
                    raise
                self._ocr = RapidOCR(text_score=0.0, use_cls=False, det_box_thresh=_MIN_BOX_SCORE)
        rec = self._ocr.text_rec
        rec.postprocess_op = _with_chars(rec.postprocess_op)
        self._ocr.text_rec = Recognizer(rec, threads())
        _normalize_by_table(self._ocr.text_det)
        # Seconds the last page took: erasing rules, detection, recognition, and in all.
        self.times: dict[str, float] = {}

    def words(self, image: np.ndarray) -> list[dict]:
        """Words of a grayscale or RGB image: text, x0, x1, top, bottom (pixels, deskewed), confidence."""
        import time

        start = time.perf_counter()
        gray = image if image.ndim == 2 else image.mean(axis=2).astype(np.uint8)
        horiz, vert = rule_masks(gray)
        clean = gray.copy()
        clean[(horiz | vert) > 0] = 255
        rules = time.perf_counter() - start
        recognising = self._ocr.text_rec.seconds
        result, elapsed = self._ocr(np.stack([clean] * 3, axis=-1))
        try:
            return self._words(gray, clean, horiz, vert, result)
        finally:
            self.times = {"rules": rules, "detect": elapsed[0] if elapsed else 0.0,
                          "recognize": self._ocr.text_rec.seconds - recognising,
                          "words": time.perf_counter() - start}

    def _words(self, gray: np.ndarray, clean: np.ndarray, horiz: np.ndarray, vert: np.ndarray,
               result) -> list[dict]:
        if not result:
            return []
        # Boxes whose reading is too doubtful to keep (RapidOCR would drop them before we see
        # them): their ink was seen, and a second reading of it is doubted too.
        doubtful = [np.asarray(r[0], dtype=float) for r in result if float(r[2]) < _MIN_TEXT_SCORE]
        result = [r for r in result if float(r[2]) >= _MIN_TEXT_SCORE]
        if not result:
            return []
        boxes = [np.asarray(r[0], dtype=float) for r in result]
        angle = skew_angle(boxes)
        centre = (gray.shape[1] / 2, gray.shape[0] / 2)
        pieces = []
        for box, r in zip(boxes, result):
            chars: list[Char] = r[3] if len(r) > 3 else []
            pieces.extend(split_words(box, str(r[1]), float(r[2]), chars, borders(box, vert)))
        pieces.extend(self.missed_numbers(clean, boxes, vert, doubtful))
        out = []
        for text, quad, conf in restore_minus(join_wrapped_numbers(pieces, horiz), clean):
            pts = rotate(quad, -angle, centre) if angle else quad
            word = {"text": text, "x0": float(pts[:, 0].min()), "x1": float(pts[:, 0].max()),
                    "top": float(pts[:, 1].min()), "bottom": float(pts[:, 1].max()),
                    "confidence": round(conf, 4)}
            border = border_before(quad, vert)
            if border is not None:
                word["border_x"] = float(rotate(np.array([[border, quad[:, 1].mean()]]), -angle, centre)[0, 0]) \
                    if angle else border
            out.append(word)
        return uniform_height(out)

    def missed_numbers(self, clean: np.ndarray, boxes: list[np.ndarray], vert: np.ndarray | None = None,
                       doubtful: Sequence[np.ndarray] = ()) -> list[tuple[str, np.ndarray, float]]:
        """Numbers printed where the detector found no text, read glyph by glyph.

        The detector misses lone small glyphs, a ``0`` alone in a wide cell above
        all: the cell would come out blank. Ink of a glyph's size that no text box
        covers, nor touches on its line, is grouped into runs; each run is read by
        the recogniser alone, cut tight round its ink (it reads a tight crop best).
        Only readings that are all digits (or look-alikes of digits) are kept, with
        the recogniser's confidence: a doubtful one is flagged like any other. Ink in
        a ``doubtful`` box (one the detector found but whose reading scored too low
        to keep) is read again the same way, but the number stays doubted: its
        confidence is capped below the review threshold, so a person checks it.
        """
        runs = missed_ink(clean, boxes, vert)
        if not runs:
            return []
        rec = self._ocr.text_rec
        crops = [np.stack([clean[y0:y1, x0:x1]] * 3, axis=-1) for x0, y0, x1, y1 in runs]
        found, _ = rec(crops)
        out = []
        for (x0, y0, x1, y1), r in zip(runs, found):
            text, chars = str(r[0]), (r[2] if len(r) > 2 else [])
            if not text or not chars or not all(_numeric(c) or c.text in _MISSED_LOOKALIKES for c in chars):
                continue
            chars = _as_digits(chars)
            if not any(c.text in _DIGITS for c in chars) and len(chars) > 1:
                continue
            quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
            conf = _confidence(chars, float(r[1]))
            if any(_overlap((x0, y0, x1, y1), b) for b in doubtful):
                conf = min(conf, REREAD_CONFIDENCE)
            out.append(("".join(c.text for c in chars), quad, conf))
        return out


def _overlap(run: tuple[int, int, int, int], box: np.ndarray) -> bool:
    x0, y0, x1, y1 = run
    return x0 < box[:, 0].max() and box[:, 0].min() < x1 and y0 < box[:, 1].max() and box[:, 1].min() < y1


# A second reading of ink whose first reading scored too low: kept, below the review threshold
# (ocr.review.LOW_CONFIDENCE), so that a person compares it with the original.
REREAD_CONFIDENCE = 0.85


# A lone zero of a dotted- or slashed-zero font is read as one of these.
_MISSED_LOOKALIKES = set("θøΘØ")
# At most this many runs of missed ink are read on one page: beyond it the page is no table.
_MAX_MISSED = 400


def missed_ink(clean: np.ndarray, boxes: list[np.ndarray],
               vert: np.ndarray | None = None) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) round runs of glyph-sized ink that no text box covers.

    A glyph is a connected piece of ink about a character high and at most three
    wide, not a hair-thin sliver (the stub of a rule). Pieces that touch a text
    box, or stand within half a character of one on the same line, belong to that
    text (a stray stroke, a punctuation mark) and are left alone. Neighbouring
    pieces on one line closer than half a character are one run (``105``), unless a
    cell border (``vert``, the erased vertical rules) stands between them.
    """
    import cv2

    ink = (clean < 128).astype(np.uint8)
    g = _glyph_height(ink * 255)
    covered = np.zeros(clean.shape, np.uint8)
    for b in boxes:
        x0, y0 = b[:, 0].min(), b[:, 1].min()
        x1, y1 = b[:, 0].max(), b[:, 1].max()
        cv2.rectangle(covered, (int(x0 - 0.5 * g), int(y0)), (int(x1 + 0.5 * g), int(y1)), 1, thickness=-1)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    pieces = []
    for x, y, w, h, area in stats[1:]:
        if not (0.6 * g <= h <= 1.5 * g and max(2, 0.2 * g) <= w <= 3 * g and area >= 0.08 * w * h):
            continue
        if covered[y:y + h, x:x + w].any():
            continue
        pieces.append((int(x), int(y), int(x + w), int(y + h)))
    runs: list[list[int]] = []
    for p in sorted(pieces):
        for run in runs:
            if 0 <= p[0] - run[2] <= 0.5 * g and abs((p[1] + p[3]) / 2 - (run[1] + run[3]) / 2) <= 0.3 * g \
                    and not (vert is not None and vert[p[1]:p[3], run[2]:p[0] + 1].any()):
                run[:] = [run[0], min(run[1], p[1]), p[2], max(run[3], p[3])]
                break
        else:
            runs.append(list(p))
    if len(runs) > _MAX_MISSED:
        return []
    pad = max(2, round(0.15 * g))
    hgt, wid = clean.shape
    return [(max(0, x0 - pad), max(0, y0 - pad), min(wid, x1 + pad), min(hgt, y1 + pad)) for x0, y0, x1, y1 in runs]


def uniform_height(words: list[dict]) -> list[dict]:
    """Every word the height of the page's text, around the middle of its printed line.

    The detector pads small boxes more than long ones, so a lone digit comes out a
    third taller than the label beside it. A PDF word's box is the font's, the same
    for all words of a line; giving OCR words the typical text height, centred where
    the detector saw them, lets the layout group them into lines the same way.
    """
    text = [w["bottom"] - w["top"] for w in words
            if len(w["text"]) >= 2 and not any(c.isdigit() for c in w["text"])]
    if len(text) < 3:
        return words
    height = statistics.median(text)
    # The detector's middles jitter by a point or so along a printed line; words whose
    # middles run within a quarter of a line of each other get one middle, as in a PDF.
    mids = sorted(((w["top"] + w["bottom"]) / 2, i) for i, w in enumerate(words))
    runs: list[list[tuple[float, int]]] = []
    for m in mids:
        if runs and m[0] - runs[-1][-1][0] <= 0.25 * height:
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        mid = statistics.median(m for m, _ in run)
        for _, i in run:
            words[i]["top"], words[i]["bottom"] = mid - height / 2, mid + height / 2
    return words


def erase_rules(gray: np.ndarray) -> np.ndarray:
    """The page with its long horizontal and vertical lines painted white."""
    horiz, vert = rule_masks(gray)
    out = gray.copy()
    out[(horiz | vert) > 0] = 255
    return out


def rule_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the long horizontal and of the long vertical lines (255 on a line)."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = gray.shape
    # A rule is far longer than any stroke: the horizontal strokes of a run of characters
    # (一二三工) can touch over a few characters, a digit's stem is one character tall.
    glyph = _glyph_height(ink)
    # A scan tilted by a degree steps a thin rule one pixel every 60: thickening the ink
    # across the rule's direction first keeps a tilted rule one unbroken run.
    horiz = cv2.morphologyEx(cv2.dilate(ink, np.ones((3, 1), np.uint8)), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 8, 8 * glyph), 1)))
    vert = cv2.morphologyEx(cv2.dilate(ink, np.ones((1, 3), np.uint8)), cv2.MORPH_OPEN,
                            cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 30, 4 * glyph))))
    grow = np.ones((3, 3), np.uint8)
    return cv2.dilate(horiz, grow), cv2.dilate(vert, grow)


def join_wrapped_numbers(words: list[tuple[str, np.ndarray, float]],
                         horiz: np.ndarray) -> list[tuple[str, np.ndarray, float]]:
    """A number wrapped inside a narrow ruled cell (``153`` over ``4``) back as one word.

    Only when ruling lines prove it is one cell: a rule above the upper part and
    below the lower one, none between. Without rules (or with a rule missed) the
    parts stay apart, and the table reader flags the row instead of guessing.
    """
    text_heights = [q[:, 1].max() - q[:, 1].min() for t, q, _ in words if len(t) >= 2 and not t.isdigit()]
    if not text_heights or not horiz.any():
        return words
    h = statistics.median(text_heights)
    box = lambda q: (q[:, 0].min(), q[:, 0].max(), q[:, 1].min(), q[:, 1].max())  # noqa: E731
    nums = sorted((i for i, (t, _, _) in enumerate(words) if t.isdigit()), key=lambda i: box(words[i][1])[2])
    joined: dict[int, int] = {}  # upper part -> lower part
    used: set[int] = set()
    for a in nums:
        if a in used or len(words[a][0]) < 2:
            continue
        ax0, ax1, at, ab = box(words[a][1])
        amid = (at + ab) / 2
        for b in nums:
            if b == a or b in used:
                continue
            bx0, bx1, bt, bb = box(words[b][1])
            bmid = (bt + bb) / 2
            if not (0.5 * h < bmid - amid <= 1.6 * h and abs((bx0 + bx1) / 2 - (ax0 + ax1) / 2) <= (ax1 - ax0) / 2):
                continue
            if _enclosed(horiz, int(bx0), int(bx1), amid, bmid, at - 1.5 * h, bb + 1.5 * h):
                joined[a] = b
                used.update((a, b))
                break
    if not joined:
        return words
    out = []
    for i, (t, q, c) in enumerate(words):
        if i in joined:
            lt, lq, lc = words[joined[i]]
            pts = np.vstack([q, lq])
            x0, y0, x1, y1 = pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()
            out.append((t + lt, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), min(c, lc)))
        elif i not in used:
            out.append((t, q, c))
    return out


# A sign the recogniser dropped is only seen in the ink: the value keeps it, doubted.
SIGN_CONFIDENCE = 0.89


def restore_minus(words: list[tuple[str, np.ndarray, float]],
                  clean: np.ndarray) -> list[tuple[str, np.ndarray, float]]:
    """Put back a minus sign printed just left of a number that the recogniser left out.

    The short dash of ``-4`` is often not read. A flat dash at mid-height right
    before the digits is a minus: the number gets it back, with a confidence
    below the review threshold so that a person checks it.
    """
    heights = [q[:, 1].max() - q[:, 1].min() for t, q, _ in words if len(t) >= 2 and not t.isdigit()]
    if not heights:
        return words
    h = statistics.median(heights)
    out = []
    for text, quad, conf in words:
        if text.replace(".", "").replace(",", "").isdigit() and _minus_before(clean, quad, h):
            text, conf = "-" + text, min(conf, SIGN_CONFIDENCE)
        out.append((text, quad, conf))
    return out


def _minus_before(clean: np.ndarray, quad: np.ndarray, h: float) -> bool:
    """A flat dash at mid-height just before the first digit (inside the box or left of it)."""
    import cv2

    x0, x1 = quad[:, 0].min(), quad[:, 0].max()
    cy = (quad[:, 1].min() + quad[:, 1].max()) / 2
    top, left = int(max(0, cy - 0.5 * h)), int(max(0, x0 - 0.9 * h))
    region = (clean[top:int(cy + 0.5 * h) + 1, left:int(x1) + 1] < 160).astype(np.uint8)
    if not region.size:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    parts = [(left + x, top + y, w, hh) for x, y, w, hh, _a in stats[1:]]
    glyphs = [p for p in parts if p[3] >= 0.35 * h]
    if not glyphs:
        return False
    first = min(p[0] for p in glyphs)
    for x, y, w, hh in parts:
        if (w >= 0.15 * h and hh <= 0.2 * h and w >= 1.5 * hh and abs(y + hh / 2 - cy) <= 0.25 * h
                and x + w <= first + 1 and first - (x + w) <= 0.5 * h):
            return True
    return False


def _enclosed(horiz: np.ndarray, x0: int, x1: int, upper: float, lower: float, top: float, bottom: float) -> bool:
    """A rule in (top, upper), none in (upper, lower), one in (lower, bottom), across x0..x1."""
    band = horiz[:, max(0, x0):max(x0 + 1, x1)]
    rows = np.nonzero(band.mean(axis=1) > 0.5 * 255)[0]
    between = rows[(rows > upper) & (rows < lower)]
    above = rows[(rows >= top) & (rows < upper)]
    below = rows[(rows > lower) & (rows <= bottom)]
    return not len(between) and len(above) > 0 and len(below) > 0


def _glyph_height(ink: np.ndarray) -> int:
    """The typical height of the ink's character-sized pieces, in pixels."""
    import cv2

    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    heights = [int(s[3]) for s in stats[1:]
               if 4 <= s[3] <= h // 5 and s[2] <= w // 5 and s[2] <= 3 * s[3] and s[4] >= 8]
    return int(statistics.median(heights)) if heights else 20


def borders(box: np.ndarray, vert: np.ndarray) -> list[float]:
    """Where a cell border (an erased vertical rule) crosses a text box, as distances along it.

    The detector sees no border once the rules are erased: a label printed up to
    the border runs into the number of the next cell (``信息2``) as one box.
    Only a rule across the whole height of the box counts, away from its ends.
    """
    x0, x1 = int(box[:, 0].min()), int(box[:, 0].max())
    y0, y1 = int(box[:, 1].min()), int(box[:, 1].max())
    if x1 - x0 < 4 or y1 <= y0:
        return []
    full = _rule_columns(vert, y0, y1, x0, x1) - max(0, x0)
    if not len(full):
        return []
    # Runs of rule columns; the middle of each run is the border.
    cuts, start = [], full[0]
    for a, b in zip(full, list(full[1:]) + [None]):
        if b is None or b != a + 1:
            cuts.append((start + a) / 2)
            start = b
    edge = 0.5 * (y1 - y0)
    return [float(c) for c in cuts if edge < c < (x1 - x0) - edge]


def border_before(quad: np.ndarray, vert: np.ndarray) -> float | None:
    """Where a cell border (an erased vertical rule) stands just left of a word: its x, or None.

    The layout then starts a new cell at the word if the border lies between it
    and the word before, however narrow the gap: a label printed up to the border
    and the number after it are two cells.
    """
    x0 = float(quad[:, 0].min())
    y0, y1 = int(quad[:, 1].min()), int(quad[:, 1].max())
    h = y1 - y0
    if h <= 0:
        return None
    full = _rule_columns(vert, y0, y1, int(x0 - h), int(x0 + 0.3 * h))
    return float(full[-1]) if len(full) else None


def _rule_columns(vert: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    """The x of every pixel column in x0..x1 where a vertical rule crosses the whole of y0..y1."""
    left = max(0, x0)
    band = vert[max(0, y0):y1 + 1, left:max(0, x1) + 1]
    if not band.size:
        return np.array([], dtype=int)
    return left + np.nonzero((band > 0).all(axis=0))[0]


def split_words(box: np.ndarray, text: str, score: float, chars: list[Char],
                cuts: Sequence[float] = ()) -> list[tuple[str, np.ndarray, float]]:
    """A text box as words (text, quadrilateral, confidence), cut where characters stand apart.

    ``cuts``: distances along the box where a cell border stands; characters on
    either side of one are always separate words.
    """
    if not chars or len(chars) != len(text):
        return [(text.strip(), box, score)] if text.strip() else []
    width = max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3]))
    height = max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2]))
    if height <= 0 or width <= 0 or height / width >= 1.5:  # vertical text: one word
        return [(text.strip(), box, _confidence(chars, score))] if text.strip() else []
    px_per_step = _REC_STRIDE * width / math.ceil(_REC_HEIGHT * width / height)
    centres = [(c.step + 0.5) * px_per_step for c in chars]
    groups: list[list[int]] = [[0]]
    for i in range(1, len(chars)):
        # Only numbers are cut off: a wide gap inside text is letter spacing, not a cell border.
        numeric = _numeric(chars[i]) or _numeric(chars[i - 1])
        bordered = any(centres[i - 1] < c < centres[i] for c in cuts)
        if (numeric and centres[i] - centres[i - 1] > _WORD_GAP * height) or bordered \
                or " " in (chars[i].text, chars[i - 1].text):
            groups.append([i])
        else:
            groups[-1].append(i)
    along = (box[1] - box[0]) / width
    out = []
    half = 0.35 * height  # half a digit's width
    for g in groups:
        part = [chars[i] for i in g if chars[i].text.strip()]
        if not part:
            continue
        part = _as_digits(part)
        lo = max(0.0, centres[g[0]] - half) if len(groups) > 1 else 0.0
        hi = min(width, centres[g[-1]] + half) if len(groups) > 1 else width
        quad = np.array([box[0] + along * lo, box[0] + along * hi, box[3] + along * hi, box[3] + along * lo])
        out.append(("".join(c.text for c in part), quad, _confidence(part, score)))
    return out


def _numeric(c: Char) -> bool:
    return c.text in _DIGITS or c.text in _DIGIT_LOOKALIKES or c.text in ".,"


def _as_digits(part: list[Char]) -> list[Char]:
    # In a run of digits, a look-alike letter is a digit misread: keep the recogniser's
    # best digit there, with its (low) confidence, so the cell is flagged rather than lost.
    if not any(c.text in _DIGITS for c in part) and len(part) > 1:
        return part
    return [Char(c.best_digit, c.step, c.digit_probability) if c.text in _DIGIT_LOOKALIKES and c.best_digit
            else c for c in part]


def _confidence(chars: list[Char], score: float) -> float:
    digits = [c.confidence for c in chars if c.text in _DIGITS]
    return min(digits) if digits else score


def skew_angle(boxes: list[np.ndarray]) -> float:
    """The page's rotation in radians, from the top edges of the wide text boxes.

    A scan tilted by one degree moves the right end of a line half a row down on
    an A4 page: without deskewing, rows fall apart.
    """
    angles = []
    for b in boxes:
        dx, dy = b[1][0] - b[0][0], b[1][1] - b[0][1]
        if dx > 3 * abs(b[3][1] - b[0][1]):  # wide boxes give a reliable slope
            angles.append(math.atan2(dy, dx))
    if len(angles) < 3:
        return 0.0
    a = statistics.median(angles)
    return a if abs(a) > 0.001 else 0.0


def rotate(pts: np.ndarray, angle: float, centre: tuple[float, float]) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    x, y = pts[:, 0] - centre[0], pts[:, 1] - centre[1]
    return np.stack([c * x - s * y + centre[0], s * x + c * y + centre[1]], axis=1)


def _with_chars(decoder):
    """Wrap the engine's CTC decoder: same text and score, plus each character's place and confidence."""
    chars = decoder.character
    rows = [_DIGITS] + ([_FULLWIDTH_DIGITS] if all(c in chars for c in _FULLWIDTH_DIGITS) else [])
    digit_idx = np.array([[chars.index(d) for d in row] for row in rows])

    class CharDecode(type(decoder)):
        def __call__(self, preds, return_word_box=False, **kwargs):
            results = super().__call__(preds, return_word_box, **kwargs)
            if return_word_box:
                return results
            return [(r[0], r[1], decode_chars(p, chars, digit_idx)) for r, p in zip(results, preds)]

    wrapped = CharDecode.__new__(CharDecode)
    wrapped.__dict__.update(decoder.__dict__)
    return wrapped


def decode_chars(probs: np.ndarray, charset: list[str], digit_idx: np.ndarray) -> list[Char]:
    """Greedy CTC decoding (as the engine's) keeping each character's step and confidence.

    A digit's confidence is its share of the ten digits' probability at its step,
    lowered where the model nearly emitted another digit in a gap (a digit that
    may be missing). A look-alike letter also records the best digit there.
    ``digit_idx`` holds the classes of the digits 0-9, one row per variant
    (ASCII, fullwidth): a digit's probability is that of all its variants.
    """
    idx = probs.argmax(axis=1)
    out: list[Char] = []
    prev = 0
    for t, i in enumerate(idx):
        if i != 0 and i != prev:
            d = probs[t, digit_idx].reshape(-1, 10).sum(axis=0)
            ch = charset[i]
            if ch in _AS_DIGIT:
                digit = _AS_DIGIT[ch]
                out.append(Char(digit, t, float(d[int(digit)] / max(d.sum(), 1e-9))))
            else:
                out.append(Char(ch, t, float(probs[t, i]), _DIGITS[int(d.argmax())], float(d.max())))
        prev = i
    digits = [c for c in out if c.text in _DIGITS]
    if not digits:
        return out
    # A digit nearly emitted where the model chose "nothing", away from the glyphs it did
    # emit (a glyph spans a few steps): the nearest digit read becomes doubtful.
    emitted = [c.step for c in out]
    for t in map(int, np.nonzero(idx == 0)[0]):
        if min(abs(t - s) for s in emitted) <= 2:
            continue
        hidden = float(probs[t, digit_idx].reshape(-1, 10).sum(axis=0).max())
        if hidden > 0.02:
            near = min(digits, key=lambda c: abs(c.step - t))
            near.confidence = min(near.confidence, 1.0 - hidden)
    return out

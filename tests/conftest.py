"""Shared paths and fixtures: the sample reports and their golden values."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SHARED = ROOT.parent / "shared"
# The samples and golden values live in ../shared (the domain contract); the copies under
# examples/ and tests/golden/ keep the suite runnable from a lone clone.
SEEDS = _SHARED / "seeds" if (_SHARED / "seeds").is_dir() else ROOT / "examples"
REALPDF = _SHARED / "realpdf" if (_SHARED / "realpdf").is_dir() else ROOT / "examples"
GOLDEN = _SHARED / "golden" if (_SHARED / "golden").is_dir() else ROOT / "tests" / "golden"

SEED_FILES = sorted(p for p in SEEDS.iterdir()
                    if p.suffix in (".txt", ".md", ".html") and not p.name.startswith("."))


def golden_for(path: Path) -> dict:
    stem = path.name.rsplit(".", 1)[0]
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(params=SEED_FILES, ids=lambda p: p.name)
def seed(request) -> Path:
    return request.param


def pytest_configure(config):
    os.environ.setdefault("PYTHONHASHSEED", "0")

"""What the last run read: each source's SHA-256 and the extractor version that read it.

A source whose hash and version are unchanged keeps its rows from the last
run; everything else is read again. The version is the package version plus a
fingerprint of the package's code, so a parser fix in a development tree
invalidates the rows it could change even before the version number moves.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..atomic import write_stream

MANIFEST_NAME = "manifest.json"
FORMAT = 1
# Failures that say nothing about the file's content: worth retrying on the next run.
TRANSIENT_CODES = frozenset({"missing", "unreadable", "worker_lost"})


@dataclass(frozen=True)
class Entry:
    sha256: str
    size: int
    version: str
    status: str
    error_code: str | None = None
    options: str = ""  # ReadOptions.fingerprint() of the run that read it


@dataclass
class Manifest:
    run_id: str
    entries: dict[str, Entry] = field(default_factory=dict)

    def unchanged(self, source: str, sha256: str | None, version: str, options: str = "") -> bool:
        e = self.entries.get(source)
        return (e is not None and sha256 is not None and e.sha256 == sha256 and e.version == version
                and e.options == options and e.error_code not in TRANSIENT_CODES)


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The version of the code this process runs: computed once, at first use.

    Modules are imported once per process, so the first reading of the files is
    the one that matches the code in memory.
    """
    return code_version()


def code_version() -> str:
    """``0.1.0+<12 hex>``: the version and a digest of the code that turns a file into rows,
    as a fresh process would import it now.

    The code is the import closure of the task function: every xlsuite module it
    imports, directly, lazily inside a function, or by name through
    ``importlib`` (the readers' registry). Edits elsewhere (the workbook, the
    CLI, this package's bookkeeping) leave existing rows valid.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    with _PARSE_LOCK:
        code = _closure(root, [root / "dataset" / "run.py"])
    for f in sorted(code):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + code[f] + b"\0")
    return f"{__version__}+{h.hexdigest()[:12]}"


# Threaded Dask workers ask for the version at the same moment, and ast.parse is not
# thread-safe in CPython 3.11 ("AST constructor recursion depth mismatch").
_PARSE_LOCK = threading.Lock()


def _closure(root: Path, start: list[Path]) -> dict[Path, bytes]:
    """The package's modules reachable from ``start`` by import, with their source bytes."""
    seen: dict[Path, bytes] = {}
    todo = list(start)
    while todo:
        f = todo.pop()
        if f in seen or not _shapes_rows(f.relative_to(root).as_posix()):
            continue
        try:
            seen[f] = f.read_bytes()
            tree = ast.parse(seen[f], str(f))
        except OSError:  # removed while we looked: it cannot be imported either
            seen.pop(f, None)
            continue
        except (SyntaxError, ValueError):  # mid-edit: its bytes still count, its imports cannot be known
            continue
        package = list(f.relative_to(root).parent.parts)
        for node in ast.walk(tree):
            names: list[list[str]] = []
            if isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                mod: list[str] | None = base + (node.module.split(".") if node.module else [])
                if not node.level and mod is not None:
                    mod = mod[1:] if mod[:1] == ["xlsuite"] else None
                if mod is not None:
                    names.append(mod)
                    names.extend(mod + [a.name] for a in node.names)  # ``from . import module``
            elif isinstance(node, ast.Import):
                names.extend(a.name.split(".")[1:] for a in node.names if a.name.split(".")[0] == "xlsuite")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    _MODULE_NAME.fullmatch(node.value):
                names.append(node.value.split(".")[1:])
            for parts in names:
                for cand in (root.joinpath(*parts, "__init__.py"), root.joinpath(*parts).with_suffix(".py")):
                    if parts and cand.is_file():
                        todo.append(cand)
                        # Importing a submodule runs its packages' __init__ too.
                        for i in range(1, len(parts)):
                            todo.append(root.joinpath(*parts[:i], "__init__.py"))
    return seen


def _shapes_rows(rel: str) -> bool:
    # The CLI skin and the dataset's own bookkeeping (manifest, storage) format and
    # store rows; of this package only the task and the tidy rows decide their content.
    if rel.startswith("cli/"):
        return False
    return not rel.startswith("dataset/") or rel in ("dataset/run.py", "dataset/tidy.py")


_MODULE_NAME = re.compile(r"xlsuite(?:\.[a-z_][a-z0-9_]*)+")


def load_manifest(folder: str | os.PathLike) -> Manifest | None:
    """The manifest in ``folder``; None when absent or unreadable (everything is then read again)."""
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        entries = {src: Entry(**e) for src, e in data["entries"].items()}
        return Manifest(data["run_id"], entries)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(folder: str | os.PathLike, manifest: Manifest) -> None:
    data = {"format": FORMAT, "run_id": manifest.run_id,
            "entries": {src: asdict(e) for src, e in manifest.entries.items()}}
    write_stream(Path(folder) / MANIFEST_NAME,
                 lambda f: f.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")))


"""Writing outputs so that a crash never leaves half a file and a user's file is never clobbered.

Every output goes to a temporary file beside its target and is moved into place
only when complete. Without ``overwrite`` the final step is a hard link, which
fails if the name appeared in the meantime, instead of a rename that would
replace it.

The temporary file is removed on every way out of the block (an error, Ctrl+C,
and SIGTERM, which the command line turns into a normal exit). A process killed
outright (SIGKILL, power loss) cannot clean up: the next write to the same
folder removes temporary files whose process is gone (``remove_stale``).
"""
from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

# A temporary file is named .<target>.<host>-<pid>.<random>.tmp: who wrote it can be told later.
_HOST = format(zlib.crc32(socket.gethostname().encode("utf-8", "replace")), "08x")
_TEMP_NAME = re.compile(r"^\..+\.([0-9a-f]{8})-(\d+)\.[^.]+\.tmp$")
# Past this age a temporary file is stale whoever wrote it (another machine on a shared folder).
STALE_AFTER = 3600.0


def process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill would end the process there: only age decides
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale(folder: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Delete our temporary files in ``folder`` left by a process that no longer runs.

    A file counts as stale when this machine wrote it and its process is gone, or
    when it is older than ``STALE_AFTER``. Returns the files removed.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(os.fspath(folder)))
    except OSError:
        return removed
    for e in entries:
        m = _TEMP_NAME.match(e.name)
        if not m or not e.is_file(follow_symlinks=False):
            continue
        try:
            old = now - e.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            dead = m.group(1) == _HOST and int(m.group(2)) != os.getpid() and not process_alive(int(m.group(2)))
            if old or dead:
                os.unlink(e.path)
                removed.append(Path(e.path))
        except OSError:
            continue
    return removed


@contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path``; it becomes ``path`` when the block ends without error.

    Raises ``FileExistsError`` when ``overwrite`` is false and ``path`` exists.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_HOST}-{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared like any saved file
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # file systems without hard links (FAT, some network shares)
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_stream(path: str | os.PathLike, write: Callable[[IO[bytes]], object], *, overwrite: bool = True) -> Path:
    """Stream ``write``'s bytes to ``path`` (Parquet, CSV, JSON written by a library): never half a file."""
    with atomic_path(path, overwrite=overwrite) as tmp, open(tmp, "wb") as f:
        write(f)
    return Path(path)


def save_atomic(wb: Any, path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Save an openpyxl workbook. With ``overwrite=False`` an existing file is never replaced, even
    one that appears while saving: raises ``FileExistsError``."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        wb.save(tmp)
    return Path(path)

"""A minimal MS-CFB (compound file) writer: version 3, 512-byte sectors, mini stream.

Enough for a VBA project: a tree of storages and streams written once. Streams
under 4096 bytes live in the mini stream (64-byte sectors), as the spec
requires; larger ones get regular sectors. Siblings form a red-black tree
ordered as the spec says (shorter name first, then case-insensitive compare).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_HEADER_DIFAT = 109


@dataclass
class Storage:
    """A folder inside the compound file; ``children`` maps names to Storage or bytes."""

    children: dict[str, "Storage | bytes"] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> None:
        """Add a stream at a ``/``-separated path, creating storages on the way."""
        *folders, name = path.split("/")
        node = self
        for f in folders:
            node = node.children.setdefault(f, Storage())  # type: ignore[assignment]
            if not isinstance(node, Storage):
                raise ValueError(f"{f!r} is a stream, not a storage")
        node.children[name] = bytes(data)


def _order(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: compare lengths first, then the upper-cased names.
    return len(name), name.upper()


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", _ROOT)]

    def visit(storage: Storage, index: int) -> None:
        ids = []
        folded = [n.upper() for n in storage.children]
        if len(set(folded)) != len(folded):
            raise ValueError(f"compound-file names that differ only in case: {sorted(storage.children)}")
        for name in sorted(storage.children, key=_order):
            node = storage.children[name]
            if len(name) > 31 or not name or any(c in name for c in "/\\:!"):
                raise ValueError(f"invalid compound-file entry name {name!r}")
            entries.append(_Entry(name, _STORAGE if isinstance(node, Storage) else _STREAM,
                                  b"" if isinstance(node, Storage) else node))
            ids.append(len(entries) - 1)
        entries[index].child = _tree(entries, ids, 0)
        for i in ids:
            node = storage.children[entries[i].name]
            if isinstance(node, Storage):
                visit(node, i)

    visit(root, 0)
    return entries


def _tree(entries: list[_Entry], ids: list[int], depth: int, full_depth: int | None = None) -> int:
    """A balanced binary search tree over sorted ``ids``; returns the root id.

    Splitting at the middle puts every leaf at depth d or d-1; colouring the
    nodes of the (incomplete) deepest level red keeps the black height equal on
    every path, so the result is a valid red-black tree.
    """
    if not ids:
        return NOSTREAM
    if full_depth is None:
        full_depth = len(ids).bit_length() - 1  # depth of the deepest level
        perfect = len(ids) == (1 << (full_depth + 1)) - 1
        if perfect:
            full_depth += 1  # no incomplete level: everything black
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.color = _RED if depth == full_depth else _BLACK
    node.left = _tree(entries, ids[:mid], depth + 1, full_depth)
    node.right = _tree(entries, ids[mid + 1:], depth + 1, full_depth)
    return ids[mid]


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def _sectors(n_bytes: int, unit: int) -> int:
    return -(-n_bytes // unit)


def write(root: Storage) -> bytes:
    """The bytes of a compound file holding ``root``'s streams."""
    entries = _flatten(root)
    streams = [e for e in entries if e.kind == _STREAM]

    mini = bytearray()
    minifat: list[int] = []
    big = [e for e in streams if len(e.data) >= MINI_CUTOFF]
    for e in streams:
        e.size = len(e.data)
        if e.size == 0 or e.size >= MINI_CUTOFF:
            continue
        e.start = len(minifat)
        n = _sectors(e.size, MINI_SECTOR)
        minifat.extend([0] * n)
        _chain(minifat, e.start, n)
        mini += _pad(e.data, MINI_SECTOR)

    # Regular sectors in file order: big streams, mini stream, mini FAT, directory, FAT.
    body: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        start = len(fat)
        n = _sectors(len(data), SECTOR)
        fat.extend([0] * n)
        _chain(fat, start, n)
        body.append(_pad(data, SECTOR))
        return start

    for e in big:
        e.start = place(e.data)
    if mini:
        entries[0].start, entries[0].size = place(bytes(mini)), len(mini)
    minifat_start = place(b"".join(struct.pack("<I", x) for x in minifat)) if minifat else ENDOFCHAIN
    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    dir_bytes = b"".join(_dir_entry(e) for e in entries)
    dir_bytes += _FREE_ENTRY * (-len(entries) % (SECTOR // _ENTRY_SIZE))
    dir_start = place(dir_bytes)

    n_fat = 1
    while _sectors((len(fat) + n_fat) * 4, SECTOR) > n_fat:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for a header-only DIFAT (over ~6.8 MB)")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * SECTOR // 4 - len(fat)))
    body.append(b"".join(struct.pack("<I", x) for x in fat))

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE, b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    assert len(header) == SECTOR
    return header + b"".join(body)


_ENTRY_SIZE = 128
# MS-CFB 2.6.3: an unused directory entry is all zeroes except its left sibling, right
# sibling and child pointers, which are NOSTREAM.
_FREE_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                          b"", 0, 0, 0, 0, 0)


def _dir_entry(e: _Entry) -> bytes:
    name = (e.name + "\0").encode("utf-16-le")
    start = e.start if (e.kind == _STREAM and e.size) or (e.kind == _ROOT and e.size) else (
        ENDOFCHAIN if e.kind != _STORAGE else 0)
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, e.color, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, start, e.size,
    )

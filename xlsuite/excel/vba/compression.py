"""MS-OVBA 2.4.1 compression: the run-length/LZ scheme of VBA module and ``dir`` streams.

Written from the specification. Three traps: the split of a copy token between
offset and length bits depends on the position inside the current 4096-byte
chunk; a copy may overlap its own output, so decompression copies byte by
byte; and a chunk stored raw always decompresses to exactly 4096 bytes.

That last rule is why only a full 4096-byte chunk may be stored raw when its
tokens would not fit. The spec's own compressor pads a shorter final chunk with
zeros up to 4096, which would make the text longer when read back. A short
final chunk that does not fit as tokens (only near-random data, never VBA
source) is split instead into smaller token chunks. Every decompressor that
follows the spec reads those correctly: chunk boundaries come from the chunk
headers, and copy offsets count from the start of their own chunk.
"""
from __future__ import annotations

CHUNK = 4096
_MIN_MATCH = 3


def _bit_count(position: int) -> int:
    """Offset bits of a copy token emitted ``position`` bytes into a chunk (spec 2.4.1.3.19.1)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _tokens(chunk: bytes) -> bytes:
    """The flag bytes and tokens of one chunk (its body without the header)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk
    pos = 0
    n = len(chunk)
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos + _MIN_MATCH <= n:
                bits = _bit_count(pos)
                max_len = (0xFFFF >> bits) + 3
                limit = min(max_len, n - pos)
                for start in reversed(heads.get(chunk[pos:pos + 3], ())[-64:]):
                    length = 3
                    while length < limit and chunk[start + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - start
                        if length == limit:
                            break
            if best_len >= _MIN_MATCH:
                bits = _bit_count(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                advance = best_len
            else:
                out.append(chunk[pos])
                advance = 1
            for p in range(pos, min(pos + advance, n - 2)):
                heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += advance
        out[flag_at] = flags
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = _tokens(chunk)
    if len(body) <= CHUNK:  # the header's 12-bit size field holds chunks of at most 4098 bytes
        header = (len(body) + 2 - 3) | (0b011 << 12) | 0x8000
        return header.to_bytes(2, "little") + body
    if len(chunk) == CHUNK:
        return (0x3FFF).to_bytes(2, "little") + chunk  # raw: size 4098, signature 0b011, flag 0
    half = len(chunk) // 2  # a short incompressible final chunk: never padded, split (see above)
    return _compress_chunk(chunk[:half]) + _compress_chunk(chunk[half:])


def compress(data: bytes) -> bytes:
    """A CompressedContainer (signature byte 0x01, then chunks of up to 4096 input bytes)."""
    out = bytearray(b"\x01")
    for i in range(0, len(data), CHUNK):
        out += _compress_chunk(data[i:i + CHUNK])
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """The inverse of :func:`compress`, for any conforming container (used by tests and checks)."""
    if not container or container[0] != 1:
        raise ValueError("not an MS-OVBA compressed container (signature byte 0x01 missing)")
    out = bytearray()
    i = 1
    while i < len(container):
        header = int.from_bytes(container[i:i + 2], "little")
        if header >> 12 & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at byte {i}")
        size = (header & 0x0FFF) + 3
        end = min(i + size, len(container))
        i += 2
        start = len(out)
        if not header & 0x8000:
            if len(container) - i < CHUNK:  # a raw chunk is always 4096 bytes (MS-OVBA 2.4.1.3.3)
                raise ValueError(f"raw chunk at byte {i - 2} holds fewer than {CHUNK} bytes")
            out += container[i:i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = container[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if not flags >> bit & 1:
                    out.append(container[i])
                    i += 1
                    continue
                token = int.from_bytes(container[i:i + 2], "little")
                i += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)

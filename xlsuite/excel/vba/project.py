"""Build ``vbaProject.bin`` (MS-OVBA inside MS-CFB) from VBA module text.

The project holds source only: ``_VBA_PROJECT`` is the 7-byte form with
version 0xFFFF and every MODULEOFFSET is 0, so there is no compiled cache and
Excel compiles the text on load. The layout of each record follows MS-OVBA
2.3.4.2; the comments mark where the specification's sizes are surprising.
"""
from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass
from typing import Literal

from . import cfb
from .compression import compress

# Host Extender Info line that Excel writes for the VBE type library.
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

# Document module bases: the workbook and worksheet classes of Excel's type library.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

# Registered type libraries the module needs: stdole for the basics, the Office
# library for IRibbonControl (the callback's parameter type under Option Explicit).
# Excel resolves them by GUID and version through the registry; the path is a hint.
REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
               "C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
               "Microsoft Office 16.0 Object Library"),
)


@dataclass(frozen=True)
class Module:
    name: str
    source: str  # full module text, Attribute lines included, CRLF line ends
    kind: Literal["standard", "document"] = "standard"


def document_module(name: str, base: str) -> Module:
    """The attribute-only text Excel keeps for a workbook or worksheet module."""
    lines = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
             "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
             "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
             "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "\r\n".join(lines) + "\r\n", "document")


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _u16(v: int) -> bytes:
    return struct.pack("<H", v)


def _u32(v: int) -> bytes:
    return struct.pack("<I", v)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def dir_stream(project_name: str, modules: list[Module], code_page: int) -> bytes:
    """The decompressed ``dir`` stream: project information, references, modules."""
    enc = f"cp{code_page}"
    out = bytearray()
    out += _rec(0x0001, _u32(1))  # PROJECTSYSKIND: Win32
    out += _rec(0x0002, _u32(0x0409))  # PROJECTLCID
    out += _rec(0x0014, _u32(0x0409))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, _u16(code_page))  # PROJECTCODEPAGE
    out += _rec(0x0004, project_name.encode(enc))  # PROJECTNAME
    # The paired Unicode records must be present even when the text is empty.
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # PROJECTDOCSTRING + unicode
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # PROJECTHELPFILEPATH 1 and 2
    out += _rec(0x0007, _u32(0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, _u32(0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its size field says 4, yet 6 bytes follow (major u32, minor u16).
    out += struct.pack("<HI", 0x0009, 4) + _u32(1) + _u16(0)
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # PROJECTCONSTANTS + unicode
    for name, libid in REFERENCES:
        out += _rec(0x0016, name.encode(enc)) + _rec(0x003E, _utf16(name))  # REFERENCENAME
        lib = libid.encode(enc)
        # REFERENCEREGISTERED: the size covers the whole body (libid length, libid, 6 reserved bytes).
        out += _rec(0x000D, _u32(len(lib)) + lib + _u32(0) + _u16(0))
    out += _rec(0x000F, _u16(len(modules)))  # PROJECTMODULES
    out += _rec(0x0013, _u16(0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, m.name.encode(enc))  # MODULENAME
        out += _rec(0x0047, _utf16(m.name))  # MODULENAMEUNICODE
        out += _rec(0x001A, m.name.encode(enc)) + _rec(0x0032, _utf16(m.name))  # MODULESTREAMNAME
        out += _rec(0x001C, b"") + _rec(0x0048, b"")  # MODULEDOCSTRING + unicode
        out += _rec(0x0031, _u32(0))  # MODULEOFFSET: source starts at 0, no p-code cache
        out += _rec(0x001E, _u32(0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, _u16(0xFFFF))  # MODULECOOKIE
        out += _rec(0x0021 if m.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _rec(0x002B, b"")  # module terminator
    out += _rec(0x0010, b"")  # dir terminator
    return bytes(out)


def project_id(project_name: str) -> str:
    """A stable project GUID, so that building twice gives the same bytes."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"xlsuite:vba:{project_name}")).upper() + "}"


def encrypt(data: bytes, project_guid: str, seed: int) -> str:
    """MS-OVBA 2.4.3.2 data encryption (the obfuscation of CMG, DPB and GC), as hex."""
    proj_key = sum(project_guid.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ 2, seed ^ proj_key])
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ 2

    def push(byte: int) -> None:
        nonlocal unenc1, enc1, enc2
        b = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(b)
        enc2, enc1, unenc1 = enc1, b, byte

    for i in range((seed & 6) // 2):
        push(i)  # ignored bytes: any value will do
    for b in struct.pack("<I", len(data)) + data:
        push(b)
    return out.hex().upper()


def decrypt(hex_text: str) -> bytes:
    """The data carried by an MS-OVBA encrypted structure (inverse of :func:`encrypt`)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unsupported MS-OVBA encryption version")
    unenc1, enc1, enc2 = seed ^ key_enc, key_enc, version_enc
    plain = bytearray()
    for b in raw[3:]:
        byte = b ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, b, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(plain[ignored:ignored + 4], "little")
    return bytes(plain[ignored + 4:ignored + 4 + length])


def project_stream(project_name: str, modules: list[Module], code_page: int) -> bytes:
    """The PROJECT stream: the text the VBE reads first (MS-OVBA 2.3.1)."""
    guid = project_id(project_name)
    seed = hashlib.sha256(project_name.encode()).digest()[0]
    lines = [f'ID="{guid}"']
    for m in modules:
        lines.append(f"Document={m.name}/&H00000000" if m.kind == "document" else f"Module={m.name}")
    lines += [
        f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
        f'CMG="{encrypt(bytes(4), guid, seed)}"',  # protection state: none
        f'DPB="{encrypt(bytes(1), guid, (seed + 1) & 0xFF)}"',  # password: none
        f'GC="{encrypt(bytes([0xFF]), guid, (seed + 2) & 0xFF)}"',  # visible
        "", "[Host Extender Info]", _HOST_EXTENDER, "", "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{code_page}")


def projectwm_stream(modules: list[Module], code_page: int) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode(f"cp{code_page}") + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


def vba_project_stream() -> bytes:
    # Reserved1 0x61CC, Version 0xFFFF (no compiled cache: Excel compiles the source), Reserved2 0x00,
    # Reserved3 (undefined, ignored on read) 0x0001: the seven bytes of the add-in xlwings ships,
    # rather than the all-zero ending that VBA-purging tools leave and scanners look for.
    return struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def build(project_name: str, modules: list[Module], code_page: int = 936) -> bytes:
    """The bytes of ``vbaProject.bin`` holding ``modules`` as source text."""
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"duplicate VBA module names: {names}")
    root = cfb.Storage()
    root.add("PROJECT", project_stream(project_name, modules, code_page))
    root.add("PROJECTwm", projectwm_stream(modules, code_page))
    root.add("VBA/_VBA_PROJECT", vba_project_stream())
    root.add("VBA/dir", compress(dir_stream(project_name, modules, code_page)))
    for m in modules:
        root.add(f"VBA/{m.name}", compress(m.source.encode(f"cp{code_page}")))
    return cfb.write(root)

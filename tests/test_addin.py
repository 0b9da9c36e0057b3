"""The Excel add-in package, built on Linux: MS-OVBA compression, the CFB writer, the VBA
project read back by an independent decoder (oletools), and the OOXML package with its ribbon."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import random
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from olefile.olefile import OleDirectoryEntry
from oletools.olevba import VBA_Parser, VBA_Scanner, decompress_stream

from xlsuite.cli import cli
from xlsuite.excel import dispatch as D
from xlsuite.excel.addin import build_addin, package, ribbon
from xlsuite.excel.addin import install as inst
from xlsuite.excel.vba import cfb, project
from xlsuite.excel.vba.compression import compress, decompress

BAS = Path(__file__).resolve().parent.parent / "xlsuite" / "excel" / "assets" / "XlsuiteRibbon.bas"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return Path(build_addin(tmp_path_factory.mktemp("addin") / "xlsuite.xlam"))


# --- MS-OVBA compression ---------------------------------------------------------------------

def test_compression_matches_the_specification_example_without_matches():
    # MS-OVBA 3.2.1: 23 literal bytes -> one chunk, two flag bytes of zero.
    assert compress(b"abcdefghijklmnopqrstuv.").hex(" ").upper() == (
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E")


_rng = random.Random(7)
SAMPLES = {
    "empty": b"",
    "one byte": b"x",
    "spec normal": b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
    "long run": b"a" * 10000,  # overlapping copies, maximum lengths
    "vba text": BAS.read_bytes() * 9,  # several 4096-byte chunks; copy-token widths change in each
    "exact chunk": bytes(_rng.choice(b"ab \r\n") for _ in range(4096)),
    "random": bytes(_rng.getrandbits(8) for _ in range(3 * 4096)),  # incompressible: raw chunks
    "random tail": bytes(_rng.getrandbits(8) for _ in range(5000)),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_compression_round_trips_through_oletools(name):
    data = SAMPLES[name]
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data  # an independent decoder
    assert decompress(packed) == data


def test_compression_actually_compresses_source_text():
    text = BAS.read_bytes() * 9
    assert len(compress(text)) < 0.4 * len(text)


def test_incompressible_chunks_are_stored_raw():
    data = SAMPLES["random"]
    packed = compress(data)
    assert len(packed) == 1 + 3 * (2 + 4096)
    header = struct.unpack_from("<H", packed, 1)[0]
    assert header == 0x3FFF  # size 4098, signature 0b011, flag 0 (raw)


def _chunks(packed: bytes) -> list[tuple[bool, int]]:
    """(compressed?, bytes after the header) of each chunk in a container."""
    out, i = [], 1
    while i < len(packed):
        header = struct.unpack_from("<H", packed, i)[0]
        size = 4096 if not header & 0x8000 else (header & 0x0FFF) + 1
        out.append((bool(header & 0x8000), size))
        i += 2 + size
    assert i == len(packed)
    return out


@pytest.mark.parametrize("n", [3641, 4095, 4097, 8191])
def test_a_short_incompressible_final_chunk_is_never_padded(n):
    # MS-OVBA stores a chunk raw only as exactly 4096 bytes: padding a shorter final chunk
    # would make the text read back longer. Such a tail is split into token chunks instead.
    data = random.Random(n).randbytes(n)
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data
    full, tail = divmod(n, 4096)
    chunks = _chunks(packed)
    assert chunks[:full] == [(False, 4096)] * full  # every full random chunk raw
    assert all(compressed for compressed, _ in chunks[full:]) and len(chunks) > full


def test_the_decompressor_refuses_a_truncated_raw_chunk():
    with pytest.raises(ValueError, match="fewer than 4096"):
        decompress(b"\x01" + (0x3FFF).to_bytes(2, "little") + b"x" * 100)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=9000) | st.lists(st.sampled_from([b"Dim ", b"a", b"\r\n", b"\x00", b"End Sub"]),
                                           max_size=2000).map(b"".join))
@example(random.Random(1).randbytes(4095))
@example(random.Random(2).randbytes(4096))
@example(random.Random(3).randbytes(8191))
@example(b"a" * 4095)
@example(b"a" * 8191)
def test_compression_round_trips_any_bytes(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data  # an independent decoder


# --- MS-CFB writer -----------------------------------------------------------------------------

def _tree() -> tuple[cfb.Storage, dict[str, bytes]]:
    rng = random.Random(3)
    sizes = {"PROJECT": 300, "PROJECTwm": 40, "VBA/dir": 900, "VBA/_VBA_PROJECT": 7, "VBA/big": 20000,
             "VBA/cutoff": 4096, "VBA/under": 4095, "VBA/empty": 0, "A/B/deep": 65}
    sizes.update({f"VBA/Module{i}": 64 * i + 1 for i in range(1, 12)})  # many siblings: a real tree
    root, data = cfb.Storage(), {}
    for name, n in sizes.items():
        data[name] = bytes(rng.getrandbits(8) for _ in range(n))
        root.add(name, data[name])
    return root, data


def test_cfb_streams_read_back_with_olefile():
    root, data = _tree()
    blob = cfb.write(root)
    assert len(blob) % 512 == 0
    ole = olefile.OleFileIO(io.BytesIO(blob), raise_defects=olefile.DEFECT_INCORRECT)
    for name, content in data.items():
        assert ole.openstream(name).read() == content, name
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert ole.get_type("A/B") == olefile.STGTY_STORAGE


def test_cfb_sibling_trees_are_ordered_red_black_trees():
    root, _ = _tree()
    blob = cfb.write(root)
    ole = olefile.OleFileIO(io.BytesIO(blob))
    entries = {e.sid: e for e in ole.direntries if e is not None}
    NO = olefile.NOSTREAM

    def key(e):
        return len(e.name), e.name.upper()

    def black_height(sid, lo, hi) -> int:
        if sid == NO:
            return 1
        e = entries[sid]
        assert (lo is None or key(entries[lo]) < key(e)) and (hi is None or key(e) < key(entries[hi]))
        if e.color == 0:  # red: no red child
            for child in (e.sid_left, e.sid_right):
                assert child == NO or entries[child].color == 1
        left = black_height(e.sid_left, lo, sid)
        right = black_height(e.sid_right, sid, hi)
        assert left == right
        return left + (e.color == 1)

    storages = [e for e in entries.values() if e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE)]
    assert len(ole.listdir()) > 10
    for s in storages:
        if s.sid_child != NO:
            assert entries[s.sid_child].color == 1  # the root of a tree is black
            black_height(s.sid_child, None, None)


def _check_every_directory_entry(blob: bytes) -> olefile.OleFileIO:
    """Open with olefile at its strictest, then parse the entries the tree does not reach too."""
    ole = olefile.OleFileIO(io.BytesIO(blob), raise_defects=olefile.DEFECT_POTENTIAL)
    ole.directory_fp.seek(0)
    directory = ole.directory_fp.read()
    assert len(directory) % 512 == 0
    unused = 0
    for sid in range(len(directory) // 128):
        raw = directory[sid * 128:(sid + 1) * 128]
        if ole.direntries[sid] is None:  # not in the tree: must be an unused entry
            entry = OleDirectoryEntry(raw, sid, ole)
            assert entry.entry_type == olefile.STGTY_EMPTY
            # MS-CFB 2.6.3: all zeroes except the sibling and child pointers, which are NOSTREAM.
            assert raw[68:80] == b"\xff" * 12
            assert raw[:68] == bytes(68) and raw[80:] == bytes(48)
            unused += 1
    assert unused == -(1 + len(ole.listdir(streams=True, storages=True))) % 4
    return ole


def test_unused_directory_entries_carry_nostream_pointers(xlam):
    with zipfile.ZipFile(xlam) as z:
        ole = _check_every_directory_entry(z.read("xl/vbaProject.bin"))
    assert any(e is None for e in ole.direntries)  # the add-in's directory has unused slots


_NAME = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"), min_size=1, max_size=31)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.lists(_NAME, min_size=1, max_size=3).map("/".join),
                       st.integers(0, 9000), min_size=1, max_size=25))
def test_any_tree_passes_olefile_strict_mode(sizes):
    root, data = cfb.Storage(), {}
    for i, (path, n) in enumerate(sorted(sizes.items())):
        data[path] = random.Random(i).randbytes(n)
        try:
            root.add(path, data[path])
        except ValueError:  # a path through an existing stream: not a tree
            del data[path]
    for path in list(data):  # a stream later replaced by a storage of the same name
        node = root
        for part in path.split("/"):
            node = node.children[part] if isinstance(node, cfb.Storage) else None
        if not isinstance(node, bytes):
            del data[path]
    ole = _check_every_directory_entry(cfb.write(root))
    for path, content in data.items():
        assert ole.openstream(path).read() == content, path


def test_names_equal_but_for_case_are_refused():
    root = cfb.Storage()
    root.add("VBA/Module", b"1")
    root.add("VBA/MODULE", b"2")
    with pytest.raises(ValueError, match="differ only in case"):
        cfb.write(root)


# --- the VBA project -----------------------------------------------------------------------------

def _modules(path) -> dict[str, str]:
    parser = VBA_Parser(str(path), relaxed=False)
    return {stream.split("/")[-1]: code for _f, stream, _name, code in parser.extract_macros()}


def test_olevba_reads_the_module_back_byte_for_byte(xlam):
    modules = _modules(xlam)
    assert set(modules) == {"ThisWorkbook", "Sheet1", ribbon.VBA_MODULE}
    source = BAS.read_bytes()
    assert modules[ribbon.VBA_MODULE].encode("ascii") == source


def test_the_committed_bas_is_ascii_with_crlf_and_declares_its_callback():
    source = BAS.read_bytes()
    assert source.decode("ascii")  # plain ASCII: reads the same under every code page
    assert b"\n" not in source.replace(b"\r\n", b"")
    text = source.decode("ascii")
    assert text.startswith(f'Attribute VB_Name = "{ribbon.VBA_MODULE}"\r\n')
    sub = ribbon.CALLBACK.split(".")[1]
    assert re.search(rf"Public Sub {sub}\(control As IRibbonControl\)", text)
    assert "xlsuite.excel.run('\" & actionTag & \"')" in text
    assert "Option Explicit" in text


def test_the_module_has_no_string_tricks():
    # Antivirus heuristics read ChrW loops over hex escapes as obfuscation: the module has
    # no character arithmetic at all; its Chinese messages live in the add-in's sheet.
    text = BAS.read_text("ascii")
    for trick in ("Chr", "\\u", "&H", "StrReverse", "Xor", "CallByName", "Environ", "Shell", "CreateObject"):
        assert trick.lower() not in text.lower(), trick


def _sheet_messages(xlam) -> dict[str, str]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(xlam) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = {}
    for row in root.iterfind(".//m:row", ns):
        cells = {c.get("r")[0]: "".join(t.text or "" for t in c.iterfind(".//m:t", ns))
                 for c in row.iterfind("m:c", ns)}
        rows[cells["A"]] = cells["B"]
    return rows


def test_every_message_of_the_module_is_chinese_text_in_the_hidden_sheet(xlam):
    text = BAS.read_text("ascii")
    keys = set(re.findall(r'(?:Notify|Message\()\s*"(\w+)"', text))
    assert keys == {"mac_only", "no_xlwings", "failed", "title"}
    messages = _sheet_messages(xlam)
    assert keys <= set(messages)
    assert messages["title"] == "政务公开年报"
    assert "仅支持 Windows 版 Excel" in messages["mac_only"]
    assert "xlwings addin install" in messages["no_xlwings"]
    assert all(re.search(r"[\u4e00-\u9fff]", messages[k]) for k in keys)
    with zipfile.ZipFile(xlam) as z:  # the workbook (and so its sheet) is hidden
        assert '<workbookView visibility="hidden"/>' in z.read("xl/workbook.xml").decode()


def _procedure(text: str, name: str) -> str:
    return re.search(rf"Public Sub {name}\b.*?End Sub", text, re.S).group(0)


def test_errors_are_shown_as_they_are_and_xlwings_is_looked_for_first():
    body = _procedure(BAS.read_text("ascii"), "RunXlsuite")
    # A Mac gets the Windows-only message before anything else is tried.
    assert body.index("#If Mac Then") < body.index('Notify "mac_only"') < body.index("XlwingsLoaded()")
    # The missing add-in is recognised by looking it up, not guessed from an error.
    assert body.index("If Not XlwingsLoaded()") < body.index('Notify "no_xlwings"') < body.index("Application.Run")
    handler = body[body.index("Failed:"):]
    assert "no_xlwings" not in handler and "Err.Description" in handler and "vbCritical" in handler
    assert 'Workbooks(XLWINGS_ADDIN)' in BAS.read_text("ascii")


# The hex-looking strings every Excel-written VBA project has: the document modules' base
# classes (Workbook, Worksheet) in their Attribute VB_Base lines.
_EXCEL_BASES = (project.WORKBOOK_BASE, project.WORKSHEET_BASE)


def test_olevba_finds_nothing_suspicious_beyond_application_run(xlam):
    out = subprocess.run([sys.executable, "-m", "oletools.olevba", "-a", "--decode", "-j", str(xlam)],
                         capture_output=True, text=True, check=True).stdout
    results = [r for r in json.loads(out) if r.get("type") == "OpenXML"]
    assert len(results) == 1
    findings = results[0]["analysis"]
    kinds = {f["type"] for f in findings}
    assert kinds <= {"Suspicious", "Hex String"}, findings  # no AutoExec, IOC, Base64, VBA string
    suspicious = {f["keyword"].lower() for f in findings if f["type"] == "Suspicious"}
    assert suspicious <= {"run", "hex strings"}, findings
    assert not any("obfuscate" in f["description"] for f in findings if f["keyword"].lower() != "hex strings")
    for f in findings:
        if f["type"] == "Hex String":  # only the base-class GUIDs Excel itself writes
            assert any(f["description"] in base for base in _EXCEL_BASES), f
    # The xlsuite module alone: Application.Run and nothing else.
    module = _modules(xlam)[ribbon.VBA_MODULE]
    alone = VBA_Scanner(module).scan(include_decoded_strings=True)
    assert [(kind, keyword.lower()) for kind, keyword, _ in alone] == [("Suspicious", "run")]
    assert "Application.Run" in module


def test_document_modules_match_the_package_code_names(xlam):
    modules = _modules(xlam)
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook"]
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in modules["Sheet1"]
    with zipfile.ZipFile(xlam) as z:
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
        assert 'codeName="Sheet1"' in z.read("xl/worksheets/sheet1.xml").decode()


def _records(dir_bytes: bytes) -> list[tuple[int, bytes]]:
    out, i = [], 0
    while i < len(dir_bytes):
        rec_id, size = struct.unpack_from("<HI", dir_bytes, i)
        if rec_id == 0x0009:  # PROJECTVERSION: the size says 4 but 6 bytes follow
            size = 6
        out.append((rec_id, dir_bytes[i + 6:i + 6 + size]))
        i += 6 + size
    return out


def test_dir_stream_records(xlam):
    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    records = _records(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    ids = [r for r, _ in records]
    assert ids[:4] == [0x0001, 0x0002, 0x0014, 0x0003]
    assert dict(records)[0x0003] == struct.pack("<H", 936)
    assert records[-1] == (0x0010, b"")
    # Each REFERENCEREGISTERED size covers its libid length, the libid and 6 reserved bytes.
    refs = [body for rid, body in records if rid == 0x000D]
    assert len(refs) == 2
    for body in refs:
        n = struct.unpack_from("<I", body)[0]
        assert len(body) == 4 + n + 6
    assert any(b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in body for body in refs)  # Office: IRibbonControl
    # The paired Unicode records are present even when empty.
    for a, b in ((0x0005, 0x0040), (0x0006, 0x003D), (0x000C, 0x003C)):
        assert ids[ids.index(a) + 1] == b
    assert ids.count(0x0019) == 3 and ids.count(0x0031) == 3
    assert all(body == b"\0\0\0\0" for rid, body in records if rid == 0x0031)  # MODULEOFFSET 0: source only
    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")


def test_the_vba_project_stream_is_the_one_xlwings_ships(xlam):
    # Source only, as the xlwings add-in itself: not the CC 61 FF FF 00 00 00 of a purged document.
    import xlwings

    def stream(z):
        return olefile.OleFileIO(z.read("xl/vbaProject.bin")).openstream("VBA/_VBA_PROJECT").read()

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam") as z:
        theirs = stream(z)
    with zipfile.ZipFile(xlam) as z:
        assert stream(z) == theirs != bytes.fromhex("CC61FFFF000000")


def test_project_stream_lines_and_their_encryption(xlam):
    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp936")
    fields = dict(line.split("=", 1) for line in text.split("\r\n") if "=" in line and not line.startswith("&H"))
    assert fields["Name"] == '"xlsuite"'
    assert f"Module={ribbon.VBA_MODULE}" in text and "Document=ThisWorkbook/&H00000000" in text
    assert project.decrypt(fields["CMG"].strip('"')) == b"\0\0\0\0"  # not protected
    assert project.decrypt(fields["DPB"].strip('"')) == b"\0"  # no password
    assert project.decrypt(fields["GC"].strip('"')) == b"\xff"  # visible
    # The key byte is the sum of the project ID's characters.
    guid = fields["ID"].strip('"')
    raw = bytes.fromhex(fields["CMG"].strip('"'))
    assert raw[0] ^ raw[2] == sum(guid.encode()) & 0xFF


def test_decrypt_reads_a_project_written_by_excel():
    # The PROJECT stream of an add-in saved by Excel (shipped with xlwings).
    import xlwings

    sample = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    with zipfile.ZipFile(sample) as z:
        ole = olefile.OleFileIO(z.read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("latin-1")
    values = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', text, re.M))
    assert project.decrypt(values["CMG"]) == b"\0\0\0\0"
    assert project.decrypt(values["DPB"]) == b"\0"
    assert project.decrypt(values["GC"]) == b"\xff"


@pytest.mark.parametrize("seed", range(0, 256, 17))
def test_encryption_round_trips_for_any_seed(seed):
    guid = project.project_id("xlsuite")
    for data in (b"\0\0\0\0", b"\0", b"\xff", bytes(range(29))):
        assert project.decrypt(project.encrypt(data, guid, seed)) == data


# --- the OOXML package ------------------------------------------------------------------------

def test_package_is_well_formed(xlam):
    with zipfile.ZipFile(xlam) as z:
        names = set(z.namelist())
        assert z.testzip() is None
        for name in names:
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # every XML part parses
        types = ET.fromstring(z.read("[Content_Types].xml"))
        ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        defaults = {e.get("Extension") for e in types.iter(ns + "Default")}
        overrides = {e.get("PartName"): e.get("ContentType") for e in types.iter(ns + "Override")}
        for name in names - {"[Content_Types].xml"}:
            assert "/" + name in overrides or name.rsplit(".", 1)[1] in defaults, name
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"

        def rels(part):
            root = ET.fromstring(z.read(part))
            return {e.get("Type"): e.get("Target") for e in root}

        root_rels = rels("_rels/.rels")
        assert root_rels[ribbon.RELATIONSHIP] == ribbon.PART  # the ribbon is referenced from _rels/.rels
        assert all(target in names for target in root_rels.values())
        wb_rels = rels("xl/_rels/workbook.xml.rels")
        assert all("xl/" + t in names for t in wb_rels.values())
        assert wb_rels["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == "vbaProject.bin"


def test_every_ribbon_tag_has_an_action_and_every_action_a_button(xlam):
    with zipfile.ZipFile(xlam) as z:
        xml = z.read(ribbon.PART)
    root = ET.fromstring(xml)
    assert root.tag == f"{{{ribbon.NAMESPACE}}}customUI"
    tab = root.find(f".//{{{ribbon.NAMESPACE}}}tab")
    assert tab.get("label") == "政务公开年报"
    tags = ribbon.tags_in(xml)
    assert len(tags) == len(set(tags))
    assert set(tags) == set(D.BY_TAG)
    for tag in tags:
        assert callable(D.action_of(tag))
    buttons = list(root.iter(f"{{{ribbon.NAMESPACE}}}button"))
    assert {b.get("onAction") for b in buttons} == {ribbon.CALLBACK}
    assert all(b.get("size") == "large" and b.get("imageMso") and b.get("screentip") for b in buttons)
    labels = [b.get("label") for b in buttons]
    assert labels == [b.label for b in D.BUTTONS]
    assert labels == ["导入", "校验", "生成年报", "汇总", "对比", "发送", "收集", "模板", "关于"]


def test_a_new_button_needs_no_vba_change():
    # One generic callback passes the button's tag to Python: the module names no tag, and a
    # button added to dispatch.BUTTONS reaches the same callback.
    text = BAS.read_text("ascii")
    assert not [b.tag for b in D.BUTTONS if f'"{b.tag}"' in text or f"'{b.tag}'" in text]
    extra = D.Button("newthing", "新功能", "新功能", "一个以后加的按钮", "AutoSum", "about")
    xml = ribbon.customui_xml(D.BUTTONS + (extra,))
    assert ribbon.tags_in(xml)[-1] == "newthing"
    assert xml.count(f'onAction="{ribbon.CALLBACK}"'.encode()) == len(D.BUTTONS) + 1


def test_every_button_icon_is_one_seen_working_in_excel():
    unknown = {b.tag: b.image for b in D.BUTTONS if b.image not in ribbon.KNOWN_ICONS}
    assert not unknown, f"imageMso not in ribbon.KNOWN_ICONS (check it in Excel, then add it): {unknown}"


def test_unknown_tag_is_refused_in_chinese():
    with pytest.raises(D.UnknownAction, match="没有名为"):
        D.action_of("format_c")


def test_build_is_reproducible(tmp_path):
    a = build_addin(tmp_path / "a.xlam")
    b = build_addin(tmp_path / "b.xlam")
    assert Path(a).read_bytes() == Path(b).read_bytes()


def test_addin_build_command(tmp_path):
    out = tmp_path / "xlsuite.xlam"
    runner = CliRunner()
    r = runner.invoke(cli, ["addin", "build", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert _modules(out)[ribbon.VBA_MODULE].encode() == BAS.read_bytes()
    r = runner.invoke(cli, ["addin", "build", "-o", str(out)])
    assert r.exit_code == 2 and "已存在" in r.output


@pytest.mark.skipif(os.name == "nt", reason="explains itself only where there is no Excel")
def test_addin_install_explains_and_fails_without_excel():
    r = CliRunner().invoke(cli, ["addin", "install"])
    assert r.exit_code == 2
    assert "XLSTART" in r.output and "INTERPRETER_WIN" in r.output


def test_xlwings_conf_keeps_other_settings():
    old = '"INTERPRETER_WIN","C:\\old\\python.exe"\n"CONDA PATH","C:\\conda"\n'
    new = inst.conf_with(old, "INTERPRETER_WIN", "C:\\venv\\python.exe")
    assert inst.read_conf(new) == [("CONDA PATH", "C:\\conda"), ("INTERPRETER_WIN", "C:\\venv\\python.exe")]


def test_install_plan_paths():
    p = inst.plan(appdata="C:/Users/a/AppData/Roaming", userprofile="C:/Users/a", interpreter="py.exe")
    assert p.addin.as_posix() == "C:/Users/a/AppData/Roaming/Microsoft/Excel/XLSTART/xlsuite.xlam"
    assert p.xlwings_conf.as_posix() == "C:/Users/a/.xlwings/xlwings.conf"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_imports_the_vba_project(xlam, tmp_path):
    # A second, independent reader: LibreOffice's VBA import turns the project into a Basic
    # library of the same name, one module per VBA module, with the source text.
    src = tmp_path / "addin.xlam"
    shutil.copy(xlam, src)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", str(tmp_path),
                    str(src)], check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "addin.ods") as z:
        names = set(z.namelist())
        assert {"Basic/xlsuite/ThisWorkbook.xml", "Basic/xlsuite/Sheet1.xml",
                f"Basic/xlsuite/{ribbon.VBA_MODULE}.xml"} <= names
        module = ET.fromstring(z.read(f"Basic/xlsuite/{ribbon.VBA_MODULE}.xml")).text
    body = BAS.read_bytes().decode("ascii").split("\r\n", 1)[1].replace("\r\n", "\n")  # without Attribute VB_Name
    assert body.strip() in module.replace("\r\n", "\n")

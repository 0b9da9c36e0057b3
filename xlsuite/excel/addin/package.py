"""Assemble ``xlsuite.xlam``: an OOXML add-in package with the ribbon and the VBA project.

Everything in the package is generated here from text in the repository (the
ribbon from the dispatch table, the VBA project from the committed ``.bas``),
so no opaque binary is committed and building twice gives identical bytes.
"""
from __future__ import annotations

import os
import zipfile
from importlib import resources
from xml.sax.saxutils import escape

from ... import __version__
from ...atomic import atomic_path
from ..vba import project as vba
from . import ribbon

BAS_NAME = f"{ribbon.VBA_MODULE}.bas"
PROJECT_NAME = "xlsuite"
CODE_PAGE = 936  # the ANSI code page of Chinese Windows; the module text itself is ASCII
SHEET_TITLE = "xlsuite"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_CT = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>
</Types>"""

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_R}/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="{ribbon.RELATIONSHIP}" Target="{ribbon.PART}"/>
</Relationships>"""

WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_R}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_R}/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>
</Relationships>"""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# codeName ties the workbook and the sheet to the VBA document modules of the same names.
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_R}">
<workbookPr codeName="ThisWorkbook"/>
<bookViews><workbookView visibility="hidden"/></bookViews>
<sheets><sheet name="{SHEET_TITLE}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}">
<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

# The add-in's one (hidden) sheet: column A a key, column B Chinese text. The VBA module
# looks its messages up here by key, so that the module itself stays plain ASCII: the
# sheet's XML is Unicode and reads the same under every Windows code page.
MESSAGES = (
    ("title", "政务公开年报"),
    ("no_xlwings", "没有找到 xlwings 加载项（xlwings.xlam），按钮无法调用 Python。\n"
                   "请在命令提示符中运行 xlwings addin install，然后重新启动 Excel。"),
    ("failed", "调用 Python 时出错。以下是 Excel 给出的原始信息，请截图发给维护人员："),
    ("mac_only", "“政务公开年报”选项卡仅支持 Windows 版 Excel。\n"
                 "在 Mac 上请使用命令行，例如 xlsuite excel validate --workbook 工作簿.xlsx，"
                 "或在 Windows 电脑上操作。"),
    ("about", "xlsuite 政务公开年报加载项"),
    ("version", f"版本 {__version__}"),
    ("how", "功能区选项卡“政务公开年报”中的按钮调用 Python（通过 xlwings 加载项）。"),
    ("docs", "安装与使用说明见 docs/excel.md。"),
)

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>"""

CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>xlsuite 政务公开年报加载项</dc:title><dc:creator>xlsuite {escape(__version__)}</dc:creator>
</cp:coreProperties>"""


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet() -> str:
    rows = "".join(f'<row r="{i}">{_cell(f"A{i}", key)}{_cell(f"B{i}", text)}</row>'
                   for i, (key, text) in enumerate(MESSAGES, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}"><sheetPr codeName="Sheet1"/>'
            f'<cols><col min="1" max="1" width="12" customWidth="1"/>'
            f'<col min="2" max="2" width="100" customWidth="1"/></cols>'
            f"<sheetData>{rows}</sheetData></worksheet>")


def module_source() -> bytes:
    """The committed ``.bas`` exactly as stored (ASCII, CRLF line ends)."""
    return resources.files("xlsuite.excel").joinpath("assets", BAS_NAME).read_bytes()


def vba_project() -> bytes:
    source = module_source().decode("ascii")
    modules = [
        vba.document_module("ThisWorkbook", vba.WORKBOOK_BASE),
        vba.document_module("Sheet1", vba.WORKSHEET_BASE),
        vba.Module(ribbon.VBA_MODULE, source),
    ]
    return vba.build(PROJECT_NAME, modules, CODE_PAGE)


def parts() -> dict[str, bytes]:
    """Every part of the package by its name inside the zip."""
    return {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "docProps/app.xml": APP.encode(),
        "docProps/core.xml": CORE.encode(),
        "xl/workbook.xml": WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": _sheet().encode(),
        "xl/styles.xml": STYLES.encode(),
        "xl/vbaProject.bin": vba_project(),
        ribbon.PART: ribbon.customui_xml(),
    }


def build_addin(path: str | os.PathLike) -> str:
    """Write the add-in to ``path`` (atomically) and return the path."""
    path = os.fspath(path)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts().items():
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path

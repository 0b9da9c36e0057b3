"""The ribbon (customUI) XML of the add-in, generated from the dispatch table."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..dispatch import BUTTONS, Button

# The Office 2007 customUI schema: understood by every Excel since 2007.
NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"
RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
PART = "customUI/customUI.xml"

TAB_ID, TAB_LABEL = "xlsuiteTab", "政务公开年报"
GROUP_ID, GROUP_LABEL = "xlsuiteGroup", "年度报告"
# Office built-in icons (imageMso) seen working in Excel's ribbon. An unknown name leaves a
# button without an icon (and, with "show add-in user interface errors", an error at
# start-up), which nothing here could notice: a new button picks its icon from this list,
# or adds one after checking it in Excel with Application.CommandBars.GetImageMso.
KNOWN_ICONS = frozenset({
    # Excel's own commands (Data, Formulas, File tabs).
    "ImportTextFile", "AutoSum", "FileNew", "FileOpen", "FileSave", "FileSaveAs", "FilePrint",
    "FileSendAsAttachment", "Help", "Copy", "Paste", "SortAscending", "SortDescending",
    "FindDialog", "ZoomIn", "ZoomOut", "CreateTable", "TraceError",
    # Shared Office icons that Excel loads too.
    "AcceptInvitation", "DeclineInvitation", "QueryBuilder", "MicrosoftExcel",
})

# The VBA module and its single callback (assets/XlsuiteRibbon.bas).
VBA_MODULE = "XlsuiteRibbon"
CALLBACK = f"{VBA_MODULE}.XlsuiteAction"


def customui_xml(buttons: tuple[Button, ...] = BUTTONS) -> bytes:
    """The customUI part: one tab, one group, one large button per action."""
    ET.register_namespace("", NAMESPACE)
    q = f"{{{NAMESPACE}}}"
    root = ET.Element(q + "customUI")
    tabs = ET.SubElement(ET.SubElement(root, q + "ribbon"), q + "tabs")
    tab = ET.SubElement(tabs, q + "tab", id=TAB_ID, label=TAB_LABEL)
    group = ET.SubElement(tab, q + "group", id=GROUP_ID, label=GROUP_LABEL)
    for b in buttons:
        ET.SubElement(group, q + "button", {
            "id": f"xlsuite_{b.tag}", "tag": b.tag, "label": b.label, "size": "large",
            "imageMso": b.image, "screentip": b.screentip, "supertip": b.supertip,
            "onAction": CALLBACK,
        })
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def tags_in(xml: bytes) -> list[str]:
    """The tags of every button in a customUI document (for checking a built add-in)."""
    root = ET.fromstring(xml)
    return [e.get("tag", "") for e in root.iter(f"{{{NAMESPACE}}}button")]

"""Excel integration: ribbon actions that run on a workbook adapter.

``run(tag)`` is the entry point the add-in's VBA reaches through xlwings'
RunPython; it binds the calling workbook and dispatches. Imports stay lazy:
every click starts a fresh Python.
"""
from __future__ import annotations


def run(tag: str) -> None:
    """Run the ribbon action ``tag`` on the workbook that called (inside Excel, via xlwings)."""
    from ..errors import XlsuiteError
    from .actions.base import TITLE, ribbon_text
    from .dispatch import BY_TAG, dispatch
    from .xlwings_adapter import XlwingsAdapter

    adapter = XlwingsAdapter.caller()
    adapter.status("政务公开年报：正在处理，请稍候……")  # Excel is frozen until Python returns
    try:
        dispatch(tag, adapter)
    except XlsuiteError as e:
        # Expected problems get a Chinese message box; anything else reaches xlwings' traceback dialog.
        button = BY_TAG[tag].label if tag in BY_TAG else tag
        adapter.alert(ribbon_text(e, button), TITLE, "error")
    finally:
        adapter.status(None)

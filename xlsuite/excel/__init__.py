"""Excel integration: ribbon actions that run on a workbook adapter.

``run(tag)`` is the entry point the add-in's VBA reaches through xlwings'
RunPython; it binds the calling workbook and dispatches. Imports stay lazy:
every click starts a fresh Python.
"""
from __future__ import annotations


def run(tag: str) -> None:
    """Run the ribbon action ``tag`` on the workbook that called (inside Excel, via xlwings)."""
    from .dispatch import dispatch
    from .xlwings_adapter import XlwingsAdapter

    adapter = XlwingsAdapter.caller()
    dispatch(tag, adapter)

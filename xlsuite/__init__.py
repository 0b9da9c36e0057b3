"""xlsuite: government information-disclosure annual reports into self-checking workbooks.

The front door for library users; every name loads on first use, so
``import xlsuite`` stays light (no pandas, openpyxl or pdfplumber until needed)::

    import xlsuite

    report = xlsuite.read("2024年报.pdf")                 # any source -> Report
    result = xlsuite.assess(report)                      # relations, audit, warnings
    print(result.verdict, [f.id for f in result.findings])
    xlsuite.write_workbook(report, "2024-某局.xlsx")      # the standard workbook
    for path, got in xlsuite.read_many(["各单位/"]):       # a batch: Report or SourceError
        ...
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> (module, attribute)
_EXPORTS = {
    "read": ("xlsuite.readers", "read_report"),
    "read_many": ("xlsuite.readers", "read_many"),
    "ReadOptions": ("xlsuite.readers.options", "ReadOptions"),
    "assess": ("xlsuite.assessment", "assess"),
    "Assessment": ("xlsuite.assessment", "Assessment"),
    "write_workbook": ("xlsuite.workbook", "write_workbook"),
    "rollup": ("xlsuite", "rollup"),  # the package xlsuite.rollup, callable as its rollup()
    "build_dataset": ("xlsuite.dataset", "build_dataset"),
    "Report": ("xlsuite.model", "Report"),
    "XlsuiteError": ("xlsuite.errors", "XlsuiteError"),
    "SourceError": ("xlsuite.errors", "SourceError"),
    "ExitCode": ("xlsuite.errors", "ExitCode"),
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    __version__: str
    from .assessment import Assessment, assess
    from .dataset import build_dataset
    from .errors import ExitCode, SourceError, XlsuiteError
    from .model import Report
    from .readers import read_many
    from .readers import read_report as read
    from .readers.options import ReadOptions
    from .workbook import write_workbook


def _package_version() -> str:
    """The installed distribution's version (importlib.metadata costs start-up time: asked once, when needed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlsuite")
    except PackageNotFoundError:  # running from a source tree
        return "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = _package_version()
        return globals()[name]
    if name in _EXPORTS:
        module, attr = _EXPORTS[name]
        if module == __name__:  # a subpackage that answers to its own name when called
            return importlib.import_module(f"{__name__}.{attr}")
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | {"__version__"})

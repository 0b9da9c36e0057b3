"""How to read a source: one frozen ``ReadOptions``, resolved once at the edge.

Like pdfplumber's ``TableSettings.resolve``: the CLI, the ribbon or a library
caller builds it (from nothing, a mapping, keywords or another ReadOptions);
an unknown option or a bad value is an error here, and every reader below
takes the finished object as one argument and trusts it. Adding an option is
adding a field with its default (and its check in ``__post_init__``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

from ..errors import XlsuiteError
from ..limits import Limits, current as current_limits

OcrMode = Literal["auto", "never", "always"]
OCR_MODES: tuple[str, ...] = get_args(OcrMode)


class OptionError(XlsuiteError):
    default_code = "bad_option"


@dataclass(frozen=True)
class ReadOptions:
    """``ocr``: ``auto`` reads pages without a text layer (scans) and images by OCR, ``always``
    every page, ``never`` none. ``ocr_dpi``: resolution for rendering PDF pages to OCR
    (None: the engine's default). ``ruling_lines``: cut ruled PDF tables at their lines
    (False reads every table by word position alone: for comparison and tests).
    ``narrative``: read the text sections too (False: the numbers only, where a reader
    can skip the text, as the standard workbook's; for sums). ``limits``: the budgets
    reading stays within (None: ``xlsuite.limits.current()``, from xlsuite.toml)."""

    ocr: OcrMode = "auto"
    ocr_dpi: int | None = None
    ruling_lines: bool = True
    narrative: bool = True
    limits: Limits | None = None

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise OptionError(f"文字识别（OCR）方式只能是 {'/'.join(OCR_MODES)}，收到“{self.ocr}”")
        if self.ocr_dpi is not None and (isinstance(self.ocr_dpi, bool) or not isinstance(self.ocr_dpi, int)
                                         or not 36 <= self.ocr_dpi <= 1200):
            raise OptionError(f"文字识别的分辨率（ocr_dpi）应为 36 到 1200 之间的整数，收到“{self.ocr_dpi}”")
        for name in ("ruling_lines", "narrative"):
            if not isinstance(getattr(self, name), bool):
                raise OptionError(f"{name} 应为 True 或 False，收到“{getattr(self, name)}”")
        if self.limits is not None and not isinstance(self.limits, Limits):
            raise OptionError(f"limits 应为 xlsuite.limits.Limits，收到 {type(self.limits).__name__}")

    def budgets(self) -> Limits:
        """The budgets to read within."""
        return self.limits if self.limits is not None else current_limits()

    def fingerprint(self) -> str:
        """The options that differ from the defaults, as text (empty for the defaults): what a
        cache of results must match besides the file and the code."""
        return ",".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                        if getattr(self, f.name) != f.default)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def resolve(cls, options: "ReadOptions | Mapping[str, Any] | None" = None, **overrides: Any) -> "ReadOptions":
        """The options to read with: ``options`` (None: the defaults) with ``overrides`` applied."""
        if options is None:
            base = cls()
        elif isinstance(options, cls):
            base = options
        elif isinstance(options, Mapping):
            _known(options)
            base = cls(**options)
        else:
            raise OptionError(f"读取选项应为 ReadOptions 或字典，收到 {type(options).__name__}")
        if overrides:
            _known(overrides)
            base = replace(base, **overrides)
        return base


def _known(given: Mapping[str, Any]) -> None:
    unknown = sorted(set(given) - set(ReadOptions.names()))
    if unknown:
        raise OptionError(f"未知的读取选项：{'、'.join(unknown)}（可用：{'、'.join(ReadOptions.names())}）")

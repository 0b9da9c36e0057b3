"""The Excel add-in ``xlsuite.xlam``: ribbon XML, VBA project and the OOXML package, built on any OS."""
from .package import build_addin

__all__ = ["build_addin"]

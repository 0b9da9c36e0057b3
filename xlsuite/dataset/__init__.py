"""Many reports as one dataset: a tidy table of values and a table of reports, as DataFrames.

>>> ds = build_dataset(["reports/"], "out/")          # all local cores
>>> ds.values.query("key == 'requests.granted.total'")
>>> ds = build_dataset(["reports/"], "out/", scheduler="tcp://10.0.0.5:8786")   # a Dask cluster

``values`` has one row per report and key (agency, year, form, key, value,
source, page, line, printed text, unit, confidence, flags); ``reports`` one row
per source file with its meta, warnings, check verdicts, or the reason it could
not be read. With an output folder, both are written as Parquet and CSV next to
a manifest; a later run over the same folder reads again only the sources whose
SHA-256 or extractor version changed.
"""
from __future__ import annotations

# The package stays light: worker processes import ``xlsuite.dataset.run`` (and with it
# this file) and need neither pandas nor pyarrow, which the builder below loads.
__all__ = ["Dataset", "Summary", "build_dataset", "load_dataset", "extractor_version"]


def __getattr__(name: str):
    if name == "extractor_version":
        from .manifest import extractor_version

        return extractor_version
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

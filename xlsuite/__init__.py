"""xlsuite: government information-disclosure annual reports into self-checking workbooks."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("xlsuite")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"

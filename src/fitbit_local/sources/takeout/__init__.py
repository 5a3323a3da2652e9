"""Import a Google Takeout / Fitbit account export (docs/import.md)."""

from fitbit_local.sources.takeout.importer import import_takeout
from fitbit_local.sources.takeout.report import ImportReport, Progress
from fitbit_local.sources.takeout.sink import ImportSink

__all__ = ["ImportReport", "ImportSink", "Progress", "import_takeout"]

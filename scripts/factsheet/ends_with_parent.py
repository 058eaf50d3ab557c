"""Imported first by the warm process (factsheet.stages.PRELOAD): it, and every job it forks, end when the
process that started it ends, however that ends (see factsheet.recovery.end_with_parent)."""

from .recovery import end_with_parent

end_with_parent()

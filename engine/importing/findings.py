"""What the import tells the clerk: a finding per cell it had to guess at, and the failures that stop it.

A ``Finding`` names its cell as Excel does (``Sheet1!F7``) and says in plain words what was assumed and what
to check. ``ImportFailed`` is raised when no list can be made at all (not a workbook, no header row, no year).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    ref: str  # Sheet1!F7
    message: str  # a whole sentence in the clerk's language

    def line(self, file: str) -> str:
        return f"{file} {self.ref}: {self.message}"


class ImportFailed(Exception):
    """No list could be drafted from the workbook; ``str()`` is the clerk's message."""

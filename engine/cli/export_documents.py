"""Filled in by the export work."""

from __future__ import annotations

COMMANDS: list = []

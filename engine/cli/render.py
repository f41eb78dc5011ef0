"""Plain-text rendering for terminals: column widths that respect Chinese double-width characters."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def clip(text: str, size: int) -> str:
    if width(text) <= size:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > size - 1:
            break
        out += ch
        used += w
    return out + "…"


def table(headers: list[str], rows: list[list[str]], limits: dict[int, int] | None = None) -> str:
    limits = limits or {}
    rows = [[clip(cell, limits[i]) if i in limits else cell for i, cell in enumerate(row)] for row in rows]
    sizes = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, sizes[i]) for i, h in enumerate(headers)).rstrip(), "  ".join("-" * s for s in sizes)]
    lines += ["  ".join(pad(cell, sizes[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def bar(done: float, target: float, size: int = 10) -> str:
    share = 0.0 if target <= 0 else min(1.0, done / target)
    filled = round(share * size)
    return "█" * filled + "░" * (size - filled)

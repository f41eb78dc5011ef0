"""Calendar periods of recurring duties (week, month, quarter, year): which period a day is in.

Weeks run Monday to Sunday, as Chinese offices count them. Pure date arithmetic, no working days.
"""

from __future__ import annotations

import datetime as dt


def period_of(every: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the period of kind ``every`` that contains ``day``."""
    if every == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if every == "month":
        start = day.replace(day=1)
        return start, _next_month(start) - dt.timedelta(days=1)
    if every == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first_month, 1)
        end_month = first_month + 2
        return start, _next_month(dt.date(day.year, end_month, 1)) - dt.timedelta(days=1)
    if every == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(f"unknown period {every!r}")


def periods_in_year(every: str, year: int) -> list[tuple[dt.date, dt.date]]:
    """Every period that ends inside ``year`` (a week ending in January belongs to the new year)."""
    found = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        start, end = period_of(every, day)
        if end.year == year:
            found.append((start, end))
        day = end + dt.timedelta(days=1)
    return found


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)

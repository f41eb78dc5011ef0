"""Dates: the injected clock, the Chinese working-day calendar, durations such as '5 workdays', and calendar periods. No database."""

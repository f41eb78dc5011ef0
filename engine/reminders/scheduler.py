"""APScheduler drives the sweep: one interval job with an explicit id and a module-level target.

Deadlines and notices live in our own tables, not in APScheduler's job store (which cannot be shared by
several processes and drops missed one-shot jobs): the only job is "run a pass now", every minute,
coalesced, one at a time. Run it standalone (``qingdan scheduler``) or inside ``qingdan serve``; any
number of scheduler processes may run against one PostgreSQL database.

The first pass of a process first replans every checklist (``replan_all``): the working-day calendar may have
learnt a year since the schedule was written (an upgraded ``chinesecalendar`` needs a restart to be read), and
notice days counted in a provisional year then move to their real days (docs/calendar.md, "The next year").
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.errors import InputError
from engine.i18n import say

JOB_ID = "qingdan-sweep"
log = logging.getLogger("qingdan.scheduler")


class SweepContext:
    """What the job needs, built once per process."""

    def __init__(self, store, clock, channels):
        self.store = store
        self.clock = clock
        self.channels = channels
        self.passes = 0
        self.last = None
        self.replanned = False


def sweep_job(context: SweepContext) -> None:
    """The job's target. Errors are logged, never raised into APScheduler (it would only log them worse)."""
    from engine.reminders.sweep import run_pass

    if not context.replanned:
        context.replanned = True  # once per process, even if it fails: the failure is logged, passes go on
        replan_all(context.store, context.clock)
    try:
        report = run_pass(context.store, context.clock, channels=context.channels)
    except Exception:  # one failed pass must not stop the next
        log.exception("sweep pass failed")
        return
    context.passes += 1
    context.last = report
    if report.notices or report.delivered or report.failed or report.digests_made or report.digests_sent:
        log.info(
            "pass at %s: %d notices, %d delivered, %d failed, %d digests made, %d digests sent",
            report.now.isoformat(),
            len(report.notices),
            report.delivered,
            report.failed,
            report.digests_made,
            report.digests_sent,
        )


def replan_all(store, clock) -> int:
    """Replan the pending notices of every checklist against the calendar as this process knows it.

    One transaction per checklist, holding its row locked so that several processes starting together replan it
    one after the other (the later ones find nothing to change). A checklist that cannot be replanned is logged
    and skipped. Returns the number of schedule rows written.
    """
    from sqlalchemy import select

    from engine import catalog
    from engine.runtime.deadlines import replan_checklist
    from engine.store.tables import checklists

    now = clock.now()
    with store.read() as conn:
        ids = catalog.checklist_ids(conn)
    written = 0
    for checklist_id in ids:
        try:
            with store.write() as conn:
                conn.execute(select(checklists.c.id).where(checklists.c.id == checklist_id).with_for_update())
                written += replan_checklist(conn, catalog.get_checklist(conn, checklist_id), now)
        except Exception:  # one checklist must not keep the others (or the sweep) from running
            log.exception("replanning checklist %s failed", checklist_id)
    if written:
        log.info("replanned at start-up: %d schedule rows written", written)
    return written


def build(context: SweepContext, *, blocking: bool, interval_seconds: int = 60, timezone: str = "Asia/Shanghai"):
    if isinstance(interval_seconds, bool) or not isinstance(interval_seconds, int) or not 1 <= interval_seconds <= 86400:
        raise InputError(
            say(
                "扫描间隔应是 1 到 86400 之间的整数秒,不是 {s}。",
                "the interval between passes must be a whole number of seconds from 1 to 86400, not {s}.",
                s=interval_seconds,
            )
        )
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=ZoneInfo(timezone))
    scheduler.add_job(
        sweep_job,
        "interval",
        seconds=interval_seconds,
        args=[context],
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=_now(timezone),
    )
    return scheduler


def _now(timezone: str):
    import datetime as dt

    # APScheduler's own wall clock, only to start the first run at once; the engine's clock drives the pass
    return dt.datetime.now(ZoneInfo(timezone))


def configure_logging() -> None:
    """INFO for qingdan and the web server; the chatty libraries only when something is wrong."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for name in ("transitions", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def channels_from_environment(plugins, environ) -> list:
    from engine.reminders.channels import settings_from_env

    settings = settings_from_env(environ)
    found = []
    for batch in plugins.hook.qingdan_channels(settings=settings):
        found.extend(batch or ())
    return found

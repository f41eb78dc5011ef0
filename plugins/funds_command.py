"""``qingdan funds``: the funds plugin's command, added to ``qingdan`` through ``qingdan_register_commands``.

Shows a task's ledger, or records an allocation, a disbursement or a spending entry (``plugins.funds.record``).
"""

from __future__ import annotations

import click

from engine.plugin import InputError, common_options, echo_warnings, pass_app, plain, say


@click.command(context_settings={"ignore_unknown_options": True})  # so "-5" reaches AMOUNT and is refused there
@click.argument("task")
@click.argument("action", required=False, metavar="[allocate|disburse|spend]")
@click.argument("amount", required=False)
@click.option("--date", "on_date", default=None, metavar="YYYY-MM-DD", help="日期 / the date")
@click.option("--doc", "document", default=None, help="文号或凭证号 / document or voucher number")
@click.option("--as", "actor", default=None, help="记账人标识 / the recording person's id")
@click.option("--note", default=None, help="说明 / a note")
@click.option("--checklist", default=None)
@common_options
@pass_app
def funds(app, task, action, amount, on_date, document, actor, note, checklist):
    """资金台账:下达、拨付、支出;不带操作时显示台账 / the funds ledger: allocate, disburse, spend, or show it."""
    from plugins import funds as ledger

    if action is None:
        totals, entries = ledger.ledger(app.store, task=task, checklist=checklist)
        click.echo(totals.describe())
        for entry in entries:
            click.echo(
                f"    #{entry['id']}  {entry['on_date'].isoformat()}  {ledger.word(entry['kind'])}  "
                f"{plain(entry['amount'])} {totals.unit}  {entry['document'] or ''}  {entry['actor']}"
                + (f"  {entry['note']}" if entry["note"] else "")
            )
        return
    if amount is None or on_date is None or actor is None:
        raise InputError(
            say(
                "用法:qingdan funds 任务 allocate|disburse|spend 金额 --date YYYY-MM-DD --doc 文号 --as 人员",
                "usage: qingdan funds TASK allocate|disburse|spend AMOUNT --date YYYY-MM-DD --doc DOCUMENT --as PERSON",
            )
        )
    result = ledger.record(
        app.store,
        task=task,
        action=action,
        amount=amount,
        on_date=on_date,
        document=document,
        actor=actor,
        clock=app.clock,
        note=note,
        checklist=checklist,
    )
    echo_warnings(result.warnings)
    click.echo(
        say(
            "已记录(编号 {e}):{t} {w} {a} {u}。{s}",
            "recorded (entry {e}): {t} {w} {a} {u}. {s}",
            e=result.entry,
            t=result.task,
            w=ledger.word(result.kind),
            a=plain(result.amount),
            u=result.totals.unit,
            s=result.totals.describe(),
        )
    )

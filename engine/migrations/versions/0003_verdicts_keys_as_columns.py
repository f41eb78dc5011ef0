"""milestone verdicts: when items reached states, activity dates, deadline and rule keys as columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Back-fills from what is stored: the states each item reached (replaying its transition events through its
workflow's ``reached`` rule), activity dates (the local date of the entry time), the chain heads' entry time,
the outcome of item deadlines, and the columns that replace the string keys ``"{state}@{date}"``,
``"{every}:{start}"``, ``"{key}#{id}@{date}"``, ``"remind:…"`` and ``"escalate:N"`` (parsed here one last time).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

UTC = dt.timezone.utc


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upgrade() -> None:
    op.create_table(
        'item_reached',
        sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('state', sa.String(length=100), nullable=False),
        sa.Column('reached_on', sa.Date(), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_reached_item_id_items')),
        sa.PrimaryKeyConstraint('item_id', 'state', name=op.f('pk_item_reached')),
    )
    with op.batch_alter_table('chain_heads') as batch:
        batch.add_column(sa.Column('at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('item_deadlines') as batch:
        batch.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('met_on', sa.Date(), nullable=True))
    with op.batch_alter_table('progress') as batch:
        batch.add_column(sa.Column('on_date', sa.Date(), nullable=True))
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('on_date', sa.Date(), nullable=True))
    with op.batch_alter_table('schedule') as batch:
        batch.add_column(sa.Column('milestone', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch.add_column(sa.Column('rule_index', sa.Integer(), nullable=True))
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('rule_index', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('milestone', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch.add_column(sa.Column('item_deadline_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch.create_foreign_key(op.f('fk_notices_item_deadline_id_item_deadlines'), 'item_deadlines', ['item_deadline_id'], ['id'])

    _backfill(op.get_bind())

    with op.batch_alter_table('progress') as batch:
        batch.alter_column('on_date', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('schedule') as batch:
        batch.drop_column('deadline_key')
        batch.drop_column('rule_key')
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('deadline_key')
        batch.drop_column('rule_key')


def _backfill(conn) -> None:
    from engine.definition.definitions import rebuild_checklist

    definitions = {row.id: rebuild_checklist(row.definition)
                   for row in conn.execute(sa.text("SELECT id, definition FROM checklists"))}
    task_rows = {row.id: (row.checklist_id, row.key) for row in conn.execute(sa.text("SELECT id, checklist_id, key FROM tasks"))}

    def zone(checklist_id):
        found = definitions.get(checklist_id)
        return ZoneInfo(found.timezone if found else "Asia/Shanghai")

    def local(value, checklist_id):
        return _aware(value).astimezone(zone(checklist_id)).date()

    # chain heads: the entry time of the newest event
    for chain, newest in conn.execute(sa.text("SELECT chain, MAX(at) FROM events GROUP BY chain")).all():
        conn.execute(sa.text("UPDATE chain_heads SET at = :at WHERE chain = :c"), {"at": _aware(newest), "c": chain})

    # progress and inspections: the activity date is the entry date
    for row in conn.execute(sa.text("SELECT id, task_id, at FROM progress")).all():
        conn.execute(sa.text("UPDATE progress SET on_date = :d WHERE id = :i"),
                     {"d": local(row.at, task_rows[row.task_id][0]), "i": row.id})

    # item deadlines: a cleared one replaced at that moment by another with the same key was superseded
    deadlines = conn.execute(sa.text(
        "SELECT d.id, d.item_id, d.key, d.created_at, d.cleared_at, t.checklist_id FROM item_deadlines d "
        "JOIN items i ON i.id = d.item_id JOIN tasks t ON t.id = i.task_id")).all()
    created = {}
    for row in deadlines:
        created.setdefault((row.item_id, row.key), []).append(_aware(row.created_at))
    for row in deadlines:
        if row.cleared_at is None:
            continue
        cleared = _aware(row.cleared_at)
        superseded = any(when == cleared for when in created[(row.item_id, row.key)])
        conn.execute(sa.text("UPDATE item_deadlines SET outcome = :o, met_on = :m WHERE id = :i"),
                     {"o": "superseded" if superseded else "met",
                      "m": None if superseded else local(cleared, row.checklist_id), "i": row.id})

    # schedule and notices: the string keys become columns
    for table in ("schedule", "notices"):
        for row in conn.execute(sa.text(f"SELECT id, task_id, deadline_key, rule_key FROM {table}")).all():
            values = _parse_keys(row.deadline_key, row.rule_key, definitions, task_rows.get(row.task_id))
            if table == "schedule":
                values.pop("item_deadline_id")
            sets = ", ".join(f"{k} = :{k}" for k in values)
            conn.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), {**values, "id": row.id})

    # when each item reached each state, replayed from its transition events
    items = {}
    for row in conn.execute(sa.text(
            "SELECT i.id, i.name, i.state, i.state_since, t.checklist_id, t.key FROM items i JOIN tasks t ON t.id = i.task_id")).all():
        items[(row.checklist_id, row.key, row.name)] = row
    reached = {}
    for event in conn.execute(sa.text(
            "SELECT checklist_id, task_key, item_name, to_state, at FROM events "
            "WHERE kind IN ('transition', 'forced_state') AND to_state IS NOT NULL ORDER BY chain, seq")).all():
        item = items.get((event.checklist_id, event.task_key, event.item_name))
        if item is not None:
            _reach(reached, definitions, item, event.to_state, _aware(event.at))
    for item in items.values():
        if item.state is not None:
            _reach(reached, definitions, item, item.state, _aware(item.state_since))
    # open item deadlines whose state the item has reached are met (the engine now meets them when fired)
    open_deadlines = conn.execute(sa.text(
        "SELECT d.id, d.item_id, d.reach_state, i.state, i.state_since, t.checklist_id, t.key FROM item_deadlines d "
        "JOIN items i ON i.id = d.item_id JOIN tasks t ON t.id = i.task_id "
        "WHERE d.cleared_at IS NULL AND d.reach_state IS NOT NULL AND i.state IS NOT NULL")).all()
    for row in open_deadlines:
        definition = definitions.get(row.checklist_id)
        task = definition.task_by_id.get(row.key) if definition else None
        if task is None or task.workflow is None:
            continue
        if row.reach_state in definition.workflows[task.workflow].reached.get(row.state, ()):
            since = _aware(row.state_since)
            conn.execute(sa.text("UPDATE item_deadlines SET outcome = 'met', met_on = :m, cleared_at = :c WHERE id = :i"),
                         {"m": since.astimezone(zone(row.checklist_id)).date(), "c": since, "i": row.id})
            conn.execute(sa.text("DELETE FROM schedule WHERE item_deadline_id = :i AND pending = :p"), {"i": row.id, "p": True})

    rows = [{"item_id": item_id, "state": state, "reached_on": at.astimezone(zone(checklist_id)).date(), "entered_at": at}
            for (item_id, state), (at, checklist_id) in reached.items()]
    if rows:
        table = sa.table('item_reached', sa.column('item_id'), sa.column('state'), sa.column('reached_on'),
                         sa.column('entered_at', sa.DateTime(timezone=True)))
        conn.execute(table.insert(), rows)


def _reach(reached: dict, definitions: dict, item, state: str, at: dt.datetime) -> None:
    definition = definitions.get(item.checklist_id)
    task = definition.task_by_id.get(item.key) if definition else None
    if task is None or task.workflow is None:
        return
    workflow = definition.workflows[task.workflow]
    for counted in workflow.reached.get(state, ()):
        reached.setdefault((item.id, counted), (at, item.checklist_id))


def _parse_keys(deadline_key: str, rule_key: str, definitions: dict, task_ref) -> dict:
    values = {"milestone": None, "period_start": None, "item_deadline_id": None, "rule_index": None}
    head, _, date_part = deadline_key.rpartition("@")
    if head and "#" in head and head.rpartition("#")[2].isdigit():
        values["item_deadline_id"] = int(head.rpartition("#")[2])
    elif head:
        values["milestone"] = head
    else:
        every, _, start = deadline_key.partition(":")
        values["period_start"] = dt.date.fromisoformat(start)
    if rule_key.startswith("escalate:"):
        values["rule_index"] = int(rule_key.split(":", 1)[1])
    elif rule_key.startswith("remind:"):
        text = rule_key.split(":", 1)[1]
        task = None
        if task_ref is not None and task_ref[0] in definitions:
            task = definitions[task_ref[0]].task_by_id.get(task_ref[1])
        texts = [str(d) for d in task.remind] if task else []
        values["rule_index"] = texts.index(text) if text in texts else 0
    return values


def downgrade() -> None:
    raise NotImplementedError("0003 cannot be downgraded: the string keys it replaced are not rebuilt; restore the backup")

"""Units ranked by one documented score (engine.queries.ranking): parts, weights, kinds never mixed."""

from decimal import Decimal

import pytest

from engine.definition.definitions import DEFAULT_RANKING_WEIGHTS
from engine.definition.validation import validate_text
from engine.queries.ranking import by_kind, rank_units
from engine.queries.status import TaskStatus

LIST = """\
checklist:
  id: county-2017
  title: 县脱贫攻坚任务清单
  year: 2017
units:
  town_a: {name: 甲镇, kind: 乡镇}
  bureau_x: {name: 文广局, kind: 部门}
  town_b: {name: 乙镇, kind: 乡镇}
  bureau_y: {name: 交通局, kind: 部门}
  office: {name: 办公室}
people:
  wang: {name: 王建国, roles: [head]}
tasks:
  - {id: T1, title: 任务一, unit: town_a, responsible: wang, leader: wang, target: {quantity: 10, unit: 个}}
"""


def definition(text=LIST, steps=None):
    result = validate_text(text, "c.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


def status(task_id, unit, *, done=10, target=10, items=10, overdue=0, on_time=None, light=None):
    if light is None:
        light = "red" if overdue else "done" if done >= target else "green"
    return TaskStatus(
        id=task_id,
        title=task_id,
        kind="workflow",
        unit=unit,
        responsible="wang",
        done=Decimal(done),
        target=Decimal(target),
        overdue=overdue,
        items=items,
        on_time_rate=on_time,
        light=light,
    )


def by_unit(scores):
    return {s.unit: s for s in scores}


def test_defaults_and_the_parts_of_the_score(steps):
    d = definition(steps=steps)
    assert d.ranking_weights == DEFAULT_RANKING_WEIGHTS
    assert (DEFAULT_RANKING_WEIGHTS.completion, DEFAULT_RANKING_WEIGHTS.on_time, DEFAULT_RANKING_WEIGHTS.overdue) == (50, 30, 20)
    scores = by_unit(
        rank_units(
            d,
            [
                status("T1", "town_a", done=5, target=10, items=10, overdue=2, on_time=0.5),
                status("T2", "town_a", done=10, target=10, items=30, overdue=0, on_time=0.9),
            ],
        )
    )
    a = scores["town_a"]
    # completion: mean of 0.5 and 1; on time weighted by items: (0.5×10 + 0.9×30)/40; overdue 2 of 40 items
    assert a.completion == pytest.approx(0.75)
    assert a.on_time_rate == pytest.approx(0.8)
    assert (a.tasks, a.items, a.overdue, a.red) == (2, 40, 2, 1)
    assert a.overdue_share == pytest.approx(0.05)
    assert a.score == pytest.approx(round(50 * 0.75 + 30 * 0.8 + 20 * 0.95, 1))  # 80.5
    assert a.completion_points + a.on_time_points + a.overdue_points == pytest.approx(80.5)
    assert (a.kind, a.rank, a.name) == ("乡镇", 1, "甲镇")


def test_perfect_unit_scores_100_and_no_milestone_due_counts_as_on_time(steps):
    d = definition(steps=steps)
    [score] = rank_units(d, [status("T1", "office", on_time=None)])
    assert score.on_time_rate is None and score.on_time_counted == 1.0
    assert score.score == 100.0 and score.kind is None and score.rank == 1


def test_overdue_items_with_an_unknown_rate_are_missed_milestones(steps):
    d = definition(steps=steps)
    [score] = rank_units(d, [status("T1", "office", overdue=4, items=10, on_time=None)])
    assert score.on_time_rate == pytest.approx(0.6)


def test_custom_weights_from_the_checklist(steps):
    d = definition(LIST + "ranking: {completion: 1, on_time: 0, overdue: 1.5}\n", steps)
    assert (d.ranking_weights.completion, d.ranking_weights.on_time, d.ranking_weights.overdue) == (1, 0, Decimal("1.5"))
    [score] = rank_units(d, [status("T1", "office", done=4, target=10, items=10, overdue=5, on_time=0.0)])
    # 100 × (1×0.4 + 0×0 + 1.5×0.5) / 2.5
    assert score.score == pytest.approx(46.0)
    only_completion = definition(LIST + "ranking: {completion: 3, on_time: 0, overdue: 0}\n", steps)
    [score] = rank_units(only_completion, [status("T1", "office", done=4, target=10, overdue=5, on_time=0.0)])
    assert score.score == pytest.approx(40.0)


def test_an_overdue_unit_never_ranks_above_one_without_at_equal_completion(steps):
    d = definition(steps=steps)
    # town_a: 10 items overdue, red, but punctual before; town_b: nothing overdue, though it was late often
    for a_rate, b_rate in [(0.95, 0.2), (None, 0.0), (0.9, 0.9), (0.5, None), (1.0, 0.0)]:
        for items in (10, 100, 100_000):
            scores = by_unit(
                rank_units(
                    d,
                    [
                        status("T1", "town_a", done=8, target=10, items=items, overdue=10, on_time=a_rate),
                        status("T2", "town_b", done=8, target=10, items=items, overdue=0, on_time=b_rate),
                    ],
                )
            )
            a, b = scores["town_a"], scores["town_b"]
            assert a.red == 1 and b.red == 0
            assert a.completion == b.completion
            assert (a.rank, b.rank) == (2, 1), (a_rate, b_rate, items, a, b)
            assert a.score <= b.score
    # the on-time rate as measured is still shown; what counted is capped
    assert a.on_time_rate == pytest.approx(1.0) and a.on_time_capped and a.on_time_counted == 0.0


def test_with_custom_weights_too(steps):
    for weights in (
        "{completion: 1, on_time: 9, overdue: 0}",
        "{completion: 0, on_time: 1, overdue: 0}",
        "{completion: 1, on_time: 1, overdue: 1}",
    ):
        d = definition(LIST + f"ranking: {weights}\n", steps)
        scores = by_unit(
            rank_units(
                d,
                [
                    status("T1", "town_a", done=3, target=10, overdue=10, items=1000, on_time=0.99),
                    status("T2", "town_b", done=3, target=10, overdue=0, items=1000, on_time=0.1),
                ],
            )
        )
        assert (scores["town_a"].rank, scores["town_b"].rank) == (2, 1), weights


def test_kinds_are_never_mixed(steps):
    d = definition(steps=steps)
    scores = rank_units(
        d,
        [
            status("T1", "town_a", done=2, target=10),
            status("T2", "bureau_x", done=9, target=10),
            status("T3", "town_b", done=5, target=10),
            status("T4", "bureau_y", done=1, target=10),
            status("T5", "office", done=3, target=10),
        ],
    )
    groups = by_kind(scores)
    assert [(kind, [(s.unit, s.rank) for s in units]) for kind, units in groups] == [
        ("乡镇", [("town_b", 1), ("town_a", 2)]),
        ("部门", [("bureau_x", 1), ("bureau_y", 2)]),
        (None, [("office", 1)]),
    ]
    # a unit is ranked against its peers only: the best town outranks nobody from the bureaus
    assert all(s.kind == kind for kind, units in groups for s in units)


def test_an_overdue_unit_is_capped_only_by_peers_of_its_kind(steps):
    d = definition(steps=steps)
    scores = by_unit(
        rank_units(
            d,
            [
                status("T1", "town_a", overdue=1, items=10, on_time=0.9),
                status("T2", "bureau_x", overdue=0, items=10, on_time=0.1),  # a bureau: not town_a's peer
            ],
        )
    )
    assert scores["town_a"].on_time_counted == pytest.approx(0.9) and not scores["town_a"].on_time_capped


def test_equal_units_share_a_rank(steps):
    d = definition(steps=steps)
    scores = by_unit(rank_units(d, [status("T1", "town_a", done=5), status("T2", "town_b", done=5)]))
    assert scores["town_a"].rank == scores["town_b"].rank == 1


def test_units_without_tasks_are_not_ranked(steps):
    assert [s.unit for s in rank_units(definition(steps=steps), [status("T1", "town_b")])] == ["town_b"]


@pytest.mark.parametrize(
    "weights, message",
    [
        (
            "{completion: 0, on_time: 0, overdue: 0}",
            "c.yaml:15:1: 排名权重不能全为 0:至少给 completion、on_time、overdue 中的一项大于 0 的权重。",
        ),
        ("{completion: -1, on_time: 0, overdue: 1}", "c.yaml:15:23: -1 不能小于 0。"),
        ("{completion: 50, on_time: 30}", "c.yaml:15:10: 缺少必填项 “overdue”。"),
        ("{completion: 50, on_time: 30, overdue: 20, late: 5}", "c.yaml:15:53: 不认识的键 “late”。"),
        ("{completion: 50, ontime: 30, overdue: 20}", "c.yaml:15:27: 不认识的键 “ontime”,是不是 “on_time”?"),
        ("{completion: lots, on_time: 30, overdue: 20}", "c.yaml:15:23: 应为数字,实际是 “lots”。"),
    ],
)
def test_bad_weights_are_located_errors(weights, message, steps):
    result = validate_text(LIST + f"ranking: {weights}\n", "c.yaml", steps)
    assert message in [p.format() for p in result.errors], [p.format() for p in result.errors]


def test_unit_kinds_are_optional_and_kept(steps):
    d = definition(steps=steps)
    assert d.unit_kinds == {"town_a": "乡镇", "bureau_x": "部门", "town_b": "乡镇", "bureau_y": "部门", "office": None}
    assert d.units["town_a"] == "甲镇"
    from engine.definition.definitions import rebuild_checklist

    again = rebuild_checklist(d.source_json)
    assert again.unit_kinds == d.unit_kinds and again.ranking_weights == d.ranking_weights
    weighted = definition(LIST + "ranking: {completion: 2, on_time: 1, overdue: 1}\n", steps)
    assert rebuild_checklist(weighted.source_json).ranking_weights == weighted.ranking_weights

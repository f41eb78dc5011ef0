"""What a definition means: the 'reached' rule for deadlines, and rebuilding from the stored form."""

from engine.definition.definitions import rebuild_checklist
from tests.conftest import HUANGJIN, YANTING, definition_of


def test_reached_rule_on_the_construction_workflow(steps):
    wf = definition_of(YANTING, steps).workflows["construction"]
    assert "inspecting" in wf.reached["rectifying"]  # every way into rectifying passes inspection
    assert "completed" in wf.reached["rectifying"]
    assert "accepted" not in wf.reached["rectifying"]
    assert wf.reached["accepted"] == frozenset(wf.states)  # a final state has reached everything before it
    assert "building" not in wf.reached["tendering"]


def test_skipped_optional_step_counts_as_reached(steps):
    from engine.definition.validation import validate_text

    text = YANTING.read_text(encoding="utf-8").replace(
        "      - {trigger: award,",
        "      - {trigger: skip_tender,        from: plan_approved,           to: building,      by: [responsible]}\n"
        "      - {trigger: award,",
    )
    wf = validate_text(text, "c.yaml", steps).definition.workflows["construction"]
    assert "tendering" in wf.reached["building"]


def test_rebuild_from_stored_json_is_identical(steps):
    for path in (YANTING, HUANGJIN):
        original = definition_of(path, steps)
        rebuilt = rebuild_checklist(original.source_json)
        assert rebuilt.tasks == original.tasks and rebuilt.workflows == original.workflows
        assert rebuilt.people == original.people and rebuilt.units == original.units
        assert rebuilt.source_json == original.source_json

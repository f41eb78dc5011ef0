"""Who may report (``reporters:`` by role and by person, the built-in informant role 信息员) and evidence files on any
report, firing and step record (issue 10, item 2), on both databases: through the real ``qingdan`` command with
``--evidence``, then what the task's records list, what the download's scope check finds, and ``audit verify``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.definition.validation import validate_text
from engine.errors import NotPermitted
from engine.queries.evidence import WHOLE_TASK, task_file, task_records
from engine.runtime.permissions import check_report
from engine.store.tables import events
from tests.conftest import YANTING

ITEM = "林农镇玉城村"


def with_reporters(text: str = None) -> str:
    """The Yanting list with an informant (肖丽, 信息员), T3 open to informants, T4 to 刘强 by person."""
    text = text if text is not None else YANTING.read_text(encoding="utf-8")
    text = text.replace(
        "  zhao:  {name: 赵敏, roles: [inspector]}\n",
        "  zhao:  {name: 赵敏, roles: [inspector]}\n  xiao:  {name: 肖丽, roles: [informant]}\n",
    )
    text = text.replace("    target: {quantity: 1748, unit: 户}\n", "    target: {quantity: 1748, unit: 户}\n    reporters: [informant]\n")
    text = text.replace("    target: {quantity: 5472, unit: 场次}\n", "    target: {quantity: 5472, unit: 场次}\n    reporters: [liu]\n")
    assert text.count("reporters:") == 2 and "xiao:" in text
    return text


def compiled(text: str):
    from engine.pluginmanager import get_plugin_manager, step_types

    result = validate_text(text, "reporters.yaml", step_types(get_plugin_manager()))
    assert result.ok, [p.format() for p in result.errors]
    return result.definition


def test_reporters_by_role_and_by_person():
    definition = compiled(with_reporters())
    t3, t4, t5 = (definition.task_by_id[t] for t in ("T3", "T4", "T5"))
    assert t3.reporters == ("informant",) and t4.reporters == ("liu",) and t5.reporters == ()
    check_report(definition, t3, "xiao")  # the informant, by role
    check_report(definition, t4, "liu")  # 刘强, by person
    check_report(definition, t3, "chen")  # the responsible person, as before
    for task, person in ((t5, "xiao"), (t4, "xiao"), (t3, "liu"), (t3, "zhao")):
        with pytest.raises(NotPermitted) as refused:
            check_report(definition, task, person)
        assert "任务指定的报送人" in str(refused.value) or "a reporter the task names" in str(refused.value)


def test_defaults_reporters_apply_unless_the_task_names_its_own():
    text = with_reporters().replace("defaults:\n", "defaults:\n  reporters: [he]\n", 1)
    definition = compiled(text)
    assert definition.task_by_id["T5"].reporters == ("he",)  # from defaults
    assert definition.task_by_id["T4"].reporters == ("liu",)  # its own list replaces the default
    check_report(definition, definition.task_by_id["T5"], "he")
    with pytest.raises(NotPermitted):
        check_report(definition, definition.task_by_id["T4"], "he")


def test_an_unknown_reporter_is_named_with_a_suggestion():
    from engine.pluginmanager import get_plugin_manager, step_types

    result = validate_text(
        with_reporters().replace("reporters: [informant]", "reporters: [infromant]"), "bad.yaml", step_types(get_plugin_manager())
    )
    assert not result.ok
    message = " ".join(p.format() for p in result.errors)
    assert "“infromant” 没有定义" in message and "informant" in message.split("infromant")[-1]  # did you mean informant?


def _ok(result):
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def _files(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_evidence_on_a_report_a_firing_and_a_step_record_through_the_command(qingdan, tmp_path, store):
    listing = tmp_path / "list.yaml"
    listing.write_text(with_reporters(), encoding="utf-8")
    folder = tmp_path / "evidence"
    env = {"QINGDAN_EVIDENCE_DIR": str(folder)}
    photo = tmp_path / "入户照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of a dish on a roof")
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(b"%PDF-1.4 a sign-in sheet")
    _ok(qingdan("load", listing, now="2017-03-01"))

    # the informant reports on T3 with two files; a refused reporter stores nothing
    done = _ok(qingdan("report", "T3", "12", "--as", "xiao", "--evidence", photo, "--evidence", sheet, now="2017-04-03", env=env))
    assert "累计 12" in done.stdout or "total 12" in done.stdout
    assert len(_files(folder)) == 2
    other = tmp_path / "别的.jpg"
    other.write_bytes(b"\xff\xd8 not to be kept")
    refused = qingdan("report", "T3", "3", "--as", "liu", "--evidence", other, now="2017-04-03", env=env)
    assert refused.returncode != 0 and "刘强" in refused.stderr
    assert len(_files(folder)) == 2
    refused = qingdan("report", "T5", "1", "--as", "xiao", "--evidence", photo, now="2017-04-03", env=env)
    assert refused.returncode != 0 and "肖丽" in refused.stderr
    _ok(qingdan("report", "T4", "40", "--as", "liu", "--part", "poor", now="2017-04-03", env=env))  # by person, no files
    missing = qingdan("report", "T4", "1", "--as", "liu", "--evidence", tmp_path / "nope.jpg", now="2017-04-03", env=env)
    assert missing.returncode != 0 and "nope.jpg" in missing.stderr

    # a firing with no step (审定方案) and a step record (tender dates) carry files too
    minutes = tmp_path / "会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes of the approval meeting")
    _ok(qingdan("fire", "T1", ITEM, "approve_plan", "--as", "li", "--evidence", minutes, now="2017-04-10", env=env))
    _ok(qingdan("fire", "T1", ITEM, "open_tender", "--as", "zhang", now="2017-05-02", env=env))
    notice = tmp_path / "招标公告.png"
    notice.write_bytes(b"\x89PNG a tender notice")
    _ok(qingdan("record", "T1", ITEM, "--as", "zhang", "--data", "announced=2017-05-02", "--evidence", notice, now="2017-05-03", env=env))
    refused = qingdan("fire", "T2", "award", "--as", "zhang", "--evidence", photo, now="2017-05-03", env=env)
    assert refused.returncode != 0
    assert len(_files(folder)) == 4

    history = _ok(qingdan("history", "T3")).stdout
    assert "入户照片.jpg" in history and "签到表.pdf" in history
    assert "会议纪要.pdf" in _ok(qingdan("history", "T1")).stdout

    from engine.pluginmanager import get_plugin_manager, step_types

    steps = step_types(get_plugin_manager())
    with store.read() as conn:
        report_data = json.loads(
            conn.execute(select(events.c.data).where(events.c.kind == "report", events.c.task_key == "T3")).scalar_one()
        )
        assert [e["name"] for e in report_data["evidence"]] == ["入户照片.jpg", "签到表.pdf"]
        t3 = task_records(conn, "yanting-wenguang-2017", "T3", steps)
        assert [f.name for f in t3[WHOLE_TASK].files] == ["入户照片.jpg", "签到表.pdf"]
        assert {f.kind for f in t3[WHOLE_TASK].files} == {"report"}
        t1 = task_records(conn, "yanting-wenguang-2017", "T1", steps)[ITEM]
        assert [(f.name, f.kind) for f in t1.files] == [("会议纪要.pdf", "transition"), ("招标公告.png", "step_data")]
        assert [v.key for v in t1.values] == ["announced"]  # the record's evidence is no step value
        sha = report_data["evidence"][0]["sha256"]
        assert task_file(conn, "yanting-wenguang-2017", "T3", sha)["name"] == "入户照片.jpg"
        assert task_file(conn, "yanting-wenguang-2017", "T4", sha) is None  # only in the scope of the task it came with
        assert task_file(conn, "yanting-wenguang-2017", "T1", t1.files[1].sha256)["name"] == "招标公告.png"

    verified = _ok(qingdan("audit", "verify"))
    assert verified.returncode == 0

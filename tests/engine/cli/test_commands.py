"""The real ``qingdan`` command in subprocesses: outputs, exit codes, JSON shapes, no tracebacks."""

import json

import pytest

from tests.conftest import CHECKLISTS, HUANGJIN, YANTING


@pytest.fixture
def loaded(qingdan):
    result = qingdan("load", YANTING, now="2017-03-01T09:00")
    assert result.returncode == 0, result.stderr
    return qingdan


def test_validate_ok_prints_a_summary(qingdan):
    result = qingdan("validate", *sorted(CHECKLISTS.glob("*.yaml")))
    assert result.returncode == 0, result.stderr
    assert "✓" in result.stdout and "yanting-wenguang-2017,8 项任务,23 个子项" in result.stdout


def test_validate_errors_are_file_line_col_and_exit_1(qingdan, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        YANTING.read_text(encoding="utf-8").replace("    deadlines: {done: 2017-09-30}", "    deadline: {done: 2017-09-30}"),
        encoding="utf-8",
    )
    result = qingdan("validate", bad)
    assert result.returncode == 1
    assert f"{bad}:113:5: 不认识的键 “deadline”,是不是 “deadlines”?" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_in_english(qingdan, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("checklist: {id: x}\n", encoding="utf-8")
    result = qingdan("validate", bad, lang="en")
    assert result.returncode == 1 and "required key 'title' is missing" in result.stderr


def test_load_is_idempotent_and_all_or_nothing(qingdan, tmp_path):
    first = qingdan("load", YANTING, HUANGJIN)
    assert first.returncode == 0 and "+ yanting-wenguang-2017" in first.stdout and "+ huangjin-village-2019" in first.stdout
    again = qingdan("load", YANTING)
    assert again.returncode == 0 and "= yanting-wenguang-2017" in again.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("checklist: {id: x, title: t, year: 2017}\n", encoding="utf-8")
    refused = qingdan("load", HUANGJIN, bad)
    assert refused.returncode == 1 and "没有载入任何清单" in refused.stderr


def test_status_json_shape(loaded):
    result = loaded("status", "yanting-wenguang-2017", "--json", now="2017-07-21")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["checklist"]["id"] == "yanting-wenguang-2017"
    t1 = data["tasks"][0]
    assert set(t1) >= {"id", "title", "kind", "progress", "parts", "states", "next_deadline", "overdue"}
    assert (t1["kind"], t1["overdue"], t1["next_deadline"], t1["states"]) == ("workflow", 11, "2017-09-05", {"planning": 11})


def test_status_text_board(loaded):
    result = loaded("status", now="2017-07-21")
    assert result.returncode == 0 and "盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单" in result.stdout and "T8" in result.stdout


def test_fire_success_and_refusals(loaded):
    ok = loaded("fire", "T1", "林农镇玉城村", "approve_plan", "--as", "li", "--note", "审定", now="2017-04-01T10:00")
    assert ok.returncode == 0 and "planning → plan_approved" in ok.stdout
    denied = loaded("fire", "T1", "八角镇人民村", "approve_plan", "--as", "zhang")
    assert denied.returncode == 1 and "无权执行" in denied.stderr and len(denied.stderr.strip().splitlines()) == 1
    invalid = loaded("fire", "T1", "林农镇玉城村", "pass", "--as", "zhao")
    assert invalid.returncode == 1 and "现在可以执行:open_tender" in invalid.stderr
    single = loaded("fire", "T6", "script_done", "--as", "zhang")
    assert single.returncode == 0
    by_number = loaded("fire", "T1", "2", "approve_plan", "--as", "wang")
    assert by_number.returncode == 0 and "八角镇人民村" in by_number.stdout


def test_fire_data_is_recorded(loaded):
    loaded("fire", "T7", "approve_plan", "--as", "li")
    loaded("fire", "T7", "open_tender", "--as", "liu", "--data", "announced=2017-05-01")
    history = json.loads(loaded("history", "T7", "--json").stdout)
    assert history[-1]["data"] == {"announced": "2017-05-01"}
    bad = loaded("fire", "T7", "award", "--as", "liu", "--data", "oops")
    assert bad.returncode == 1 and "键=值" in bad.stderr


def test_report_correct_history(loaded):
    first = loaded("report", "T4", "2854", "--as", "chen", "--note", "截至6月底", now="2017-06-30T17:00")
    assert first.returncode == 0 and "累计 2854/5472" in first.stdout
    part = loaded("report", "T4", "163", "--part", "poor", "--as", "chen")
    assert part.returncode == 0 and "poor: 163" in part.stdout
    negative = loaded("report", "T4", "-5", "--as", "chen")
    assert negative.returncode == 1 and "必须大于 0" in negative.stderr
    word = loaded("report", "T4", "很多", "--as", "chen")
    assert word.returncode == 1 and "不是数字" in word.stderr
    fixed = loaded("correct", "T4", "1", "--as", "chen", "--note", "重复录入")
    assert fixed.returncode == 0 and "累计 163" in fixed.stdout
    events = json.loads(loaded("history", "T4", "--json").stdout)
    assert [e["kind"] for e in events] == ["report", "report", "correction"]
    assert events[0]["at"] == "2017-06-30T17:00:00+08:00" and events[0]["actor"] == "chen"
    assert set(events[0]) == {"at", "actor", "kind", "item", "trigger", "from", "to", "note", "data"}


def test_audit_verify_ok_and_broken(loaded, db_url):
    assert loaded("audit", "verify").returncode == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET actor = 'someone' WHERE seq = 1"))
    engine.dispose()
    broken = loaded("audit", "verify")
    assert broken.returncode == 2 and "被改动过" in broken.stderr


def test_unknown_task_and_unreachable_database(loaded, qingdan):
    missing = loaded("fire", "T99", "x", "--as", "li")
    assert missing.returncode == 1 and "没有任务 “T99”" in missing.stderr and "任务编号见 qingdan status" in missing.stderr
    down = qingdan("status", env={"QINGDAN_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert down.returncode == 3 and "无法连接数据库" in down.stderr and "Traceback" not in down.stderr


def test_bad_now_is_explained(loaded):
    result = loaded("status", "--now", "tomorrow")
    assert result.returncode == 1 and "ISO-8601" in result.stderr


def test_db_commands(qingdan):
    assert qingdan("db", "upgrade").returncode == 0
    current = qingdan("db", "current")
    from engine.store.migrate import SCHEMA_REVISION

    assert current.returncode == 0 and current.stdout.startswith(SCHEMA_REVISION)

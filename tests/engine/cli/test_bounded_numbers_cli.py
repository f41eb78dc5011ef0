"""The real command with numbers out of bounds: every one a plain refusal (exit 1, or click's usage error, exit 2),
never an internal error (exit 70), nothing written; and status answers over a stored figure it cannot use."""

from __future__ import annotations

from sqlalchemy import func, select, text

from engine.store.tables import progress
from tests.conftest import YANTING

NOW = "2017-07-21T10:00"


def _entries(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(progress)).scalar_one()


def test_amounts_out_of_bounds_are_refused_before_any_write(qingdan, store):
    assert qingdan("load", YANTING, now=NOW).returncode == 0
    for amount, words in [
        ("1e309", "科学计数法"),
        ("12345678901234567", "整数部分最多 16 位"),
        ("9" * 5000, "整数部分最多 16 位"),
        ("Infinity", "不是一个具体的数"),
    ]:
        refused = qingdan("report", "T5", amount, "--as", "zhang", now=NOW)
        assert refused.returncode == 1 and words in refused.stderr and len(refused.stderr) < 400, refused.stderr
    assert _entries(store) == 0
    english = qingdan("report", "T5", "1e309", "--as", "zhang", now=NOW, lang="en")
    assert english.returncode == 1 and "scientific notation" in english.stderr


def test_entry_and_notice_numbers_beyond_bigint_are_no_such_entry(qingdan):
    assert qingdan("load", YANTING, now=NOW).returncode == 0
    assert qingdan("report", "T5", "3", "--as", "zhang", now=NOW).returncode == 0
    for entry in ("9223372036854775808", "9" * 100):
        missing = qingdan("correct", "T5", entry, "--as", "zhang", now=NOW)
        assert missing.returncode == 1 and "没有编号为" in missing.stderr and "报送记录" in missing.stderr, missing.stderr
    missing = qingdan("inbox", "li", "--read", "9223372036854775808", now=NOW)
    assert missing.returncode == 1 and "没有编号为 9223372036854775808 的通知" in missing.stderr


def test_options_out_of_range_are_usage_errors(qingdan):
    for args, option in [
        (("serve", "--port", "-1"), "--port"),
        (("serve", "--port", "99999"), "--port"),
        (("serve", "--port", "0"), "--port"),
        (("serve", "--threads", "0"), "--threads"),
        (("scheduler", "--interval", "0"), "--interval"),
        (("scheduler", "--interval", "-5"), "--interval"),
    ]:
        refused = qingdan(*args)
        assert refused.returncode == 2 and option in refused.stderr and "range" in refused.stderr, refused.stderr


def test_now_out_of_range_is_plain_and_past_the_calendar_answers(qingdan):
    assert qingdan("load", YANTING, now=NOW).returncode == 0
    for now in ("0001-01-01T00:00", "9999-12-31"):
        refused = qingdan("status", "--now", now)
        assert refused.returncode == 1 and "引擎时钟只能设在 2000 年至 2199 年之间" in refused.stderr, refused.stderr
        refused = qingdan("tick", "--now", now)
        assert refused.returncode == 1 and "2199" in refused.stderr
    for command in ("status", "tick"):
        later = qingdan(command, "--now", "2030-01-01")
        assert later.returncode == 0, later.stderr


def test_a_target_out_of_bounds_does_not_validate(qingdan, tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(
        YANTING.read_text(encoding="utf-8").replace("quantity: 25, unit: 场", "quantity: 1.0e999999999, unit: 场"), encoding="utf-8"
    )
    for command in ("validate", "load"):
        refused = qingdan(command, path, now=NOW)
        assert refused.returncode == 1 and "整数部分最多 16 位" in refused.stdout + refused.stderr, refused.stdout + refused.stderr


def test_status_answers_over_a_stored_figure_it_cannot_use(qingdan, store):
    assert qingdan("load", YANTING, now=NOW).returncode == 0
    assert qingdan("report", "T5", "3", "--as", "zhang", now=NOW).returncode == 0
    assert qingdan("report", "T5", "4", "--as", "zhang", now=NOW).returncode == 0
    with store.write() as conn:  # around the engine: SQLite takes an infinite REAL, PostgreSQL a NaN
        value = "9e999" if conn.dialect.name == "sqlite" else "'NaN'"
        conn.execute(text(f"UPDATE progress SET amount = {value} WHERE id = 2"))
    shown = qingdan("status", "yanting-wenguang-2017", now=NOW)
    assert shown.returncode == 0 and "3/25场" in shown.stdout and "Infinity" not in shown.stdout
    assert "警告:任务 T5 有 1 条报送记录的数量无法使用" in shown.stderr
    as_json = qingdan("status", "--json", now=NOW)
    assert as_json.returncode == 0 and '"excluded_entries": 1' in as_json.stdout and "Infinity" not in as_json.stdout
    corrected = qingdan("correct", "T5", "2", "--as", "zhang", now=NOW)
    assert corrected.returncode == 0 and "累计 3" in corrected.stdout
    assert qingdan("report", "T5", "2", "--as", "zhang", now=NOW).returncode == 0

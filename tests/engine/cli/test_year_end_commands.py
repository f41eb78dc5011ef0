"""``qingdan close`` and ``qingdan copy`` as people type them: a closed list refuses the commands that write, still
exports, and becomes next year's list."""

from __future__ import annotations

import yaml

from tests.conftest import YANTING

REFUSED = "已于 2017-12-29 归档:只能查看和导出,不能再登记、推进或修改"


def test_close_then_every_writing_command_is_refused_and_export_works(qingdan, tmp_path):
    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    assert qingdan("report", "T5", "3", "--as", "zhang", now="2017-06-01T09:00").returncode == 0
    denied = qingdan("close", "yanting-wenguang-2017", "--as", "li", now="2017-12-29T16:00")
    assert denied.returncode == 1 and "只有管理员或主要负责人可以" in denied.stderr
    done = qingdan("close", "yanting-wenguang-2017", "--as", "wang", now="2017-12-29T17:00")
    assert done.returncode == 0, done.stderr
    assert "已归档清单 yanting-wenguang-2017" in done.stdout and "2017-12-29" in done.stdout
    later = "2017-12-30T09:00"
    changed = tmp_path / "changed.yaml"
    changed.write_text(YANTING.read_text(encoding="utf-8").replace("面向贫困村送文艺演出", "面向贫困村送文艺演出(调整)"), encoding="utf-8")
    for command in (
        ("fire", "T1", "林农镇玉城村", "approve_plan", "--as", "li"),
        ("report", "T5", "1", "--as", "zhang"),
        ("funds", "T8", "spend", "1", "--date", "2017-12-29", "--doc", "盐财[2017]9号", "--as", "he"),
        ("supervise", "T3", "--colour", "yellow", "--instruction", "加快进度", "--reply-by", "2018-01-05", "--as", "wang"),
        ("load", changed),
    ):
        refused = qingdan(*command, now=later)
        assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
        assert REFUSED in refused.stderr, (command, refused.stderr)
        assert "Traceback" not in refused.stderr
    shown = qingdan("status", now=later)
    assert shown.returncode == 0 and shown.stdout.startswith("【已归档,只读】盐亭县文化广电旅游局2017年脱贫攻坚工作任务清单")
    ledger = tmp_path / "台账.xlsx"
    exported = qingdan("export", "ledger", "yanting-wenguang-2017", "-o", ledger, now=later)
    assert exported.returncode == 0, exported.stderr
    assert ledger.stat().st_size > 0
    english = qingdan("report", "T5", "1", "--as", "zhang", now=later, lang="en")
    assert "was closed on 2017-12-29" in english.stderr


def test_close_then_copy_to_next_year_and_load_it(qingdan, tmp_path):
    assert qingdan("load", YANTING, now="2017-03-01T09:00").returncode == 0
    assert qingdan("report", "T5", "3", "--as", "zhang", now="2017-06-01T09:00").returncode == 0
    assert qingdan("close", "yanting-wenguang-2017", now="2017-12-29T17:00").returncode == 0  # the administrator
    target = tmp_path / "next.yaml"
    made = qingdan("copy", "yanting-wenguang-2017", "--year", "2018", "-o", target, now="2017-12-30T09:00")
    assert made.returncode == 0, made.stderr
    assert "已写入" in made.stdout and "yanting-wenguang-2018" in made.stdout
    assert "2017-07-01 顺延为 2018-07-01,当天不是工作日,提前到 2018-06-29" in made.stderr
    text = target.read_text(encoding="utf-8")
    assert "盐亭县文化广电旅游局2018年脱贫攻坚工作任务清单" in text and "\\u" not in text  # Chinese as Chinese
    data = yaml.safe_load(text)
    assert data["checklist"]["id"] == "yanting-wenguang-2018" and data["checklist"]["year"] == 2018
    again = qingdan("copy", "yanting-wenguang-2017", "--year", "2018", "-o", target, now="2017-12-30T09:00")
    assert again.returncode == 1 and "已存在" in again.stderr and "--force" in again.stderr
    assert qingdan("copy", "yanting-wenguang-2017", "--year", "2018", "-o", target, "--force", now="2017-12-30T09:00").returncode == 0
    loaded = qingdan("load", target, now="2018-01-02T09:00")
    assert loaded.returncode == 0, loaded.stderr
    status = qingdan("status", "yanting-wenguang-2018", "--json", now="2018-01-02T09:00")
    assert status.returncode == 0, status.stderr
    assert '"done": 0' in status.stdout and '"done": 3' not in status.stdout  # last year's 3 shows stays in 2017
    assert qingdan("report", "T5", "2", "--as", "zhang", "--checklist", "yanting-wenguang-2018", now="2018-01-03T09:00").returncode == 0
    reopened = qingdan("close", "yanting-wenguang-2017", "--reopen", now="2018-01-04T09:00")
    assert reopened.returncode == 0 and "已重新打开" in reopened.stdout

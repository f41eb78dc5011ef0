"""``qingdan import --workflows FILE``: the office's own workflows picked by 类别 or by a word in the task's name,
instead of the default ``simple`` one; a bad map is refused in plain words before anything is written."""

from __future__ import annotations

import datetime as dt

from engine.definition.validation import validate_file
from tests.conftest import SHARED_EXAMPLES

HUANGJIN_XLSX = SHARED_EXAMPLES / "huangjin-town-2019.xlsx"

MAP = """
workflows:
  project:
    title: 建设项目
    initial: planning
    states:
      planning: {label: 编制方案}
      building: {label: 施工中}
      handed_over: {label: 交付使用, final: true}
    transitions:
      - {trigger: start, from: planning, to: building, label: 开工}
      - {trigger: hand_over, from: building, to: handed_over, label: 交付}
map:
  - {category: 基础设施, workflow: project}
  - {title_contains: 产业园, workflow: project, deadline: building}
"""


def test_mapped_rows_run_the_offices_workflow(qingdan, tmp_path, steps):
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    done = qingdan("import", HUANGJIN_XLSX, "--workflows", "map.yaml", "-o", "hj.yaml", "--load")
    assert done.returncode == 0, done.stderr
    result = validate_file(str(tmp_path / "hj.yaml"), steps)
    assert result.ok, [p.format() for p in result.errors]
    tasks = {t.title: t for t in result.definition.tasks}
    resettle = tasks["易地扶贫搬迁安置点建设"]  # 类别 基础设施
    assert (resettle.kind, resettle.workflow, resettle.deadlines) == ("workflow", "project", {"handed_over": dt.date(2019, 10, 31)})
    assert "58户交钥匙入住" in resettle.note  # the target's words are kept in the note
    park = tasks["猕猴桃产业园建设"]  # by a word of its name, the time limit on the state the rule names
    assert (park.workflow, park.deadlines) == ("project", {"building": dt.date(2019, 9, 30)})
    assert tasks["开发公益性岗位"].kind == "target"  # rows no rule matches stay as they were
    assert "simple" not in result.definition.workflows  # no row needed the default
    status = qingdan("status", result.definition.id, "--json", now="2019-03-01")
    assert status.returncode == 0 and '"id": "T7"' in status.stdout


def test_a_bad_map_is_refused_before_anything_is_written(qingdan, tmp_path):
    (tmp_path / "map.yaml").write_text(MAP.replace("workflow: project, deadline: building", "workflow: road"), encoding="utf-8")
    done = qingdan("import", HUANGJIN_XLSX, "--workflows", "map.yaml", "-o", "hj.yaml")
    assert done.returncode == 1
    assert "map 第 2 条用的流程 “road” 没有在 workflows: 里定义" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "hj.yaml").exists()
    missing = qingdan("import", HUANGJIN_XLSX, "--workflows", "nowhere.yaml")
    assert missing.returncode == 1 and "打不开" in missing.stderr

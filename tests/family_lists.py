"""A county list split among town lists, written as an office writes its files: the fixtures of the board's and the
documents' tests of lists across levels (tests/web/test_board_family.py, tests/engine/documents/test_family_documents.py).

The county's target C1 (1000 场) is split 400 / 500 / 100 among two towns and a third list (never loaded), its workflow
task W1 by villages between the two towns; each town's tasks fulfil C1 and W1 with the quota and villages given."""

from __future__ import annotations

WORKFLOW = """\
workflows:
  room:
    title: 村级文化活动室建设
    initial: planning
    states:
      planning: {label: 选址规划}
      building: {label: 施工中}
      completed: {label: 已建成, final: true}
    transitions:
      - {trigger: start, from: planning, to: building, by: [responsible], label: 开工}
      - {trigger: finish, from: building, to: completed, by: [responsible], label: 建成}
"""


def county_yaml(county: str, title: str, linnong: str, bajiao: str, jinji: str) -> str:
    COUNTY, LINNONG, BAJIAO, JINJI, TITLES = county, linnong, bajiao, jinji, {county: title}  # noqa: N806 - the text's names
    return f"""\
checklist: {{id: {COUNTY}, title: {TITLES[COUNTY]}, year: 2017, timezone: Asia/Shanghai, issued_by: 中共盐亭县委办公室, owner: 盐亭县人民政府}}
units: {{wenhua: {{name: 县文化股}}}}
people:
  xian_wang: {{name: 王志刚, roles: [head]}}
  xian_li: {{name: 李国华, roles: [leader]}}
  xian_zhou: {{name: 周建国, roles: [staff], unit: wenhua}}
{WORKFLOW}
tasks:
  - id: C1
    title: 农村公益电影放映
    unit: wenhua
    responsible: xian_zhou
    leader: xian_li
    target: {{quantity: 1000, unit: 场}}
    deadlines: {{done: 2017-11-30}}
    assign:
      - {{to: {LINNONG}, quantity: 400}}
      - {{to: {BAJIAO}, quantity: 500}}
      - {{to: {JINJI}, quantity: 100}}
  - id: W1
    title: 村级文化活动室建设
    unit: wenhua
    responsible: xian_zhou
    leader: xian_li
    workflow: room
    items: [玉城村, 花园村, 八角村]
    deadlines: {{building: 2017-06-30, completed: 2017-10-31}}
    assign:
      - {{to: {LINNONG}, items: [玉城村, 花园村]}}
      - {{to: {BAJIAO}, items: [八角村]}}
"""


def town_yaml(list_id: str, title: str, county: str, prefix: str, place: str, quota: int, villages, done: str, building: str) -> str:
    """A town's own list: its two tasks ``{PREFIX}1`` (fulfils C1) and ``{PREFIX}2`` (fulfils W1)."""
    return f"""\
checklist: {{id: {list_id}, title: {title}, year: 2017, timezone: Asia/Shanghai, kind: 乡镇, owner: {place}镇人民政府}}
units: {{wenhua: {{name: {place}综合文化站}}}}
people:
  {prefix}_head: {{name: {place}镇长, roles: [head]}}
  {prefix}_staff: {{name: {place}站长, roles: [staff], unit: wenhua}}
{WORKFLOW}
tasks:
  - id: {prefix.upper()}1
    title: {place}农村公益电影放映
    unit: wenhua
    responsible: {prefix}_staff
    leader: {prefix}_head
    fulfils: {county}:C1
    target: {{quantity: {quota}, unit: 场}}
    deadlines: {{done: {done}}}
  - id: {prefix.upper()}2
    title: {place}村级文化活动室建设
    unit: wenhua
    responsible: {prefix}_staff
    leader: {prefix}_head
    fulfils: {county}:W1
    workflow: room
    items: [{", ".join(villages)}]
    deadlines: {{building: {building}, completed: 2017-10-31}}
"""

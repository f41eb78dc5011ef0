"""Reading the exported Word documents back for the circular and work-report tests: paragraphs, the text of a
part between two headings, tables as rows of cell texts; and the real command that writes them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from docx import Document

from tests.engine.documents import halfyear

NOW = "2017-06-30T18:00"  # the simulated half-year ends here
LATER = "2017-07-05T10:00"  # the office writes its half-year report a few days later, --as-of 2017-06-30
FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def fw(text: str) -> str:
    """A phrase with the print punctuation the documents use (，；：（）)."""
    return text.translate(FULL)


@dataclass
class Word:
    paragraphs: list[tuple[str, str]]  # (style name, text)
    tables: list[list[list[str]]]

    @property
    def text(self) -> str:
        return "\n".join(text for _style, text in self.paragraphs)

    def part(self, start: str, end: str | None = None) -> str:
        """The paragraphs after the one that starts with ``start`` up to the one that starts with ``end``."""
        texts = [text for _style, text in self.paragraphs]
        first = next(i for i, text in enumerate(texts) if text.startswith(start))
        last = next((i for i, text in enumerate(texts) if end and i > first and text.startswith(end)), len(texts))
        return "\n".join(texts[first + 1 : last])

    def styled(self, style: str) -> list[str]:
        return [text for name, text in self.paragraphs if name == style]


def read(path: Path) -> Word:
    document = Document(str(path))
    return Word(
        paragraphs=[(p.style.name, p.text) for p in document.paragraphs],
        tables=[[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables],
    )


def status_json(qingdan, *args, now: str = NOW) -> dict:
    done = qingdan("status", halfyear.CHECKLIST, "--json", *args, now=now)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def export(qingdan, path: Path, kind: str, *args, now: str = LATER, env=None):
    """``qingdan export KIND LIST ARGS -o path`` as the office runs it; returns the finished process."""
    done = qingdan("export", kind, halfyear.CHECKLIST, *args, "-o", path, now=now, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def template(path, paragraphs: list[str]) -> None:
    """A Word file whose paragraphs are ``paragraphs`` (docxtpl tags in them): an office's own template."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


DOCUMENTS = """
documents:
  measures:
    - {title: 明确任务，压实责任, text: "局党组调整了脱贫攻坚工作领导小组，逐项明确责任人。"}
    - {title: 摸清家底，抓实精准}
  requirements: "各责任单位要对照时间节点，倒排工期，确保按期完成。"
"""


def documented_list(steps):
    """The simulated list with a documents: section (measures, requirements) and a note on T1."""
    from engine.definition.validation import validate_text

    text = halfyear.TEXT.replace("\ntasks:\n", DOCUMENTS + "\ntasks:\n", 1).replace(
        "    workflow: construction\n    items: [林农镇玉城村",
        "    note: 根据省委宣传部下达的建设基本内容和指导标准,结合各村实际制定实施方案\n    workflow: construction\n    items: [林农镇玉城村",
        1,
    )
    result = validate_text(text, "documented.yaml", steps)
    assert result.ok, [p.format() for p in result.errors]
    return result.definition

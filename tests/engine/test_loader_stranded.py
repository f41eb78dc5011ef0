"""A reload that would strand recorded work says what, one ``Stranded`` per thing, beside its sentences: the web
admin words them with titles and asks for a confirmation (web/checklist_upload.py) instead of naming ``--force``."""

from __future__ import annotations

import pytest

from engine.errors import Stranded, StrandedData
from tests.web.test_checklist_upload import YANTING_ID, _reworked_yanting, _with_history


def test_the_refusal_lists_what_would_be_stranded(store, clock, plugins, steps, yanting):
    from engine.definition.validation import validate_text
    from engine.runtime.loader import load

    _with_history(store, clock, plugins)
    new = validate_text(_reworked_yanting(), "y.yaml", steps).definition
    with pytest.raises(StrandedData) as refused:
        load(store, [new], clock=clock)
    assert refused.value.stranded == [
        Stranded("task_removed", "T8", count=1),
        Stranded("item_removed", "T1", item="林农镇玉城村", count=1),
    ]
    assert "T8" in str(refused.value) and "--force" in str(refused.value)  # the command line's sentences are unchanged
    (report,) = load(store, [new], clock=clock, force=True)
    assert report.checklist == YANTING_ID and report.archived == ["T8"]

"""Smoke test of ``bench.family`` at a tiny size: it runs through, its JSON has the figures the README names, and the
county's rolled-up progress is the sum of its children's. No timing is asserted (bench/README.md, "bench.family")."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import DATABASES, PG_URL


@pytest.mark.slow
@pytest.mark.parametrize("database", DATABASES)
def test_family_bench_tiny(database, tmp_path):
    from bench.family import FIGURES, main

    out = tmp_path / "family.json"
    argv = ["--children", "3", "--items", "30", "--repeats", "1", "--cold-repeats", "1", "--cli-repeats", "1", "--out", str(out)]
    if database == "postgresql":
        argv += ["--database-url", PG_URL]
    assert main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))

    assert result["errors"] == {}
    assert result["dialect"] == database
    assert result["params"] == {"children": 3, "items": 30, "tasks": 5, "total_items": 90}
    assert len(result["load_before"]) == 3 and len(result["load_after"]) == 3
    for key, _, _ in FIGURES:
        row = result["figures"][key]
        assert row["county"] > 0 and row["flat"] > 0 and row["ratio"] == pytest.approx(row["county"] / row["flat"], rel=1e-2)
    assert result["targets"]["ratio_max"] == 2.0 and result["targets"]["board_warm_max_s"] == 0.3
    assert set(result["setup"]) >= {"county_load_s", "children_load_s", "flat_load_s", "children_fires", "flat_fires"}
    assert result["setup"]["children_fires"] == result["setup"]["flat_fires"] > 0

    checks = result["checks"]
    county, children = checks["rollup"]["county"], checks["rollup"]["children"]
    assert len(children) == 3 and len(county) == 5
    for task, figures in county.items():
        assert Decimal(figures["done"]) == sum(Decimal(tasks[task]["done"]) for tasks in children.values()), task
        assert Decimal(figures["target"]) == sum(Decimal(tasks[task]["target"]) for tasks in children.values()), task
    assert checks["rollup_ok"] and checks["equals_flat"], checks["mismatches"]
    assert checks["cache_follows_children"]

"""The API against its own OpenAPI document (/api/openapi.json), with schemathesis: generated requests, valid and
invalid, sent in-process to the real app (the Yanting list loaded, on SQLite and PostgreSQL) with a real Bearer token.
Every check schemathesis has runs: no 5xx, every status documented, every body matching its schema, invalid input
refused. Bounded: a few examples an operation, no hypothesis database.

One test per operation, each loading the document from its own app (``schemathesis.openapi.from_wsgi``) and drawing
cases with hypothesis: ``schemathesis.pytest.from_fixture`` breaks on pytest 9 (it sets ``Function._nodeid``)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.web.conftest import bearer
from web.openapi import document

OPERATIONS = [(method.upper(), path) for path, methods in document()["paths"].items() for method in methods]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_keeps_to_its_document(method, path, app, tokens):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema[path][method]
    headers = bearer(tokens["staff"])  # the responsible person of T1, T5 and T6: some reports and fires are accepted

    @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers)

    run()

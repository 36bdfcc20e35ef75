"""API conformance: schemathesis generates requests for every operation in /api/openapi.json
(valid parameters, and invalid ones where an operation has parameters; derandomized, at most
100 examples per operation and mode) and sends them to the WSGI app itself. Every response
must be no server error, carry a documented status code and match the documented schema.
Real fixture kb and index (tests/conftest.py), no mocks.

Driven through hypothesis `@given(operation.as_strategy())` rather than schemathesis'
pytest plugin (its `parametrize()` reads `request.node._nodeid`, gone in pytest 9.2)."""

from __future__ import annotations

import collections

import pytest
import schemathesis
from conftest import FIXTURE_KB, examples
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from faqkb.web import create_app
from faqkb.web.openapi import document

MAX_EXAMPLES = examples(100)  # per operation and mode; 20 under HYPOTHESIS_PROFILE=dev
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
OPERATIONS = [(path, method, bool(op.get("parameters")))
              for path, ops in document()["paths"].items() for method, op in ops.items()]
CASES = [pytest.param(path, method, mode, None, id=f"{method.upper()} {path} {mode.value}")
         for path, method, has_params in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if has_params or mode is GenerationMode.POSITIVE]
# generated ids almost never exist: also the entries of the fixture kb, with generated lang
CASES += [pytest.param("/api/entries/{id}", "get", mode, {"id": entry}, id=f"GET /api/entries/{entry} {mode.value}")
          for entry in ("refund-remaining-balance", "daily-keeping-fee")
          for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
SENT: collections.Counter = collections.Counter()     # (operation, mode) -> requests
STATUSES: collections.Counter = collections.Counter()


@pytest.fixture(scope="module")
def api_schema(fixture_index, tmp_path_factory):
    app = create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "BUILD": False,
                      "INSTANCE": tmp_path_factory.mktemp("instance"), "SECRET_KEY": "conformance",
                      "SEARCH_CACHE": 0,
                      "RATELIMIT_ENABLED": False})  # 1,000 generated requests from one client
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.mark.parametrize("path,method,mode,path_parameters", CASES)
def test_operation_conforms(api_schema, path, method, mode, path_parameters):
    operation = api_schema[path][method]

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        response = case.call_and_validate(checks=CHECKS)
        SENT[(operation.label, mode.value)] += 1
        STATUSES[response.status_code] += 1

    run()
    assert SENT[(operation.label, mode.value)] >= 1


def test_every_operation_was_exercised(api_schema):
    """Runs after the generated tests (file order): each documented operation got examples."""
    labels = {op.ok().label for op in api_schema.get_all_operations()}
    assert len(labels) == len(OPERATIONS) == 5
    if not SENT:
        pytest.skip("the generated tests were deselected")
    assert {label for label, _ in SENT} == labels, SENT
    assert not any(s >= 500 for s in STATUSES), STATUSES
    print(f"\nschemathesis: {sum(SENT.values())} requests over {len(labels)} operations; "
          f"{ {f'{k[0]} {k[1]}': v for k, v in SENT.items()} }; statuses {dict(STATUSES)}")

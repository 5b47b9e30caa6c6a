"""schemathesis against the OpenAPI document: generated calls (valid and invalid) on every
endpoint get no 500, every answer matches the document (status, body, headers), and calls
the document calls valid are accepted. (Not checked: that every call the document calls
invalid is refused: the collector is lenient where Segment is, e.g. an id sent as null
beside a valid one.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as core_checks
from schemathesis.specs.openapi import checks as openapi_checks

from lake.config import LakePaths
from lake.events.openapi import openapi_document
from tests.events.conftest import KEY, Server

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(openapi_document())

CHECKS = [
    core_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.positive_data_acceptance,
]


@pytest.fixture(scope="module")
def collector(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("openapi")
    server = Server(LakePaths(tmp / "lake").ensure(), tmp)
    yield server
    assert server.terminate() == 0


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_no_schema_violation(case, collector):
    case.call_and_validate(base_url=collector.url, auth=(KEY, ""), checks=CHECKS, timeout=30)

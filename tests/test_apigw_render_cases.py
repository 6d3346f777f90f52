"""The render cases of corpus/apigateway.jsonl (recorded or documented AWS behaviour).

Comparison follows shared/tools/compare-cases: ``output`` exact (or as JSON with
``compare: json``), ``output_json_equivalent``, ``output_json_fields``; plus the two keys that
tool skips, ``output_json_keys_in_order`` and ``output_json_values``. A render case that expects
``status``/``body`` expects API Gateway to stop the request (GatewayError).

The ToQoz cases were recorded through a Lambda echo: what was compared is the event the Lambda
received. A Lambda invoked with an empty payload receives ``{}``, so an empty render is passed
through that rule before comparing (see docs/apigateway-decisions.md, "bare references").
"""
from __future__ import annotations

import json

import pytest

import vtl.apigw  # noqa: F401  (registers the apigateway request variables)
from corpus_cases import CORPUS, load_jsonl
from vtl.engine import Template
from vtl.errors import GatewayError

CASES = [case for case in load_jsonl(CORPUS / "apigateway.jsonl") if case.get("kind") == "render"]

def lambda_event(rendered: str) -> str:
    """What a Lambda echo sees: an empty payload arrives as the event ``{}``."""
    return rendered if rendered.strip() else "{}"


def render(case: dict) -> str:
    template = Template(case["template"], dialect=case.get("dialect") or "apigateway")
    output = template.render(case.get("context") or None, request=case.get("request"),
                             backend_response=case.get("backend_response"),
                             phase=case.get("template_phase") or "request")
    if "Lambda echo" in case.get("source", ""):
        output = lambda_event(output)
    return output


def dotted(document: dict, dotted_key: str):
    value = document
    for part in dotted_key.split("."):
        value = value[part]
    return value


def check(expected: dict, output: str) -> None:
    if "output" in expected:
        if expected.get("compare") == "json":
            assert json.loads(output) == json.loads(expected["output"])
        else:
            assert output == expected["output"]
        return
    if "output_json_equivalent" in expected:
        assert json.loads(output) == json.loads(expected["output_json_equivalent"])
    document = json.loads(output)
    skipped = set(expected.get("fields_not_checked", ()))
    for key, value in expected.get("output_json_fields", {}).items():
        if key not in skipped:
            assert document.get(key) == value, key
    for key, keys in expected.get("output_json_keys_in_order", {}).items():
        assert list(document[key]) == keys, key
    for key, value in expected.get("output_json_values", {}).items():
        assert dotted(document, key) == value, key


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_render_case(case):
    expected = case["expected"]
    if "status" in expected and "output" not in expected:
        with pytest.raises(GatewayError) as caught:
            render(case)
        assert caught.value.status == expected["status"]
        if "body" in expected:
            assert caught.value.body == expected["body"]
        return
    check(expected, render(case))

"""`vtl test` end to end on the bundled example project (examples/testing/)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vtl.cli import main
from vtl.testing.cases import CaseFileError, load_cases
from vtl.testing.compare import json_subset_mismatches, text_diff
from vtl.testing.runner import Runner

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "testing"


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(["test", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_example_cases_pass(capsys):
    status, out, _ = run(capsys, str(EXAMPLE / "cases"), "-v")
    assert status == 0, out
    assert "8 passed" in out
    assert "ok    a standard order reaches DynamoDB" in out
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_failing_case_shows_diff_and_exits_1(capsys):
    status, out, _ = run(capsys, str(EXAMPLE / "failing"))
    assert status == 1
    assert "FAIL  pickup is not standard shipping" in out
    assert 'output $.Item.shipping.S:\n          - expected: "standard"\n          + actual:   "pickup"' in out
    assert "- {\"id\": \"r-1\", \"status\": \"received\"}" in out
    assert "+   \"status\": \"received\"" in out
    assert out.rstrip().splitlines()[-1].startswith("0 passed, 2 failed")


def test_colour_on_request(capsys):
    status, out, _ = run(capsys, str(EXAMPLE / "failing"), "--color")
    assert status == 1
    assert "\x1b[31m- expected: \"standard\"\x1b[0m" in out


def test_junit_xml(capsys, tmp_path):
    report = tmp_path / "junit.xml"
    status, _, _ = run(capsys, str(EXAMPLE / "cases"), str(EXAMPLE / "failing"), "--junit-xml", str(report))
    assert status == 1
    root = ET.parse(report).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 10
    failures = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failures == ["pickup is not standard shipping", "the created answer, exactly"]


def test_keyword_filter(capsys):
    status, out, _ = run(capsys, str(EXAMPLE / "cases"), "-k", "XML")
    assert status == 0 and "1 passed" in out


def test_usage_and_load_errors_exit_2(capsys, tmp_path):
    assert run(capsys, str(tmp_path / "missing"))[0] == 2
    assert run(capsys, str(tmp_path))[0] == 2  # no case files
    bad = tmp_path / "bad.cases.yaml"
    bad.write_text("cases:\n  - name: x\n    template: nope.vtl\n    expect: {output: ''}\n")
    status, out, _ = run(capsys, str(bad))
    assert status == 2 and "nope.vtl: cannot read" in out
    bad.write_text("cases:\n  - name: x\n    template_source: hi\n")
    status, out, _ = run(capsys, str(bad))
    assert status == 2 and "no `expect`" in out
    bad.write_text("cases:\n  - name: x\n    template_source: hi\n    expect: {outptu: hi}\n")
    status, out, _ = run(capsys, str(bad))
    assert status == 2 and "unknown expectation(s) outptu" in out


def test_inline_integration_and_expectations(tmp_path, capsys):
    cases = tmp_path / "mock.cases.json"
    cases.write_text(json.dumps({"integration": {
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": $input.path(\'$.code\')}'},
        "integrationResponses": {"200": {"statusCode": "200", "responseParameters": {
            "method.response.header.X-Id": "'static'"}, "responseTemplates": {"application/json": "ok $context.requestId"}},
            "404": {"statusCode": "404", "selectionPattern": "404"}}},
        "request": {"headers": {"Content-Type": "application/json"}, "context": {"requestId": "id-9"}},
        "cases": [
            {"name": "ok", "request": {"body": '{"code": 200}'},
             "expect": {"status": 200, "body": "ok id-9", "headers": {"x-id": "static"}, "contains": "id-9",
                        "not_contains": "nope"}},
            {"name": "missing", "request": {"body": '{"code": 404}'}, "expect": {"status": 404, "body": ""}},
            {"name": "template error expected", "template_source": "#set($x = )", "expect": {"error": "VTLSyntaxError"}},
        ]}))
    status, out, _ = run(capsys, str(cases), "-v")
    assert status == 0, out


def test_subset_and_text_diff_helpers():
    assert json_subset_mismatches({"a": {"b": [1, {"c": True}]}}, {"a": {"b": [1, {"c": True, "d": 0}]}, "e": 1}) == []
    assert json_subset_mismatches({"a": 1}, {"a": True}) == [("$.a", 1, True)]
    assert json_subset_mismatches({"a": [1]}, {"a": [1, 2]}) == [("$.a (length)", 1, 2)]
    assert text_diff("a b", "a c")[:2] == ["- 'a b'", "+ 'a c'"]
    assert "+ x·" in text_diff("x\n", "x \n")


def test_runner_library_use():
    runner = Runner()
    results = [runner.run(case) for case in load_cases(EXAMPLE / "cases" / "orders.cases.yaml")]
    assert [result.status for result in results] == ["passed"] * 4
    sent = json.loads(results[0].outcome.integration_request["body"])
    assert sent["Item"]["shipping"] == {"S": "standard"}
    assert str(EXAMPLE / "templates" / "create-order.vtl") in runner.template_names.values()


def test_bad_yaml_is_a_load_error(tmp_path):
    path = tmp_path / "x.cases.yaml"
    path.write_text("cases: [\n")
    with pytest.raises(CaseFileError, match="not YAML"):
        load_cases(path)


def test_sam_template_through_loaders(tmp_path, capsys):
    pytest.importorskip("vtl.loaders")
    (tmp_path / "template.yaml").write_text("""\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        info: {title: t, version: "1"}
        paths:
          /hello:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                responses:
                  default:
                    statusCode: "200"
                    responseTemplates:
                      application/json: '{"hello": "$input.params(''name'')"}'
""")
    (tmp_path / "hello.cases.yaml").write_text("""\
infra: template.yaml
method: GET
resource: /hello
cases:
  - name: hello
    request: {query: {name: Ada}}
    expect: {status: 200, json: {hello: Ada}}
""")
    status, out, _ = run(capsys, str(tmp_path))
    assert status == 0, out


@pytest.mark.parametrize("case,message", [
    ({"template_source": "x", "request": "GET /", "expect": {"output": "x"}}, "`request` must be an object"),
    ({"template_source": "x", "backend": [200], "expect": {"output": "x"}}, "`backend` must be an object"),
    ({"template_source": "x", "expect": {"status": [200]}}, "`expect.status` must be a status code"),
    ({"template_source": "x", "expect": {"headers": "Content-Type: a"}}, "`expect.headers` must be an object"),
    ({"template_source": "x", "expect": {"integration_request": {"query": "a=1"}}},
     "`expect.integration_request.query` must be an object"),
])
def test_a_case_of_the_wrong_shape_is_a_load_error(tmp_path, case, message):
    path = tmp_path / "x.cases.json"
    path.write_text(json.dumps({"cases": [{"name": "x", **case}]}))
    with pytest.raises(CaseFileError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_cases(path)


def test_names_and_ids_without_a_utf8_form_are_reported_on_the_case(tmp_path):
    # JSON allows a lone surrogate half ("\ud800"): as a template path it names no file; as a
    # request id it still renders.
    path = tmp_path / "x.cases.json"
    path.write_text(json.dumps({"cases": [
        {"name": "path", "template": "t\ud800.vtl", "expect": {"output": ""}},
        {"name": "id", "integration": {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                       "integrationResponses": {"200": {"statusCode": "200"}}},
         "request": {"context": {"requestId": "r\ud800"}}, "expect": {"status": 200}},
    ]}))
    results = [Runner().run(case) for case in load_cases(path)]
    assert results[0].status == "error" and "cannot be a file name" in results[0].message
    assert results[1].status == "passed", results[1].message

"""``vtl invoke``: the batch contract (spec/case-format.md) and the single-request trace."""
from __future__ import annotations

import base64
import json
import sys

from vtl.apigw.commands import case_integration, invoke_case
from vtl.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_cases(tmp_path, cases):
    path = tmp_path / "cases.jsonl"
    path.write_text("".join((case if isinstance(case, str) else json.dumps(case)) + "\n" for case in cases),
                    encoding="utf-8")
    return str(path)


MOCK_CASE = {"id": "mock", "request": {"method": "GET", "path": "/"},
             "integration": {"type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
                             "integrationResponses": {"200": {"statusCode": "200",
                                                              "responseTemplates": {"application/json": "hi"}}}}}


def test_batch_output_shape(tmp_path, capsys):
    code, out, _ = run(capsys, "invoke", "--batch", write_cases(tmp_path, [MOCK_CASE]))
    assert code == 0
    line = json.loads(out)
    assert list(line) == ["id", "status", "headers", "body", "integration_request"]
    assert line["status"] == 200 and line["body"] == "hi"
    assert line["headers"]["Content-Type"] == "application/json"
    assert set(line["integration_request"]) == {"method", "uri", "headers", "query", "body"}


def test_batch_binary_bodies_are_base64(tmp_path, capsys):
    case = {"id": "bin", "request": {"method": "GET", "path": "/", "headers": {"Accept": "image/png"}},
            "integration": {"type": "HTTP", "httpMethod": "GET", "uri": "https://b.example.com/",
                            "binaryMediaTypes": ["image/png"]},
            "backend_response": {"status": 200, "headers": {"Content-Type": "image/png"}, "body_base64": "/w=="}}
    _, out, _ = run(capsys, "invoke", "--batch", write_cases(tmp_path, [case]))
    line = json.loads(out)
    assert "body" not in line and base64.b64decode(line["body_base64"]) == b"\xff"


def test_batch_failing_case_is_an_error_line_and_exit_0(tmp_path, capsys):
    bad = {"id": "bad", "request": {}, "integration": {"type": "NOT_A_TYPE"}}
    code, out, _ = run(capsys, "invoke", "--batch", write_cases(tmp_path, [bad, MOCK_CASE]))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["bad", "mock"]
    assert set(lines[0]) == {"id", "error"} and lines[0]["error"].startswith("IntegrationValidationError")


def test_batch_unreadable_input_exits_non_zero(tmp_path, capsys):
    code, out, err = run(capsys, "invoke", "--batch", write_cases(tmp_path, ["{not json"]))
    assert code != 0 and out == "" and "not JSON Lines" in err


def test_batch_supplies_a_default_integration_response_only_when_the_case_has_none():
    assert case_integration({"type": "AWS"})["integrationResponses"] == {"200": {"statusCode": "200"}}
    assert case_integration({"type": "AWS", "integrationResponses": {}})["integrationResponses"] == {}
    assert "integrationResponses" not in case_integration({"type": "AWS_PROXY"})
    assert "binaryMediaTypes" not in case_integration({"type": "AWS", "binaryMediaTypes": ["image/png"]})
    assert invoke_case({"id": "x", "request": {}, "integration": {"type": "MOCK"}})["status"] == 200


def test_single_request_trace(tmp_path, capsys):
    integration = tmp_path / "integration.json"
    integration.write_text(json.dumps({
        "type": "HTTP", "httpMethod": "POST", "uri": "https://b.example.com/pets/{id}",
        "requestParameters": {"integration.request.path.id": "method.request.path.id"},
        "requestTemplates": {"application/json": "{\"name\": $input.json('$.name')}"},
        "integrationResponses": {"200": {"statusCode": "200"}}}), encoding="utf-8")
    code, out, _ = run(capsys, "invoke", "--integration", str(integration), "--method", "POST",
                       "--path", "/pets/7", "--resource-path", "/pets/{id}", "-H", "Content-Type: application/json",
                       "--body", '{"name": "Rex"}', "--backend-response", '{"status": 200, "echo": true}')
    assert code == 0
    for section in ("== Method request", "== Endpoint request", "== Endpoint response", "== Method response",
                    "== Log"):
        assert section in out
    assert "POST https://b.example.com/pets/7" in out
    assert '{"name": "Rex"}' in out and "status: 200" in out


def test_single_request_json(tmp_path, capsys):
    code, out, _ = run(capsys, "invoke", "--integration", json.dumps(MOCK_CASE["integration"]), "--json",
                       "--query", "a=1", "--query", "a=2")
    assert code == 0
    result = json.loads(out)
    assert result["status"] == 200 and result["body"] == "hi"


def test_single_request_takes_a_get_integration_output_as_aws_would(tmp_path, capsys):
    code, out, _ = run(capsys, "invoke", "--integration", '{"type": "MOCK"}', "--json")
    assert code == 0 and json.loads(out)["status"] == 500  # no integration response


def test_render_batch_keeps_line_separator_characters_inside_json_strings(tmp_path, capsys):
    # U+2028 and U+0085 may stand unescaped in a JSON string: only "\n" ends a case.
    raw = '{"id": "sep", "template": "a\u2028b\u0085c$x", "context": {"x": "!"}}'
    code, out, err = run(capsys, "render", "--batch", write_cases(tmp_path, [raw]))
    assert code == 0, err
    assert json.loads(out) == {"id": "sep", "output": "a\u2028b\u0085c!"}



def test_a_template_file_that_is_missing_or_not_text_is_a_message_not_a_traceback(tmp_path, capsys):
    binary = tmp_path / "logo.vtl"
    binary.write_bytes(b"GIF89a\x01\x00\xff\x80")
    for command in ("render", "show-code", "bench", "test"):
        for path, message in ((tmp_path / "missing.vtl", "no such file"), (binary, "not utf-8 text (byte 8)")):
            try:
                status = main([command, str(path)])
            except SystemExit as stop:  # how argparse-style usage errors leave
                status, _ = 2, print(stop.code, file=sys.stderr)
            captured = capsys.readouterr()
            assert status == 2 and message in (captured.err + captured.out).lower(), (command, path, captured)

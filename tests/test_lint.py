"""`vtl lint`: each check, suppression comments, and the example project."""
from __future__ import annotations

from pathlib import Path

from vtl.cli import main
from vtl.testing.lint import lint_template

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "testing"


def codes(source: str) -> list[tuple[int, int, str]]:
    return [(problem.line, problem.column, problem.code) for problem in lint_template(source)]


def test_mistakes_example(capsys):
    path = EXAMPLE / "lint" / "mistakes.vtl"
    assert main(["lint", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{where}" for where in
                                                          ("3:1", "5:12", "6:13", "8:1", "12:1")]
    assert lines[0].endswith("$unused is set but never used [unused-set]")
    assert "[escape-quote]" in lines[1] and "[undefined]" in lines[2] and "1,000" in lines[3]
    assert "not valid JSON" in lines[4] and lines[4].endswith("[json-output]")


def test_example_project_is_clean(capsys):
    files = [str(path) for path in sorted((EXAMPLE / "templates").glob("*.vtl"))]
    assert main(["lint", *files, str(EXAMPLE / "openapi.yaml"), str(EXAMPLE / "integration.json")]) == 0
    assert capsys.readouterr().out == ""


def test_escape_javascript_with_the_workaround_is_fine():
    assert codes('{"a": "$util.escapeJavaScript($input.path(\'$.a\')).replaceAll("\\\\\'", "\'")"}') == []
    assert codes('{"a": "$util.escapeJavaScript($input.path(\'$.a\'))"}') == [(1, 8, "escape-quote")]
    assert codes("#set($a = $util.escapeJavaScript('x'))$a") == []  # not inside a JSON string


def test_undefined_and_bound_names():
    assert codes("#foreach($i in [1])$i $velocityCount $foreach.count#end") == []
    assert codes("#macro(m $p)$p#end#m(1)") == []
    assert codes("#if($x == $null)y#end") == [(1, 5, "undefined")]
    assert codes("{\"a\": \"$stageVariables.v $context.requestId\"}") == []


def test_unused_set_ignores_map_writes():
    assert codes("#set($context.responseOverride.status = 400)") == []
    assert codes("#set($a = 1)#set($a = 2)") == [(1, 1, "unused-set")]


def test_foreach_limit_follows_variables():
    source = "#set($o = $util.parseJson($input.body))#set($items = $o.items)\n#foreach($i in $items)$i#end"
    assert (2, 1, "foreach-limit") in codes(source)
    assert codes("#foreach($i in [1..3])$i#end") == []


def test_size_limit_and_syntax():
    assert codes("x" * (300 * 1024 + 1))[0][2] == "size-limit"
    assert codes("#if($a")[0][2] == "syntax"


def test_ignore_comment():
    assert codes("## vtl-lint: ignore undefined\n$nope") == []
    assert codes("$nope ## vtl-lint: ignore unused-set") == [(1, 1, "undefined")]
    assert codes("$nope ## vtl-lint: ignore") == []


def test_json_output_only_for_json_looking_output():
    assert codes("Action=SendMessage&MessageBody=$util.urlEncode($input.body)") == []
    assert codes('{"n": $input.path(\'$.n\')}') == [(1, 1, "json-output")]


def test_openapi_template_positions(tmp_path, capsys):
    spec = tmp_path / "api.yaml"
    spec.write_text("""\
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /x:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: https://example.com/x
        requestTemplates:
          application/json: |
            {
              "who": "$whom"
            }
        responses: {default: {statusCode: "200"}}
""")
    status = main(["lint", str(spec)])
    out = capsys.readouterr().out
    if status == 2:  # vtl.loaders absent
        return
    assert status == 1
    assert out.startswith(f"{spec}:13:23: $whom is never defined")


def test_unreadable_file_exits_2(capsys, tmp_path):
    assert main(["lint", str(tmp_path / "nope.vtl")]) == 2


def test_lint_reports_stage_variables_api_gateway_would_refuse(tmp_path):
    from vtl.testing.lint import lint_definition
    definition = tmp_path / "t.yaml"
    definition.write_text("Resources:\n  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: x}}\n"
                          "  Stage:\n    Type: AWS::ApiGateway::Stage\n"
                          "    Properties: {StageName: dev, RestApiId: !Ref Api, Variables: {spaced: 'a b'}}\n")
    assert [problem.code for problem in lint_definition(definition)] == ["stage-variable"]

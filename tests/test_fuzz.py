"""Fuzzing: whatever the template or request, only the library's typed errors come out.

Grammar-shaped templates come from the differential test's strategies; raw text comes from
Hypothesis's text strategy. Crashers found are kept in tests/fuzz_regressions.jsonl.
"""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vtl.engine import Template
from vtl.errors import VTLError, VTLInternalError
from test_differential import CONTEXT, templates

REGRESSIONS = Path(__file__).with_name("fuzz_regressions.jsonl")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

vtl_alphabet = st.sampled_from(list("$#!{}[]().,=\"'\\*@ \n\tabcx1-+<>&|") + ["#if(", "#end", "#foreach(", "#set(",
                                                                               "#macro(", "$a", "${", "#*", "*#", "##",
                                                                               "#[[", "]]#", " in ", "..", "#else"])


def render_or_typed_error(source: str, dialect: str, **kwargs) -> None:
    try:
        Template(source, dialect=dialect).render(dict(CONTEXT), **kwargs)
    except VTLInternalError:
        raise
    except VTLError:
        pass


@SETTINGS
@given(templates)
def test_grammar_shaped_templates_never_crash(source):
    for dialect in ("velocity", "apigateway"):
        render_or_typed_error(source, dialect)


@SETTINGS
@given(st.lists(vtl_alphabet, max_size=40).map("".join))
def test_token_soup_never_crashes(source):
    render_or_typed_error(source, "velocity")


@SETTINGS
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes(source):
    render_or_typed_error(source, "apigateway")


request_bodies = st.one_of(st.text(max_size=40), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8).map(json.dumps))


@SETTINGS
@given(request_bodies, st.sampled_from(["$input.json('$')", "$input.path('$.a')", "$input.path('$..*')",
                                         "$util.parseJson($input.body)", "$input.json('$[0].a')", "$input.body",
                                         "#foreach($x in $input.path('$'))$x#end", "$util.escapeJavaScript($input.body)"]))
def test_any_request_body_gives_output_or_a_gateway_answer(body, source):
    render_or_typed_error(source, "apigateway", request={"method": "POST", "path": "/", "body": body,
                                                         "headers": {"Content-Type": "application/json"}})


def test_kept_crashers_stay_fixed():
    if not REGRESSIONS.exists():
        return
    for line in REGRESSIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            render_or_typed_error(case["template"], case.get("dialect", "velocity"), request=case.get("request"))


# --- the batch contract: a mutated case gives an output or a named error, never "InternalError" ---

_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_CASES = [json.loads(line) for line in (_CORPUS / "apigateway.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()] + \
    [{"kind": "render", "dialect": "velocity", **json.loads(line)}
     for line in (_CORPUS / "velocity.jsonl").read_text(encoding="utf-8").splitlines()[:60] if line.strip()]
_NOT_INPUT = {"id", "source", "kind", "expected", "confidence", "note", "notes"}
odd_values = st.one_of(
    st.sampled_from([None, 0, -1, 1.5, True, [], {}, "", "\ud800", "é", "%", "{", "$", "#", "999", "\x00"]),
    st.text(max_size=8), st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))


def _input_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            if path or key not in _NOT_INPUT:
                yield path + (key,)
                yield from _input_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield path + (index,)
            yield from _input_paths(item, path + (index,))


@SETTINGS
@given(st.data())
def test_mutated_corpus_cases_never_give_an_internal_error(data):
    from vtl.apigw.commands import invoke_case
    from vtl.cli import render_case

    case = json.loads(json.dumps(data.draw(st.sampled_from(CORPUS_CASES))))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_input_paths(case))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        owner = case
        for step in path[:-1]:
            owner = owner[step]
        old = owner[path[-1]]
        new = data.draw(st.one_of(odd_values, st.just(old + "\ud800") if isinstance(old, str) else odd_values))
        owner[path[-1]] = json.loads(json.dumps(new))  # a fresh copy: never a cycle
    line = render_case(case, "apigateway") if case.get("kind") == "render" else invoke_case(case)
    json.dumps(line)  # the batch writes it
    assert not str(line.get("error", "")).startswith("InternalError"), line


# --- API definitions: a mutated definition loads, or a LoaderError/validation error names the place ---

_EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_DEFINITIONS = ["petstore/openapi.yaml", "petstore/cloudformation.yaml", "petstore/main.tf", "testing/openapi.yaml",
                "testing/integration.json"]
definition_values = st.sampled_from([None, 0, 1.5, True, [], {}, "", "\ud800", "{", "#if(", ["a"], {"a": "b"},
                                     {"Ref": "X"}, {"Fn::GetAtt": 7}, {"Fn::Sub": []}, {"Fn::Join": "x"}, "/{proxy+}",
                                     "AWS_PROXY", "MOCK", "https://x.example.com/{id}"])


def _load_or_named_error(text: str, name: str) -> None:
    from vtl.loaders import load_text
    try:
        load_text(text, name)
    except VTLError:
        pass


@SETTINGS
@given(st.data())
def test_mutated_api_definitions_load_or_name_the_problem(data):
    from vtl.loaders.cloudformation import parse_yaml

    name = data.draw(st.sampled_from([n for n in _DEFINITIONS if not n.endswith(".tf")]))
    document = parse_yaml((_EXAMPLES / name).read_text(encoding="utf-8"), name)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_input_paths(document))
        path = data.draw(st.sampled_from(paths))
        owner = document
        for step in path[:-1]:
            owner = owner[step]
        owner[path[-1]] = json.loads(json.dumps(data.draw(definition_values)))
    _load_or_named_error(json.dumps(document), name.rsplit(".", 1)[0] + ".json")


@SETTINGS
@given(st.sampled_from(_DEFINITIONS), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 20),
                                                          st.sampled_from(["", "{", "}", "[", ":", '"', "${", "\n",
                                                                           "- ", "=", "null", "#", "!Ref x", "\t"])),
                                                min_size=1, max_size=4))
def test_damaged_api_definition_files_load_or_name_the_problem(name, edits):
    text = (_EXAMPLES / name).read_text(encoding="utf-8")
    for where, cut, insert in edits:
        position = int(where * len(text))
        text = text[:position] + insert + text[position + cut:]
    _load_or_named_error(text, name)

"""The hot helpers on 50 KB inputs: the Cython twin against its pure-Python reference."""
from __future__ import annotations

import json
import random

import pytest

from vtl import _native, speedups
from vtl.apigw.json_values import MAX_DEPTH, parse_json_text
from vtl.jsonpath import compile_path

SIZE = 50_000


def _text() -> str:
    """50 KB of mixed text: ASCII words, quotes, slashes, controls, accents, CJK, emoji."""
    generator = random.Random(7)
    words = ["plain", "words", "and", "more", "it's", '"q"', "a/b", "back\\slash", "tab\t", "nl\n", "café",
             "naïve", "€", "日本", "😀", "x=1&y=2", "50%", "\u2028"]
    parts, size = [], 0
    while size < SIZE:
        word = generator.choice(words)
        parts.append(word)
        size += len(word) + 1
    return " ".join(parts)[:SIZE]


def _ascii_text() -> str:
    generator = random.Random(8)
    return "".join(generator.choice("abcdefghij klmnop/QRS\"=&%") for _ in range(SIZE))


def _with_lone_surrogates(text: str) -> str:
    """The text with a lone surrogate half (printed '?') and a split pair every 5,000 characters."""
    pieces = [text[start:start + 5000] for start in range(0, len(text), 5000)]
    return "".join(piece + ("\ud800" if index % 2 else "\ud83d\ude00") for index, piece in enumerate(pieces))[:SIZE]


TEXT = _text()
ASCII_TEXT = _ascii_text()
JSON_TEXT = json.dumps({"items": [
    {"id": index, "name": f"item {index}", "tags": ["a", "b/c"], "price": index * 1.25, "ok": index % 2 == 0,
     "note": TEXT[index * 20:index * 20 + 20]} for index in range(450)]})
DOCUMENT = parse_json_text(JSON_TEXT)


def _path(text: str):
    return lambda: (compile_path(text), DOCUMENT)


# label -> (helper, the arguments, or a function making fresh ones for each round)
CASES = {
    "escape_javascript": ("escape_javascript", (TEXT,)),
    "url_encode": ("url_encode", (TEXT,)),
    "url_decode": ("url_decode", (_native.url_encode(TEXT)[:SIZE].rsplit("%", 1)[0],)),
    "base64_encode": ("base64_encode", (TEXT,)),
    "base64_encode (ASCII)": ("base64_encode", (ASCII_TEXT,)),
    "base64_decode": ("base64_decode", (_native.base64_encode(TEXT)[:SIZE // 4 * 4],)),
    "escape_json_string": ("escape_json_string", (TEXT,)),
    "to_json": ("to_json", (DOCUMENT,)),
    "to_java_string": ("to_java_string", (list(DOCUMENT["items"]),)),  # a plain list of maps
    # A payload just decoded by json.loads (fresh each round: lists are replaced in place).
    "as_json_smart": ("as_json_smart", lambda: (json.loads(JSON_TEXT), MAX_DEPTH)),
    "jsonpath $.items[*].name": ("jsonpath_select", _path("$.items[*].name")),
    "jsonpath $..name": ("jsonpath_select", _path("$..name")),
    "jsonpath $.items[?(@.ok)].id": ("jsonpath_select", _path("$.items[?(@.ok)].id")),
    "jsonpath $.items[?(@.price > 100)].name": ("jsonpath_select", _path("$.items[?(@.price > 100)].name")),
    "jsonpath $.items[449].name": ("jsonpath_select", _path("$.items[449].name")),
    "java_output_text": ("java_output_text", (_with_lone_surrogates(TEXT),)),
    "java_output_text (no surrogates)": ("java_output_text", (TEXT,)),
}
TWINS = ["python", "cython"]


def _size(argument) -> int:
    return len(argument) if isinstance(argument, str) else len(_native.to_json(argument))


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("label", list(CASES))
def test_helper(benchmark, info, label, twin):
    module = _native if twin == "python" else speedups.cython
    if module is None:
        pytest.skip(f"Cython speedups {speedups.CYTHON_STATUS}")
    helper, arguments = CASES[label]
    function = getattr(module, helper)
    make = arguments if callable(arguments) else None
    sample = make() if make else arguments
    expected = getattr(_native, helper)(*(make() if make else arguments))
    benchmark.group = f"helper {label}"
    info.update(helper=label, twin=twin, input_size=_size(sample[0] if helper != "jsonpath_select" else sample[1]))
    if make:
        result = benchmark.pedantic(function, setup=lambda: (make(), {}), rounds=200, warmup_rounds=5)
    else:
        result = benchmark(function, *arguments)
    assert _native.to_json(result) == _native.to_json(expected)

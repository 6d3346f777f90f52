"""The hot helpers on 50 KB inputs: the Cython twin against its pure-Python reference."""
from __future__ import annotations

import json
import random

import pytest

from vtl import _native, speedups
from vtl.apigw.json_values import parse_json_text

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


TEXT = _text()
DOCUMENT = parse_json_text(json.dumps({"items": [
    {"id": index, "name": f"item {index}", "tags": ["a", "b/c"], "price": index * 1.25, "ok": index % 2 == 0,
     "note": TEXT[index * 20:index * 20 + 20]} for index in range(450)]}))

CASES = {
    "escape_javascript": TEXT,
    "url_encode": TEXT,
    "url_decode": _native.url_encode(TEXT)[:SIZE].rsplit("%", 1)[0],
    "base64_encode": TEXT,
    "base64_decode": _native.base64_encode(TEXT)[:SIZE // 4 * 4],
    "escape_json_string": TEXT,
    "to_json": DOCUMENT,
    "to_java_string": DOCUMENT["items"].__class__.__mro__[1](DOCUMENT["items"]),  # a plain list of maps
}
TWINS = ["python", "cython"]


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("helper", list(CASES))
def test_helper(benchmark, info, helper, twin):
    module = _native if twin == "python" else speedups.cython
    if module is None:
        pytest.skip(f"Cython speedups {speedups.CYTHON_STATUS}")
    argument = CASES[helper]
    function = getattr(module, helper)
    expected = getattr(_native, helper)(argument)
    benchmark.group = f"helper {helper}"
    info.update(helper=helper, twin=twin, input_size=len(argument) if isinstance(argument, str)
                else len(_native.to_json(argument)))
    assert benchmark(function, argument) == expected

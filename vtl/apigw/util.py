"""``$util``: the six helper functions API Gateway gives mapping templates.

Each takes a String. A null argument (a missing value) gives null, which renders as nothing
(recorded: ``$util.urlEncode($input.body.testAccess)`` renders empty). Any other argument type
finds no method, as Velocity's introspection would not convert an Integer or a Map to a String.
Java exceptions (a malformed ``%`` escape, invalid base64, unparsable JSON) propagate as
:class:`~vtl.errors.JavaException`, which fails the render (API Gateway answers 500).
"""
from __future__ import annotations

from typing import Any

from .._native import util_string_method
from ..errors import JavaException
from ..runtime.objects import JavaObject, register_methods
# The string helpers are hot: their one implementation (pure Python or its Cython twin) is
# chosen in vtl.speedups.
from ..speedups import (util_base64_decode, util_base64_encode, util_escape_javascript, util_url_decode,
                        util_url_encode)
from .json_values import JsonParseError, parse_json_text


def parse_json(text: str) -> Any:
    """The same permissive json-smart parse as ``$input.path``; objects print ``{k=v}``."""
    try:
        return parse_json_text(text)
    except JsonParseError as error:
        raise JavaException(error.java_class, error.message) from None


class Util(JavaObject):
    """``$util``. Each method takes one String; null in, null out."""

    __slots__ = ()
    java_class_name = "com.amazonaws.apigateway.template.Util"


# The string methods come straight from the chosen twin (no frame of ours between); parseJson
# takes its String the same way.
register_methods(Util, {
    "escapeJavaScript": util_escape_javascript, "urlEncode": util_url_encode, "urlDecode": util_url_decode,
    "base64Encode": util_base64_encode, "base64Decode": util_base64_decode,
    "parseJson": util_string_method(parse_json),
})

"""Java's view of Python values: toString, class names, number kinds.

Values in templates are plain Python values standing for Java ones:
None ↔ null, str ↔ String, bool ↔ Boolean, int ↔ Integer/Long/BigInteger (by magnitude,
which is what Velocity's widening arithmetic produces), float ↔ Double, list ↔ ArrayList,
dict ↔ LinkedHashMap, and JavaObject subclasses for host objects.
"""
from __future__ import annotations

import math
from typing import Any

# The chosen twins (vtl.speedups), re-exported. java_output_text is the final output pass: surrogate
# halves that make a pair become one character, a lone half becomes '?' (Java's UTF-8 encoder).
from ..speedups import java_double_str, java_output_text, to_java_string  # noqa: F401
from .objects import JavaObject

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


def java_class_name(value: Any) -> str:
    """The Java class a value stands for (what ``$x.class.name`` prints)."""
    kind = type(value)
    if kind is str:
        return "java.lang.String"
    if kind is bool:
        return "java.lang.Boolean"
    if kind is int:
        if INT_MIN <= value <= INT_MAX:
            return "java.lang.Integer"
        if LONG_MIN <= value <= LONG_MAX:
            return "java.lang.Long"
        return "java.math.BigInteger"
    if kind is float:
        return "java.lang.Double"
    if isinstance(value, JavaObject):
        return value.java_class_name
    if isinstance(value, list):
        return "java.util.ArrayList"
    if isinstance(value, dict):
        return "java.util.LinkedHashMap"
    return "java.lang.Object"


class JavaClass(JavaObject):
    """What ``$x.class`` gives: only the names are reachable (no reflection)."""

    __slots__ = ("name",)
    java_class_name = "java.lang.Class"

    def __init__(self, name: str):
        self.name = name

    def java_to_string(self) -> str:
        return "class " + self.name


def class_of(value: Any) -> JavaClass:
    return JavaClass(java_class_name(value))


def _class_get_name(self: JavaClass) -> str:
    return self.name


def _class_get_simple_name(self: JavaClass) -> str:
    # A nested class's simple name is its own ('LinkedHashMap$LinkedKeySet' → 'LinkedKeySet');
    # an anonymous one ('Outer$1') has none.
    simple = self.name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]
    return "" if simple.isdigit() else simple


from .objects import register_methods  # noqa: E402  (after JavaClass exists)

register_methods(JavaClass, {"getName": _class_get_name, "getSimpleName": _class_get_simple_name,
                             "toString": JavaClass.java_to_string})


def java_equals(left: Any, right: Any) -> bool:
    """Java's left.equals(right): types matter (Integer 1 is not Double 1.0, true is not 1)."""
    if left is None or right is None:
        return left is right
    left_type, right_type = type(left), type(right)
    if left_type is bool or right_type is bool:
        return left_type is right_type and left == right
    if left_type is int or right_type is int:
        return left_type is right_type and java_class_name(left) == java_class_name(right) and left == right
    if left_type is float and right_type is float:
        if left != left:
            return right != right
        return left == right and math.copysign(1.0, left) == math.copysign(1.0, right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(java_equals(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return len(left) == len(right) and all(
            key in right and java_equals(value, right[key]) for key, value in left.items())
    return left is right or left == right

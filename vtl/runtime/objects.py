"""How values expose Java-like methods to templates: one allow-list per Python type.

A template reaches a method only through a table built here. Built-in values (str, int,
float, bool, list, dict) get their tables from ``methods.py``; host objects ($input, $util,
...) subclass :class:`JavaObject` and mark their methods with :func:`java_method`.
Nothing else of a Python object is reachable: there is no getattr fall-through.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

#: A method table maps a Java method name to the overloads that implement it.
#: Each overload is ``(min_args, max_args, function)``; ``function(receiver, *args)``.
#: An overload may raise :class:`NoMatchingOverload` when the argument *types* do not fit,
#: which Velocity treats as "no such method" (the reference then renders as its source text).
Overload = tuple[int, float, Callable[..., Any]]


class NoMatchingOverload(Exception):
    """The arguments' types fit no overload of the method: Velocity's 'method not found'."""


class NoSuchMethod:
    """Sentinel result of :func:`find_and_call` when no method fits."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_SUCH_METHOD"


NO_SUCH_METHOD = NoSuchMethod()

_tables_by_type: dict[type, dict[str, list[Overload]]] = {}
_merged_cache: dict[type, dict[str, list[Overload]]] = {}
_property_steps_cache: dict[tuple[type, str], tuple[tuple[str | None, tuple], ...]] = {}


def arity(function: Callable[..., Any]) -> tuple[int, float]:
    """(min, max) positional arguments after the receiver."""
    params = list(inspect.signature(function).parameters.values())[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return sum(1 for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty), float("inf")
    required = sum(1 for p in params if p.default is p.empty)
    return required, len(params)


def register_methods(python_type: type, methods: dict[str, Callable[..., Any] | list[Callable[..., Any]]]) -> None:
    """Add Java-named methods for a Python type (several functions for one name are overloads)."""
    table = _tables_by_type.setdefault(python_type, {})
    for name, functions in methods.items():
        if not isinstance(functions, list):
            functions = [functions]
        for function in functions:
            low, high = arity(function)
            table.setdefault(name, []).append((low, high, function))
    _merged_cache.clear()
    _property_steps_cache.clear()


def method_table(python_type: type) -> dict[str, list[Overload]]:
    """The methods reachable on values of this type, merged along its MRO (subclass first)."""
    merged = _merged_cache.get(python_type)
    if merged is None:
        merged = {}
        for klass in python_type.__mro__:
            for name, overloads in _tables_by_type.get(klass, {}).items():
                merged.setdefault(name, []).extend(overloads)
        _merged_cache[python_type] = merged
    return merged


def find_and_call(receiver: Any, name: str, args: tuple) -> Any:
    """Call ``receiver.name(*args)`` the Java way, or return NO_SUCH_METHOD.

    JavaException raised by the method propagates (the runtime adds the template position).
    """
    table = _merged_cache.get(type(receiver))
    if table is None:
        table = method_table(type(receiver))
    overloads = table.get(name)
    if overloads:
        count = len(args)
        for low, high, function in overloads:
            if low <= count <= high:
                try:
                    return function(receiver, *args)
                except NoMatchingOverload:
                    continue
    return NO_SUCH_METHOD


def has_method(python_type: type, name: str, count: int) -> bool:
    return any(low <= count <= high for low, high, _ in method_table(python_type).get(name, ()))


def property_steps(python_type: type, name: str) -> tuple[tuple[str | None, tuple], ...]:
    """How ``$x.name`` resolves on this type, in Velocity's order: ``getName()``, ``getname()``,
    a Map's ``get("name")`` (step ``(None, (name,))``), ``get("name")``, ``isName()``.

    Steps naming methods the type does not have are left out, once per (type, name), so a
    property lookup usually tries one method.
    """
    key = (python_type, name)
    steps = _property_steps_cache.get(key)
    if steps is None:
        capitalised = name[:1].upper() + name[1:]
        found: list[tuple[str | None, tuple]] = []
        for getter in dict.fromkeys(("get" + capitalised, "get" + name)):
            if has_method(python_type, getter, 0):
                found.append((getter, ()))
        if issubclass(python_type, dict):
            found.append((None, (name,)))
        elif has_method(python_type, "get", 1):
            found.append(("get", (name,)))
        if has_method(python_type, "is" + capitalised, 0):
            found.append(("is" + capitalised, ()))
        steps = _property_steps_cache[key] = tuple(found)
    return steps


def java_method(name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a method of a JavaObject subclass as reachable from templates under a Java name."""

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        function.__java_name__ = name or function.__name__  # type: ignore[attr-defined]
        return function

    return mark


class JavaObject:
    """A host object visible to templates. Only methods marked with @java_method are reachable.

    Properties follow Velocity's chain through these methods: ``$o.body`` calls ``getBody()``,
    then ``get("body")``, then ``isBody()``. ``java_class_name`` is what ``$o.class.name`` shows.
    """

    __slots__ = ()
    java_class_name = "java.lang.Object"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        marked: dict[str, list[Callable[..., Any]]] = {}
        for attribute in vars(cls).values():
            java_name = getattr(attribute, "__java_name__", None)
            if java_name:
                marked.setdefault(java_name, []).append(attribute)
        if marked:
            register_methods(cls, marked)

    def java_to_string(self) -> str:
        """What Java's toString() gives; rendering ``$o`` prints this."""
        return f"{self.java_class_name}@{id(self) & 0xFFFFFFF:x}"

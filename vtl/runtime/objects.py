"""How values expose Java-like methods to templates: one allow-list per Python type.

A template reaches a method only through a table built here. Built-in values (str, int,
float, bool, list, dict) get their tables from ``methods.py``; host objects ($input, $util,
...) subclass :class:`JavaObject` and mark their methods with :func:`java_method`.
Nothing else of a Python object is reachable: there is no getattr fall-through.
"""
from __future__ import annotations

import inspect
import operator
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
#: (type, name, argument count) → the overloads that accept that many arguments.
_callable_cache: dict[tuple[type, str, int], tuple[Callable[..., Any], ...]] = {}
#: The same for no argument and for one, as name → {type: overloads}: what the Cython twin's
#: call_method0/1 look up (two lookups of cached hashes, no key tuple to build and hash).
_callables_by_name: tuple[dict[str, dict[type, tuple[Callable[..., Any], ...]]], ...] = ({}, {})
#: (type, property name) → a function of the target giving the property's value.
_getter_cache: dict[tuple[type, str], Callable[[Any], Any]] = {}
#: Map types whose every property (but ``class``) is the map's get(name): no getX() of their
#: own comes first. Generated code reads properties of these inline; filled as types are met.
MAP_TYPES: set[type] = {dict}


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
    for cache in (_merged_cache, _property_steps_cache, _callable_cache, _getter_cache, *_callables_by_name):
        cache.clear()
    MAP_TYPES.intersection_update({dict})


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
    key = (type(receiver), name, len(args))
    functions = _callable_cache.get(key)
    if functions is None:
        functions = _callables(key)
    for function in functions:
        try:
            return function(receiver, *args)
        except NoMatchingOverload:
            continue
    return NO_SUCH_METHOD


def _callables(key: tuple[type, str, int]) -> tuple[Callable[..., Any], ...]:
    python_type, name, count = key
    functions = tuple(function for low, high, function in method_table(python_type).get(name, ())
                      if low <= count <= high)
    _callable_cache[key] = functions
    return functions


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


def property_getter(python_type: type, name: str) -> Callable[[Any], Any]:
    """``$x.name`` for targets of this type, as one function (built once per type and name)."""
    getter = _getter_cache.get((python_type, name))
    if getter is None:
        steps = property_steps(python_type, name)
        single = _callables((python_type, steps[0][0], 0)) if len(steps) == 1 and steps[0][0] else ()
        if len(single) == 1:
            getter = _call_getter(single[0])
        elif steps == ((None, (name,)),):  # a Map without a getter of that name
            getter = operator.methodcaller("get", name)
            if _is_plain_map(python_type):
                MAP_TYPES.add(python_type)
        else:
            getter = _steps_getter(steps, name)
        _getter_cache[(python_type, name)] = getter
    return getter


def _is_plain_map(python_type: type) -> bool:
    return issubclass(python_type, dict) and not any(
        name.startswith("get") and name != "getClass" and any(low == 0 for low, _, _ in overloads)
        for name, overloads in method_table(python_type).items())


def _call_getter(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def getter(target: Any) -> Any:
        try:
            return function(target)
        except NoMatchingOverload:
            return None
    return getter


def _steps_getter(steps: tuple[tuple[str | None, tuple], ...], name: str) -> Callable[[Any], Any]:
    def getter(target: Any) -> Any:
        for method, arguments in steps:
            if method is None:
                return target.get(name)
            result = find_and_call(target, method, arguments)
            if result is not NO_SUCH_METHOD:
                return result
        return None
    return getter


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

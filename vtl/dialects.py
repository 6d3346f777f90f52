"""What differs between plain Apache Velocity 1.7 and API Gateway's engine: data and small hooks.

Generated code is the same for every dialect; the dialect supplies the few runtime names
that differ (``render_reference``, ``equals``) and limits, and the apigw package plugs in
how a request becomes template variables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import InvalidInputError
from .runtime import core
from .speedups import text_or_empty


def _equals_apigateway(left: Any, right: Any) -> bool:
    """API Gateway: a null equals both ``$null`` and "" (recorded, spec §1)."""
    if left is None and right == "" or right is None and left == "":
        return True
    return core.equals(left, right)


@dataclass(frozen=True)
class Dialect:
    name: str
    render_reference: Callable[[Any, str], str]
    equals: Callable[[Any, Any], bool]
    #: What a null reference prints when it is not escaped (used by the escape rules).
    null_prints_source: bool
    #: Iterations after which #foreach stops (None: no limit).
    max_foreach_iterations: int | None = None
    max_macro_depth: int = 20
    #: Largest template source in UTF-8 bytes (None: no limit).
    max_template_bytes: int | None = None
    #: Builds template variables ($input, $util, ...) from a request; set by vtl.apigw.
    request_variables: dict[str, Callable[..., dict]] = field(default_factory=dict)

    def runtime_names(self) -> dict[str, Any]:
        """The namespace generated code runs in, for this dialect."""
        names = dict(core.GENERATED_CODE_NAMES)
        names["render_reference"] = self.render_reference
        names["equals"] = self.equals
        names["NULL_PRINTS_SOURCE"] = self.null_prints_source
        names["MAX_FOREACH"] = self.max_foreach_iterations
        return names


VELOCITY = Dialect(
    name="velocity",
    render_reference=core.render_reference_velocity,
    equals=core.equals,
    null_prints_source=True,
)

APIGATEWAY = Dialect(
    name="apigateway",
    render_reference=text_or_empty,  # API Gateway prints nothing for a null or undefined reference
    equals=_equals_apigateway,
    null_prints_source=False,
    # AWS quotas: "Iterations in a #foreach ... loop: 1,000"; "Mapping template size: 300 KB".
    max_foreach_iterations=1000,
    max_template_bytes=300 * 1024,
)

DIALECTS = {dialect.name: dialect for dialect in (VELOCITY, APIGATEWAY)}


def get_dialect(name: str | Dialect) -> Dialect:
    if isinstance(name, Dialect):
        return name
    try:
        return DIALECTS[name]
    except (KeyError, TypeError):
        raise InvalidInputError(f"unknown dialect {name!r}: choose one of {', '.join(sorted(DIALECTS))}") from None

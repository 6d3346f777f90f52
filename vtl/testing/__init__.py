"""Testing mapping templates offline: case files (``vtl test``), template coverage,
``vtl lint`` and a pytest plugin.

* :mod:`vtl.testing.cases` reads case files (YAML or JSON) into :class:`Case` objects.
* :mod:`vtl.testing.runner` runs a case (a template render or a whole integration) and
  compares what came out with what the case expects.
* :mod:`vtl.testing.coverage` records which template lines and branches ran.
* :mod:`vtl.testing.lint` finds mistakes API Gateway would only show in production.
* :mod:`vtl.testing.pytest_plugin` gives pytest fixtures and assertion helpers.
"""
from __future__ import annotations

from .compare import assert_json_subset, json_subset_mismatches

__all__ = ["assert_json_subset", "json_subset_mismatches"]

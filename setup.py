"""Builds the optional Cython twin of the hot helpers (``ext/_speedups.pyx`` → ``vtl._speedups``).

Everything else about the package is in pyproject.toml. The extension is optional: without
Cython or a C compiler, or when its compile fails, the install goes on and ``vtl`` uses the
pure-Python twin (``vtl/_native.py``); ``vtl.speedups.ACTIVE`` tells which one runs.
Set ``VTL_NO_EXTENSION=1`` to skip the build altogether.
"""
import hashlib
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the extension only makes things faster."""

    def run(self):
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 (no compiler, broken toolchain, ...)
            self._skip(error)

    def build_extension(self, extension):
        try:
            super().build_extension(extension)
        except Exception as error:  # noqa: BLE001
            self._skip(error)

    @staticmethod
    def _skip(error):
        print(f"warning: vtl's Cython speedups were not built ({error}); "
              "the pure-Python helpers will be used", file=sys.stderr)


def extensions():
    if os.environ.get("VTL_NO_EXTENSION", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("warning: Cython is not available; vtl's speedups will not be built", file=sys.stderr)
        return []
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ext", "_speedups.pyx")
    with open(source, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:16]  # vtl.speedups checks it (stale builds)
    extension = Extension("vtl._speedups", ["ext/_speedups.pyx"], optional=True,
                          define_macros=[("VTL_SPEEDUPS_SOURCE_HASH", f'"{digest}"')],
                          extra_compile_args=["-O3"] if os.name != "nt" else [])
    try:
        return cythonize([extension], language_level=3, quiet=True)
    except Exception as error:  # noqa: BLE001 (a Cython error must not fail the install)
        print(f"warning: cythonize failed ({error}); vtl's speedups will not be built", file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})

"""Builds the optional Cython extensions.

- The twin of the hot helpers: ``ext/_speedups.pyx`` → ``vtl._speedups``.
- The compiler's front end: ``vtl/lexer.py``, ``vtl/parser.py`` and ``vtl/codegen.py`` compiled
  as they are (``ext/vtl/*.pxd`` adds C types), beside their sources. They are the same code, about
  a third faster; ``vtl.speedups`` uses the ``.py`` files instead when they are newer than the build.

Everything else about the package is in pyproject.toml. The extensions are optional: without
Cython or a C compiler, or when a compile fails, the install goes on and ``vtl`` uses the pure
Python (``vtl/_native.py`` and the ``.py`` modules); ``vtl.speedups.ACTIVE`` and ``FRONT_END``
tell what runs. Set ``VTL_NO_EXTENSION=1`` to skip the build altogether.
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
    here = os.path.dirname(os.path.abspath(__file__))
    # vtl.speedups compares these with the checkout's files: a build older than its sources is ignored.
    helpers_digest = source_digest(here, ["ext/_speedups.pyx"])
    front_end_digest = source_digest(here, FRONT_END_SOURCES)
    flags = ["-O3"] if os.name != "nt" else []
    helpers = Extension("vtl._speedups", ["ext/_speedups.pyx"], optional=True, extra_compile_args=flags,
                        define_macros=[("VTL_SPEEDUPS_SOURCE_HASH", f'"{helpers_digest}"'),
                                       ("VTL_FRONT_END_SOURCE_HASH", f'"{front_end_digest}"')])
    front_end = [Extension(f"vtl.{name}", [f"vtl/{name}.py"], optional=True, extra_compile_args=flags)
                 for name in FRONT_END]
    try:
        return cythonize([helpers], language_level=3, quiet=True) + \
            cythonize(front_end, language_level=3, quiet=True, include_path=["ext"], build_dir="build/cython",
                      # the .py files' annotations are for readers: the types are in ext/vtl/*.pxd
                      compiler_directives={"annotation_typing": False})
    except Exception as error:  # noqa: BLE001 (a Cython error must not fail the install)
        print(f"warning: cythonize failed ({error}); vtl's speedups will not be built", file=sys.stderr)
        return []


#: The modules compiled as they are (vtl.speedups.FRONT_END names the same ones).
FRONT_END = ("lexer", "parser", "codegen")
FRONT_END_SOURCES = [f"vtl/{name}.py" for name in FRONT_END] + [f"ext/vtl/{name}.pxd" for name in FRONT_END]


def source_digest(root, paths):
    digest = hashlib.sha256()
    for path in paths:
        full = os.path.join(root, path)
        if os.path.exists(full):
            with open(full, "rb") as handle:
                digest.update(path.encode() + b"\0" + handle.read())
    return digest.hexdigest()[:16]


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})

"""Builds the optional Cython extensions.

- The twin of the hot helpers: ``ext/_speedups.pyx`` → ``vtl._speedups``.
- The compiler's front end: ``vtl/lexer.py``, ``vtl/parser.py`` and ``vtl/codegen.py`` compiled
  as they are (``ext/vtl/*.pxd`` adds C types), beside their sources. They are the same code, about
  a third faster; ``vtl.speedups`` imports the ``.py`` files instead when a checkout's sources
  changed since the build (their hash is built into ``vtl._speedups``).

Everything else about the package is in pyproject.toml. The extensions are optional: without
Cython or a C compiler, or when a compile fails, the install goes on and ``vtl`` uses the pure
Python (``vtl/_native.py`` and the ``.py`` modules); ``vtl.speedups.ACTIVE`` and ``FRONT_END``
tell what runs. Set ``VTL_NO_EXTENSION=1`` to skip the build altogether.
"""
import hashlib
import importlib.machinery
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
        forced = self.force
        # distutils compares mtimes in whole seconds: a header rewritten within the second of the
        # last build would not count as newer.
        self.force = forced or extension.name in MUST_REBUILD
        try:
            super().build_extension(extension)
        except Exception as error:  # noqa: BLE001
            # An older build of it would pass for this one (its sources' hash is in _speedups).
            if os.path.exists(self.get_ext_fullpath(extension.name)):
                os.remove(self.get_ext_fullpath(extension.name))
            self._skip(error)
        finally:
            self.force = forced

    @staticmethod
    def _skip(error):
        print(f"warning: a Cython extension of vtl was not built ({error}); Python runs in its place",
              file=sys.stderr)


def extensions():
    if os.environ.get("VTL_NO_EXTENSION", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("warning: Cython is not available; vtl's speedups will not be built", file=sys.stderr)
        return []
    here = os.path.dirname(os.path.abspath(__file__))
    # vtl.speedups compares these with the checkout's files: a build older than its sources is
    # ignored. A header that _speedups depends on carries them, so a new hash rebuilds it.
    hashes = os.path.join(BUILD_DIR, "vtl_source_hashes.h")
    if write_if_changed(hashes, f'#define VTL_SPEEDUPS_SOURCE_HASH "{source_digest(here, ["ext/_speedups.pyx"])}"\n'
                                f'#define VTL_FRONT_END_SOURCE_HASH "{source_digest(here, FRONT_END_SOURCES)}"\n'):
        MUST_REBUILD.add("vtl._speedups")
    flags = ["-O3", "-g0"] if os.name != "nt" else []  # (no debug information: a fifth the size)
    helpers = Extension("vtl._speedups", ["ext/_speedups.pyx"], optional=True, extra_compile_args=flags,
                        include_dirs=[BUILD_DIR], depends=[hashes])
    built = []
    for name, build in [("helpers", lambda: cythonize([helpers], language_level=3, quiet=True))] + \
            [(name, lambda name=name: cythonize_front_end(cythonize, name, flags)) for name in FRONT_END]:
        try:
            built += build()
        except Exception as error:  # noqa: BLE001 (a Cython error must not fail the install, nor the others)
            print(f"warning: cythonize failed for {name} ({error}); it will run as Python", file=sys.stderr)
            if name in FRONT_END:  # an older build of it would pass for this one (the hash is in _speedups)
                for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                    if os.path.exists(os.path.join("vtl", name + suffix)):
                        os.remove(os.path.join("vtl", name + suffix))
    return built


def cythonize_front_end(cythonize, name, flags):
    # Cython does not see that a module's types changed (ext/vtl/*.pxd): then it is forced.
    generated = os.path.join(BUILD_DIR, "vtl", f"{name}.c")
    types = os.path.join("ext", "vtl", f"{name}.pxd")
    stale = os.path.exists(types) and os.path.exists(generated) and os.path.getmtime(types) > os.path.getmtime(generated)
    return cythonize([Extension(f"vtl.{name}", [f"vtl/{name}.py"], optional=True, extra_compile_args=flags)],
                     language_level=3, quiet=True, include_path=["ext"], build_dir=BUILD_DIR, force=stale,
                     # the .py files' annotations are for readers: the types are in ext/vtl/*.pxd
                     compiler_directives={"annotation_typing": False})


BUILD_DIR = os.path.join("build", "cython")
#: Extensions whose inputs changed in ways the mtimes may not show.
MUST_REBUILD = set()
#: The modules compiled as they are (vtl.speedups.FRONT_END_MODULES names the same ones).
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


def write_if_changed(path, text):
    """Writes the file unless it holds this text already; whether it wrote."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})

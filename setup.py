"""The optional C accelerator of the cxml readers (the rest of the build is in pyproject.toml).

``cxml/reading/_speedups.pyx`` is compiled with Cython against lxml's public C API. It is
optional: without a C compiler the install still succeeds and ``cxml`` reads lxml elements
directly, about a fifth slower (``cxml.parser.speedups()`` says which is in use).
"""

from __future__ import annotations

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "cxml.reading._speedups",
                ["src/cxml/reading/_speedups.pyx"],
                include_dirs=lxml.get_include(),
                optional=True,
            )
        ],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )
)

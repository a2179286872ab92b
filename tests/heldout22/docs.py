"""Each repository's documentation: where it lives, how it is built with warnings as errors, which warnings -W meets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Docs:
    root: str
    build: str  # with -W
    ext: str
    pages: tuple[str, ...]
    sphinx: str


DOCS = {
    "django": Docs(
        "docs",
        "make -C docs html SPHINXOPTS='-W -q'",
        ".txt",
        ("ref/models/querysets", "ref/settings", "topics/http/urls", "releases/4.1", "ref/utils"),
        "4.5.0",
    ),
    "sympy": Docs(
        "doc/src",
        "make -C doc html SPHINXOPTS='-W'",
        ".rst",
        ("modules/core", "modules/polys/reference", "modules/printing", "modules/solvers/solvers", "tutorial/intro"),
        "5.3.0",
    ),
    "sphinx-doc": Docs(
        "doc",
        "python -m sphinx -W -b html -d /tmp/doctrees doc /tmp/html",
        ".rst",
        (
            "usage/configuration",
            "usage/extensions/autodoc",
            "extdev/appapi",
            "usage/restructuredtext/directives",
            "changes",
        ),
        "4.1.0",
    ),
    "astropy": Docs(
        "docs",
        "python -m sphinx -W -b html -d /tmp/doctrees docs /tmp/html",
        ".rst",
        ("wcs/index", "units/index", "table/index", "io/ascii/read", "time/index"),
        "5.3.0",
    ),
    "matplotlib": Docs(
        "doc",
        "make -C doc html-noplot SPHINXOPTS='-W'",
        ".rst",
        ("api/axes_api", "api/colors_api", "users/explain/artists", "api/next_api_changes", "devel/contribute"),
        "6.2.1",
    ),
    "scikit-learn": Docs(
        "doc",
        "make -C doc html-noplot SPHINXOPTS='-W'",
        ".rst",
        ("modules/tree", "modules/preprocessing", "whats_new/v1.3", "modules/classes", "glossary"),
        "6.1.3",
    ),
    "pydata": Docs(
        "doc",
        "python -m sphinx -W -b html -d /tmp/doctrees doc /tmp/html",
        ".rst",
        ("api", "whats-new", "user-guide/io", "user-guide/indexing", "internals/duck-arrays-integration"),
        "5.3.0",
    ),
    "pytest-dev": Docs(
        "doc/en",
        "python -m sphinx -W -b html -d /tmp/doctrees doc/en /tmp/html",
        ".rst",
        ("reference/reference", "how-to/fixtures", "changelog", "explanation/goodpractices", "how-to/mark"),
        "5.3.0",
    ),
    "psf": Docs(
        "docs",
        "make -C docs html SPHINXOPTS='-W'",
        ".rst",
        ("api", "user/quickstart", "user/advanced", "community/faq", "dev/contributing"),
        "4.5.0",
    ),
    "pallets": Docs(
        "docs",
        "make -C docs html SPHINXOPTS='-W'",
        ".rst",
        ("api", "config", "quickstart", "patterns/appfactories", "testing"),
        "5.3.0",
    ),
    "pylint-dev": Docs(
        "doc",
        "make -C doc html SPHINXOPTS='-W'",
        ".rst",
        (
            "user_guide/usage/run",
            "whatsnew/2/2.15/index",
            "user_guide/checkers/features",
            "tutorial",
            "development_guide/contributor_guide/tests/index",
        ),
        "5.3.0",
    ),
    "mwaskom": Docs(
        "doc",
        "make -C doc html SPHINXOPTS='-W'",
        ".rst",
        ("api", "whatsnew/v0.12.2", "tutorial/objects_interface", "installing", "index"),
        "6.1.3",
    ),
}

# Each warning: its text (after the location), whether it is in a docstring, and the fix the agent makes.
WARNINGS = [
    (
        "duplicate label {label}, other instance in /testbed/{root}/{page2}{ext}",
        False,
        "rename the label in {page}",
        "sed -i '{line}s/.. _{label}:/.. _{label}-{n}:/' {root}/{page}{ext}",
    ),
    ("Unexpected indentation.", True, "add the blank line the docstring is missing", "sed -i '{dline}a\\\\' {source}"),
    (
        "Block quote ends without a blank line; unexpected unindent.",
        True,
        "dedent the continuation line in the docstring",
        "sed -i '{dline}s/^            /        /' {source}",
    ),
    (
        "undefined label: '{label}'",
        False,
        "point the :ref: at the label that exists",
        "sed -i '{line}s/:ref:`{label}`/:ref:`{label}-{n}`/' {root}/{page}{ext}",
    ),
    (
        "document isn't included in any toctree",
        False,
        "mark the page :orphan:",
        "sed -i '1i :orphan:\\n' {root}/{page}{ext}",
    ),
    (
        "py:func reference target not found: {dotted}.{func}_legacy",
        False,
        "use a literal instead of the dangling :func: reference",
        "sed -i '{line}s/:func:`{dotted}.{func}_legacy`/``{func}_legacy``/' {root}/{page}{ext}",
    ),
    (
        "Title underline too short.",
        False,
        "lengthen the heading's underline",
        "sed -i '{line}s/^=*$/{underline}/' {root}/{page}{ext}",
    ),
    (
        "Inline emphasis start-string without end-string.",
        True,
        "escape *args in the docstring",
        "sed -i '{dline}s/ \\*args/ ``*args``/' {source}",
    ),
    (
        'Duplicate explicit target name: "{label}".',
        False,
        "make the second link anonymous",
        "sed -i '{line}s/`_$/`__/' {root}/{page}{ext}",
    ),
    (
        "toctree contains reference to nonexisting document '{page2}'",
        False,
        "drop the stale toctree entry",
        "sed -i '{line}d' {root}/{page}{ext}",
    ),
    (
        "Field list ends without a blank line; unexpected unindent.",
        True,
        "put a blank line after the :returns: field",
        "sed -i '{dline}a\\\\' {source}",
    ),
    (
        'Unknown interpreted text role "{role}".',
        False,
        "use the right role name",
        "sed -i '{line}s/:{role}:/:{good}:/' {root}/{page}{ext}",
    ),
]
ROLES = [("meth:", "py:meth"), ("attr", "attr"), ("class:", "class"), ("setting:", "setting"), ("exc", "exc")]

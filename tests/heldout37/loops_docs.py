# ruff: noqa: E501
"""Loops over the docs: a Sphinx build with warnings as errors, doctests that never match, a README PyPI rejects."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout37.text import Ctx, churn, dev_version, py_edit, sha

_TARGETS = ("Sequence", "np.ndarray", "optional", "array-like", "PathLike", "callable", "Iterable[str]", "numpy.dtype")


def _sphinx_warning(ctx: Ctx, rng: random.Random) -> str:
    line = rng.randint(3, 160)
    target = rng.choice(_TARGETS)
    return rng.choice(
        [
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{rng.randint(2, 30)}: WARNING: py:class reference target not found: {target}",
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.cls}:{rng.randint(2, 30)}: WARNING: py:obj reference target not found: {ctx.stem}.{rng.choice(['DEFAULT', 'Options', 'registry'])}",
            f"/testbed/{ctx.page}:{line}: WARNING: duplicate object description of {ctx.dotted}.{ctx.func}, other instance in api/{rng.choice(['index', 'reference', 'utils'])}, use :no-index: for one of them",
            f"/testbed/{ctx.docs}/changes.rst:{line}: WARNING: undefined label: '{ctx.stem}-{rng.choice(['options', 'api', 'usage'])}'",
            f"/testbed/{ctx.page}: WARNING: document isn't included in any toctree",
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{rng.randint(2, 30)}: WARNING: Inline emphasis start-string without end-string.",
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{rng.randint(2, 30)}: ERROR: Unexpected indentation.",
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{rng.randint(2, 30)}: WARNING: Block quote ends without a blank line; unexpected unindent.",
            f"/testbed/{ctx.page}:{line}: WARNING: autodoc: failed to import function '{ctx.func}' from module '{ctx.dotted}'; the following exception was raised:\nNo module named '{ctx.run.module}._{ctx.stem}_impl'",
            f"/testbed/{ctx.docs}/index.rst:{line}: WARNING: toctree contains reference to nonexisting document 'api/{ctx.stem}_options'",
        ]
    )


def sphinx_nitpick_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Docs built with -W -n: each fix of one warning lets another through, their lines moving with the edits."""
    docs = ctx.docs

    def build() -> Step:
        out = f"/tmp/docs_{rng.randint(1, 99)}"
        command = rng.choice(
            [
                f"sphinx-build -W -n -b html {docs} {docs}/_build/html",
                f"python -m sphinx -W --keep-going -n -b html {docs} {out} -q",
                f"cd {docs} && make html SPHINXOPTS='-W -n --keep-going' 2>&1 | tail -15",
                f"sphinx-build -E -W -n -b html {docs} {out} 2>&1 | tail -12",
                f"python -m sphinx -n -W -b dirhtml {docs} {out}",
                "tox -e docs 2>&1 | tail -15",
            ]
        )
        warnings = [_sphinx_warning(ctx, rng) for _ in range(rng.randint(1, 3))]
        sv = f"{rng.choice([4, 5, 6, 7])}.{rng.randint(0, 4)}.{rng.randint(0, 3)}"
        head = f"Running Sphinx v{sv}\nloading pickled environment... done\nbuilding [html]: targets for {rng.randint(1, 9)} source files that are out of date\nupdating environment: {rng.randint(0, 4)} added, {rng.randint(1, 6)} changed, 0 removed\nreading sources... [100%] api/{ctx.stem}\n"
        if "keep-going" in command:
            tail = (
                "\n".join(warnings)
                + f"\nbuild finished with problems, {len(warnings)} warning{'s' if len(warnings) > 1 else ''}."
            )
        else:
            tail = f"\nWarning, treated as error:\n{warnings[0]}"
        return Step(
            "Rebuild the docs.", command, head + tail, rc=1 if "tail" not in command else 0, seconds=rng.uniform(6, 40)
        )

    def ref(k: int) -> list[Step]:
        target = rng.choice(_TARGETS)
        full = rng.choice(
            ["collections.abc.Sequence", "numpy.ndarray", "os.PathLike", "typing.Iterable", "numpy.dtype"]
        )
        return [
            Step(
                f"The nitpicky build cannot resolve `{target}`. Use the fully qualified name in the docstring.",
                py_edit(ctx.source, f"{target}", f":class:`{full}`"),
                "patched",
            ),
            build(),
        ]

    def ignore(k: int) -> list[Step]:
        target = rng.choice(_TARGETS)
        return [
            Step(
                f"I'll tell nitpick to ignore `{target}` in conf.py instead.",
                f"cat >> {docs}/conf.py <<'EOF'\nnitpick_ignore = [('py:class', '{target}'), ('py:class', 'optional')]\nEOF",
                "",
            ),
            build(),
        ]

    def noindex(k: int) -> list[Step]:
        line = rng.randint(5, 60)
        return [
            Step(
                "The function is documented twice. Add :no-index: to the one in the API page.",
                f"sed -i '{line}a\\   :no-index:' {ctx.page} && sed -n '{line - 2},{line + 3}p' {ctx.page}",
                f".. autofunction:: {ctx.dotted}.{ctx.func}\n   :no-index:\n\n",
            ),
            build(),
        ]

    def toctree(k: int) -> list[Step]:
        line = rng.randint(8, 40)
        return [
            Step(
                "Add the API page to the toctree in index.rst.",
                f"sed -i '{line}a\\   api/{ctx.stem}' {docs}/index.rst && grep -n 'api/' {docs}/index.rst",
                f"{line - 1}:   api/index\n{line + 1}:   api/{ctx.stem}\n",
            ),
            build(),
        ]

    def indent(k: int) -> list[Step]:
        return [
            Step(
                "The docstring's bullet list needs a blank line before it. Fix the indentation.",
                py_edit(ctx.source, "    Returns:\n", "\n    Returns\n    -------\n"),
                "patched",
            ),
            build(),
        ]

    def clean(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the pickled environment is stale. Remove the build directory and rebuild from scratch.",
                rng.choice([f"rm -rf {docs}/_build && ls {docs}", f"rm -rf {docs}/_build /tmp/docs_* && ls {docs}"]),
                "Makefile\n_static\n_templates\napi\nchanges.rst\nconf.py\nindex.rst\nusage.rst\n",
            ),
            build(),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Where does the warning's text come from?",
                f"grep -rn '{rng.choice(_TARGETS)}' {ctx.source} {docs}/*.rst | head -8",
                f"{ctx.source}:{rng.randint(40, 700)}:    value : {rng.choice(_TARGETS)}, optional\n{ctx.source}:{rng.randint(40, 700)}:    values : {rng.choice(_TARGETS)}\n",
            ),
        ]

    return churn(
        ctx, rng, n, build(), [ref, ignore, noindex, toctree, indent, clean, grep], "the docs build's warnings"
    )


def _doctest_mismatch(ctx: Ctx, rng: random.Random) -> tuple[str, str, str]:
    """An example, what it expects and what it printed."""
    a = round(rng.uniform(0.1, 9.9), rng.randint(1, 3))
    return rng.choice(
        [
            (f"{ctx.func}([0.1, 0.2])", f"{a}", f"{a}0000000000004"),
            (f"{ctx.func}(0.{rng.randint(1, 9)})", f"{a:.2f}", f"{a:.{rng.randint(5, 9)}f}"),
            (f"{ctx.func}(['b', 'a'])", "{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}"),
            (f"set({ctx.func}('ab'))", "{'a', 'b'}", "{'b', 'a'}"),
            (f"{ctx.cls}()", f"{ctx.cls}(default=None)", f"<{ctx.dotted}.{ctx.cls} object at 0x7f{sha(rng, 10)}>"),
            (f"{ctx.func}(np.arange(3))", "array([0., 1., 2.])", "array([0., 1., 2.], dtype=float32)"),
            (f"{ctx.func}('x')", f"('x', {rng.randint(1, 9)})", f"('x', {rng.randint(10, 99)})"),
            (f"{ctx.func}(None)", "[]", f"{ctx.dotted}.{ctx.func}.<locals>.gen at 0x7f{sha(rng, 10)}"),
        ]
    )


def doctest_never_matches(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Doctest output that never matches: reprs with addresses, orderings, float digits, each edit missing again."""

    def run() -> Step:
        example, want, got = _doctest_mismatch(ctx, rng)
        line = rng.randint(40, 900)
        command = rng.choice(
            [
                f"python -m pytest --doctest-modules {ctx.source} -q",
                f"python -m pytest --doctest-modules {ctx.source} -q -k {ctx.func.strip('_')}",
                f"python -m doctest {ctx.source} 2>&1 | head -20",
                f"python -m pytest --doctest-glob='*.rst' {ctx.docs}/usage.rst -q",
                f"cd {ctx.docs} && make doctest 2>&1 | tail -20",
            ]
        )
        body = (
            f"{'_' * 12} [doctest] {ctx.dotted}.{ctx.func} {'_' * 12}\n"
            f"{line - 1}     Return the {ctx.stem} values.\n{line}\n"
            f"{line + 1}     >>> {example}\nExpected:\n    {want}\nGot:\n    {got}\n\n"
            f"/testbed/{ctx.source}:{line + 1}: DocTestFailure\n"
            f"{'=' * 20} short test summary info {'=' * 20}\nFAILED {ctx.source}::{ctx.dotted}.{ctx.func}\n"
            f"1 failed, {rng.randint(0, 12)} passed in {rng.uniform(0.2, 4):.2f}s"
        )
        return Step("Run the doctests again.", command, body, rc=0 if "|" in command else 1, seconds=rng.uniform(1, 9))

    def expected(k: int) -> list[Step]:
        _example, want, got = _doctest_mismatch(ctx, rng)
        return [
            Step(
                "Update the expected output in the docstring to what it prints.",
                py_edit(ctx.source, f"    {want}\n", f"    {got}\n"),
                "patched",
            ),
            run(),
        ]

    def directive(k: int) -> list[Step]:
        flag = rng.choice(["+ELLIPSIS", "+NORMALIZE_WHITESPACE", "+ELLIPSIS, +NORMALIZE_WHITESPACE", "+NUMBER"])
        return [
            Step(
                f"Add a `# doctest: {flag}` directive so small differences are tolerated.",
                py_edit(ctx.source, f">>> {ctx.func}(", f">>> {ctx.func}(  # doctest: {flag}\n    ... "),
                "patched",
            ),
            run(),
        ]

    def normalize(k: int) -> list[Step]:
        wrap = rng.choice(["sorted(", "round(", "print(", "list(", "repr("])
        return [
            Step(
                f"Make the example deterministic by wrapping it in `{wrap.rstrip('(')}`.",
                py_edit(ctx.source, f">>> {ctx.func}(", f">>> {wrap}{ctx.func}("),
                "patched",
            ),
            run(),
        ]

    def printopts(k: int) -> list[Step]:
        return [
            Step(
                "Set the print options in conftest so reprs are stable.",
                f"cat >> conftest.py <<'EOF'\n\n@pytest.fixture(autouse=True)\ndef _doctest_printoptions(doctest_namespace):\n    np.set_printoptions(precision={rng.randint(2, 8)}, legacy='1.{rng.randint(13, 25)}')\nEOF",
                "",
            ),
            run(),
        ]

    def check(k: int) -> list[Step]:
        return [
            Step(
                "Let me run the example by hand to see its exact output.",
                f'python -c "from {ctx.dotted} import *; print(repr({ctx.func}([0.1, 0.2])))"',
                rng.choice(
                    [
                        f"{rng.uniform(0.1, 9):.17f}",
                        "{'b': 2, 'a': 1}",
                        f"<{ctx.dotted}.{ctx.cls} object at 0x7f{sha(rng, 10)}>",
                    ]
                ),
            ),
        ]

    def hashseed(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the ordering depends on the hash seed. Pin it and rerun.",
                f"PYTHONHASHSEED={rng.randint(0, 4096)} python -m pytest --doctest-modules {ctx.source} -q -p no:randomly",
                run().output,
                rc=1,
                seconds=rng.uniform(1, 9),
            ),
        ]

    return churn(ctx, rng, n, run(), [expected, directive, normalize, printopts, check, hashseed], "the doctest output")


def twine_check_rejected(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`twine check` keeps rejecting the long description: each fix to the README uncovers another markup error."""

    def problem() -> str:
        line = rng.randint(4, 220)
        return rng.choice(
            [
                f'line {line}: Error: Unknown interpreted text role "{rng.choice(["class", "func", "doc", "ref"])}".',
                f'line {line}: Error: Unknown directive type "{rng.choice(["code-block", "versionadded", "automodule", "note"])}".',
                f"line {line}: Warning: Title underline too short.",
                f"line {line}: Warning: Inline literal start-string without end-string.",
                f'line {line}: Error: Unknown target name: "{rng.choice(["installation", "changelog", "documentation", ctx.stem])}".',
                f'line {line}: Warning: Duplicate explicit target name: "{rng.choice(["docs", "here", "github"])}".',
                f'line {line}: Error: Undefined substitution referenced: "{rng.choice(["version", "badge", "release"])}".',
            ]
        )

    def check() -> Step:
        ver = dev_version(rng)
        command = rng.choice(
            [
                "twine check dist/*",
                "twine check --strict dist/*",
                "rm -rf dist && python -m build 2>&1 | tail -2 && twine check dist/*",
                "rm -rf dist build && python -m build --sdist --wheel 2>&1 | tail -2 && twine check --strict dist/*",
                "python -m twine check dist/*.whl",
            ]
        )
        body = ""
        if "build" in command:
            body += f"Successfully built {ctx.norm}-{ver}.tar.gz and {ctx.norm}-{ver}-py3-none-any.whl\n"
        for art in [f"{ctx.norm}-{ver}-py3-none-any.whl", f"{ctx.norm}-{ver}.tar.gz"][: 1 if ".whl" in command else 2]:
            body += f"Checking dist/{art}: FAILED\nERROR    `long_description` has syntax errors in markup and would not be rendered on PyPI.\n         {problem()}\n"
        if rng.random() < 0.3:
            body += "WARNING  `long_description_content_type` missing. defaulting to `text/x-rst`.\n"
        return Step("Check the distributions' metadata.", command, body, rc=1, seconds=rng.uniform(2, 25))

    def fix_role(k: int) -> list[Step]:
        role = rng.choice(["class", "func", "doc", "ref"])
        return [
            Step(
                f"PyPI's renderer is plain docutils: no `:{role}:` role. Replace it with literal text.",
                f"sed -i 's/:{role}:`\\([^`]*\\)`/``\\1``/g' README.rst && grep -c ':{role}:' README.rst",
                "0",
                rc=1,
            ),
            check(),
        ]

    def fix_directive(k: int) -> list[Step]:
        return [
            Step(
                "Replace the Sphinx-only `code-block` directives with plain `code`.",
                "sed -i 's/.. code-block::/.. code::/' README.rst && grep -n '^.. ' README.rst | head",
                "\n".join(
                    f"{rng.randint(5, 200)}:.. {d}"
                    for d in ("code:: python", "image:: docs/_static/logo.png", "note::", "code:: bash")
                ),
            ),
            check(),
        ]

    def fix_title(k: int) -> list[Step]:
        line = rng.randint(4, 220)
        return [
            Step(
                f"Lengthen the underline at line {line}.",
                f"sed -i '{line}s/^=*$/{'=' * rng.randint(14, 40)}/' README.rst && sed -n '{line - 1},{line}p' README.rst",
                f"{rng.choice(['Installation', 'Usage', 'Contributing', 'Changes'])} and {ctx.stem}\n{'=' * rng.randint(14, 40)}\n",
            ),
            check(),
        ]

    def content_type(k: int) -> list[Step]:
        kind = rng.choice(["text/x-rst", "text/markdown"])
        return [
            Step(
                f"Declare the README's content type explicitly as {kind}.",
                py_edit(
                    "pyproject.toml",
                    'readme = "README.rst"',
                    f'readme = {{file = "README.rst", content-type = "{kind}"}}',
                ),
                "patched",
            ),
            check(),
        ]

    def render(k: int) -> list[Step]:
        return [
            Step(
                "Render the README locally to find every error at once.",
                rng.choice(
                    [
                        "python -m readme_renderer README.rst -o /tmp/readme.html",
                        "rst2html.py --halt=2 README.rst > /tmp/readme.html",
                    ]
                ),
                f"README.rst:{rng.randint(4, 220)}: (ERROR/3) {problem().split(': ', 2)[-1]}\n",
                rc=1,
            ),
        ]

    def changelog(k: int) -> list[Step]:
        return [
            Step(
                "The long description also concatenates CHANGES.rst; check that part.",
                "grep -n 'long_description\\|CHANGES' setup.py setup.cfg pyproject.toml 2>/dev/null | head",
                f"setup.cfg:{rng.randint(5, 30)}:long_description = file: README.rst, CHANGES.rst\n",
            ),
            check(),
        ]

    return churn(
        ctx,
        rng,
        n,
        check(),
        [fix_role, fix_directive, fix_title, content_type, render, changelog],
        "twine check on the README",
    )

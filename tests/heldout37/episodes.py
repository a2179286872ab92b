# ruff: noqa: E501
"""Productive episodes on the loops' surface: the same warnings, mismatches, rejections, missing plugins, versions
and wheel tags met once or twice, then fixed, the build or check going green.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout37.text import Ctx, dev_version, py_edit, sha, version


def _passes(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    return Step(
        thought,
        f"python -m pytest {ctx.test_file} -q",
        pytest_output(ctx, rng, ctx.test_file, rng.randint(3, 80), []),
        seconds=rng.uniform(1, 8),
    )


def nitpick_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two nitpicky warnings, each fixed at its cause, then the docs build clean."""
    out = f"/tmp/docs_{rng.randint(1, 99)}"
    build = f"python -m sphinx -W --keep-going -n -b html {ctx.docs} {out} -q"
    line = rng.randint(3, 30)
    sv = f"{rng.choice([5, 6, 7])}.{rng.randint(0, 4)}.{rng.randint(0, 3)}"
    return [
        Step(
            "Build the docs with warnings as errors, as CI does, to check my docstring.",
            build,
            f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{line}: WARNING: py:class reference target not found: array-like\n"
            f"/testbed/{ctx.page}: WARNING: document isn't included in any toctree\nbuild finished with problems, 2 warnings.",
            rc=1,
            seconds=rng.uniform(8, 30),
        ),
        Step(
            "Two warnings. `array-like` in my docstring's type is not a class: the project writes it as plain text elsewhere, so mark it as such; and my new API page must be listed in the API index.",
            py_edit(ctx.source, "values : array-like", "values : array_like"),
            "patched",
        ),
        Step(
            "Add the page to the API index's toctree.",
            f"sed -i '/^   api\\/index/a\\   api/{ctx.stem}' {ctx.docs}/index.rst && grep -n 'api/' {ctx.docs}/index.rst",
            f"{line + 10}:   api/index\n{line + 11}:   api/{ctx.stem}\n",
        ),
        Step(
            "Rebuild.",
            build,
            f"Running Sphinx v{sv}\nbuild succeeded.\n\nThe HTML pages are in {out}.",
            seconds=rng.uniform(8, 30),
        ),
    ]


def doctest_normalized(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A doctest fails once on float digits; the example prints a rounded value and passes."""
    line = rng.randint(40, 900)
    a = round(rng.uniform(0.1, 9.9), 2)
    cmd = f"python -m pytest --doctest-modules {ctx.source} -q"
    return [
        Step(
            "Run the module's doctests too, since I changed the example.",
            cmd,
            f"{'_' * 12} [doctest] {ctx.dotted}.{ctx.func} {'_' * 12}\n{line} >>> {ctx.func}([0.1, 0.2])\nExpected:\n    {a}\nGot:\n    {a}000000000000{rng.randint(2, 9)}\n\n/testbed/{ctx.source}:{line}: DocTestFailure\n1 failed, {rng.randint(2, 20)} passed in {rng.uniform(0.3, 3):.2f}s",
            rc=1,
            seconds=rng.uniform(1, 6),
        ),
        Step(
            "Float arithmetic prints the full repr. The example should show a rounded value, as the other examples in this module do.",
            py_edit(ctx.source, f">>> {ctx.func}([0.1, 0.2])", f">>> round({ctx.func}([0.1, 0.2]), 2)"),
            "patched",
        ),
        Step(
            "Run the doctests again.",
            cmd,
            f"{rng.randint(3, 21)} passed in {rng.uniform(0.3, 3):.2f}s",
            seconds=rng.uniform(1, 6),
        ),
        _passes(ctx, rng, "Doctests pass. Run the module's tests as well."),
    ]


def metadata_corrected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The backend rejects the license field once; it is written as the spec wants and the sdist and wheel check clean."""
    ver = dev_version(rng)
    return [
        Step(
            "Build the distributions to check the metadata change.",
            "python -m build 2>&1 | tail -8",
            '* Getting build dependencies for sdist...\nconfiguration error: `project.license` must be valid exactly by one definition (2 matches found):\nGIVEN VALUE:\n    "BSD-3-Clause"\n\nERROR Backend subprocess exited when trying to invoke get_requires_for_build_sdist',
            seconds=rng.uniform(3, 20),
        ),
        Step(
            "This setuptools predates license expressions, so `project.license` must be a table. Use the text form.",
            py_edit("pyproject.toml", 'license = "BSD-3-Clause"', 'license = {text = "BSD-3-Clause"}'),
            "patched",
        ),
        Step(
            "Build again.",
            "python -m build 2>&1 | tail -2",
            f"Successfully built {ctx.norm}-{ver}.tar.gz and {ctx.norm}-{ver}-py3-none-any.whl",
            seconds=rng.uniform(8, 40),
        ),
        Step(
            "Check the metadata with twine.",
            "twine check --strict dist/*",
            f"Checking dist/{ctx.norm}-{ver}-py3-none-any.whl: PASSED\nChecking dist/{ctx.norm}-{ver}.tar.gz: PASSED",
        ),
        Step(
            "Clean up the build outputs.",
            "rm -rf dist build && git status --short",
            f" M pyproject.toml\n M {ctx.source}\n",
        ),
    ]


def entry_point_registered(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The new plugin is missing once; the installed metadata is stale, the stray egg-info removed, the plugin found."""
    group, plugin = ctx.group, ctx.plugin
    ver = dev_version(rng)
    check = f"python -c \"import importlib.metadata as m; print(sorted(e.name for e in m.entry_points().select(group='{group}')))\""
    return [
        Step("Check the new plugin is discoverable.", check, "['json']"),
        Step(
            "Not there. The metadata is only regenerated on install; let me see what the installed copy declares.",
            f"cat {ctx.site}/{ctx.norm}-*.dist-info/entry_points.txt; ls -d *.egg-info src/*.egg-info 2>/dev/null",
            f"[{group}]\njson = {ctx.run.module}.ext.json:setup\n{ctx.norm}.egg-info",
        ),
        Step(
            "The installed entry_points.txt predates my change, and a stale egg-info in the tree is picked up first. Remove it and reinstall.",
            f"rm -rf {ctx.norm}.egg-info && pip install -e . --no-deps -q 2>&1 | tail -1",
            f"Successfully installed {ctx.dist}-{ver}",
            seconds=rng.uniform(5, 25),
        ),
        Step("Check again.", check, f"['json', '{plugin}']"),
        _passes(ctx, rng, "Registered. Run the tests."),
    ]


def scm_version_pretended(ctx: Ctx, rng: random.Random) -> list[Step]:
    """setuptools-scm cannot see tags in the shallow clone; a pretend version gets the install through."""
    v = version(rng)
    var = f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{ctx.norm.upper()}"
    return [
        Step(
            "Reinstall so the changed module is picked up.",
            "pip install -e . --no-deps 2>&1 | tail -4",
            "  LookupError: setuptools-scm was unable to detect version for /testbed.\n  [end of output]\nerror: metadata-generation-failed",
            seconds=rng.uniform(3, 12),
        ),
        Step(
            "This checkout is shallow with no tags, and there is no network to fetch them. setuptools-scm honours a pretend version for exactly this case; the version does not matter for the fix.",
            "git rev-parse --is-shallow-repository && git describe --tags 2>&1",
            "true\nfatal: No names found, cannot describe anything.",
        ),
        Step(
            f"Install with {var}={v}.",
            f'{var}={v} pip install -e . --no-deps -q 2>&1 | tail -1 && python -c "import {ctx.run.module}; print({ctx.run.module}.__version__)"',
            v,
            seconds=rng.uniform(4, 20),
        ),
        _passes(ctx, rng, "Installed. Run the tests."),
    ]


def wheel_rebuilt(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The wheel was built by the system python3; rebuilt with the environment's own interpreter, it installs."""
    other = rng.choice(["cp311", "cp312", "cp310"])
    ver = dev_version(rng)
    bad = f"{ctx.norm}-{ver}-{other}-{other}-linux_x86_64.whl"
    good = f"{ctx.norm}-{ver}-{ctx.cp}-{ctx.cp}-linux_x86_64.whl"
    return [
        Step(
            "Install the wheel to test the built extension.",
            "pip install --no-deps dist/*.whl",
            f"ERROR: {bad} is not a supported wheel on this platform.",
            rc=1,
        ),
        Step(
            f"The wheel is tagged {other}: I built it with `python3`, which is the system interpreter, not this environment's {ctx.python}.",
            "python --version; python3 --version",
            f"Python {ctx.python_full}\nPython 3.{other[3:]}.{rng.randint(0, 9)}",
        ),
        Step(
            "Rebuild with the environment's own interpreter.",
            "rm -rf dist build && python -m pip wheel . --no-deps -w dist 2>&1 | tail -1",
            f"Successfully built {ctx.dist}\n  Stored in directory: /testbed/dist\n  Created wheel: {good} sha256={sha(rng, 16)}",
            seconds=rng.uniform(20, 90),
        ),
        Step(
            "Install it and import.",
            f"pip install --no-deps --force-reinstall dist/{good} -q && python -c \"import {ctx.dotted}; print('ok')\"",
            "ok",
            seconds=rng.uniform(3, 10),
        ),
        _passes(ctx, rng, "Works. Run the tests against the installed build."),
    ]

"""Productive episodes: each meets its loop family's error once or twice, then genuinely resolves it.

Episodes leave the repository as they found it (they work in /tmp, in site-packages, on the command line,
or revert what they touched), so the real run goes on, and ends on the diff it recorded.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta

from heldout20.calls import Step
from heldout22.clock import DATE_TESTS
from heldout22.crash import crash_output
from heldout22.docs import DOCS
from heldout22.loops_b import TESTS, build_ok, so_path
from heldout22.loops_c import apt_refusal, fill
from heldout22.loops_e import plugin_module, plugin_versions, startup_traceback
from heldout22.native import COMPILED, NATIVE
from heldout22.system import NEEDS
from heldout22.text import Ctx, sed_escape


def crash_isolated(ctx: Ctx, rng: random.Random) -> list[Step]:
    nat = NATIVE[ctx.owner]
    script = f"/tmp/check_{nat.func.strip('_')}.py"
    bad = "\n".join(nat.script).replace("{arg}", nat.bad)
    line = next(i for i, text in enumerate(nat.script, 1) if "{arg}" in text)
    command = f"cd /testbed && python -X faulthandler {script}"
    out, rc = crash_output(ctx, rng, nat, "faulthandler", 0, script, command)
    out = out.replace(f"line {len(nat.script)} in <module>", f"line {line} in <module>").replace(
        f"line {len(nat.script) - 1} in <module>", f"line {line} in <module>"
    )
    fixed = nat.script[line - 1].replace("{arg}", nat.good)
    steps = [
        Step(
            f"Before moving on, let me exercise `{nat.func}` from a standalone script to be sure the surrounding code behaves.",
            f"cat <<'EOF' > {script}\n{bad}\nEOF\npython {script}",
            "",
            -6 if nat.abort else -11,
            3.0,
        ),
        Step(
            f"The interpreter died with {'SIGABRT' if nat.abort else 'SIGSEGV'} and no traceback. Let me rerun with faulthandler to see where.",
            command,
            out,
            rc,
            3.5,
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                f"The last Python frame is line {line} of my script. Let me look at it.",
                f"sed -n '{max(1, line - 2)},{line}p' {script}",
                "\n".join(bad.splitlines()[max(0, line - 3) : line]),
                0,
                0.1,
            )
        )
    steps += [
        Step(
            f"The crash comes from my own script: {nat.why}. The library code is fine; the argument is the problem. I'll build the input properly.",
            f"sed -i '{line}s/.*/{sed_escape(fixed)}/' {script} && python -X faulthandler {script}",
            nat.ok,
            0,
            3.0,
        ),
    ]
    return steps


def installed_with_pip(ctx: Ctx, rng: random.Random) -> list[Step]:
    need = NEEDS[ctx.owner]
    out, rc = apt_refusal(rng, need.apt, rng.random() < 0.5, rng.random() < 0.4)
    steps = [
        Step(
            f"To check this end to end I need {need.what}. Let me see whether it's available.",
            fill(need.probe, ctx),
            fill(need.symptom, ctx),
            need.symptom_rc,
            2.0,
        ),
        Step(
            f"It's missing. Let me try the system package ({need.apt}).", f"apt-get install -y {need.apt}", out, rc, 1.5
        ),
    ]
    if rng.random() < 0.4:
        package = _package(need.wheel)
        version = re.search(rf"{re.escape(package)}-([\w.]+)", need.wheel_out, re.IGNORECASE)
        steps.append(
            Step(
                "Let me see what pip can offer before going further.",
                f"pip index versions {package} 2>/dev/null | head -2",
                f"{package} ({version.group(1) if version else '1.0'})\nAvailable versions: {version.group(1) if version else '1.0'}",
                0,
                2.0,
            )
        )
    steps += [
        Step(
            "apt isn't usable here, but the Python package ships manylinux wheels that bundle the native library, so I don't need the system package at all.",
            fill(need.wheel, ctx) + " 2>&1 | tail -4",
            fill(need.wheel_out, ctx),
            0,
            rng.uniform(6, 25),
        ),
        Step("Now let me check that it works.", fill(need.use, ctx), fill(need.use_out, ctx), 0, rng.uniform(2, 8)),
    ]
    return steps


def _package(command: str) -> str:
    """The distribution a `pip install` command names first."""
    words = command.split("&&")[0].split()
    name = next(word for word in words[words.index("install") + 1 :] if not word.startswith("-"))
    return re.split(r"[<>=]", name.strip("'"))[0]


_CONF = "project = 'check'\nextensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon']\nnitpicky = True\n"


def _sphinx(ctx: Ctx, version: str, warning: str | None, fresh: bool) -> tuple[str, int]:
    lines = [
        f"Running Sphinx v{version}",
        "making output directory... done" if fresh else "loading pickled environment... done",
        "building [mo]: targets for 0 po files that are out of date",
        "building [html]: targets for 1 source files that are out of date",
        "updating environment: [new config] 1 added, 0 changed, 0 removed"
        if fresh
        else "updating environment: 0 added, 1 changed, 0 removed",
        "reading sources... [100%] index",
    ]
    if warning:
        return "\n".join([*lines, "", "Warning, treated as error:", warning]), 2
    return "\n".join(
        [
            *lines,
            "looking for now-outdated files... none found",
            "pickling environment... done",
            "checking consistency... done",
            "preparing documents... done",
            "writing output... [100%] index",
            "generating indices... genindex done",
            "writing additional pages... search done",
            "copying static files... done",
            "copying extra files... done",
            "dumping search index in English (code: en)... done",
            "dumping object inventory... done",
            "build succeeded.",
            "",
            "The HTML pages are in /tmp/docs_check/_build.",
        ]
    ), 0


def docs_warning_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    version = DOCS[ctx.owner].sphinx
    title = f"``{ctx.func}``"
    short = "=" * (len(title) - 3)
    index = f"{title}\n{short}\n\n.. toctree::\n\n   api\n\nSee :ref:`{ctx.func.strip('_')}-usage`.\n\n.. autofunction:: {ctx.dotted}.{ctx.func}\n"
    build = "python -m sphinx -W -b html /tmp/docs_check /tmp/docs_check/_build"
    warnings = [
        (
            "/tmp/docs_check/index.rst:2:Title underline too short.",
            f"sed -i '2s/.*/{'=' * len(title)}/' /tmp/docs_check/index.rst",
            "the heading's underline is shorter than the title",
        ),
        (
            "/tmp/docs_check/index.rst:4:toctree contains reference to nonexisting document 'api'",
            "sed -i '/toctree::/,/^   api$/d' /tmp/docs_check/index.rst",
            "the toctree points at a page I never wrote",
        ),
        (
            f"/tmp/docs_check/index.rst:8:undefined label: '{ctx.func.strip('_')}-usage'",
            "sed -i '/:ref:/d' /tmp/docs_check/index.rst",
            "the :ref: points at a label that doesn't exist in this small project",
        ),
    ]
    chosen = rng.sample(warnings, rng.choice([1, 2]))
    steps = [
        Step(
            f"Let me make sure the docstring of `{ctx.func}` renders without warnings. I'll build it in a scratch Sphinx project with warnings as errors.",
            f"mkdir -p /tmp/docs_check && cat <<'EOF' > /tmp/docs_check/conf.py\n{_CONF}EOF\ncat <<'EOF' > /tmp/docs_check/index.rst\n{index}EOF\n{build}",
            *_sphinx(ctx, version, chosen[0][0], fresh=True),
            rng.uniform(4, 12),
        )
    ]
    for i, (_, fix, why) in enumerate(chosen):
        nxt = chosen[i + 1][0] if i + 1 < len(chosen) else None
        steps.append(
            Step(
                f"That warning is in my scratch index.rst: {why}. Let me fix it and rebuild.",
                f"{fix} && {build}",
                *_sphinx(ctx, version, nxt, fresh=False),
                rng.uniform(4, 12),
            )
        )
    return steps


def plugin_disabled(ctx: Ctx, rng: random.Random) -> list[Step]:
    versions = plugin_versions(ctx)
    culprit = rng.choice([p for p in versions if p != "cov"] or list(versions))
    target = f"{ctx.tests_dir}/test_{ctx.stem}.py"
    site = ctx.site
    module = plugin_module(culprit)
    error = rng.choice(
        [
            [
                f'  File "{site}/pluggy/_manager.py", line 342, in check_pending',
                "    raise PluginValidationError(",
                f"pluggy._manager.PluginValidationError: unknown hook 'pytest_warning_captured' in plugin <module '{module}' from '{site}/{module.replace('.', '/')}.py'>",
            ],
            [
                f'  File "{site}/pluggy/_manager.py", line 262, in _verify_hook',
                "    raise PluginValidationError(",
                f"pluggy._manager.PluginValidationError: Plugin '{culprit}' for hook 'pytest_report_header'\nhookimpl definition: pytest_report_header(config, startdir, startpath)\nArgument(s) {{'startpath'}} are declared in the hookimpl but can not be found in the hookspec",
            ],
        ]
    )
    command = f"python -m pytest {target} -q -x"
    passed = rng.randint(6, 60)
    ok = "." * passed + f"{' ' * (72 - passed % 72)}[100%]\n{passed} passed in {rng.uniform(0.4, 6):.2f}s"
    steps = [
        Step(
            f"Let me run the tests for {ctx.stem} to check the change.",
            command,
            startup_traceback(ctx, rng, error),
            1,
            2.0,
        )
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                f"The `{culprit}` plugin fails validation against this pytest. Which version is installed?",
                f"pip list 2>/dev/null | grep -i {culprit}",
                f"{('pytest-' + culprit) if culprit != 'hypothesis' else culprit:<27}{versions[culprit]}",
                0,
                1.0,
            )
        )
    steps.append(
        Step(
            f"These tests don't use `{culprit}`, so I'll just disable that plugin for the run.",
            f"python -m pytest {target} -q -x -p no:{culprit}",
            ok,
            0,
            rng.uniform(2, 10),
        )
    )
    return steps


def extension_rebuilt(ctx: Ctx, rng: random.Random) -> list[Step]:
    comp = COMPILED[ctx.owner]
    so = so_path(ctx, comp)
    test = TESTS[ctx.owner]
    line = rng.randint(200, 1200)
    debug = 'print("DEBUG: entering fast path")' if comp.cython else 'fprintf(stderr, "DEBUG: entering fast path\\n");'
    passed = rng.randint(8, 80)
    run = f"python -m pytest {test} -x -q -s 2>&1 | tail -6"
    plain = "." * min(passed, 40) + f"\n{passed} passed in {rng.uniform(1, 9):.2f}s"
    traced = "DEBUG: entering fast path\n" * rng.randint(2, 5) + plain
    steps = [
        Step(
            f"I want to confirm which branch of the compiled code in {comp.source} these tests take. Let me add a temporary debug print there.",
            f"sed -i '{line}a\\    {debug}' {comp.source} && sed -n '{line - 1},{line + 2}p' {comp.source}",
            f"    cdef Py_ssize_t i\n    {debug}\n    for i in range(n):"
            if comp.cython
            else f"{{\n    {debug}\n    PyObject *result;",
            0,
            0.3,
        ),
        Step("Now the tests with output capture off.", run, plain, 0, rng.uniform(3, 12)),
        Step(
            "No DEBUG line at all: Python is still importing the old compiled module. Let me compare timestamps.",
            f"ls -la --time-style=+%H:%M:%S {comp.source} {so}",
            f"-rw-r--r-- 1 root root {rng.randint(30_000, 90_000)} 11:{rng.randint(10, 59)}:{rng.randint(10, 59)} {comp.source}\n-rwxr-xr-x 1 root root {rng.randint(400_000, 3_000_000)} 09:{rng.randint(10, 59)}:{rng.randint(10, 59)} {so}",
            0,
            0.2,
        ),
        Step(
            "The shared object predates my edit. Let me rebuild the extension in place.",
            "python setup.py build_ext --inplace 2>&1 | tail -8",
            build_ok(ctx, comp, rng, fresh=True),
            0,
            rng.uniform(*comp.build_s),
        ),
        Step("Running the tests again.", run, traced, 0, rng.uniform(3, 12)),
        Step(
            "The debug line shows now, so the rebuilt module is the one imported and the fast path is taken. Let me remove the debug print and rebuild so the tree is clean.",
            f"git checkout -- {comp.source} && python setup.py build_ext --inplace 2>&1 | tail -2 && git status --short {comp.source}",
            "\n".join(build_ok(ctx, comp, rng, fresh=True).splitlines()[-2:]),
            0,
            rng.uniform(*comp.build_s),
        ),
    ]
    return steps


def time_frozen(ctx: Ctx, rng: random.Random) -> list[Step]:
    test = DATE_TESTS[ctx.owner]
    now = ctx.now.replace(tzinfo=None)
    written = now - timedelta(minutes=rng.randint(20, 300))
    local = timedelta(hours=rng.choice([-8, -5, 0, 1, 9]) if test.local else 0)
    script = f"/tmp/check_{test.calls.rsplit('.', 1)[-1].lower()}.py"
    got, hand = test.render(now + local, written)
    setup = test.setup.replace("{then}", repr(written - timedelta(minutes=3)))
    body = f"{setup}\n\nEXPECTED = {hand!r}\nresult = {test.now_call}\nassert result == EXPECTED, (result, EXPECTED)\nprint('ok')"
    at = body.count("\n")  # the assert, just before the last line
    return [
        Step(
            f"Let me sanity check `{test.calls}` with a quick script, using the value I worked out by hand earlier.",
            f"cat <<'EOF' > {script}\n{body}\nEOF\ncd /testbed && python {script}",
            f'Traceback (most recent call last):\n  File "{script}", line {at}, in <module>\n    assert result == EXPECTED, (result, EXPECTED)\nAssertionError: ({got!r}, {hand!r})',
            1,
            2.0,
        ),
        Step(
            "The expectation I wrote depends on the wall clock (and the container's timezone), so the check can't be stable. I'll pass a fixed date so the result is deterministic.",
            f"sed -i 's/^EXPECTED = .*/EXPECTED = {sed_escape(repr(test.fixed_value))}/; s/^result = .*/result = {sed_escape(test.fixed)}/' {script} && python {script}",
            "ok",
            0,
            2.0,
        ),
    ]

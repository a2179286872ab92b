"""Productive episodes: the same kinds of environment trouble, hit once or a few times, then got round."""

# ruff: noqa: E501
from __future__ import annotations

import random

from heldout20.calls import Step
from heldout27.loops_build import RUST_DEPS
from heldout27.text import Ctx, tests_passed


def mount_sidestepped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A reinstall fails on the read-only mount; the install already points at the source, so none is needed."""
    mod, site = ctx.module, ctx.site
    version = f"{rng.randint(0, 6)}.{rng.randint(0, 9)}.dev{rng.randint(100, 999)}"
    steps = [
        Step(
            "Before running the tests I'll reinstall the package so the installed copy matches my edit.",
            f"pip install -e . --no-deps 2>&1 | tail -{rng.choice([3, 4])}",
            f"    Uninstalling {mod}-{version}:\nERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: '{site}/__editable__.{mod}-{version}.pth'",
            rc=1,
            seconds=rng.uniform(5, 25),
        ),
        Step(
            "site-packages is read-only. But if the existing install is already an editable one, my edit is live anyway. Let me check where the package is imported from.",
            rng.choice(
                [
                    f"python -c 'import {mod}; print({mod}.__file__)'",
                    f"python -c 'import {mod}, os; print(os.path.dirname({mod}.__file__))'",
                ]
            ),
            f"/testbed/{ctx.run.package}/__init__.py",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Good, it imports from /testbed. One more check that the running code has my change.",
                f"grep -c '{ctx.stem}' {ctx.source} && git diff --stat",
                f"{rng.randint(3, 40)}\n {ctx.source} | {rng.randint(2, 12)} ++++--\n 1 file changed",
            )
        )
    steps.append(
        Step(
            "No reinstall is needed: the package already runs from the source tree. Running the tests directly.",
            f"python -m pytest {ctx.test_file} -q 2>&1 | tail -3",
            tests_passed(ctx, rng, ctx.test_file, rng.randint(8, 90)).rsplit("\n", 1)[-1],
            seconds=rng.uniform(2, 25),
        )
    )
    return steps


def binary_wheel_chosen(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A dependency fails to build with the old rustc; an older release with a wheel installs instead."""
    dist, imp, _parent, versions = rng.choice(RUST_DEPS)
    old = versions[-1]
    steps = [
        Step(
            f"Collection fails because `{imp}` is missing. Installing {dist}.",
            f"pip install {dist} 2>&1 | tail -4",
            "      💥 maturin failed\n        Caused by: `cargo metadata` exited with an error: error: package `pyo3 v0.21.2` cannot be built because it requires rustc 1.63 or newer, while the currently active rustc version is 1.48.0\n      [end of output]\nerror: metadata-generation-failed",
            rc=1,
            seconds=rng.uniform(20, 60),
        ),
        Step(
            "The newest release only comes as source here. Let me see which versions have a prebuilt wheel for this Python.",
            f"pip index versions {dist} 2>&1 | head -3; pip download --only-binary :all: --no-deps '{dist}<={old}' -d /tmp/wheels -q && ls /tmp/wheels",
            f"{dist} ({versions[0]})\nAvailable versions: {', '.join(versions)}\n{dist.replace('-', '_')}-{old}-cp{ctx.py.replace('.', '')}-cp{ctx.py.replace('.', '')}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            seconds=rng.uniform(3, 10),
        ),
        Step(
            f"{old} has a wheel. Installing that one, no compiler needed.",
            f"pip install --only-binary :all: /tmp/wheels/{dist.replace('-', '_')}-{old}-*.whl 2>&1 | tail -1",
            f"Successfully installed {dist}-{old}",
            seconds=rng.uniform(2, 6),
        ),
        Step(
            "Now the test module should collect.",
            f"python -m pytest {ctx.test_file} -q 2>&1 | tail -2",
            tests_passed(ctx, rng, ctx.test_file, rng.randint(6, 70)).rsplit("\n", 1)[-1],
            seconds=rng.uniform(2, 20),
        ),
    ]
    return steps


def locale_fallback(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The issue's locale is not installed; a locale the image does have shows the same behaviour."""
    wanted = rng.choice(["de_DE.UTF-8", "fr_FR.UTF-8", "tr_TR.UTF-8"])
    steps = [
        Step(
            f"The issue mentions {wanted}. Let me reproduce under that locale.",
            f"LC_ALL={wanted} python {ctx.repro} 2>&1 | tail -3",
            f"bash: warning: setlocale: LC_ALL: cannot change locale ({wanted}): No such file or directory\nlocale in effect: C.UTF-8\nOK",
            seconds=rng.uniform(1, 3),
        ),
        Step(
            "That locale isn't installed. Which ones are?",
            "locale -a",
            "C\nC.UTF-8\nPOSIX\nen_US.utf8" + ("\nde_DE.utf8" if rng.random() < 0.5 else "\nen_GB.utf8"),
        ),
        Step(
            "The bug only needs a locale other than C, because the code should not depend on the process locale at all. The issue's example fails the same way under any non-C locale, and the tests patch the locale themselves, so the test run is what matters.",
            f"python -m pytest {ctx.test_file} -q -k 'locale or format' 2>&1 | tail -2",
            tests_passed(ctx, rng, ctx.test_file, rng.randint(3, 25)).rsplit("\n", 1)[-1],
            seconds=rng.uniform(2, 15),
        ),
    ]
    if rng.random() < 0.6:
        steps.insert(
            2,
            Step(
                "en_US.utf8 is there. Let me check the issue's behaviour with it.",
                f"LC_ALL=en_US.utf8 python {ctx.repro} 2>&1 | tail -2",
                f"locale in effect: en_US.UTF-8\nOK ({rng.randint(2, 30)} checks)",
                seconds=rng.uniform(1, 3),
            ),
        )
    return steps


def rate_limit_waited(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The API is rate limited for a minute; the agent reads the reset time, waits once, and reads the issue."""
    ip = f"{rng.choice([34, 35, 52])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    reset = 1_718_000_000 + rng.randint(0, 5_000_000)
    wait = rng.choice([45, 60, 75, 90])
    title = rng.choice(["Unexpected result", "Regression", "Wrong output", "Inconsistent behaviour"])
    return [
        Step(
            "The issue links an upstream discussion; let me read it to get the intended behaviour.",
            f"curl -s https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | head -c 600",
            f'{{"message":"API rate limit exceeded for {ip}. (But here\'s the good news: Authenticated requests get a higher rate limit.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}}',
        ),
        Step(
            "Rate limited. Let me see when the quota resets.",
            f"curl -sI https://api.github.com/repos/{ctx.repo} | grep -i ratelimit-reset; date +%s",
            f"x-ratelimit-reset: {reset}\n{reset - wait + rng.randint(5, 20)}",
        ),
        Step(
            f"It resets in under {wait} seconds. Waiting that long once, then fetching.",
            f'sleep {wait} && curl -s https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | python -c \'import json,sys; d=json.load(sys.stdin); print(d["title"]); print(d["body"][:400])\'',
            f"{title} in {ctx.stem} with empty input\nThe function should return the input unchanged when it is empty, as documented. Since the last release it raises instead. See the docstring of {ctx.dotted}.",
            seconds=float(wait) + rng.uniform(0.3, 1.2),
        ),
    ]


def workers_reduced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Parallel workers hit the pid limit once; the same tests run serially and pass."""
    steps = [
        Step(
            "Running the module's tests in parallel to save time.",
            f"python -m pytest {ctx.test_file} -q -n {rng.choice([4, 8, 'auto'])} 2>&1 | tail -3",
            "bash: fork: retry: Resource temporarily unavailable\nINTERNALERROR> BlockingIOError: [Errno 11] Resource temporarily unavailable",
            rc=3,
            seconds=rng.uniform(3, 15),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "The sandbox limits processes. Let me see how many are allowed.",
                "ulimit -u; cat /sys/fs/cgroup/pids.max 2>/dev/null",
                f"{rng.choice([32, 48, 64])}\n{rng.choice([32, 48, 64])}",
            )
        )
    steps.append(
        Step(
            "Too few processes for workers. The suite is small; running it serially instead.",
            f"python -m pytest {ctx.test_file} -q -p no:xdist 2>&1 | tail -2",
            tests_passed(ctx, rng, ctx.test_file, rng.randint(10, 120)).rsplit("\n", 1)[-1],
            seconds=rng.uniform(8, 60),
        )
    )
    return steps


def tex_skipped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A TeX-rendering test fails without latex; the agent finds it is meant to be skipped and runs the rest."""
    return [
        Step(
            "Running the rendering tests that cover the change.",
            f"python -m pytest {ctx.test_file} -q -x 2>&1 | tail -3",
            f"FAILED {ctx.test_file}::test_{ctx.stem}_usetex[png] - RuntimeError: Failed to process string with tex because latex could not be found\n1 failed, {rng.randint(3, 40)} passed in {rng.uniform(1, 9):.2f}s",
            rc=1,
            seconds=rng.uniform(3, 20),
        ),
        Step(
            "That one needs a TeX installation, which this machine doesn't have. Let me see how the test suite is supposed to handle that.",
            f"grep -n -B3 'def test_{ctx.stem}_usetex' {ctx.test_file}",
            f"{rng.randint(100, 700)}-\n{rng.randint(100, 700)}-@needs_usetex\n{rng.randint(100, 700)}-@image_comparison(['{ctx.stem}_usetex'])\n{rng.randint(100, 700)}:def test_{ctx.stem}_usetex():",
        ),
        Step(
            "It's marked to need usetex; CI without TeX skips it, and it isn't about my change. Running everything else.",
            f"python -m pytest {ctx.test_file} -q -k 'not usetex' 2>&1 | tail -2",
            tests_passed(ctx, rng, ctx.test_file, rng.randint(6, 80)).rsplit("\n", 1)[-1],
            seconds=rng.uniform(3, 25),
        ),
    ]

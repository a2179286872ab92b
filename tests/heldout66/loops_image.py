# ruff: noqa: E501
"""Loop family on image comparison: result images that never match their baselines, whatever is tuned."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, compare_frames, image_error, k_target, test_step
from heldout66.text import Attempt, Ctx, again, churn, grep_n, py_edit

_IMAGE_CASES = ("basic", "labels", "markers", "hatch", "alpha", "errorbar", "log_scale", "colorbar", "shared_axes")


def image_rms_tolerance_creep(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An image comparison fails after the change: tolerances raised, baselines copied over, styles and DPI swapped,
    and each run another image, extension or RMS fails."""
    src, tf, draw = ctx.src, ctx.tf, ctx.fn("draw")
    cases = rng.sample(_IMAGE_CASES, 4)
    tol = [0.0]
    styles = ["style='mpl20'"]
    body = f"def {draw}(ax, x, y, **kwargs):\n    kwargs.setdefault('solid_capstyle', 'round')\n    line, = ax.plot(x, y, **kwargs)\n    ax.margins(0.05)\n    return line\n"
    test_body = f"@image_comparison(['{ctx.subj}_{cases[0]}.png'], remove_text=True, style='mpl20')\ndef test_{ctx.subj}_{cases[0]}():\n    fig, ax = plt.subplots()\n    {draw}(ax, np.arange(10), np.arange(10) ** 2)\n    ax.set_xlim(0, 9)\n"

    def fail(kind: str = "", case: str = "") -> Fail:
        case = case or rng.choice(cases)
        name = f"test_{ctx.subj}_{case}"
        image = f"{ctx.subj}_{case}"
        kind = kind or rng.choice(["rms", "rms", "ext", "size", "rms"])
        if kind == "ext":
            ext = rng.choice(["pdf", "svg", "eps"])
            return Fail(name, image_error(ctx, rng, f"{image}_{ext}"), f"{draw}(ax, x, y)", compare_frames(ctx, rng))
        if kind == "size":
            h, w = rng.choice([(480, 640), (600, 800), (300, 400)])
            dh, dw = rng.choice([(1, 0), (0, 1), (1, 1), (h // 4, w // 4)])
            return Fail(
                name,
                f"matplotlib.testing.exceptions.ImageComparisonFailure: Image sizes do not match expected size: ({h}, {w}, 3) actual size ({h + dh}, {w + dw}, 3)",
                f"{draw}(ax, x, y)",
                compare_frames(ctx, rng),
            )
        if kind == "missing":
            return Fail(
                name,
                f"matplotlib.testing.exceptions.ImageComparisonFailure: Missing baseline image {ctx.result_dir}/{image}-expected.pdf because the following file cannot be accessed: /testbed/{ctx.baseline_dir}/{image}.pdf",
                f"{draw}(ax, x, y)",
                [(f"{ctx.mpl_dir}/testing/decorators.py", "copy_baseline", "raise ImageComparisonFailure(")],
            )
        rms = round(rng.uniform(tol[0] + 0.05, tol[0] + 9.0), 3)
        return Fail(name, image_error(ctx, rng, image, rms), f"{draw}(ax, x, y)", compare_frames(ctx, rng))

    def run(thought: str, kinds: list[str], case: str = "") -> Step:
        fails = list({f.name: f for f in (fail(k, case) for k in kinds)}.values())
        target = rng.choice([tf, tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -p no:cacheprovider"]))

    def raise_tol(k: int) -> list[Step]:
        old = tol[0]
        tol[0] = round(old + rng.choice([1, 2, 3, 5, 8, 10]) * rng.choice([1.0, 0.5, 1.5]), 1)
        where = "remove_text=True" if not old else f"tol={old}"
        new = f"remove_text=True, tol={tol[0]}" if not old else f"tol={tol[0]}"
        return [
            Step(
                again(k, f"The differences look small; let me allow tol={tol[0]} in the image comparison."),
                py_edit(tf, where, new, None),
                "patched",
            ),
            run("Rerun the image tests.", rng.sample(["rms", "ext", "rms", "size"], rng.randint(1, 2))),
        ]

    def copy_baseline(k: int) -> list[Step]:
        case = rng.choice(cases)
        image = f"{ctx.subj}_{case}"
        return [
            Step(
                again(
                    k,
                    f"My change is supposed to alter the rendering, so the baseline for {image} is just outdated. Copy the new result over it.",
                ),
                f"cp {ctx.result_dir}/{image}.png {ctx.baseline_dir}/{image}.png && git status --short {ctx.baseline_dir}",
                f" M {ctx.baseline_dir}/{image}.png",
            ),
            run(
                "Rerun with the regenerated baseline.",
                [rng.choice(["ext", "ext", "rms"]), *rng.sample(["rms", "size", "ext"], rng.randint(0, 1))],
            ),
        ]

    def regenerate_all(k: int) -> list[Step]:
        return [
            Step(
                again(k, "Let me regenerate every baseline of this module from a clean result directory."),
                f"rm -rf {ctx.result_dir} && {ctx.tests(tf, ' -q -p no:cacheprovider 2>&1 | tail -1').removeprefix('cd tests && ')}; for f in {ctx.result_dir}/*.png; do case $f in *-expected*|*-failed-diff*) ;; *) cp $f {ctx.baseline_dir}/; esac; done; git status --short | head",
                "\n".join(f" M {ctx.baseline_dir}/{ctx.subj}_{c}.png" for c in rng.sample(cases, rng.randint(1, 3)))
                + f"\n?? {ctx.result_dir.split('/')[0]}/",
                seconds=rng.uniform(5, 30),
            ),
            run("And the module again.", [rng.choice(["ext", "rms", "missing"])]),
        ]

    def style(k: int) -> list[Step]:
        old = styles[0]
        new = rng.choice([s for s in ("style='mpl20'", "style='_classic_test_patch'", "style='default'") if s != old])
        styles[0] = new
        return [
            Step(
                again(k, f"Maybe the baseline was made with another style; try {new}."),
                py_edit(tf, old, new, None),
                "patched",
            ),
            run("Rerun.", [rng.choice(["rms", "rms", "size"])]),
        ]

    def dpi(k: int) -> list[Step]:
        value = rng.choice([72, 80, 100, 150])
        return [
            Step(
                again(
                    k, f"The sizes may be off because of the figure DPI. Pin dpi={value} when the test figure is made."
                ),
                py_edit(tf, "fig, ax = plt.subplots()", f"fig, ax = plt.subplots(dpi={value})"),
                "patched",
            ),
            run("Run the image tests.", ["size", rng.choice(["rms", "ext"])]),
        ]

    def freetype(k: int) -> list[Step]:
        steps = [
            Step(
                "Text rendering depends on the FreeType version the baselines were made with. Let me check which one this build has.",
                'python -c "import matplotlib, matplotlib.ft2font as ft; print(matplotlib.__version__, ft.__freetype_version__, ft.__freetype_build_type__)"',
                f"{ctx.mpl_version(rng)} {ctx.freetype(rng)} system",
            )
        ]
        if ctx.mpl:
            steps.append(
                Step(
                    "The image tests expect the local FreeType 2.6.1 build. Let me rebuild with it.",
                    "MPLLOCALFREETYPE=1 pip install -e . --no-build-isolation 2>&1 | tail -5",
                    "  Downloading https://download.savannah.gnu.org/releases/freetype/freetype-2.6.1.tar.gz\n  error: subprocess-exited-with-error\n  urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>\n  note: This error originates from a subprocess, and is likely not a problem with pip.\nerror: metadata-generation-failed",
                    rc=1,
                    seconds=rng.uniform(10, 60),
                )
            )
        else:
            ver = rng.choice(["3.5.3", "3.7.1", "3.6.3"])
            steps.append(
                Step(
                    f"Maybe the baselines were made with matplotlib {ver}; let me install that one.",
                    f"pip install 'matplotlib=={ver}' 2>&1 | tail -3",
                    f"WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError': /simple/matplotlib/\nERROR: Could not find a version that satisfies the requirement matplotlib=={ver} (from versions: none)\nERROR: No matching distribution found for matplotlib=={ver}",
                    rc=1,
                    seconds=rng.uniform(8, 40),
                )
            )
        return steps

    def diff_box(k: int) -> list[Step]:
        case = rng.choice(cases)
        image = f"{ctx.result_dir}/{ctx.subj}_{case}"
        x0, y0 = rng.randint(0, 500), rng.randint(0, 380)
        return [
            Step(
                again(k, "Let me see where in the image the difference is."),
                f"python -c \"from PIL import Image, ImageChops; a = Image.open('{image}.png').convert('RGB'); b = Image.open('{image}-expected.png').convert('RGB'); d = ImageChops.difference(a, b); print(a.size, b.size, d.getbbox())\"",
                rng.choice(
                    [
                        f"(640, 480) (640, 480) ({x0}, {y0}, {x0 + rng.randint(3, 120)}, {y0 + rng.randint(2, 90)})",
                        "(640, 480) (640, 480) (0, 0, 640, 480)",
                        f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: '{image}-expected.png'",
                    ]
                ),
            )
        ]

    def figures_equal(k: int) -> list[Step]:
        case = rng.choice(cases)
        name = f"test_{ctx.subj}_{case}"
        return [
            Step(
                again(
                    k,
                    f"Instead of a stored baseline, compare {name} against a reference figure drawn with plain Axes calls.",
                ),
                py_edit(
                    tf,
                    f"@image_comparison(['{ctx.subj}_{case}.png'], remove_text=True, style='mpl20')\ndef {name}():\n    fig, ax = plt.subplots()\n",
                    f"@check_figures_equal(extensions=['png'])\ndef {name}(fig_test, fig_ref):\n    ax = fig_test.subplots()\n    fig_ref.subplots().plot(np.arange(10), np.arange(10) ** 2)\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the converted test.",
                f"{tf}::{name}",
                [
                    Fail(
                        name,
                        image_error(ctx, rng, f"{name}[png]"),
                        "fig_test.savefig(test_image_path)",
                        compare_frames(ctx, rng)[:1],
                    )
                ],
                rng.choice(["", " -q"]),
            ),
        ]

    def stash_check(k: int) -> list[Step]:
        cmd = ctx.tests(f"{tf}::test_{ctx.subj}_{cases[0]}", " -q")
        return [
            Step(
                again(k, "Let me confirm the baseline matched before my change, with my change stashed."),
                f"git stash && {cmd}; git stash pop",
                f'Saved working directory and index state WIP on main: {rng.randrange(16**7):07x}\n.{" " * 69}[100%]\n1 passed in {rng.uniform(0.4, 3):.2f}s\nOn branch main\nChanges not staged for commit:\n\tmodified:   {src}\n\nno changes added to commit (use "git add" and/or "git commit -a")\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})'
                if not ctx.django
                else f"Saved working directory and index state WIP on main: {rng.randrange(16**7):07x}\n.\n{'-' * 70}\nRan 1 test in {rng.uniform(0.1, 2):.3f}s\n\nOK\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})",
                seconds=rng.uniform(2, 10),
            ),
            Step(
                "So it is my change that moves the pixels, and the change is what the issue asks for. Let me see exactly what I changed in the drawing code.",
                f"git diff -U1 {src} | head -30",
                f"diff --git a/{src} b/{src}\n--- a/{src}\n+++ b/{src}\n@@ -{ctx.line(rng, 'draw')},5 +{ctx.line(rng, 'draw')},6 @@ def {draw}(ax, x, y, **kwargs):\n-    line, = ax.plot(x, y, **kwargs)\n+    kwargs.setdefault('solid_capstyle', 'round')\n+    line, = ax.plot(x, y, **kwargs)\n",
            ),
        ]

    def clean_rerun(k: int) -> list[Step]:
        step = run(again(k, "Let me clear the result images and rerun in case they're stale."), ["rms"])
        step.command = f"rm -rf {ctx.result_dir} && {step.command}"
        return [step]

    first = [
        run(f"Let me run the image tests for {draw} after my change.", ["rms"], cases[0]),
        Step(
            "Let me look at the failing test.",
            f"grep -n -B2 -A8 'def test_{ctx.subj}_{cases[0]}' {tf}",
            grep_n(ctx.line(rng, "test:" + cases[0]) - 1, test_body, 1),
        ),
    ]
    attempts: list[Attempt] = [
        raise_tol,
        copy_baseline,
        regenerate_all,
        style,
        dpi,
        freetype,
        diff_box,
        figures_equal,
        clean_rerun,
    ]
    return churn(ctx, rng, n, first, attempts, "the image comparison that never matches its baseline", draw, body)

# ruff: noqa: E501
"""Loop family on colour: discrete levels mapped through a colormap and a BoundaryNorm, each fix shifting the bins."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, k_target, test_step
from heldout66.text import Attempt, Code, Ctx, again, churn, grep_n, py_edit

_NORM_CASES = (
    "levels",
    "boundaries",
    "extend_both",
    "under_over",
    "masked",
    "colorbar_ticks",
    "top_edge",
    "discrete_cmap",
)


def _array_error(rng: random.Random, size: int) -> str:
    want = sorted(rng.randint(0, size - 2) for _ in range(size))
    got = list(want)
    idx = rng.sample(range(size), rng.randint(1, max(1, size // 2)))
    for i in idx:
        got[i] += rng.choice([-1, 1])
    if got == want:
        got[-1] += 1
    bad = sum(a != b for a, b in zip(got, want, strict=True))
    return (
        "AssertionError: \nArrays are not equal\n\n"
        f"Mismatched elements: {bad} / {size} ({100 * bad / size:.3g}%)\nMax absolute difference: {max(abs(a - b) for a, b in zip(got, want, strict=True))}\n"
        f"Max relative difference: {rng.choice(['1.', '0.5', 'inf', '0.333333'])}\n x: array({got})\n y: array({want})"
    )


def _rgba(rng: random.Random) -> str:
    return repr((*(round(rng.random(), 6) for _ in range(3)), 1.0))


def boundary_norm_index_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Values binned by levels into a resampled colormap: the count of colours, the extensions, clipping and the top
    edge each moved in turn, and each run another bin, extreme colour or keyword is wrong."""
    src, tf, norm = ctx.src, ctx.tf, ctx.fn("norm")
    body = f"def {norm}(levels, cmap='viridis', extend='neither'):\n    cmap = plt.get_cmap(cmap, len(levels) - 1)\n    norm = BoundaryNorm(levels, cmap.N, extend=extend)\n    return cmap, norm\n"
    code = Code(body)
    arr_frames = [(f"{ctx.site}/numpy/testing/_private/utils.py", "assert_array_compare", "raise AssertionError(msg)")]

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.subj}_{rng.choice(_NORM_CASES)}"
        if kind == "bins":
            return Fail(
                name, _array_error(rng, rng.randint(5, 9)), "assert_array_equal(norm(values), expected)", arr_frames
            )
        if kind == "ncolors":
            bins = rng.randint(5, 11)
            return Fail(
                name,
                f"ValueError: There are {bins} color bins including extensions, but ncolors = {bins - rng.choice([1, 2])}; ncolors must equal or exceed the number of bins",
                f"cmap, norm = {norm}(levels, extend='both')",
                [
                    (src, norm, "norm = BoundaryNorm(levels, cmap.N, extend=extend)"),
                    (f"{ctx.mpl_dir}/colors.py", "__init__", "raise ValueError("),
                ],
            )
        if kind == "extremes":
            return Fail(
                name,
                f"AssertionError: assert {_rgba(rng)} == {rng.choice(['(1.0, 0.0, 0.0, 1.0)', '(0.0, 0.0, 1.0, 1.0)', '(0.5, 0.5, 0.5, 1.0)'])}",
                "assert tuple(cmap(norm(levels[0] - 1))) == under",
            )
        if kind == "masked":
            return Fail(
                name,
                f"AssertionError: assert {_rgba(rng)} == (0.0, 0.0, 0.0, 0.0)",
                "assert tuple(cmap(norm(np.ma.masked_invalid([np.nan])))[0]) == (0.0, 0.0, 0.0, 0.0)",
            )
        if kind == "attr":
            return Fail(
                name,
                rng.choice(
                    [
                        "AttributeError: 'ListedColormap' object has no attribute 'resampled'",
                        "AttributeError: 'ListedColormap' object has no attribute 'with_extremes'",
                        "AttributeError: module 'matplotlib' has no attribute 'colormaps'",
                    ]
                ),
                f"cmap, norm = {norm}(levels)",
                [
                    (
                        src,
                        norm,
                        rng.choice(
                            [
                                "cmap = matplotlib.colormaps[cmap].resampled(len(levels) - 1)",
                                "cmap = cmap.with_extremes(under='red', over='blue')",
                            ]
                        ),
                    )
                ],
            )
        if kind == "global":
            return Fail(
                name,
                'matplotlib._api.deprecation.MatplotlibDeprecationWarning: You are modifying the state of a globally registered colormap. This has been deprecated since 3.3 and in 3.6, you will not be able to modify a registered colormap in-place. To remove this warning, you can make a copy of the colormap first. cmap = mpl.cm.get_cmap("viridis").copy()',
                f"cmap, norm = {norm}(levels, extend='both')",
                [(src, norm, "cmap.set_under('red')")],
            )
        return Fail(
            name,
            "ValueError: BoundaryNorm is not invertible",
            "cbar = fig.colorbar(mappable, ticks=levels)",
            [
                (f"{ctx.mpl_dir}/colorbar.py", "_uniform_y", "y = self.norm.inverse(y)"),
                (f"{ctx.mpl_dir}/colors.py", "inverse", 'raise ValueError("BoundaryNorm is not invertible")'),
            ],
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice([tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(
            ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -W error::DeprecationWarning"])
        )

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = code.pick(
            rng,
            [
                (
                    "plt.get_cmap(cmap, len(levels) - 1)",
                    "plt.get_cmap(cmap, len(levels) + 1)",
                    "give the colormap a colour for each extension too",
                    ["bins", "extremes"],
                ),
                (
                    "plt.get_cmap(cmap, len(levels) + 1)",
                    "plt.get_cmap(cmap, len(levels) - 1 + (extend in ('min', 'both')) + (extend in ('max', 'both')))",
                    "count the extensions exactly",
                    ["extremes", "bins"],
                ),
                (
                    "extend='neither'",
                    "extend='both'",
                    "extend both ends by default so out-of-range values get their own colours",
                    ["ncolors", "bins"],
                ),
                (
                    "BoundaryNorm(levels, cmap.N, extend=extend)",
                    "BoundaryNorm(levels, cmap.N, clip=True)",
                    "clip out-of-range values into the end bins",
                    ["extremes", "masked"],
                ),
                (
                    "BoundaryNorm(levels, cmap.N, clip=True)",
                    "BoundaryNorm(levels, cmap.N, extend=extend)",
                    "put extend back instead of clipping",
                    ["ncolors"],
                ),
                (
                    "plt.get_cmap(cmap, len(levels) - 1)",
                    "matplotlib.colormaps[cmap].resampled(len(levels) - 1)",
                    "use the colormap registry and resampled instead of the deprecated get_cmap",
                    ["attr", "bins"],
                ),
                (
                    "    return cmap, norm\n",
                    "    cmap.set_under('red')\n    cmap.set_over('blue')\n    return cmap, norm\n",
                    "set explicit under and over colours",
                    ["global", "extremes"],
                ),
                (
                    "    return cmap, norm\n",
                    "    cmap = cmap.with_extremes(under='red', over='blue', bad=(0, 0, 0, 0))\n    return cmap, norm\n",
                    "use with_extremes on a copy",
                    ["attr", "masked"],
                ),
                (
                    "    norm = BoundaryNorm(levels, cmap.N, extend=extend)\n",
                    "    norm = Normalize(levels[0], levels[-1])\n",
                    "use a plain Normalize over the level range since the colormap is already resampled",
                    ["bins", "bins", "extremes"],
                ),
            ],
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the colour tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def digitize(k: int) -> list[Step]:
        right = rng.choice(["False", "True"])
        return [
            Step(
                again(k, f"Bin the values myself with np.digitize (right={right}) so the edges are explicit."),
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('    norm = BoundaryNorm(levels, cmap.N, extend=extend)\\n', '    norm = lambda v: np.clip(np.digitize(v, levels, right={right}) - 1, -1, len(levels) - 1)\\n')\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            run("Run the tests.", ["bins", rng.choice(["inverse", "masked", "bins"])]),
        ]

    def probe(k: int) -> list[Step]:
        levels = sorted(rng.sample(range(0, 40, rng.choice([2, 5])), rng.randint(4, 6)))
        values = [levels[0] - 1, *levels, levels[-1] + 1]
        out = [-1] + [min(i, len(levels) - 2) for i in range(len(levels))] + [len(levels) - 1]
        if rng.random() < 0.5:
            out[-2] = len(levels) - 1
        return [
            Step(
                again(k, "Let me print which bin each level and the values just outside land in."),
                f"python -c \"import numpy as np; from {ctx.plot_dotted} import {norm}; cmap, norm = {norm}({levels}, extend='both'); print(cmap.N, norm.Ncmap, norm.N); print(np.asarray(norm({values})))\"",
                rng.choice(
                    [
                        f"{len(levels) + 1} {len(levels) + 1} {len(levels)}\n[{' '.join(str(v) for v in out)}]",
                        f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nValueError: There are {len(levels) + 1} color bins including extensions, but ncolors = {len(levels) - 1}; ncolors must equal or exceed the number of bins',
                    ]
                ),
            )
        ]

    def expectation(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k,
                    "The top edge belongs to the last bin in the test's own data; treat the expected value for the top level as one bin lower.",
                ),
                py_edit(
                    tf,
                    "expected = np.arange(len(levels))",
                    "expected = np.minimum(np.arange(len(levels)), len(levels) - 2)",
                ),
                "patched",
            ),
            run("Run the module.", [rng.choice(["bins", "extremes"]), rng.choice(["ncolors", "inverse", "bins"])]),
        ]

    def colorbar(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k,
                    "The colorbar test inverts the norm; give the colorbar explicit boundaries so it never calls inverse.",
                ),
                py_edit(
                    src, "    return cmap, norm\n", "    norm.boundaries = np.asarray(levels)\n    return cmap, norm\n"
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["inverse", "bins", "extremes"])]),
        ]

    first = [
        run(f"Let me run the colour mapping tests after changing {norm}.", ["bins", "extremes"]),
        Step("Let me read the helper.", f"grep -n 'def {norm}' -A6 {src}", grep_n(ctx.line(rng, "body:" + norm), body)),
    ]
    attempts: list[Attempt] = [edit, edit, edit, digitize, probe, expectation, colorbar]
    return churn(ctx, rng, n, first, attempts, "the colour bins of the BoundaryNorm", norm, lambda: code.text)

# ruff: noqa: E501
"""Productive look-alikes on colour, legends and saved sizes: the same trouble met once or twice, its cause found, green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.episodes_a import green
from heldout66.output import Fail, test_step
from heldout66.text import Ctx, py_edit


def extension_bins_counted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The colour-bin count error with extensions; the bins counted by hand, the colormap sized for the extensions
    asked for (maybe once for both always, breaking the plain case), green."""
    src, tf, norm = ctx.src, ctx.tf, ctx.fn("norm")
    levels = sorted(rng.sample(range(0, 80, rng.choice([2, 5, 10])), rng.randint(4, 7)))
    bins = len(levels) + 1
    name = f"test_{ctx.subj}_{rng.choice(['extend_both', 'under_over', 'levels_extend'])}"
    err = Fail(
        name,
        f"ValueError: There are {bins} color bins including extensions, but ncolors = {bins - 2}; ncolors must equal or exceed the number of bins",
        f"cmap, norm = {norm}({levels}, extend='both')",
        [
            (src, norm, "norm = BoundaryNorm(levels, cmap.N, extend=extend)"),
            (f"{ctx.mpl_dir}/colors.py", "__init__", "raise ValueError("),
        ],
    )
    steps = [test_step(ctx, rng, f"Let me run the colour tests after changing {norm}.", tf, [err])]
    line = ctx.line(rng, "norm")
    steps.append(
        Step(
            "The colormap is resampled to one colour per interval, but with extend='both' the norm also needs a colour below and above. Let me read it.",
            f"sed -n '{line},{line + 4}p' {src}",
            f"def {norm}(levels, cmap='viridis', extend='neither'):\n    cmap = plt.get_cmap(cmap, len(levels) - 1)\n    norm = BoundaryNorm(levels, cmap.N, extend=extend)\n    return cmap, norm\n",
        )
    )
    exact = "len(levels) - 1 + (extend in ('min', 'both')) + (extend in ('max', 'both'))"
    if rng.random() < 0.5:
        steps += [
            Step(
                "Give the colormap room for both extensions.",
                py_edit(src, "plt.get_cmap(cmap, len(levels) - 1)", "plt.get_cmap(cmap, len(levels) + 1)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.subj}_levels",
                        f"AssertionError: assert {bins} == {bins - 2}\n +  where {bins} = <matplotlib.colors.ListedColormap object at 0x7f{rng.randrange(16**8):08x}>.N",
                        "assert cmap.N == len(levels) - 1",
                    )
                ],
            ),
            Step(
                "Right, without extensions the colormap must stay at one colour per interval. Count only the extensions actually requested.",
                py_edit(src, "plt.get_cmap(cmap, len(levels) + 1)", f"plt.get_cmap(cmap, {exact})"),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "Count the extensions that are requested: one colour per interval plus one for each extended end.",
                py_edit(src, "plt.get_cmap(cmap, len(levels) - 1)", f"plt.get_cmap(cmap, {exact})"),
                "patched",
            )
        )
    values = [levels[0] - 1, levels[0], levels[-2], levels[-1] + 1]
    got = [-1, 1, bins - 2, bins]
    width = max(len(str(v)) for v in got)
    steps += [
        Step(
            "Check by hand: below the first level should give -1 (the under colour), the last interval its own bin, above the last level N (the over colour).",
            f"python -c \"import numpy as np; from {ctx.plot_dotted} import {norm}; cmap, norm = {norm}({levels}, extend='both'); print(cmap.N, np.asarray(norm({values})))\"",
            f"{bins} [{' '.join(str(v).rjust(width) for v in got)}]",
        ),
        green(ctx, rng, "Run the colour tests.", tf),
    ]
    return steps


def nolegend_labels_skipped(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Auto-named artists show up in the legend; their labels printed, underscore labels skipped (maybe the order
    fixed once too, by taking the axes' own handles), green."""
    src, tf, legend = ctx.src, ctx.tf, ctx.fn("legend")
    want = ctx.labels(rng, 3)
    hidden = rng.choice(["_child1", "_child2", "_line0", "_collection0"])
    name = f"test_{ctx.subj}_{rng.choice(['legend_labels', 'hidden_labels', 'legend'])}"
    code = "assert [t.get_text() for t in leg.get_texts()] == expected"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the legend tests after my change.",
            tf,
            [
                Fail(
                    name,
                    f"AssertionError: assert {[*want[:2], hidden, want[2]]!r} == {want!r}\n  At index 2 diff: {hidden!r} != {want[2]!r}\n  Left contains one more item: {want[2]!r}",
                    code,
                )
            ],
        ),
        Step(
            "An artist without a label of its own gets an automatic underscore name. Let me print the labels the axes hold.",
            f"python - <<'EOF'\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], label={want[0]!r})\nax.plot([2, 1], label={want[1]!r})\nax.axhline(0)\nax.scatter([1], [1], label={want[2]!r})\nprint([a.get_label() for a in ax.get_lines() + ax.collections])\nEOF",
            f"{[want[0], want[1], hidden, want[2]]!r}",
        ),
        Step(
            f"matplotlib's own rule is that labels starting with an underscore are not shown. {legend} only checks that the label is non-empty; skip the underscore ones.",
            py_edit(
                src,
                "    handles = [a for a in artists if a.get_label()]\n",
                "    handles = [a for a in artists if a.get_label() and not a.get_label().startswith('_')]\n",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        order = [want[0], want[2], want[1]]
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.subj}_legend_order",
                        f"AssertionError: assert {order!r} == {want!r}\n  At index 1 diff: {want[2]!r} != {want[1]!r}",
                        code,
                    )
                ],
            ),
            Step(
                "Now the order: grouping lines before collections is my helper's doing, while the test expects the order the artists were added. The axes' own get_legend_handles_labels already filters and keeps the plotting order for these.",
                py_edit(
                    src,
                    "    artists = ax.get_lines() + ax.collections + ax.patches\n    handles = [a for a in artists if a.get_label() and not a.get_label().startswith('_')]\n    labels = [a.get_label() for a in handles]\n",
                    "    handles, labels = ax.get_legend_handles_labels()\n",
                ),
                "patched",
            ),
        ]
    steps.append(green(ctx, rng, "Run the legend tests.", tf))
    return steps


def inches_kept_unrounded(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A saved image one pixel short; the size in inches printed times the DPI, found rounded to two decimals in the
    helper, kept exact; green."""
    src, tf, save = ctx.src, ctx.tf, ctx.fn("save")
    w, h, dpi = rng.choice([(500, 400, 72), (700, 500, 72), (333, 250, 100), (350, 260, 72)])
    iw, ih = round(w / dpi, 2), round(h / dpi, 2)
    gw, gh = int(iw * dpi), int(ih * dpi)
    name = f"test_{ctx.subj}_{rng.choice(['png_size', 'pixel_size', 'exact_pixels'])}"
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the saving tests after changing {save}.",
            tf,
            [
                Fail(
                    name,
                    f"AssertionError: assert ({gw}, {gh}) == ({w}, {h})",
                    "assert Image.open(path).size == (width, height)",
                )
            ],
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx,
                rng,
                "Same with a fresh tmp dir? Run that test alone.",
                f"{tf}::{name}",
                [
                    Fail(
                        name,
                        f"AssertionError: assert ({gw}, {gh}) == ({w}, {h})",
                        "assert Image.open(path).size == (width, height)",
                    )
                ],
                " -p no:cacheprovider",
            )
        )
    line = ctx.line(rng, "save")
    steps += [
        Step(
            "A pixel short looks like truncation. Let me see how the figure size is derived from the pixels.",
            f"grep -n 'set_size_inches\\|figsize' {src}",
            f"{line}:    fig.set_size_inches(round(width / dpi, 2), round(height / dpi, 2))\n{line + rng.randint(15, 80)}:    figsize = fig.get_size_inches()",
        ),
        Step(
            "Check what that size comes to in pixels.",
            f'python -c "print({w} / {dpi}, round({w} / {dpi}, 2) * {dpi}, int(round({w} / {dpi}, 2) * {dpi}))"',
            f"{w / dpi} {iw * dpi} {int(iw * dpi)}",
        ),
        Step(
            "Rounding the inches to two decimals loses part of a pixel and Agg truncates the canvas size. Keep the exact ratio.",
            py_edit(
                src,
                "fig.set_size_inches(round(width / dpi, 2), round(height / dpi, 2))",
                "fig.set_size_inches(width / dpi, height / dpi)",
            ),
            "patched",
        ),
        green(ctx, rng, "Rerun the saving tests.", tf),
    ]
    return steps

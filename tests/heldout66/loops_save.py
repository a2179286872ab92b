# ruff: noqa: E501
"""Loop family on saved images: pixel sizes and DPI records that never come out as the tests expect."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, k_target, test_step
from heldout66.text import Attempt, Code, Ctx, again, churn, grep_n, py_edit

_SAVE_CASES = (
    "png_size",
    "tight_size",
    "dpi_figure",
    "pad_inches",
    "jpeg_quality",
    "dpi_metadata",
    "does_not_mutate",
    "webp",
)


def _size(rng: random.Random) -> tuple[int, int]:
    return rng.choice([(640, 480), (800, 600), (460, 345), (960, 720), (500, 400), (320, 240)])


def tight_bbox_pixel_size_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A save helper whose output the tests measure in pixels: tight bboxes, padding, DPI sources and rounding each
    adjusted, and each run another size, DPI record or figure state is off."""
    src, tf, save = ctx.src, ctx.tf, ctx.fn("save")
    body = f"def {save}(fig, fname, dpi=None, **kwargs):\n    kwargs.setdefault('bbox_inches', 'tight')\n    kwargs.setdefault('pad_inches', 0.1)\n    fig.savefig(fname, dpi=dpi or fig.dpi, **kwargs)\n    return fname\n"
    code = Code(body)

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.subj}_{rng.choice(_SAVE_CASES)}"
        if kind == "size":
            w, h = _size(rng)
            dw, dh = rng.choice([(1, 0), (0, 1), (1, 1), (-1, 0), (20, 20), (-57, -31), (3, 2)])
            return Fail(
                name,
                f"AssertionError: assert ({w + dw}, {h + dh}) == ({w}, {h})\n  At index 0 diff: {w + dw} != {w}"
                if dw
                else f"AssertionError: assert ({w}, {h + dh}) == ({w}, {h})\n  At index 1 diff: {h + dh} != {h}",
                "assert Image.open(path).size == expected",
            )
        if kind == "meta":
            dpi = rng.choice([72, 100, 150, 300])
            got = round(int(dpi / 0.0254 + 0.5) * 0.0254, 4)
            return Fail(
                name,
                f"AssertionError: assert ({got}, {got}) == ({dpi}, {dpi})",
                "assert Image.open(path).info['dpi'] == (dpi, dpi)",
            )
        if kind == "mutate":
            a, b = rng.choice([(100.0, 72.0), (150.0, 100.0), (72.0, 100.0), (200.0, 100.0)])
            return Fail(
                name,
                f"AssertionError: assert {a} == {b}\n +  where {a} = <Figure size 640x480 with 1 Axes>.dpi",
                "assert fig.dpi == dpi_before",
            )
        if kind == "large":
            return Fail(
                name,
                f"ValueError: Image size of {rng.choice([64000, 96000, 128000])}x{rng.choice([480, 600, 48000])} pixels is too large. It must be less than 2^16 in each direction.",
                f"{save}(fig, path, dpi=dpi)",
                [
                    (src, save, "fig.savefig(fname, dpi=dpi or fig.dpi, **kwargs)"),
                    (
                        f"{ctx.mpl_dir}/backends/backend_agg.py",
                        "__init__",
                        "self._renderer = _RendererAgg(int(width), int(height), dpi)",
                    ),
                ],
            )
        if kind == "format":
            return Fail(
                name,
                "ValueError: Format 'webp' is not supported (supported formats: eps, jpeg, jpg, pdf, pgf, png, ps, raw, rgba, svg, svgz, tif, tiff)",
                f"{save}(fig, tmp_path / 'out.webp')",
                [(f"{ctx.mpl_dir}/backend_bases.py", "_switch_canvas_and_return_print_method", "raise ValueError(")],
            )
        return Fail(
            name,
            "UserWarning: Tight layout not applied. tight_layout cannot make axes width small enough to accommodate all axes decorations",
            "fig.tight_layout()",
            [(f"{ctx.mpl_dir}/figure.py", "tight_layout", "_api.warn_external(")],
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice([tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -W error::UserWarning"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = code.pick(
            rng,
            [
                (
                    "    kwargs.setdefault('bbox_inches', 'tight')\n",
                    "",
                    "stop cropping by default; only crop when asked",
                    ["size", "size"],
                ),
                (
                    "    kwargs.setdefault('pad_inches', 0.1)\n",
                    "    kwargs.setdefault('pad_inches', 0)\n",
                    "drop the padding around the tight box",
                    ["size"],
                ),
                (
                    "dpi=dpi or fig.dpi",
                    "dpi=dpi or 'figure'",
                    "let savefig use the figure's DPI itself",
                    ["size", "meta"],
                ),
                ("dpi=dpi or fig.dpi", "dpi=dpi or rcParams['savefig.dpi']", "respect savefig.dpi", ["size", "mutate"]),
                (
                    "    fig.savefig(fname",
                    "    fig.set_dpi(dpi or fig.dpi)\n    fig.savefig(fname",
                    "set the DPI on the figure before saving",
                    ["mutate", "size"],
                ),
                (
                    "    fig.savefig(fname",
                    "    w, h = fig.get_size_inches()\n    d = dpi or fig.dpi\n    fig.set_size_inches(round(w * d) / d, round(h * d) / d)\n    fig.savefig(fname",
                    "round the size to whole pixels before saving",
                    ["mutate", "size"],
                ),
                (
                    "    kwargs.setdefault('bbox_inches', 'tight')\n",
                    "    fig.tight_layout()\n",
                    "use tight_layout instead of a tight bbox",
                    ["layout", "size"],
                ),
                (
                    "    fig.savefig(fname, dpi=dpi or fig.dpi, **kwargs)\n",
                    "    kwargs.setdefault('pil_kwargs', {'dpi': (dpi or fig.dpi,) * 2})\n    fig.savefig(fname, dpi=dpi or fig.dpi, **kwargs)\n",
                    "write the DPI into the file explicitly",
                    ["meta", "format"],
                ),
                (
                    "dpi=dpi or fig.dpi",
                    "dpi=(dpi or fig.dpi) / 2.54",
                    "treat dpi as dots per centimetre as the docstring says",
                    ["size", "large"],
                ),
            ],
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the saving tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def probe(k: int) -> list[Step]:
        dpis = sorted(rng.sample([50, 72, 80, 100, 150, 200], 3))
        w, h = rng.choice([(6.4, 4.8), (8, 6), (4, 3)])
        lines = []
        for d in dpis:
            tw, th = round(w * d * rng.uniform(0.86, 0.95)), round(h * d * rng.uniform(0.86, 0.95))
            lines.append(f"{d} ({round(w * d)}, {round(h * d)}) ({tw}, {th})")
        return [
            Step(
                again(k, "Let me measure what comes out at a few DPIs, with and without the tight box."),
                f"python - <<'EOF'\nimport io\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfrom PIL import Image\nfig, ax = plt.subplots(figsize=({w}, {h}))\nax.plot([0, 1], [0, 1])\nfor d in {dpis}:\n    sizes = []\n    for bbox in (None, 'tight'):\n        b = io.BytesIO()\n        fig.savefig(b, format='png', dpi=d, bbox_inches=bbox)\n        sizes.append(Image.open(b).size)\n    print(d, *sizes)\nEOF",
                "\n".join(lines),
            )
        ]

    def expectation(k: int) -> list[Step]:
        w, h = _size(rng)
        return [
            Step(
                again(k, "The tight size depends on the text extents, so allow a couple of pixels in the test."),
                py_edit(
                    tf,
                    "    assert Image.open(path).size == expected\n",
                    "    size = Image.open(path).size\n    assert abs(size[0] - expected[0]) <= 2 and abs(size[1] - expected[1]) <= 2\n",
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["size", "meta", "mutate"])]),
            Step(
                "Let me see the numbers of the case that still fails.",
                f"grep -n 'expected = ({w}' -B6 {tf}",
                f"{ctx.line(rng, 'size')}-    fig = plt.figure(figsize=({w / 100}, {h / 100}), dpi=100)\n{ctx.line(rng, 'size') + 5}:    expected = ({w}, {h})",
            ),
        ]

    first = [
        run(f"Let me run the saving tests after changing {save}.", ["size", rng.choice(["mutate", "meta"])]),
        Step(
            "Let me look at the helper.", f"grep -n 'def {save}' -A6 {src}", grep_n(ctx.line(rng, "body:" + save), body)
        ),
    ]
    attempts: list[Attempt] = [edit, edit, edit, probe, expectation, edit]
    return churn(ctx, rng, n, first, attempts, "the saved images' pixel sizes", save, lambda: code.text)

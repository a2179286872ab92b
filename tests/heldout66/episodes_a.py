# ruff: noqa: E501
"""Productive look-alikes on images, fonts and ticks: the same trouble met once or twice, its cause found, green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, compare_frames, image_error, test_step
from heldout66.text import Ctx, py_edit


def green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def failed_diff_localised(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An image comparison fails (maybe twice, another RMS); the difference located in the image, traced to a default
    the change altered by accident, restored; the image tests pass."""
    src, tf, draw = ctx.src, ctx.tf, ctx.fn("draw")
    case = rng.choice(["markers", "errorbar", "basic", "labels"])
    name, image = f"test_{ctx.subj}_{case}", f"{ctx.subj}_{case}"
    kwarg, old, new, now = rng.choice(
        [
            (
                "markeredgewidth",
                "markeredgewidth=kwargs.get('linewidth', 1.0)",
                "markeredgewidth=rcParams['lines.markeredgewidth']",
                "the line width",
            ),
            (
                "capsize",
                "capsize=kwargs.pop('capsize', 3)",
                "capsize=kwargs.pop('capsize', rcParams['errorbar.capsize'])",
                "a fixed 3",
            ),
            ("zorder", "zorder=3", "zorder=kwargs.pop('zorder', 2)", "a fixed zorder of 3"),
        ]
    )
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the image tests for {draw} after my change.",
            tf,
            [Fail(name, image_error(ctx, rng, image), f"{draw}(ax, x, y)", compare_frames(ctx, rng))],
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx,
                rng,
                "Run just that one again to make sure it's not a leftover result image.",
                f"{tf}::{name}",
                [Fail(name, image_error(ctx, rng, image), f"{draw}(ax, x, y)", compare_frames(ctx, rng))],
                " -p no:cacheprovider",
            )
        )
    x0, y0 = rng.randint(60, 400), rng.randint(50, 300)
    w, h = rng.randint(8, 120), rng.randint(6, 90)
    line = ctx.line(rng, "draw")
    steps += [
        Step(
            "Rather than touch the tolerance, let me see where in the image the difference is.",
            f"python -c \"from PIL import Image, ImageChops; a = Image.open('{ctx.result_dir}/{image}.png').convert('RGB'); b = Image.open('{ctx.result_dir}/{image}-expected.png').convert('RGB'); print(a.size == b.size, ImageChops.difference(a, b).getbbox())\"",
            f"True ({x0}, {y0}, {x0 + w}, {y0 + h})",
        ),
        Step(
            f"Only a small box differs, so the data is in the right place but how part of it is drawn changed. My change touched how {draw} builds its keyword arguments; let me look.",
            f"grep -n '{kwarg}' {src} | head",
            f"{line}:        {old},\n{line + rng.randint(20, 200)}:    # {kwarg} follows rcParams unless given",
        ),
        Step(
            f"That's the cause: {kwarg} is now {now} instead of the default it followed before, which is what the baseline was drawn with. Restore it.",
            py_edit(src, old, new),
            "patched",
        ),
        green(ctx, rng, "Rerun the image tests.", tf),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "And make sure no failed-diff images are left from this run.",
                f"ls {ctx.result_dir}/ | grep -c failed-diff",
                "0",
                rc=1,
            )
        )
    return steps


def font_cache_refreshed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A findfont warning for a font that is installed: the font list cache predates it; rebuilt, found, green."""
    tf, font = ctx.tf, ctx.fn("font")
    family, path = rng.choice(
        [
            ("Liberation Sans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
            ("DejaVu Serif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
            ("Noto Sans", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
        ]
    )
    cache = rng.choice(["fontlist-v330.json", "fontlist-v390.json", "fontlist-v310.json"])
    warn = Fail(
        f"test_{ctx.subj}_{rng.choice(['font_found', 'font_family', 'no_font_warnings'])}",
        f'AssertionError: assert not [<LogRecord: matplotlib.font_manager, 30, {ctx.mpl_abs}/font_manager.py, {rng.randint(1300, 1600)}, "findfont: Font family %s not found.">]',
        "assert not [r for r in caplog.records if r.name == 'matplotlib.font_manager']",
    )
    steps = [test_step(ctx, rng, f"Let me run the label tests after changing {font}.", tf, [warn])]
    steps += [
        Step(
            f"Is {family} installed at all?",
            f"fc-list | grep -i '{family}' | head -3",
            f"{path}: {family}:style=Regular\n{path.replace('Regular', 'Bold')}: {family}:style=Bold",
        ),
        Step(
            "It is installed, so matplotlib's font list must be older than the font. Let me check the cache's date against the font's.",
            f"ls -l --time-style=long-iso ~/.cache/matplotlib/{cache} {path}",
            f"-rw-r--r-- 1 root root {rng.randint(60000, 160000)} 2024-0{rng.randint(1, 4)}-{rng.randint(10, 28)} 09:{rng.randint(10, 59)} /root/.cache/matplotlib/{cache}\n-rw-r--r-- 1 root root {rng.randint(300000, 420000)} 2024-0{rng.randint(5, 9)}-{rng.randint(10, 28)} 14:{rng.randint(10, 59)} {path}",
        ),
        Step(
            "The cache is from before the font was installed. Remove it so matplotlib rescans, and check what findfont returns now.",
            f'rm ~/.cache/matplotlib/{cache} && python -c "import matplotlib.font_manager as fm; print(fm.findfont({family!r}))"',
            f"Matplotlib is building the font cache; this may take a moment.\n{path}",
            seconds=rng.uniform(4, 15),
        ),
        green(ctx, rng, "Rerun the label tests.", tf),
    ]
    return steps


def offset_flag_passed_through(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Large tick values shown as an offset the test does not expect; the formatter printed, the helper found to ignore
    its flag, passed through; the tick tests pass."""
    src, tf, ticks = ctx.src, ctx.tf, ctx.fn("ticks")
    lo = rng.choice([100000, 250000, 1000000, 40000])
    vals = [lo + i * 5 for i in range(5)]
    name = f"test_{ctx.subj}_{rng.choice(['large_values', 'no_offset', 'tick_labels'])}"
    fail = Fail(
        name,
        f"AssertionError: assert {[str(v - lo) for v in vals]!r} == {[str(v) for v in vals]!r}",
        "assert labels == [str(v) for v in values]",
    )
    steps = [test_step(ctx, rng, f"Let me run the tick tests after changing {ticks}.", tf, [fail])]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Is the test drawing before it reads the labels?",
                f"grep -n 'def {name}' -A8 {tf}",
                f"{ctx.line(rng, 'test')}:def {name}():\n    fig, ax = plt.subplots()\n    ax.plot({vals}, [0, 1, 2, 3, 4])\n    {ticks}(ax.xaxis, use_offset=False)\n    fig.canvas.draw()\n    labels = [t.get_text() for t in ax.get_xticklabels()]\n",
            )
        )
    line = ctx.line(rng, "ticks")
    steps += [
        Step(
            "The labels are the values minus an offset. Let me see what the helper sets up with use_offset=False.",
            f"python -c \"import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; from {ctx.plot_dotted} import {ticks}; fig, ax = plt.subplots(); ax.plot({vals}, range(5)); f = {ticks}(ax.xaxis, use_offset=False); fig.canvas.draw(); print(type(f).__name__, f.get_useOffset(), repr(f.get_offset()))\"",
            f"ScalarFormatter True '+{lo:.5g}'",
        ),
        Step(
            "The flag is not reaching the formatter. Let me read the helper.",
            f"sed -n '{line},{line + 7}p' {src}",
            f"def {ticks}(axis, values=None, use_offset=None):\n    fmt = ScalarFormatter(useOffset=True, useMathText=False)\n    fmt.set_powerlimits((-4, 5))\n    axis.set_major_formatter(fmt)\n",
        ),
        Step(
            "useOffset is hard-coded to True. Pass the parameter through, defaulting to the rcParam when it's None.",
            py_edit(
                src,
                "ScalarFormatter(useOffset=True, useMathText=False)",
                "ScalarFormatter(useOffset=use_offset if use_offset is not None else rcParams['axes.formatter.useoffset'], useMathText=False)",
            ),
            "patched",
        ),
        green(ctx, rng, "Rerun that test.", f"{tf}::{name}"),
    ]
    if rng.random() < 0.7:
        steps.append(green(ctx, rng, "And the whole tick module, since the default path changed too.", tf))
    return steps

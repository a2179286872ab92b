# ruff: noqa: E501
"""Loop families on axes: tick labels whose offset, precision and minus sign flip with each formatter, and legends
whose entries come out in another order, doubled or with hidden labels."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, k_target, test_step
from heldout66.text import Attempt, Code, Ctx, again, churn, grep_n, py_edit

_TICK_CASES = ("tick_labels", "large_values", "negative", "offset_text", "precision", "small_values", "log_ticks")


def _ticks(rng: random.Random, k: int = 5) -> list[float]:
    step = rng.choice([0.1, 0.2, 0.25, 0.5, 1.0, 2.0])
    start = rng.choice([-2, -1, 0, 0, 1]) * step * 2
    return [round(start + i * step, 4) for i in range(k)]


def _fmt(values: list[float], style: str) -> list[str]:
    if style == "g":
        out = [f"{v:g}" for v in values]
    elif style == "2f":
        out = [f"{v:.2f}" for v in values]
    else:
        out = [f"{v:.1f}" for v in values]
    return [s.replace("-", "\u2212") if style == "minus" else s for s in out]


def tick_label_offset_flipflop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A formatter helper whose labels the tests pin: each option fixes one case (offset, precision, minus sign,
    scientific notation) and breaks another."""
    src, tf, ticks = ctx.src, ctx.tf, ctx.fn("ticks")
    body = f"def {ticks}(axis, values=None):\n    fmt = ScalarFormatter(useOffset=True, useMathText=False)\n    fmt.set_powerlimits((-4, 5))\n    axis.set_major_formatter(fmt)\n    if values is not None:\n        axis.set_ticks(values)\n    return fmt\n"
    code = Code(body)

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.subj}_{rng.choice(_TICK_CASES)}"
        values = _ticks(rng)
        code = "assert [t.get_text() for t in ax.get_xticklabels()] == expected"
        if kind == "empty":
            return Fail(name, f"AssertionError: assert {[''] * len(values)!r} == {_fmt(values, '1f')!r}", code)
        if kind == "offset":
            base = rng.choice([1e4, 1e5, 1e6, 2.5e5])
            got = repr(rng.choice([f"+{base:.4g}", f"{base:.0e}".replace("e+0", "e"), "1e5", "+1e5"]))
            want = repr(rng.choice(["", "+1e5", "1e6"]))
            return Fail(name, f"AssertionError: assert {got} == {want}", f"assert fmt.get_offset() == {want}")
        if kind == "mathtext":
            exp = rng.choice([3, 4, 5, 6, -3, -5])
            return Fail(
                name,
                "AssertionError: assert '$\\\\times\\\\mathdefault"
                + "{10^{"
                + f"{exp}"
                + "}}\\\\mathdefault{}$' == "
                + f"'1e{exp}'",
                "assert ax.xaxis.get_offset_text().get_text() == expected",
            )
        if kind == "minus":
            vals = [v - values[-1] for v in values]
            a, b = rng.sample(["minus", "1f"], 2)
            return Fail(name, f"AssertionError: assert {_fmt(vals, a)!r} == {_fmt(vals, b)!r}", code)
        a, b = rng.sample(["g", "2f", "1f"], 2)
        return Fail(name, f"AssertionError: assert {_fmt(values, a)!r} == {_fmt(values, b)!r}", code)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice([tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -vv"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = code.pick(
            rng,
            [
                (
                    "useOffset=True",
                    "useOffset=False",
                    "turn the offset off so the labels carry the full values",
                    ["offset", "precision"],
                ),
                (
                    "useOffset=False",
                    "useOffset=rcParams['axes.formatter.useoffset']",
                    "follow axes.formatter.useoffset instead of hard-coding it",
                    ["offset", "minus"],
                ),
                ("useMathText=False", "useMathText=True", "use mathtext for the offset", ["mathtext", "precision"]),
                ("useMathText=True", "useMathText=False", "go back to plain offset text", ["offset"]),
                (
                    "fmt.set_powerlimits((-4, 5))",
                    "fmt.set_powerlimits((-3, 4))",
                    "use the powerlimits from axes.formatter.limits (-3, 4)",
                    ["mathtext", "offset"],
                ),
                (
                    "fmt.set_powerlimits((-3, 4))",
                    "fmt.set_powerlimits((0, 0))",
                    "always use scientific notation",
                    ["precision", "mathtext"],
                ),
                (
                    "    fmt = ScalarFormatter(useOffset=True, useMathText=False)\n",
                    "    fmt = StrMethodFormatter('{x:.1f}')\n",
                    "use a fixed one-decimal format",
                    ["precision", "minus", "offset"],
                ),
                (
                    "    fmt = ScalarFormatter(useOffset=True, useMathText=False)\n",
                    "    fmt = FormatStrFormatter('%g')\n",
                    "use %g so trailing zeros go away",
                    ["precision", "minus"],
                ),
                (
                    "    axis.set_major_formatter(fmt)\n",
                    "    axis.set_major_formatter(fmt)\n    axis.figure.canvas.draw_idle()\n",
                    "trigger a draw so the labels are filled in",
                    ["empty", "offset"],
                ),
            ],
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the tick tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def draw_in_test(k: int) -> list[Step]:
        return [
            Step(
                again(k, "Tick labels are only filled in at draw time; the test must draw before reading them."),
                py_edit(
                    tf,
                    "    labels = [t.get_text() for t in ax.get_xticklabels()]",
                    "    fig.canvas.draw()\n    labels = [t.get_text() for t in ax.get_xticklabels()]",
                    None,
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["offset", "precision", "minus"])]),
        ]

    def unicode_minus(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k,
                    "The labels differ only in the minus sign; pin axes.unicode_minus in the helper so it doesn't depend on the style.",
                ),
                py_edit(
                    src,
                    "    axis.set_major_formatter(fmt)\n",
                    "    fmt.set_useLocale(False)\n    rcParams['axes.unicode_minus'] = False\n    axis.set_major_formatter(fmt)\n",
                ),
                "patched",
            ),
            run("Run the tests.", ["minus", rng.choice(["precision", "offset"])]),
        ]

    def probe(k: int) -> list[Step]:
        lo = rng.choice([100000, 250000, 1000000, 12345])
        span = rng.choice([10, 20, 50])
        steps = [lo + i * span // 4 for i in range(5)]
        tail = [str(s - lo) for s in steps]
        return [
            Step(
                again(k, "Let me see what the formatter produces for values with a large common part."),
                f'python -c "from matplotlib.ticker import ScalarFormatter; f = ScalarFormatter(); f.create_dummy_axis(); f.axis.set_view_interval({lo}, {lo + span}); print(f.format_ticks({steps})); print(repr(f.get_offset()))"',
                f"{rng.choice([tail, [str(s) for s in steps]])}\n{rng.choice([repr('+' + format(lo, '.5g')), repr(''), repr('+1e5')])}",
            )
        ]

    def expectation(k: int) -> list[Step]:
        values = _ticks(rng)
        return [
            Step(
                again(
                    k,
                    "Maybe the expected labels in the test are simply from an older formatter. Update them to what we produce now.",
                ),
                py_edit(tf, f"expected = {_fmt(values, '1f')!r}", f"expected = {_fmt(values, 'g')!r}"),
                "patched",
            ),
            run("Run the module.", [rng.choice(["precision", "offset", "minus"]), rng.choice(["mathtext", "empty"])]),
        ]

    first = [
        run(f"Let me run the tick formatting tests after changing {ticks}.", ["empty", "offset"]),
        Step(
            "Let me read the helper.", f"grep -n 'def {ticks}' -A8 {src}", grep_n(ctx.line(rng, "body:" + ticks), body)
        ),
    ]
    attempts: list[Attempt] = [edit, edit, draw_in_test, unicode_minus, probe, expectation, edit]
    return churn(ctx, rng, n, first, attempts, "the tick label formatting", ticks, lambda: code.text)


_LEGEND_CASES = (
    "legend_order",
    "legend_labels",
    "no_duplicates",
    "hidden_labels",
    "legend_handles",
    "ncols",
    "errorbar_legend",
)


def legend_entry_order_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A legend built from the axes' artists: entries come out grouped by artist type, doubled, with hidden labels,
    or through an accessor the installed matplotlib does not have; every reordering breaks another test."""
    src, tf, legend = ctx.src, ctx.tf, ctx.fn("legend")
    body = f"def {legend}(ax, loc='best', ncols=1):\n    artists = ax.get_lines() + ax.collections + ax.patches\n    handles = [a for a in artists if a.get_label()]\n    labels = [a.get_label() for a in handles]\n    return ax.legend(handles, labels, loc=loc, ncols=ncols)\n"
    code = Code(body)
    addr = lambda: f"0x7f{rng.randrange(16**8):08x}"  # noqa: E731

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.subj}_{rng.choice(_LEGEND_CASES)}"
        want = ctx.labels(rng, rng.randint(3, 4))
        code = "assert [t.get_text() for t in leg.get_texts()] == expected"
        if kind == "order":
            got = list(want)
            while got == want:
                rng.shuffle(got)
            return Fail(name, f"AssertionError: assert {got!r} == {want!r}", code)
        if kind == "dupe":
            got = [*want[:2], want[1], *want[2:]]
            return Fail(
                name,
                f"AssertionError: assert {got!r} == {want!r}\n  At index 2 diff: {want[1]!r} != {want[2]!r}\n  Left contains one more item: {want[-1]!r}",
                code,
            )
        if kind == "hidden":
            got = [*want, rng.choice(["_child0", "_child3", "_nolegend_", "_line1", "_collection0"])]
            return Fail(
                name, f"AssertionError: assert {got!r} == {want!r}\n  Left contains one more item: {got[-1]!r}", code
            )
        if kind == "count":
            return Fail(
                name,
                f"AssertionError: assert {len(want) + 1} == {len(want)}\n +  where {len(want) + 1} = len([<matplotlib.lines.Line2D object at {addr()}>, ...])",
                "assert len(leg.legend_handles) == len(expected)",
            )
        if kind == "empty":
            return Fail(
                name,
                "UserWarning: No artists with labels found to put in legend.  Note that artists whose label start with an underscore are ignored when legend() is called with no argument.",
                f"leg = {legend}(ax)",
                [(f"{ctx.mpl_dir}/legend.py", "_parse_legend_args", "_api.warn_external(")],
            )
        if kind == "ncols":
            return Fail(
                name,
                "TypeError: __init__() got an unexpected keyword argument 'ncols'",
                f"leg = {legend}(ax, ncols=2)",
                [
                    (src, legend, "return ax.legend(handles, labels, loc=loc, ncols=ncols)"),
                    (
                        f"{ctx.mpl_dir}/axes/_axes.py",
                        "legend",
                        "self.legend_ = mlegend.Legend(self, handles, labels, **kwargs)",
                    ),
                ],
            )
        return Fail(
            name,
            rng.choice(
                [
                    "AttributeError: 'Legend' object has no attribute 'legend_handles'",
                    "matplotlib._api.deprecation.MatplotlibDeprecationWarning: The legendHandles attribute was deprecated in Matplotlib 3.7 and will be removed two minor releases later. Use legend_handles instead.",
                ]
            ),
            "handles = leg.legend_handles" if rng.random() < 0.5 else "handles = leg.legendHandles",
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = rng.choice([tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -W error"]))

    def edit(k: int) -> list[Step]:
        old, new, why, kinds = code.pick(
            rng,
            [
                (
                    "    artists = ax.get_lines() + ax.collections + ax.patches\n    handles = [a for a in artists if a.get_label()]\n    labels = [a.get_label() for a in handles]\n",
                    "    handles, labels = ax.get_legend_handles_labels()\n",
                    "use get_legend_handles_labels, which already skips hidden labels",
                    ["order", "count"],
                ),
                (
                    "    handles = [a for a in artists if a.get_label()]\n",
                    "    handles = [a for a in artists if not a.get_label().startswith('_')]\n",
                    "skip labels starting with an underscore",
                    ["order", "dupe"],
                ),
                (
                    "    artists = ax.get_lines() + ax.collections + ax.patches\n",
                    "    artists = sorted(ax.get_children(), key=lambda a: a.get_zorder())\n",
                    "take the artists in zorder",
                    ["hidden", "order"],
                ),
                (
                    "    artists = ax.get_lines() + ax.collections + ax.patches\n",
                    "    artists = list(ax._children)\n",
                    "keep the order the artists were added in",
                    ["dupe", rng.choice(["hidden", "count"])],
                ),
                (
                    "    labels = [a.get_label() for a in handles]\n",
                    "    by_label = dict(zip([a.get_label() for a in handles], handles))\n    labels, handles = list(by_label), list(by_label.values())\n",
                    "de-duplicate entries by label",
                    ["order", "count"],
                ),
                (
                    "    labels = [a.get_label() for a in handles]\n",
                    "    handles = sorted(handles, key=lambda a: a.get_label())\n    labels = [a.get_label() for a in handles]\n",
                    "sort the entries by label so the order is deterministic",
                    ["order"],
                ),
                (
                    "ncols=ncols)",
                    "ncol=ncols)",
                    "use the older ncol keyword",
                    ["empty", rng.choice(["order", "handles"])],
                ),
                (
                    "ncol=ncols)",
                    "**({'ncols': ncols} if hasattr(mlegend.Legend, 'set_ncols') else {'ncol': ncols}))",
                    "pass ncols or ncol depending on the installed matplotlib",
                    ["dupe", "order"],
                ),
            ],
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the legend tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def accessor(k: int) -> list[Step]:
        return [
            Step(
                again(k, "Read the handles through whichever attribute this matplotlib has."),
                py_edit(
                    tf,
                    "handles = leg.legend_handles",
                    "handles = getattr(leg, 'legend_handles', None) or leg.legendHandles",
                    None,
                ),
                "patched",
            ),
            run("Run the legend tests.", [rng.choice(["count", "order", "handles"])]),
        ]

    def probe(k: int) -> list[Step]:
        labels = ctx.labels(rng, 3)
        return [
            Step(
                again(k, "Let me print what the axes hand back for a line, bars and a scatter added in that order."),
                f"python - <<'EOF'\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], label={labels[0]!r})\nax.bar([1, 2], [3, 4], label={labels[1]!r})\nax.scatter([1, 2], [2, 1], label={labels[2]!r})\nh, l = ax.get_legend_handles_labels()\nprint(l)\nprint([type(a).__name__ for a in ax.get_children()][:6])\nEOF",
                f"{rng.choice([[labels[0], labels[2], labels[1]], [labels[0], labels[1], labels[2]]])!r}\n['Line2D', 'Rectangle', 'Rectangle', 'PathCollection', 'Spine', 'Spine']",
            )
        ]

    def expectation(k: int) -> list[Step]:
        want = ctx.labels(rng, 3)
        return [
            Step(
                again(k, "Compare the labels without caring about order in the order-independent tests."),
                py_edit(
                    tf,
                    "    assert [t.get_text() for t in leg.get_texts()] == expected",
                    "    assert sorted(t.get_text() for t in leg.get_texts()) == sorted(expected)",
                ),
                "patched",
            ),
            run("Rerun.", ["order", rng.choice(["dupe", "hidden"])])
            if rng.random() < 0.7
            else run("Rerun.", [rng.choice(["count", "empty"])]),
            Step(
                "Which test builds those entries?",
                f'grep -n "label={want[0]!r}" -A3 {tf} | head -20',
                f"{ctx.line(rng, 'exp')}:    ax.errorbar(x, y, yerr=e, label={want[0]!r})\n{ctx.line(rng, 'exp') + 1}-    ax.plot(x, y, label={want[1]!r})\n{ctx.line(rng, 'exp') + 2}-    expected = [{want[0]!r}, {want[1]!r}]\n{ctx.line(rng, 'exp') + 3}-    leg = {legend}(ax)\n",
            ),
        ]

    first = [
        run("Let me run the legend tests after my change.", ["order", "hidden"]),
        Step(
            "Let me look at how the legend is built.",
            f"grep -n 'def {legend}' -A8 {src}",
            grep_n(ctx.line(rng, "body:" + legend), body),
        ),
    ]
    attempts: list[Attempt] = [edit, edit, edit, accessor, probe, expectation]
    return churn(ctx, rng, n, first, attempts, "the legend entries' order and contents", legend, lambda: code.text)

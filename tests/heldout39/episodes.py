# ruff: noqa: E501
"""Productive episodes: the same numeric trouble met once or twice, then fixed at its cause, the run going on."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout39.text import Ctx, numpy_version, pandas_version, passed, py_edit, py_snippet


def broadcast_aligned(ctx: Ctx, rng: random.Random) -> list[Step]:
    rows, cols = rng.randint(4, 40), rng.randint(2, 6)
    line = rng.randint(60, 520)
    err = f"ValueError: operands could not be broadcast together with shapes ({rows},{cols}) ({rows},) "
    steps = [
        Step(
            "Let me run the reproduction script.",
            f"python {ctx.script}",
            ctx.traceback(line, "out = (arr * weights).sum(axis=axis)", err),
            rc=1,
        ),
        Step(
            "Let me try adding an axis to the weights.",
            py_edit(ctx.source, "arr * weights", "arr * weights[:, np.newaxis]"),
            "patched\n",
        ),
        Step(
            "Run it again.",
            f"python {ctx.script} 2>&1 | tail -3",
            ctx.traceback(
                line,
                "out = (arr * weights[:, np.newaxis]).sum(axis=axis)",
                f"ValueError: operands could not be broadcast together with shapes ({rows},{cols}) ({cols},1) ",
            ),
            rc=1,
        ),
        Step(
            "The weights have the length of the wrong axis. Let me look at the helper instead of guessing.",
            f"grep -n '_{ctx.stem}_weights' -A 6 {ctx.source} | head -12",
            f"{line - 30}:def _{ctx.stem}_weights(n):\n{line - 29}-    w = np.linspace(1, 0, n)\n{line - 28}-    return w / w.sum()\n--\n{line + 5}:    weights = _{ctx.stem}_weights(arr.shape[axis])\n",
        ),
        Step(
            "`arr.shape[axis]` is the length of the reduced axis, so the weights must be expanded along that axis, not appended as a new last one. Undo my edit and reshape with the axis.",
            f"git checkout -- {ctx.source} && "
            + py_edit(
                ctx.source,
                "out = (arr * weights).sum(axis=axis)",
                "shape = [1] * arr.ndim\n    shape[axis] = -1\n    out = (arr * weights.reshape(shape)).sum(axis=axis)",
            ),
            "Updated 1 path from the index\npatched\n",
        ),
        Step(
            "Now the repro.",
            f"python {ctx.script}",
            f"({cols},) float64\n[{' '.join(f'{rng.uniform(-2, 2):.8f}' for _ in range(min(cols, 5)))}]\n",
        ),
    ]
    return [*steps, passed(ctx, rng)]


def nan_masked(ctx: Ctx, rng: random.Random) -> list[Step]:
    size = rng.randint(5, 30)
    idx = rng.randrange(size)
    steps = [
        Step(
            "Let me run the script to see the result.",
            f"python {ctx.script} 2>&1",
            f"{ctx.site}/numpy/core/_methods.py:{rng.randint(40, 260)}: RuntimeWarning: invalid value encountered in divide\n  ret = ret.dtype.type(ret / rcount)\n({size},) float64\nany nan: True\n",
        ),
        Step(
            "There is a NaN in the output. Let me make numpy raise where it is produced.",
            f"python -W error::RuntimeWarning {ctx.script} 2>&1 | tail -5",
            ctx.traceback(
                rng.randint(60, 500), "out = out / counts", "RuntimeWarning: invalid value encountered in divide"
            ),
            rc=1,
        ),
        Step(
            "It is the division by the per-group counts. Which groups have zero count?",
            py_snippet(
                f"import numpy as np\nimport {ctx.script[:-3]} as r\nfrom {ctx.dotted} import _{ctx.stem}_counts\nc = _{ctx.stem}_counts(r.data)\nprint(np.flatnonzero(c == 0))"
            ),
            f"[{idx}]\n",
        ),
        Step(
            "An all-missing group has count 0 and sum 0; the documented result for it is NaN only when skipna is False. Guard the division and set the empty groups explicitly.",
            py_edit(
                ctx.source,
                "out = out / counts",
                "with np.errstate(invalid='ignore', divide='ignore'):\n        out = np.where(counts > 0, out / np.maximum(counts, 1), fill_value)",
            ),
            "patched\n",
        ),
        Step(
            "Check the repro again.",
            f"python -W error::RuntimeWarning {ctx.script}",
            f"({size},) float64\nany nan: False\n",
        ),
    ]
    return [*steps, passed(ctx, rng)]


def overflow_widened(ctx: Ctx, rng: random.Random) -> list[Step]:
    big = rng.randint(2_200_000_000, 9_000_000_000)
    wrapped = (big + 2**31) % 2**32 - 2**31
    line = rng.randint(100, 300)
    steps = [
        Step(
            "Let me run the script for the totals.",
            f"python {ctx.script}",
            f"dtype: int32\ntotal: {wrapped}\nexpected: {big}\n",
        ),
        Step(
            "The total wraps around. Let me cast the result to int64.",
            py_edit(ctx.source, "return out", "return out.astype(np.int64)"),
            "patched\n",
        ),
        Step("Run it again.", f"python {ctx.script} | tail -2", f"total: {wrapped}\nexpected: {big}\n"),
        Step(
            "Casting after the sum is too late. Where does int32 come from?",
            f"grep -n 'int32\\|dtype=' {ctx.source} | head",
            f"{line}:        counts = np.zeros(n, dtype=np.int32)\n",
        ),
        Step(
            "The accumulator itself is int32. Revert the cast and make the accumulator int64 so the sum never wraps.",
            f"git checkout -- {ctx.source} && sed -i '{line}s/np.int32/np.int64/' {ctx.source}",
            "Updated 1 path from the index\n",
        ),
        Step("Check the totals.", f"python {ctx.script}", f"dtype: int64\ntotal: {big}\nexpected: {big}\n"),
    ]
    return [*steps, passed(ctx, rng)]


def aliases_replaced(ctx: Ctx, rng: random.Random) -> list[Step]:
    ver = numpy_version(rng)
    hits = rng.randint(3, 9)
    steps = [
        Step(
            "Let me run the tests.",
            ctx.tests(),
            f"ImportError while importing test module '/testbed/{ctx.test_file}'.\nAttributeError: module 'numpy' has no attribute 'float'.\n`np.float` was a deprecated alias for the builtin `float`. To avoid this error in existing code, use `float` by itself.\n",
            rc=2,
        ),
        Step(
            "numpy removed the aliases. Instead of fixing one at a time, let me list every use in the package.",
            "grep -rnE 'np\\.(float|int|bool|object|str|long|complex)\\b' --include=*.py . | grep -v 'np\\.\\(float\\|int\\)[0-9_]' | wc -l",
            f"{hits}\n",
        ),
        Step(
            f"{hits} uses. Replace them all with the builtins in one pass (np.long becomes int).",
            "grep -rlE 'np\\.(float|int|bool|object|str|long|complex)\\b' --include=*.py . | xargs sed -i -E 's/np\\.(float|int|bool|object|str|complex)\\b([^0-9_]|$)/\\1\\2/g; s/np\\.long\\b/int/g'",
            "",
        ),
        Step(
            "Anything left?",
            "grep -rnE 'np\\.(float|int|bool|object|str|long|complex)\\b' --include=*.py . | grep -v 'np\\.\\(float\\|int\\)[0-9_]' | wc -l",
            "0\n",
        ),
        Step(
            f"And confirm numpy {ver} imports the module now.",
            f"python -c 'import {ctx.dotted}; import numpy; print(numpy.__version__)'",
            f"{ver}\n",
        ),
    ]
    return [*steps, passed(ctx, rng)]


def concat_migrated(ctx: Ctx, rng: random.Random) -> list[Step]:
    ver = pandas_version(rng)
    line = rng.randint(40, 600)
    steps = [
        Step(
            "Let me run the tests.",
            ctx.tests(" -x"),
            f"F\n>       df = df.append(row, ignore_index=True)\nE       AttributeError: 'DataFrame' object has no attribute 'append'\n\n{ctx.site}/pandas/core/generic.py:{rng.randint(5900, 6400)}: AttributeError\n1 failed, {rng.randint(4, 60)} passed in {rng.uniform(0.5, 6):.2f}s\n",
            rc=1,
        ),
        Step("Which pandas is this?", "python -c 'import pandas; print(pandas.__version__)'", f"{ver}\n"),
        Step(
            "DataFrame.append was removed in pandas 2. Let me see every use first, with the other removed methods.",
            "grep -rnE '\\.(append|iteritems)\\(' --include=*.py . | grep -v 'list\\|\\[\\]' | head",
            f"./{ctx.source}:{line}:        df = df.append(row, ignore_index=True)\n",
        ),
        Step(
            "One use, inside a loop. Collect the rows and build the frame once with pd.concat; that is also what pandas recommends.",
            py_edit(
                ctx.source,
                "        df = df.append(row, ignore_index=True)",
                "        rows.append(row)\n    df = pd.concat([df, pd.DataFrame(rows)], ignore_index=True)",
            ),
            "patched\n",
        ),
        Step(
            "Let me make sure `rows` is initialised before the loop.",
            f"sed -n '{line - 6},{line + 3}p' {ctx.source}",
            f"    df = pd.DataFrame(columns=columns)\n    rows = []\n    for key, group in grouped:\n        row = dict(key=key, {ctx.col}=group.sum())\n        rows.append(row)\n    df = pd.concat([df, pd.DataFrame(rows)], ignore_index=True)\n    return df\n",
        ),
    ]
    return [*steps, passed(ctx, rng)]


def agg_backend_set(ctx: Ctx, rng: random.Random) -> list[Step]:
    steps = [
        Step(
            "Let me run the plotting reproduction.",
            f"python {ctx.script}",
            f'Traceback (most recent call last):\n  File "/testbed/{ctx.script}", line {rng.randint(5, 30)}, in <module>\n    fig, ax = plt.subplots()\n  File "{ctx.site}/matplotlib/backends/_backend_tk.py", line {rng.randint(480, 520)}, in create_with_canvas\n    window = tk.Tk(className="matplotlib")\n_tkinter.TclError: no display name and no $DISPLAY environment variable\n',
            rc=1,
        ),
        Step(
            "Let me try with DISPLAY set.",
            f"DISPLAY=:0 python {ctx.script} 2>&1 | tail -1",
            '_tkinter.TclError: couldn\'t connect to display ":0"\n',
            rc=1,
        ),
        Step(
            "There is no display in this container at all. The script only saves a figure, so it needs no GUI: use the non-interactive Agg backend.",
            f"MPLBACKEND=Agg python {ctx.script}",
            f"saved out.png ({rng.randint(18, 90)} kB)\n",
        ),
        Step(
            "That works. Where is the GUI backend coming from?",
            "python -c 'import matplotlib; print(matplotlib.get_backend(), matplotlib.matplotlib_fname())'",
            f"TkAgg {ctx.site}/matplotlib/mpl-data/matplotlibrc\n",
        ),
        Step(
            "The default rc picks TkAgg. I'll export MPLBACKEND=Agg for this shell's test runs instead of changing any code.",
            "export MPLBACKEND=Agg && python -c 'import matplotlib.pyplot as plt; print(plt.get_backend())'",
            "agg\n",
        ),
    ]
    return [*steps, passed(ctx, rng)]

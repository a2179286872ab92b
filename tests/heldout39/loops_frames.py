# ruff: noqa: E501
"""Loops on pandas and matplotlib: methods pandas removed, chained assignment that never lands, a backend with no display."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout39.text import Ctx, churn, pandas_version, py_edit, py_snippet

_REMOVED = (
    ("append", "df = df.append(row, ignore_index=True)", "pd.concat([df, pd.DataFrame([row])], ignore_index=True)"),
    ("iteritems", "for name, col in df.iteritems():", "for name, col in df.items():"),
    ("swapaxes", "frame = frame.swapaxes(0, 1)", "frame = frame.T"),
    ("is_monotonic", "if index.is_monotonic:", "if index.is_monotonic_increasing:"),
    ("lookup", "vals = df.lookup(rows, cols)", "df.to_numpy()[rows_idx, cols_idx]"),
)


def frame_method_removed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """DataFrame.append and friends gone in pandas 2: shims, pins and rewrites, the next removed method each time."""
    order = list(_REMOVED)
    rng.shuffle(order)
    ver = pandas_version(rng)

    def failing(k: int) -> Step:
        name, code, _ = order[k % len(order)]
        obj = "Index" if name == "is_monotonic" else "DataFrame"
        body = (
            f"F\n=================================== FAILURES ===================================\n"
            f"    def {ctx.func}(df, rows):\n>       {code.strip()}\n"
            f"E       AttributeError: '{obj}' object has no attribute '{name}'\n\n"
            f"{ctx.site}/pandas/core/generic.py:{rng.randint(5900, 6400)}: AttributeError\n"
            f"{rng.randint(1, 3)} failed, {rng.randint(4, 80)} passed in {rng.uniform(0.5, 8):.2f}s\n"
        )
        return Step(
            rng.choice(["Run the tests again.", "Let me rerun the failing tests.", "Back to the test run."]),
            ctx.tests(rng.choice(["", " -x", " -x -k frame", " -W ignore::FutureWarning"])),
            body,
            rc=1,
        )

    def rewrite(k: int) -> list[Step]:
        name, code, new = order[(k - 1) % len(order)]
        edit = Step(
            f"`{name}` no longer exists in pandas {ver}; rewriting that line.",
            py_edit(ctx.source, code.strip(), new),
            "patched\n",
        )
        return [edit, failing(k)]

    def shim(k: int) -> list[Step]:
        code = "if not hasattr(pd.DataFrame, 'append'):\n    def _append(self, other, ignore_index=False):\n        return pd.concat([self, pd.DataFrame([other])], ignore_index=ignore_index)\n    pd.DataFrame.append = _append"
        edit = Step(
            "Rather than chase every call site, a small compatibility shim at import time.",
            f"cat >> {ctx.source} <<'EOF'\n\n{code}\nEOF",
            "",
        )
        err = (
            "E       TypeError: cannot concatenate object of type '<class 'dict'>'; only Series and DataFrame objs are valid\n"
            if k % 2
            else f"E       AttributeError: 'DataFrame' object has no attribute '{rng.choice(['iteritems', 'swapaxes', 'lookup'])}'\n"
        )
        run = Step(
            "Run the tests.",
            ctx.tests(" -x" if k % 2 else " -x -q"),
            f"F\n{err}{ctx.test_file}:{rng.randint(30, 500)}: {err.split(':')[0].split()[-1]}\n1 failed, {rng.randint(4, 80)} passed in {rng.uniform(0.5, 8):.2f}s\n",
            rc=1,
        )
        return [edit, run]

    def pin(k: int) -> list[Step]:
        want = rng.choice(["'pandas<2'", "pandas==1.5.3", "'pandas<1.4'"])
        out = rng.choice(
            [
                f"ERROR: Cannot install pandas<2 because these package versions have conflicting dependencies.\nThe conflict is caused by:\n    {ctx.dist} depends on pandas>={ver}\n",
                f"Collecting {want.strip(chr(39))}\n  Downloading pandas-1.5.3.tar.gz ({rng.randint(4, 6)}.{rng.randint(0, 9)} MB)\n  error: subprocess-exited-with-error\n  \u00d7 Getting requirements to build wheel did not run successfully.\n  ERROR: Could not build wheels for pandas\n",
                "ERROR: Could not find a version that satisfies the requirement pandas<1.4 (from versions: none)\n",
            ]
        )
        return [
            Step(
                "Maybe just go back to pandas 1.x where these still exist.",
                f"pip install {want}" + rng.choice(["", " -q", " --no-build-isolation"]),
                out,
                rc=1,
                seconds=float(rng.randint(5, 50)),
            )
        ]

    def grep(k: int) -> list[Step]:
        hits = "\n".join(
            f"./{rng.choice([ctx.source, ctx.test_file])}:{rng.randint(10, 900)}:    {code.strip()}"
            for _, code, _ in rng.sample(order, rng.randint(2, 4))
        )
        return [
            Step(
                "How many call sites of removed methods are left?",
                rng.choice(
                    [
                        "grep -rnE '\\.(append|iteritems|swapaxes|lookup|is_monotonic)\\b' --include=*.py . | head -20",
                        f"grep -n 'iteritems\\|\\.append(' {ctx.source}",
                    ]
                ),
                hits + "\n",
            )
        ]

    return churn(ctx, rng, n, failing(0), [rewrite, shim, pin, grep, rewrite], "the methods pandas removed")


def chained_assignment_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Writes through chained indexing that never reach the frame: .loc, .copy(), option toggles, the column stays unchanged."""
    col = ctx.col
    rows = rng.randint(3, 12)

    def warning(k: int) -> str:
        return (
            f"/testbed/{ctx.source}:{rng.randint(40, 700)}: SettingWithCopyWarning: \n"
            "A value is trying to be set on a copy of a slice from a DataFrame.\n"
            "Try using .loc[row_indexer,col_indexer] = value instead\n\n"
            "See the caveats in the documentation: https://pandas.pydata.org/pandas-docs/stable/user_guide/indexing.html#returning-a-view-versus-a-copy\n"
        )

    def table(k: int) -> str:
        return (
            "   id  "
            + col
            + "  flag\n"
            + "\n".join(
                f"{i}  {i + 1}  {rng.uniform(0, 100):.3f}  {rng.choice(['True', 'False'])}" for i in range(min(rows, 4))
            )
            + "\n"
        )

    def run_script(k: int) -> list[Step]:
        return [
            Step(
                rng.choice(
                    [
                        "Let me run the script again and look at the column.",
                        "Run the repro.",
                        "Did the assignment land this time?",
                    ]
                ),
                f"python {ctx.script}" + rng.choice(["", " 2>&1 | tail -9", " 2>&1"]),
                warning(k) + table(k) + f"changed rows: 0 of {rows}\n",
            )
        ]

    def edit_assign(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                (f"df[df.flag][{col!r}] = 0", f"df.loc[df.flag, {col!r}] = 0"),
                (f"sub = df[df.flag]\n    sub[{col!r}] = 0", f"sub = df[df.flag].copy()\n    sub[{col!r}] = 0"),
                (f"df[{col!r}][mask] = 0", f"df[{col!r}].loc[mask] = 0"),
                (f"df.loc[mask][{col!r}] = 0", f"df.loc[mask, {col!r}] = 0"),
            ]
        )
        edit = Step(
            "The assignment goes through a chained index; writing it another way.",
            py_edit(ctx.source, old, new),
            "patched\n",
        )
        fail = f"E       AssertionError: Series are different\nE       \nE       Series values are different ({rng.randint(20, 100)}.0 %)\nE       [index]: [{', '.join(str(i) for i in range(min(rows, 4)))}]\nE       [left]:  [{', '.join(f'{rng.uniform(1, 90):.1f}' for _ in range(min(rows, 4)))}]\nE       [right]: [{', '.join('0.0' for _ in range(min(rows, 4)))}]\n"
        run = Step(
            "Run the tests for it.",
            ctx.tests(rng.choice([" -x", " -k assign", " -x -k 'flag or mask'"])),
            f"F\n{fail}{ctx.test_file}:{rng.randint(30, 500)}: AssertionError\n1 failed, {rng.randint(3, 60)} passed in {rng.uniform(0.4, 6):.2f}s\n",
            rc=1,
        )
        return [edit, run]

    def option(k: int) -> list[Step]:
        opt = rng.choice(
            [
                "pd.set_option('mode.chained_assignment', 'raise')",
                "pd.options.mode.copy_on_write = True",
                "pd.set_option('mode.chained_assignment', None)",
            ]
        )
        code = f"import pandas as pd\n{opt}\nimport {ctx.script[:-3]}"
        out = (
            f'Traceback (most recent call last):\n  File "<stdin>", line 3, in <module>\n  File "/testbed/{ctx.script}", line {rng.randint(4, 20)}, in <module>\n    result = {ctx.func}(df)\npandas.errors.SettingWithCopyError: \nA value is trying to be set on a copy of a slice from a DataFrame.\n'
            if "raise" in opt
            else table(k) + f"changed rows: 0 of {rows}\n"
        )
        return [
            Step(
                "Let me flip pandas' copy mode to see what is happening.",
                py_snippet(code),
                out,
                rc=1 if "raise" in opt else 0,
            )
        ]

    def probe(k: int) -> list[Step]:
        code = f"import numpy as np, pandas as pd\ndf = pd.DataFrame(dict(id=range({rows}), {col}=np.arange({rows}) * 1.5, flag=np.arange({rows}) % 2 == 0))\nsub = df[df.flag]\nprint(sub._is_view, sub._is_copy is not None)\nprint(np.shares_memory(sub[{col!r}].values, df[{col!r}].values))"
        return [
            Step(
                "Is the slice a view or a copy here?",
                py_snippet(code),
                f"False True\n{rng.choice(['False', 'False', 'True'])}\n",
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        run_script(0)[0],
        [run_script, edit_assign, option, probe, edit_assign],
        "the chained assignment that never updates the frame",
    )


def headless_backend_wall(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """No display for the GUI backend: MPLBACKEND, rcParams, matplotlibrc, xvfb tried, the plot test still dies."""
    ver = f"3.{rng.randint(5, 9)}.{rng.randint(0, 3)}"

    def tk_error(k: int) -> str:
        return (
            f'  File "{ctx.site}/matplotlib/pyplot.py", line {rng.randint(780, 1000)}, in figure\n'
            "    manager = new_figure_manager(\n"
            f'  File "{ctx.site}/matplotlib/backends/_backend_tk.py", line {rng.randint(480, 520)}, in create_with_canvas\n'
            '    window = tk.Tk(className="matplotlib")\n'
            f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/tkinter/__init__.py", line {rng.randint(2260, 2330)}, in __init__\n'
            "    self.tk = _tkinter.create(screenName, baseName, className, interactive, wantobjects, useTk, sync, use)\n"
            "_tkinter.TclError: no display name and no $DISPLAY environment variable\n"
        )

    def qt_error(k: int) -> str:
        return (
            "qt.qpa.xcb: could not connect to display \n"
            'qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.\n'
            "This application failed to start because no Qt platform plugin could be initialized. Reinstalling the application may fix this problem.\n\n"
            "Available platform plugins are: eglfs, minimal, offscreen, vnc, xcb.\n\n"
            f"Fatal Python error: Aborted\n\nCurrent thread 0x{rng.randrange(16**12):012x} (most recent call first):\n"
        )

    def run_plot(k: int) -> list[Step]:
        env = rng.choice(["", "MPLBACKEND=TkAgg ", "DISPLAY=:0 ", "MPLBACKEND=QtAgg ", "QT_QPA_PLATFORM=xcb "])
        qt = "Qt" in env or "QT" in env
        out = (
            qt_error(k)
            if qt
            else "Traceback (most recent call last):\n"
            + f'  File "/testbed/{ctx.script}", line {rng.randint(5, 30)}, in <module>\n    fig, ax = plt.subplots()\n'
            + tk_error(k)
        )
        return [
            Step(
                rng.choice(
                    [
                        "Let me run the plotting script again.",
                        "Try the script once more.",
                        "Running the repro with the plot.",
                    ]
                ),
                f"{env}python {ctx.script}",
                out,
                rc=134 if qt else 1,
            )
        ]

    def set_backend(k: int) -> list[Step]:
        how = rng.choice(
            [
                (f"sed -i '1i import matplotlib\\nmatplotlib.use(\"TkAgg\", force=True)' {ctx.script}", ""),
                ("echo 'backend: TkAgg' > matplotlibrc", ""),
                (f"sed -i 's/plt.show()/plt.show(block=False)/' {ctx.script}", ""),
                ("mkdir -p ~/.config/matplotlib && echo 'backend : Qt5Agg' > ~/.config/matplotlib/matplotlibrc", ""),
            ]
        )
        edit = Step("The backend choice must be the problem; setting it explicitly.", how[0], how[1])
        tests = Step(
            "And the plotting tests.",
            ctx.tests(rng.choice([" -x -k plot", " -k 'plot or figure'", " -x"])),
            f"E   _tkinter.TclError: no display name and no $DISPLAY environment variable\n{ctx.test_file}:{rng.randint(20, 400)}: TclError\n{rng.randint(1, 6)} failed, {rng.randint(2, 40)} passed in {rng.uniform(0.8, 9):.2f}s\n",
            rc=1,
        )
        return [edit, tests]

    def xvfb(k: int) -> list[Step]:
        cmd = rng.choice(
            [
                "xvfb-run -a python " + ctx.script,
                "Xvfb :99 & export DISPLAY=:99 && python " + ctx.script,
                "apt-get install -y xvfb",
            ]
        )
        if cmd.startswith("apt-get"):
            out = "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n"
            return [Step("A virtual display then; is xvfb installable?", cmd, out, rc=100)]
        out = (
            f"/bin/sh: 1: {cmd.split()[0]}: not found\n"
            if k % 2
            else "/bin/sh: 1: Xvfb: not found\n"
            + tk_error(k).replace(
                "no display name and no $DISPLAY environment variable", 'couldn\'t connect to display ":99"'
            )
        )
        return [Step("Maybe a virtual framebuffer gives the GUI backend a display.", cmd, out, rc=127 if k % 2 else 1)]

    def probe(k: int) -> list[Step]:
        code = "import matplotlib\nprint(matplotlib.__version__, matplotlib.get_backend())\nprint(matplotlib.rcParams['backend'], matplotlib.matplotlib_fname())"
        return [
            Step(
                "Which backend does matplotlib pick and from which rc file?",
                py_snippet(code),
                f"{ver} {rng.choice(['TkAgg', 'QtAgg', 'Qt5Agg'])}\n{rng.choice(['TkAgg', 'QtAgg'])} /testbed/matplotlibrc\n",
            )
        ]

    def pip_tk(k: int) -> list[Step]:
        pkg = rng.choice(["PyQt5", "pyqt6", "tk", "python-tk"])
        out = (
            f"ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\n"
            if pkg in ("tk", "python-tk")
            else f"Successfully installed {pkg}-{rng.randint(5, 6)}.{rng.randint(3, 15)}.{rng.randint(0, 9)}\n"
        )
        return [
            Step(
                "Maybe a different GUI toolkit works better here.",
                f"pip install {pkg}" + rng.choice(["", " -q"]),
                out,
                rc=1 if "ERROR" in out else 0,
                seconds=float(rng.randint(3, 30)),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        run_plot(0)[0],
        [run_plot, set_backend, xvfb, probe, pip_tk],
        "the matplotlib backend without a display",
    )

# ruff: noqa: E501
"""Loops on numpy arrays: shapes that never broadcast, NaN that keeps coming back, integers that wrap, aliases numpy removed."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout39.text import Ctx, churn, numpy_version, py_edit, py_snippet

_UFUNC = ("numpy/core/_methods.py", "numpy/_core/_methods.py")


def broadcast_shape_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Operands that will not broadcast: reshape, transpose, newaxis, keepdims tried in turn, the shapes never line up."""
    rows, cols = rng.randint(4, 40), rng.randint(2, 6)
    line = rng.randint(60, 520)

    def error(r: int, c: int, other: str) -> str:
        return f"ValueError: operands could not be broadcast together with shapes ({r},{c}) {other} "

    def run_script(k: int) -> list[Step]:
        r = rows + rng.choice([0, 0, 1, -1])
        other = rng.choice([f"({r},)", f"({r},1)", f"({cols + 1},)"])
        out = (
            f"data.shape = ({r}, {cols})\nweights.shape = {other.replace(',)', ')').replace(',', ', ') if ',1' in other else other}\n"
            + ctx.traceback(line + k % 5, "out = (arr * weights).sum(axis=axis)", error(r, cols, other))
        )
        return [
            Step(
                rng.choice(
                    [
                        "Let me run the reproduction again.",
                        "Running the script to see the shapes now.",
                        "Let me check the shapes after that change.",
                    ]
                ),
                f"python {ctx.script}" + rng.choice(["", " 2>&1 | tail -8", " 2>&1 | tail -12"]),
                out,
                rc=1,
            )
        ]

    def reshape(k: int) -> list[Step]:
        fix = rng.choice(
            [
                "weights.reshape(-1, 1)",
                "weights[:, np.newaxis]",
                "weights[np.newaxis, :]",
                "weights.T",
                "np.atleast_2d(weights)",
                "weights.reshape(1, -1)",
            ]
        )
        edit = Step(
            f"The weights are 1-D; maybe `{fix}` makes them line up with the data along the right axis.",
            py_edit(ctx.source, "arr * weights", f"arr * {fix}"),
            "patched\n",
        )
        r = rows + k % 3
        bad = rng.choice([f"({cols},1)", f"(1,{r + 1})", f"({r + 2},)"])
        run = Step(
            "And run it again.",
            f"python {ctx.script} 2>&1 | tail -{rng.randint(4, 9)}",
            ctx.traceback(
                line + k % 7,
                f"out = (arr * {fix}).sum(axis=axis)",
                f"ValueError: operands could not be broadcast together with shapes ({r},{cols}) {bad} ",
            ),
            rc=1,
        )
        return [edit, run]

    def keepdims(k: int) -> list[Step]:
        edit = Step(
            "Maybe the reduction should keep its dimension so the next step broadcasts.",
            py_edit(
                ctx.source,
                ".sum(axis=axis)",
                rng.choice([".sum(axis=axis, keepdims=True)", ".sum(axis=-1, keepdims=True)", ".sum(axis=1)"]),
            ),
            "patched\n",
        )
        other = rng.randint(2, 9)
        run = Step(
            "Let me run the tests for this.",
            ctx.tests(" -x" if k % 2 else " -x -k shape"),
            f"F\n=================================== FAILURES ===================================\nE   ValueError: operands could not be broadcast together with shapes ({rows},{cols}) ({other},{cols + rng.randint(1, 3)}) \n{ctx.test_file}:{rng.randint(20, 400)}: ValueError\n1 failed, {rng.randint(0, 30)} passed in {rng.uniform(0.4, 6):.2f}s\n",
            rc=1,
        )
        return [edit, run]

    def probe(k: int) -> list[Step]:
        code = f"import numpy as np\nfrom {ctx.dotted} import _{ctx.stem}_weights\nfor n in ({rows}, {rows + k}, {cols}):\n    print(n, _{ctx.stem}_weights(n).shape)"
        out = f"{rows} ({rows},)\n{rows + k} ({rows + k},)\n{cols} ({cols},)\n"
        return [Step("Let me print the shape the weights helper returns for a few sizes.", py_snippet(code), out)]

    def transpose(k: int) -> list[Step]:
        edit = Step(
            "Perhaps the data is the one with the wrong orientation; transposing it first.",
            py_edit(
                ctx.source,
                "arr = np.asarray(data)",
                rng.choice(
                    [
                        "arr = np.asarray(data).T",
                        "arr = np.swapaxes(np.asarray(data), 0, -1)",
                        "arr = np.moveaxis(np.asarray(data), axis, -1)",
                    ]
                ),
            ),
            "patched\n",
        )
        run = Step(
            "Running the repro.",
            f"python {ctx.script}",
            ctx.traceback(
                line + k % 4, "out = (arr * weights).sum(axis=axis)", error(cols, rows, f"({cols + k % 2 + 1},)")
            ),
            rc=1,
        )
        return [edit, run]

    def revert(k: int) -> list[Step]:
        return [
            Step(
                "That made it worse. Let me undo my last edit to the module and think again.",
                rng.choice(
                    [
                        f"git checkout -- {ctx.source}",
                        f"git diff {ctx.source} | head -30",
                        "git stash && git stash drop",
                    ]
                ),
                "" if k % 2 else "Updated 1 path from the index\n",
            )
        ]

    first = Step(
        "Let me run the reproduction script for the issue.",
        f"python {ctx.script}",
        ctx.traceback(line, "out = (arr * weights).sum(axis=axis)", error(rows, cols, f"({rows},)")),
        rc=1,
    )
    return churn(
        ctx,
        rng,
        n,
        first,
        [run_script, reshape, keepdims, probe, transpose, revert],
        "the broadcasting error between the data and the weights",
    )


def nan_propagation_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A NaN in the result that survives every guard: nan_to_num, nanmean, fillna, masks, and the assertion still fails."""
    size = rng.randint(5, 30)
    where = sorted(rng.sample(range(size), rng.randint(1, 3)))

    def result(k: int) -> str:
        vals = [f"{rng.uniform(-3, 9):.8f}" if i not in where else "nan" for i in range(min(size, 8))]
        return "[" + " ".join(vals) + (" ...]" if size > 8 else "]")

    def run_script(k: int) -> list[Step]:
        warn = f"{ctx.site}/{rng.choice(_UFUNC)}:{rng.randint(40, 260)}: RuntimeWarning: invalid value encountered in {rng.choice(['divide', 'true_divide', 'scalar divide', 'subtract'])}\n  ret = umr_sum(arr, axis, dtype, out, keepdims, where=where)\n"
        return [
            Step(
                rng.choice(
                    [
                        "Let me run the script again.",
                        "Run the repro to see if the NaN is gone.",
                        "Checking the output now.",
                    ]
                ),
                f"python {ctx.script}" + rng.choice(["", " 2>&1", " 2>&1 | tail -5"]),
                warn + f"({size},) float64\n{result(k)}\nany nan: True\n",
            )
        ]

    def guard(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("out = (arr * weights).sum(axis=axis)", "out = np.nansum(arr * weights, axis=axis)"),
                ("return out", "return np.nan_to_num(out)"),
                ("arr = np.asarray(data)", "arr = np.asarray(data, dtype=float)\n    arr[~np.isfinite(arr)] = 0"),
                ("out = (arr * weights).sum(axis=axis)", "out = np.nanmean(arr, axis=axis) * weights.sum()"),
                ("out[mask.all(axis=axis)] = np.nan", "out[mask.any(axis=axis)] = 0.0"),
            ]
        )
        edit = Step(
            "The NaN must come from the sum; let me guard it there.", py_edit(ctx.source, old, new), "patched\n"
        )
        assertion = f"E       AssertionError: \nE       Arrays are not almost equal to 7 decimals\nE       \nE       x and y nan location mismatch:\nE        x: array([{', '.join('nan' if i in where else f'{rng.uniform(0, 5):.7f}' for i in range(4))}])\nE        y: array([{', '.join(f'{rng.uniform(0, 5):.7f}' for _ in range(4))}])\n"
        run = Step(
            "Now the tests.",
            ctx.tests(rng.choice(["", " -x", " -x -k nan", " -k 'nan or missing'"])),
            f"F\n=================================== FAILURES ===================================\n{assertion}{ctx.test_file}:{rng.randint(30, 500)}: AssertionError\n1 failed, {rng.randint(2, 50)} passed in {rng.uniform(0.3, 5):.2f}s\n",
            rc=1,
        )
        return [edit, run]

    def probe(k: int) -> list[Step]:
        idx = rng.choice(where)
        code = f"import numpy as np\nfrom {ctx.dotted} import {ctx.func}\nimport {ctx.script[:-3]} as r\nout = {ctx.func}(r.data)\nprint(np.flatnonzero(np.isnan(out)))\nprint(np.isnan(r.data).sum(), np.isinf(r.data).sum())"
        return [
            Step(
                "Where exactly are the NaN, and is there any NaN or inf in the input at all?",
                py_snippet(code),
                f"[{' '.join(map(str, where))}]\n0 0\n" if k % 2 else f"[{idx}]\n0 {rng.randint(0, 1)}\n",
            )
        ]

    def errstate(k: int) -> list[Step]:
        return [
            Step(
                "Let me make numpy raise on the invalid operation so I see where the NaN is born.",
                f"python -W error::RuntimeWarning {ctx.script} 2>&1 | tail -{rng.randint(5, 8)}",
                ctx.traceback(
                    rng.randint(60, 500),
                    rng.choice(
                        ["out = out / counts", "scale = np.std(arr, axis=axis)", "z = (arr - arr.mean()) / arr.std()"]
                    ),
                    f"RuntimeWarning: invalid value encountered in {rng.choice(['divide', 'true_divide', 'subtract'])}",
                    (
                        (
                            rng.choice(_UFUNC),
                            rng.randint(40, 260),
                            "_mean",
                            "ret = umr_sum(arr, axis, dtype, out, keepdims, where=where)",
                        ),
                    ),
                ),
                rc=1,
            )
        ]

    def eps(k: int) -> list[Step]:
        fix = rng.choice(
            [
                "counts + 1e-12",
                "np.maximum(counts, 1)",
                "np.where(counts == 0, 1, counts)",
                "counts.clip(min=np.finfo(float).eps)",
            ]
        )
        return [
            Step(
                f"Zero counts divide to NaN; let me use `{fix}` as the denominator.",
                py_edit(ctx.source, "out / counts", f"out / ({fix})"),
                "patched\n",
            ),
            Step(
                "And the repro.",
                f"python {ctx.script} 2>&1 | tail -3",
                f"({size},) float64\n{result(k)}\nany nan: True\n",
            ),
        ]

    first = run_script(0)[0]
    return churn(ctx, rng, n, first, [run_script, guard, probe, errstate, eps], "the NaN in the result")


def int_overflow_wraparound(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Integer sums that wrap silently: casts tried at the wrong step, the negative total keeps showing up."""
    big = rng.randint(2_200_000_000, 9_000_000_000)
    wrapped = (big + 2**31) % 2**32 - 2**31

    def run_script(k: int) -> list[Step]:
        got = wrapped + rng.randint(-3, 3) * 1000 * (k % 3)
        return [
            Step(
                rng.choice(
                    ["Let me run the script again.", "Checking the total now.", "Let me see what the sum comes out as."]
                ),
                f"python {ctx.script}" + rng.choice(["", " | tail -3", " 2>&1"]),
                f"dtype: int32\ntotal: {got}\nexpected: {big}\n",
            )
        ]

    def cast(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("out = (arr * weights).sum(axis=axis)", "out = (arr * weights).sum(axis=axis).astype(np.int64)"),
                ("return out", "return np.int64(out)"),
                ("out = (arr * weights).sum(axis=axis)", "out = np.sum(arr * weights, axis=axis, dtype=np.int64)"),
                ("weights = ", "weights = np.int64(1) * "),
                ("return out", "return out.astype('i8')"),
            ]
        )
        edit = Step("The sum overflows int32; let me widen it.", py_edit(ctx.source, old, new), "patched\n")
        run = Step(
            "Run the test for the totals.",
            ctx.tests(rng.choice([" -k total", " -x -k sum", " -k 'large or overflow'"])),
            f"F\n=================================== FAILURES ===================================\nE       assert {wrapped} == {big}\nE        +  where {wrapped} = {ctx.func}(array([...], dtype=int32))\n{ctx.test_file}:{rng.randint(30, 500)}: AssertionError\n1 failed, {rng.randint(3, 60)} passed in {rng.uniform(0.3, 5):.2f}s\n",
            rc=1,
        )
        return [edit, run]

    def probe(k: int) -> list[Step]:
        code = f"import numpy as np\na = np.array([{rng.randint(10**8, 2 * 10**9)}, {rng.randint(10**8, 2 * 10**9)}], dtype=np.int32)\nprint(a.sum(), a.sum(dtype=np.int64), np.add.reduce(a).dtype)\nprint(np.iinfo(np.int32).max)"
        return [
            Step(
                "Quick check of how numpy sums int32 on this platform.",
                py_snippet(code),
                f"{rng.randint(-(2**31), -1)} {big // 2} {rng.choice(['int32', 'int64'])}\n2147483647\n",
            )
        ]

    def source_dtype(k: int) -> list[Step]:
        return [
            Step(
                "Where does the int32 come from in the first place?",
                f"grep -n 'int32\\|astype\\|dtype=' {ctx.source} | head -{rng.randint(8, 15)}",
                f"{rng.randint(20, 90)}:    arr = np.asarray(data)\n{rng.randint(100, 300)}:        counts = np.zeros(n, dtype=np.int32)\n{rng.randint(300, 600)}:    return out.astype(dtype, copy=False)\n",
            )
        ]

    def warnings(k: int) -> list[Step]:
        return [
            Step(
                "Does numpy at least warn about the overflow?",
                f"python -W always {ctx.script} 2>&1 | head -{rng.randint(4, 8)}",
                f"dtype: int32\ntotal: {wrapped}\nexpected: {big}\n",
            )
        ]

    first = run_script(0)[0]
    return churn(
        ctx, rng, n, first, [run_script, cast, probe, source_dtype, warnings], "the integer overflow in the total"
    )


def numpy_alias_removed(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """np.float, np.int, np.object gone: each replaced spot uncovers the next, and the numpy pin is tried both ways."""
    aliases = ["np.float", "np.int", "np.bool", "np.object", "np.str", "np.long", "np.complex"]
    rng.shuffle(aliases)
    ver = numpy_version(rng)

    def failing(k: int) -> Step:
        alias = aliases[k % len(aliases)]
        short = alias.split(".")[1]
        path = rng.choice(
            [
                ctx.source,
                ctx.test_file,
                f"{ctx.source.rsplit('/', 1)[0]}/_compat.py",
                f"{ctx.source.rsplit('/', 1)[0]}/utils.py",
            ]
        )
        body = (
            f"ImportError while importing test module '/testbed/{ctx.test_file}'.\n"
            f'  File "/testbed/{path}", line {rng.randint(12, 700)}, in <module>\n'
            f"    _DEFAULT = {alias}\n"
            f'  File "{ctx.site}/numpy/__init__.py", line {rng.randint(300, 420)}, in __getattr__\n'
            f"    raise AttributeError(__former_attrs__[attr])\n"
            f"AttributeError: module 'numpy' has no attribute '{short}'.\n"
            f"`np.{short}` was a deprecated alias for the builtin `{short}`. To avoid this error in existing code, use `{short}` by itself.\n"
        )
        return Step(
            "Run the tests again.",
            ctx.tests(rng.choice(["", " -x", " -x -q", " -p no:cacheprovider"])),
            body,
            rc=rng.choice([1, 2]),
        )

    def replace(k: int) -> list[Step]:
        alias = aliases[(k - 1) % len(aliases)]
        short = alias.split(".")[1]
        sub = {
            "float": "float",
            "int": "int",
            "bool": "bool",
            "object": "object",
            "str": "str",
            "long": "int",
            "complex": "complex",
        }[short]
        edit = Step(
            f"Replacing `{alias}` with the builtin `{sub}`.",
            rng.choice([f"sed -i 's/{alias}\\b/{sub}/g' {ctx.source}", py_edit(ctx.source, alias, sub)]),
            "" if k % 2 else "patched\n",
        )
        return [edit, failing(k)]

    def grep(k: int) -> list[Step]:
        hits = "\n".join(
            f"./{rng.choice([ctx.source, ctx.test_file])}:{rng.randint(10, 900)}:    x = {a}("
            for a in rng.sample(aliases, rng.randint(2, 5))
        )
        return [
            Step(
                "How many of these aliases are left?",
                rng.choice(
                    [
                        "grep -rnE 'np\\.(float|int|bool|object|str|long|complex)\\b' --include=*.py . | head -20",
                        f"grep -rn 'np\\.[a-z]*[^_.a-z0-9(]' {ctx.source} | head",
                        "git grep -nE 'np\\.(float|int|object)\\b'",
                    ]
                ),
                hits + "\n",
            )
        ]

    def pin(k: int) -> list[Step]:
        want = rng.choice(["'numpy<1.24'", "numpy==1.23.5", "'numpy<1.20'", "numpy==1.22.4"])
        out = rng.choice(
            [
                f"ERROR: Could not find a version that satisfies the requirement {want.strip(chr(39))} (from versions: none)\nERROR: No matching distribution found for {want.strip(chr(39))}\n",
                f"Collecting {want.strip(chr(39))}\n  Downloading numpy-1.23.5.tar.gz ({rng.randint(9, 11)}.{rng.randint(0, 9)} MB)\n  error: subprocess-exited-with-error\n  \u00d7 Preparing metadata (pyproject.toml) did not run successfully.\n  \u2502 exit code: 1\n  ERROR: Could not build wheels for numpy\n",
                f"ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.\n{ctx.dist} requires numpy>={ver}, but you have numpy 1.23.5 which is incompatible.\n",
            ]
        )
        return [
            Step(
                "Maybe simpler to go back to a numpy that still has the aliases.",
                f"pip install {want}" + rng.choice(["", " -q", " --no-deps"]),
                out,
                rc=1,
                seconds=float(rng.randint(4, 40)),
            )
        ]

    def version(k: int) -> list[Step]:
        return [
            Step(
                "Which numpy is actually imported?",
                rng.choice(
                    ["python -c 'import numpy; print(numpy.__version__, numpy.__file__)'", "pip show numpy | head -3"]
                ),
                f"{ver} {ctx.site}/numpy/__init__.py\n",
            )
        ]

    return churn(ctx, rng, n, failing(0), [replace, grep, pin, version, replace], "the removed numpy aliases")

"""Productive episodes that look repetitive: chunked-reading (a file read part by part) and parameter-sweep.

Both are spliced right before one of the run's own edits, so the edit that follows them is real. The
file read is read as the run itself showed it; a sweep's outputs are what its script computes.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from itertools import pairwise

from heldout16.context import Ctx, clean_block, views
from heldout16.replies import pick, run
from heldout16.wire import Step


def read_block(ctx: Ctx) -> tuple[str, range, dict[int, str]]:
    """The file the run edits at the splice, and the longest stretch of it the run had shown by then."""
    command = ctx.run.command(ctx.at)
    seen = views(ctx.run, ctx.at)
    path = max((p for p in seen if p in command), key=lambda p: len(clean_block(seen[p])))
    return path, clean_block(seen[path]), seen[path]


def chunked_reading(ctx: Ctx, rng: random.Random) -> list[Step]:
    path, block, lines = read_block(ctx)
    reads = min(rng.randint(8, 14), len(block) // 12)
    sizes = [rng.uniform(0.65, 1.35) for _ in range(reads)]
    ends = [block.start + round(len(block) * sum(sizes[: i + 1]) / sum(sizes)) for i in range(reads)]
    bounds = [block.start, *ends]
    steps = []
    for i, (a, b) in enumerate(pairwise(bounds)):
        last = b - 1
        spelling = rng.choice(["sed", "sed", "nl", "nl", "head", "awk"])
        if spelling == "nl":
            command, text = (
                f"nl -ba {path} | sed -n '{a},{last}p'",
                "".join(f"{n:6d}\t{lines[n]}\n" for n in range(a, b)),
            )
        else:
            command = {
                "sed": f"sed -n '{a},{last}p' {path}",
                "head": f"head -n {last} {path} | tail -n {b - a}",
                "awk": f"awk 'NR>={a} && NR<={last}' {path}",
            }[spelling]
            text = "".join(f"{lines[n]}\n" for n in range(a, b))
        if i == 0:
            thought = pick(
                rng,
                f"Before editing `{path}` I'll read it through in parts, so I know everything that touches this code. Lines {a}-{last} first.",
                f"I want the full picture of `{path}` before changing it. Reading it in chunks, starting at line {a}.",
            )
        else:
            previous = "\n".join(lines[n] for n in range(bounds[i - 1], a))
            names = re.findall(r"^\s*(?:def|class) (\w+)", previous, re.M)
            seen = f"`{names[-1]}` is defined in that part. " if names and rng.random() < 0.7 else ""
            thought = seen + pick(
                rng,
                f"Continuing with lines {a}-{last}.",
                f"Next part: {a}-{last}.",
                f"Reading on ({a}-{last}).",
                f"Let me keep going: lines {a} to {last}.",
            )
        steps.append(run(thought, command, text))
    return steps


Sweep = tuple[str, list[int], Callable[[int, random.Random], str]]


def _clock(rng: random.Random, n: int, base: float, per: float, power: float = 1.0) -> float:
    return base + per * math.pow(n, power) * rng.uniform(0.85, 1.2)


SWEEPS: dict[str, Sweep] = {
    "sympy": (
        "import sys, time\nfrom sympy import symbols, expand\n\nx, y, z = symbols('x y z')\nn = int(sys.argv[1])\nt0 = time.perf_counter()\n"
        "e = expand((x + y + z + 1)**n)\nprint('n=%d terms=%d time=%.3fs' % (n, len(e.args), time.perf_counter() - t0))\n",
        [2, 4, 6, 8, 10, 12, 15, 18, 20, 25],
        lambda n, rng: (
            f"n={n} terms={math.comb(n + 3, 3)} time={_clock(rng, math.comb(n + 3, 3), 0.004, 0.00011, 1.15):.3f}s"
        ),
    ),
    "django": (
        "import sys, time\nimport django\nfrom django.conf import settings\n\nsettings.configure(\n"
        "    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},\n"
        "    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],\n)\ndjango.setup()\n"
        "from django.contrib.auth.models import User\nfrom django.core.management import call_command\n"
        "from django.db import connection\nfrom django.test.utils import CaptureQueriesContext\n\n"
        "call_command('migrate', verbosity=0)\nn = int(sys.argv[1])\nUser.objects.bulk_create([User(username='u%d' % i) for i in range(n)])\n"
        "t0 = time.perf_counter()\nwith CaptureQueriesContext(connection) as queries:\n"
        "    rows = list(User.objects.filter(username__startswith='u').order_by('id'))\n"
        "print('n=%d rows=%d queries=%d time=%.4fs' % (n, len(rows), len(queries.captured_queries), time.perf_counter() - t0))\n",
        [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
        lambda n, rng: f"n={n} rows={n} queries=1 time={_clock(rng, n, 0.0006, 0.000011):.4f}s",
    ),
    "sklearn": (
        "import sys, time\nfrom sklearn.datasets import make_classification\nfrom sklearn.linear_model import LogisticRegression\n\n"
        "n = int(sys.argv[1])\nX, y = make_classification(n_samples=n, n_features=20, random_state=0)\nt0 = time.perf_counter()\n"
        "clf = LogisticRegression(max_iter=1000).fit(X, y)\n"
        "print('n=%d shape=%s classes=%d fit=%.3fs' % (n, X.shape, len(clf.classes_), time.perf_counter() - t0))\n",
        [50, 100, 500, 1000, 5000, 10000, 20000, 50000],
        lambda n, rng: f"n={n} shape=({n}, 20) classes=2 fit={_clock(rng, n, 0.004, 0.0000021):.3f}s",
    ),
    "matplotlib": (
        "import io, sys, time\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n\nn = int(sys.argv[1])\n"
        "fig, ax = plt.subplots()\nfor i in range(n):\n    ax.plot([0, 1], [i, i + 1])\nt0 = time.perf_counter()\nbuf = io.BytesIO()\n"
        "fig.savefig(buf, format='png')\nprint('n=%d lines=%d png=%d bytes time=%.3fs' % (n, len(ax.lines), buf.tell(), time.perf_counter() - t0))\n",
        [1, 5, 10, 50, 100, 200, 500, 1000],
        lambda n, rng: (
            f"n={n} lines={n} png={int(9000 + 2600 * math.log1p(n) + 14 * n + rng.randint(-300, 300))} bytes time={_clock(rng, n, 0.03, 0.00035):.3f}s"
        ),
    ),
    "astropy": (
        "import io, sys, time\nfrom astropy.table import Table\n\nn = int(sys.argv[1])\n"
        "t = Table([list(range(n)), [i / 2 for i in range(n)]], names=('a', 'b'))\nt0 = time.perf_counter()\nout = io.StringIO()\n"
        "t.write(out, format='ascii.csv')\nprint('n=%d rows=%d chars=%d time=%.4fs' % (n, len(t), len(out.getvalue()), time.perf_counter() - t0))\n",
        [1, 10, 100, 1000, 5000, 10000, 50000, 100000],
        lambda n, rng: (
            f"n={n} rows={n} chars={4 + sum(len(f'{i},{i / 2}') + 1 for i in range(n))} time={_clock(rng, n, 0.002, 0.0000032):.4f}s"
        ),
    ),
    "xarray": (
        "import sys, time\nimport numpy as np\nimport xarray as xr\n\nn = int(sys.argv[1])\nda = xr.DataArray(np.arange(n, dtype=float), dims='x')\n"
        "t0 = time.perf_counter()\nr = da.rolling(x=3).mean()\n"
        "print('n=%d valid=%d mean=%.2f time=%.4fs' % (n, int(r.count()), float(r.mean()), time.perf_counter() - t0))\n",
        [3, 5, 10, 100, 1000, 10000, 100000, 1000000],
        lambda n, rng: f"n={n} valid={n - 2} mean={(n - 1) / 2:.2f} time={_clock(rng, n, 0.0012, 0.00000004):.4f}s",
    ),
    "requests": (
        "import sys, time\nimport requests\n\nn = int(sys.argv[1])\nparams = [('k%d' % i, 'v%d' % i) for i in range(n)]\nt0 = time.perf_counter()\n"
        "p = requests.Request('GET', 'http://example.com/path', params=params).prepare()\n"
        "print('n=%d url_len=%d time=%.5fs' % (n, len(p.url), time.perf_counter() - t0))\n",
        [0, 1, 2, 5, 10, 100, 1000, 5000],
        lambda n, rng: (
            f"n={n} url_len={23 + (n > 0) + sum(2 * len(str(i)) + 3 for i in range(n)) + max(0, n - 1)} time={_clock(rng, n, 0.00009, 0.0000021):.5f}s"
        ),
    ),
    "pytest": (
        "import subprocess, sys, time\n\nn = int(sys.argv[1])\nwith open('test_sweep_tmp.py', 'w') as f:\n"
        "    f.write('import pytest\\n\\n\\n@pytest.mark.parametrize(\"i\", range(%d))\\ndef test_case(i):\\n    assert i >= 0\\n' % n)\n"
        "t0 = time.perf_counter()\nres = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_sweep_tmp.py'],\n"
        "                     capture_output=True, text=True)\nprint('n=%d %s wall=%.2fs' % (n, res.stdout.strip().splitlines()[-1], time.perf_counter() - t0))\n",
        [1, 2, 5, 10, 50, 100, 500, 1000],
        lambda n, rng: (
            f"n={n} {n} passed in {_clock(rng, n, 0.01, 0.00042):.2f}s wall={_clock(rng, n, 0.32, 0.00045):.2f}s"
        ),
    ),
}


def parameter_sweep(ctx: Ctx, rng: random.Random) -> list[Step]:
    body, sizes, line = SWEEPS[ctx.name]
    script = pick(rng, "sweep_sizes.py", "scale_check.py", "sweep.py")
    runs = rng.randint(6, min(10, len(sizes)))
    chosen = sorted(rng.sample(sizes, runs))
    if runs < 10 and rng.random() < 0.4:  # going back to a small size once, to compare
        chosen.insert(rng.randint(3, runs - 1), chosen[0])
    cleanup = f"rm {script}" + (" test_sweep_tmp.py" if ctx.name == "pytest" else "")
    steps = [
        run(
            pick(
                rng,
                "Before changing the code I want a baseline of how this checkout behaves as the input grows, so I can compare after the change. A small script that takes the size as an argument:",
                "Let me record how things scale with the input size before I edit anything, to have numbers to compare against afterwards. I'll write a script parametrised by n.",
            ),
            f"cat <<'EOF' > {script}\n{body}EOF",
            "",
        )
    ]
    for i, n in enumerate(chosen):
        thought = f"n={n}." if i else "Start small."
        if i and rng.random() < 0.5:
            thought = pick(rng, f"Now n={n}.", f"Larger: n={n}.", f"Try n={n}.", f"And n={n}.")
        steps.append(run(thought, f"python {script} {n}", line(n, rng) + "\n", 0, 1 + 0.2 * math.log1p(n)))
    steps.append(
        run(
            pick(
                rng,
                "The baseline is clear: the results follow n exactly and the time grows smoothly, nothing breaks at any size. I have the numbers to compare against, so I'll remove the script and make the change.",
                "Across all sizes the outputs grow the way they should and the timings stay reasonable. That's my baseline; cleaning up the script before the edit.",
            ),
            cleanup,
            "",
        )
    )
    return steps

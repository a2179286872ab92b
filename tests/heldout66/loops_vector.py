# ruff: noqa: E501
"""Loop family on vector output: an exported SVG, PDF or SVGZ whose bytes differ from the stored file each time."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, k_target, test_step
from heldout66.text import Attempt, Ctx, again, churn, grep_n, py_edit


def _stamp(rng: random.Random) -> str:
    return f"20{rng.randint(23, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randrange(10**6):06d}"


def _hashes(rng: random.Random, fmt: str, same: bool) -> str:
    first = f"{rng.randrange(16**8):08x}"
    return f"{fmt} {first} {first if same else f'{rng.randrange(16**8):08x}'}"


def svg_output_bytes_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A vector export compared byte for byte with a stored file: dates, clip-path ids, versions, glyph ids, number
    formatting and gzip headers differ in turn; each fix takes one difference away and the next one shows."""
    src, tf, svg = ctx.src, ctx.tf, ctx.fn("svg")
    golden = f"{ctx.tf.rsplit('/', 1)[0]}/data/{ctx.subj}_expected"
    body = f"def {svg}(fig, fname, fmt='svg'):\n    with rc_context({{'svg.fonttype': 'path'}}):\n        fig.savefig(fname, format=fmt)\n    return fname\n"
    # What still differs from the stored files; the gzip header's time stamp never stops differing.
    pool = {"date", "clip", "version", "glyph", "float", "pdf", "svgz"}
    stored = ("version", "glyph", "float", "fonttype")

    def diff(kind: str) -> Fail:
        case = {"pdf": "pdf_golden", "svgz": "svgz_golden"}.get(kind) or rng.choice(
            ["svg_golden", "svg_roundtrip", "export_stable"]
        )
        name = f"test_{ctx.subj}_{case}"
        old, new = ctx.mpl_version(rng), rng.choice(["3.5.3", "3.7.1", "3.8.0"])
        a, b = f"p{rng.randrange(16**10):010x}", f"p{rng.randrange(16**10):010x}"
        x, y = round(rng.uniform(50, 400), 3), round(rng.uniform(40, 300), 3)
        g = rng.randint(0, 9)
        lines = {
            "date": (f"    <dc:date>{_stamp(rng)}</dc:date>", f"    <dc:date>{_stamp(rng)}</dc:date>"),
            "clip": (f'   <clipPath id="{a}">', f'   <clipPath id="{b}">'),
            "version": (
                f"       <dc:title>Matplotlib v{old}, https://matplotlib.org/</dc:title>",
                f"       <dc:title>Matplotlib v{new}, https://matplotlib.org/</dc:title>",
            ),
            "glyph": (
                f'     <use xlink:href="#DejaVuSans-{30 + g}" x="{round(rng.uniform(10, 200), 4)}"/>',
                f'     <use xlink:href="#DejaVuSans-{48 + g}" x="{round(rng.uniform(10, 200), 4)}"/>',
            ),
            "float": (
                f'    <path d="M {x} {y} L {round(x + 50, 3)} {y} "',
                f'    <path d="M {x} {round(y, 2)} L {round(x + 50, 2)} {round(y, 2)} "',
            ),
            "fonttype": (
                f'   <text x="{x}" y="{y}" style="font: 10px \'DejaVu Sans\'; text-anchor: middle">{g}</text>',
                f'   <g transform="translate({x} {y})scale(0.1 -0.1)">',
            ),
        }
        if kind in lines:
            got, want = lines[kind]
            return Fail(
                name,
                f"AssertionError: assert '<?xml versio...' == '<?xml versio...'\n  Skipping {rng.randint(300, 4000)} identical leading characters in diff, use -v to show\n  - {want}\n  + {got}",
                "assert out.getvalue() == expected.read_text()",
            )
        at = rng.randint(4, 9) if kind == "svgz" else rng.randint(100, 3000)
        what = rng.choice([("4", "3"), ("2", "1"), ("9", "0")])
        head = "%PDF-1.4" if kind == "pdf" else "\\x1f\\x8b\\x08\\x00"
        return Fail(
            name,
            f"AssertionError: assert b'{head}...' == b'{head}...'\n  At index {at} diff: b'{what[0]}' != b'{what[1]}'\n  Use -v to get more diff",
            "assert path.read_bytes() == expected.read_bytes()",
        )

    def run(thought: str, likely: list[str]) -> Step:
        left = [k for k in likely if k in pool] or sorted(pool)
        kinds = rng.sample(left, rng.randint(1, min(2, len(left))))
        fails = list({f.name: f for f in (diff(k) for k in kinds)}.values())
        target = rng.choice([tf, f"{tf}::{fails[0].name}", k_target(ctx, tf, fails)])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x"]))

    edits = [
        (
            "fig.savefig(fname, format=fmt)",
            "fig.savefig(fname, format=fmt, metadata={'Date': None})",
            "drop the date from the metadata",
            "date",
            ["clip", "pdf", "svgz"],
        ),
        (
            "{'svg.fonttype': 'path'}",
            "{'svg.fonttype': 'path', 'svg.hashsalt': 'matplotlib'}",
            "fix the hash salt so the clip-path ids are the same every run",
            "clip",
            ["version", "date", "glyph"],
        ),
        (
            "metadata={'Date': None}",
            "metadata={'Date': None, 'Creator': None}",
            "drop the creator too so the version line goes",
            "version",
            ["glyph", "svgz", "float"],
        ),
        (
            "'svg.fonttype': 'path'",
            "'svg.fonttype': 'none'",
            "keep text as text instead of glyph paths, so the glyph ids don't matter",
            "glyph",
            ["fonttype", "float"],
        ),
        (
            "    with rc_context(",
            "    os.environ.setdefault('SOURCE_DATE_EPOCH', '0')\n    with rc_context(",
            "set SOURCE_DATE_EPOCH so every backend writes a fixed date",
            "pdf",
            ["svgz", "clip", "version"],
        ),
        (
            "fig.savefig(fname, format=fmt",
            "fig.savefig(fname, format=fmt, dpi=72",
            "pin the DPI so the coordinates are the same",
            "",
            ["float", "date"],
        ),
    ]

    rng.shuffle(edits)
    dated = [i for i, e in enumerate(edits) if e[3] in ("date", "version")]
    if edits[dated[0]][3] == "version":
        edits[dated[0]], edits[dated[1]] = edits[dated[1]], edits[dated[0]]

    def edit(k: int) -> list[Step]:
        fresh = bool(edits)
        old, new, why, removes, likely = edits.pop(0) if fresh else rng.choice(undo)
        if removes:
            pool.discard(removes)
        if removes == "glyph":
            pool.add("fonttype")
        return [
            Step(f"Let me {why}." if fresh else again(k + 1, f"Let me {why}."), py_edit(src, old, new), "patched"),
            run("Rerun the export tests.", likely),
        ]

    undo = [
        (
            "'svg.fonttype': 'none'",
            "'svg.fonttype': 'path'",
            "go back to glyph paths; text elements differ from the stored file everywhere",
            "fonttype",
            ["glyph", "svgz"],
        ),
        (
            "os.environ.setdefault('SOURCE_DATE_EPOCH', '0')\n",
            "",
            "take SOURCE_DATE_EPOCH out of library code again; it leaks into the user's environment",
            "",
            ["pdf", "date"],
        ),
    ]

    def regenerate(k: int) -> list[Step]:
        ext = rng.choice(["svg", "pdf", "svgz"])
        if ext == "svg":
            for kind in stored:
                pool.discard(kind)
        return [
            Step(
                again(k, f"The stored {ext} is from an older matplotlib. Regenerate it from the current output."),
                f"python -c \"import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; from {ctx.plot_dotted} import {svg}; fig, ax = plt.subplots(); ax.plot([0, 1, 2], [1, 3, 2]); {svg}(fig, '{golden}.{ext}', fmt='{ext}')\" && git diff --stat -- {golden}.{ext}",
                f" {golden}.{ext} | {rng.randint(4, 400)} {'+' * rng.randint(3, 20)}{'-' * rng.randint(3, 20)}\n 1 file changed"
                if ext == "svg"
                else f" {golden}.{ext} | Bin {rng.randint(9000, 30000)} -> {rng.randint(9000, 30000)} bytes\n 1 file changed",
            ),
            run("Run the export tests against the new file.", ["date", "clip", "svgz", "pdf"]),
        ]

    def normalise(k: int) -> list[Step]:
        pool.discard("date")
        pool.discard("clip")
        return [
            Step(
                again(k, "Normalise the volatile parts in the test before comparing: dates and generated ids."),
                py_edit(
                    tf,
                    "    assert out.getvalue() == expected.read_text()\n",
                    "    norm = lambda s: re.sub(r'id=\"p[0-9a-f]+\"|<dc:date>.*?</dc:date>', '', s)\n    assert norm(out.getvalue()) == norm(expected.read_text())\n",
                ),
                "patched",
            ),
            run("Rerun.", ["glyph", "float", "version", "svgz", "pdf"]),
        ]

    def twice(k: int) -> list[Step]:
        same = {"svg": not {"date", "clip"} & pool, "svgz": rng.random() < 0.3, "pdf": "pdf" not in pool}
        return [
            Step(
                again(k, "Let me check whether two exports in the same process are even identical."),
                f"python - <<'EOF'\nimport io, hashlib\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfrom {ctx.plot_dotted} import {svg}\nfig, ax = plt.subplots()\nax.plot([0, 1, 2], [1, 3, 2])\nfor fmt in ('svg', 'svgz', 'pdf'):\n    a, b = io.BytesIO(), io.BytesIO()\n    {svg}(fig, a, fmt=fmt)\n    {svg}(fig, b, fmt=fmt)\n    print(fmt, hashlib.md5(a.getvalue()).hexdigest()[:8], hashlib.md5(b.getvalue()).hexdigest()[:8])\nEOF",
                "\n".join(_hashes(rng, fmt, same[fmt]) for fmt in ("svg", "svgz", "pdf")),
                seconds=rng.uniform(1, 4),
            )
        ]

    def diff_files(k: int) -> list[Step]:
        hunks = []
        if "date" in pool:
            hunks.append(f"8c8\n<     <dc:date>{_stamp(rng)}</dc:date>\n---\n>     <dc:date>{_stamp(rng)}</dc:date>")
        if "clip" in pool:
            at = rng.randint(30, 90)
            hunks.append(
                f'{at}c{at}\n<    <clipPath id="p{rng.randrange(16**10):010x}">\n---\n>    <clipPath id="p{rng.randrange(16**10):010x}">'
            )
        if "version" in pool:
            hunks.append(
                f"21c21\n<        <dc:title>Matplotlib v{ctx.mpl_version(rng)}, https://matplotlib.org/</dc:title>\n---\n>        <dc:title>Matplotlib v3.5.3, https://matplotlib.org/</dc:title>"
            )
        if "glyph" in pool or "fonttype" in pool:
            at = rng.randint(120, 400)
            hunks.append(
                f'{at},{at + rng.randint(2, 9)}c{at},{at + rng.randint(2, 9)}\n<      <use xlink:href="#DejaVuSans-{rng.randint(30, 39)}"/>\n---\n>      <use xlink:href="#DejaVuSans-{rng.randint(48, 57)}"/>'
            )
        return [
            Step(
                again(k, "Let me diff the stored svg against a fresh export directly."),
                f"diff <(python -c \"import sys, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; from {ctx.plot_dotted} import {svg}; fig, ax = plt.subplots(); ax.plot([0, 1, 2], [1, 3, 2]); {svg}(fig, sys.stdout.buffer)\") {golden}.svg | head -16",
                "\n".join(hunks),
                rc=1 if hunks else 0,
            )
        ]

    first = [
        run(f"Let me run the export tests after changing {svg}.", ["date", "clip"]),
        Step(
            "Let me look at the export helper.",
            f"grep -n 'def {svg}' -A5 {src}",
            grep_n(ctx.line(rng, "body:" + svg), body),
        ),
    ]
    attempts: list[Attempt] = [edit, edit, regenerate, normalise, twice, diff_files, edit]
    return churn(ctx, rng, n, first, attempts, "byte-identical vector output", svg, body)

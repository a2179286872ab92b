"""Productive episodes: the loop families' errors met once or twice, then genuinely resolved."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout24.loops_dtype import Frame
from heldout24.loops_env import BIN, Child
from heldout24.loops_pickle import Fixture, opcodes
from heldout24.loops_regex import Pattern
from heldout24.loops_seed import Sampler
from heldout24.loops_unicode import CASES
from heldout24.text import Ctx, report, run_pytest, timing

# An unambiguous rewrite of each pattern in loops_regex.PATTERNS: every repetition needs a separator.
REWRITES = {
    r"^(\w+\s?)*$": r"^(?:\w+(?:\s\w+)*\s?)?$",
    r"^([\w.-]+,?\s*)+:": r"^[\w.-]+(?:(?:,\s*|\s+)[\w.-]+)*,?\s*:",
    r"^(\s*[\w.]+\s*)*=\s*(.*)$": r"^\s*([\w.]+(?:\s+[\w.]+)*)\s*=\s*(.*)$",
    r"^((?:[a-z0-9]+[-_.]?)*)@(\w+)$": r"^((?:[a-z0-9]+(?:[-_.][a-z0-9]+)*[-_.]?)?)@(\w+)$",
}


def passing(ctx: Ctx, rng: random.Random, target: str, passed: int, thought: str) -> Step:
    command, output = run_pytest(ctx, rng, target, passed, [])
    return Step(thought, command, output, seconds=timing(rng, 1, 5))


def pickle_regenerated(ctx: Ctx, rng: random.Random) -> list[Step]:
    fx = Fixture(ctx, rng)
    fx.holds, fx.state = (fx.legacy, "module") if rng.random() < 0.5 else (ctx.dotted, "attr")
    regen = f"{fx.data}/make_{ctx.stem}_records.py"
    steps = [fx.failing()]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Let me see which class path the fixture refers to.",
                f"python -m pickletools {fx.path} | head -n 12",
                opcodes(fx.holds, fx.old, 4, rng, 12),
            )
        )
    listing = opcodes(ctx.dotted, fx.new, 4, rng).splitlines()
    steps += [
        Step(
            f"The fixture was pickled against `{fx.holds}.{fx.old}`, which my change renamed to `{ctx.dotted}.{fx.new}`. The data directory has a generator script; I'll regenerate the fixture from it so it references the current class, and check the result.",
            f"python {regen} --out {fx.path} && python -m pickletools {fx.path} | grep -m2 SHORT_BINUNICODE",
            f"wrote {fx.count} records to {fx.path}\n"
            + "\n".join([line for line in listing if "SHORT_BINUNICODE" in line][:2]),
            seconds=timing(rng, 1, 3),
        ),
        passing(
            ctx,
            rng,
            fx.test,
            fx.passed + 1,
            "The fixture now points at the right class. Running the cache tests again.",
        ),
    ]
    return steps


def regex_anchored(ctx: Ctx, rng: random.Random) -> list[Step]:
    p = Pattern(ctx, rng)
    fixed = REWRITES[p.original]
    sed_old = (
        p.original.replace("\\", "\\\\")
        .replace("*", "\\*")
        .replace("[", "\\[")
        .replace(".", "\\.")
        .replace("^", "\\^")
        .replace("$", "\\$")
    )
    sed_new = fixed.replace("\\", "\\\\").replace("&", "\\&")
    took = "\n".join(f"{m} 0.0000{rng.randint(1, 9)}" for m in (16, 24, 32, 64, 1000))
    return [
        p.failing(),
        Step(
            f"The test hung. Let me look at the pattern `{p.func}` uses.",
            f"grep -n '{p.name}' {ctx.source}",
            f'{p.line}:{p.name} = re.compile(r"{p.pattern}")\n{p.line + rng.randint(8, 30)}:    m = {p.name}.match(value)',
        ),
        Step(
            "The group is quantified and its body can match the same characters in more than one way, so a non-matching input backtracks exponentially. I'll rewrite it so each repetition must start with a separator, which makes the match unambiguous and linear.",
            f"sed -i 's|{sed_old}|{sed_new}|' {ctx.source} && grep -n '{p.name} =' {ctx.source}",
            f'{p.line}:{p.name} = re.compile(r"{fixed}")',
        ),
        Step(
            "Checking that the rewritten pattern fails fast on long garbage input.",
            f"python - <<'EOF'\nimport time\nfrom {ctx.dotted} import {p.name}\nfor n in (16, 24, 32, 64, 1000):\n    t = time.perf_counter()\n    {p.name}.match('a' * n + '!')\n    print(n, round(time.perf_counter() - t, 5))\nEOF",
            took,
        ),
        passing(
            ctx,
            rng,
            p.test,
            p.passed + 1,
            "Fast now. Running the spec tests to confirm it still matches what it should.",
        ),
    ]


def normalized_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    func = rng.choice([f"normalize_{ctx.stem}_label", "slugify_title", f"format_{ctx.stem}_name"])
    test = ctx.test_path("text")
    name = rng.choice(["test_accented_label", "test_angstrom_unit", "test_hangul_jamo"])
    got, want = CASES[name]
    passed = rng.randint(5, 16)
    code = [f"def {name}():", f"    result = {func}(RAW_{name[5:].upper()})", f"    assert result == {want!r}"]
    body = report(
        [(code, 2, f"{test}:{rng.randint(12, 120)}")],
        [f"AssertionError: assert {got!r} == {want!r}", f"  - {want}", f"  + {got}"],
        "AssertionError",
    )
    command, output = run_pytest(ctx, rng, test, passed, [(name, body, f"AssertionError: assert {got!r} == {want!r}")])
    line = rng.randint(40, 600)
    return [
        Step(f"Let me run the text tests for `{func}`.", command, output, rc=1, seconds=timing(rng, 1, 4)),
        Step(
            "The two strings print the same, so they must differ in code points. Let me look at them.",
            f'python -c "import unicodedata as u; from {ctx.dotted} import {func}; from {test[:-3].replace("/", ".")} import *; r = {func}(RAW_{name[5:].upper()}); print(ascii(r), [u.name(c) for c in r[-2:]])"',
            f"{got!a} {[__import__('unicodedata').name(c) for c in got[-2:]]}",
        ),
        Step(
            f"The input arrives decomposed and `{func}` passes it through as is. Text should be normalised once, where it enters; I'll apply NFC to the argument at the top of `{func}`.",
            f"sed -i '/^def {func}(value/a \\    value = unicodedata.normalize(\"NFC\", value)' {ctx.source} && grep -n -A1 '^def {func}' {ctx.source} && grep -n '^import unicodedata' {ctx.source}",
            f'{line}:def {func}(value):\n{line + 1}-    value = unicodedata.normalize("NFC", value)\n{rng.randint(3, 14)}:import unicodedata',
        ),
        passing(ctx, rng, test, passed + 1, "Running the text tests again."),
    ]


def seed_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    s = Sampler(ctx, rng)
    s.randomly = False
    first = s.failing()
    steps = [first]
    if rng.random() < 0.6:
        steps.append(s.failing())
    seed_call = "np.random.default_rng(0)" if s.numpy else "random.Random(0)"
    arg = "random_state" if s.numpy else "rng"
    line = rng.randint(18, 50)
    steps += [
        Step(
            f"The numbers change between runs: the test seeds the global generator at import, but `{s.func}` draws from its own generator. I'll give the test a fixture that builds a seeded generator and pass it in, so the draw no longer depends on what ran before.",
            f"cat >> {ctx.tests_dir}/conftest.py <<'EOF'\n\n\n@pytest.fixture\ndef seeded_rng():\n    return {seed_call}\nEOF\nsed -i 's/^def {s.case}():/def {s.case}(seeded_rng):/; s/{s.func}(DATA, n={s.size})/{s.func}(DATA, n={s.size}, {arg}=seeded_rng)/' {s.test} && grep -n -A2 'def {s.case}' {s.test}",
            f"{line}:def {s.case}(seeded_rng):\n{line + 1}-    result = {s.func}(DATA, n={s.size}, {arg}=seeded_rng)\n{line + 2}-    {'np.testing.assert_allclose(result, EXPECTED)' if s.numpy else 'assert result == EXPECTED'}",
        ),
        passing(ctx, rng, s.test, s.passed + 1, "Running the sampling tests."),
        Step(
            "Passing. Let me run it a second time, with a different hash seed, to be sure it's deterministic now.",
            f"PYTHONHASHSEED={rng.randint(1, 9999)} python -m pytest {s.test} -p no:cacheprovider",
            run_pytest(ctx, rng, s.test, s.passed + 1, [])[1],
            seconds=timing(rng, 1, 5),
        ),
    ]
    return steps


def dtype_cast(ctx: Ctx, rng: random.Random) -> list[Step]:
    f = Frame(ctx, rng)
    wrong = next(c for c in f.columns if f.got[c] != f.want[c])
    for c in f.columns:
        if c != wrong:
            f.got[c] = f.want[c]
    target = f.want[wrong]
    cast = {
        "int64": f'frame["{wrong}"].astype("int64")',
        "datetime64[ns]": f'pd.to_datetime(frame["{wrong}"]).astype("datetime64[ns]")',
        "category": f'frame["{wrong}"].astype("category")',
    }.get(target, f'frame["{wrong}"].astype("{target}")')
    if wrong == "count" and f.got[wrong] == "float64":
        cast = f'frame["{wrong}"].fillna(0).astype("int64")'
    line = rng.randint(100, 700)
    escaped = cast.replace("&", "\\&")
    return [
        f.failing(),
        Step(
            f"Only the dtype of `{wrong}` differs. Let me see where `{f.func}` produces it.",
            f"grep -n '{wrong}' {ctx.source} | head -n 5",
            f'{line}:    frame = frame.merge(extra, how="left", on="{f.columns[0]}")\n{line + rng.randint(2, 6)}:    frame["{wrong}"] = frame["{wrong}"].fillna(pd.NA)',
        ),
        Step(
            f"`{wrong}` comes out as `{f.got[wrong]}` after the merge while the documented output is `{target}`. I'll cast it right after the merge.",
            f"sed -i 's/^    return frame$/    frame[\"{wrong}\"] = {escaped}\\n    return frame/' {ctx.source} && grep -n 'frame\\[\"{wrong}\"\\] = ' {ctx.source}",
            f'{line + rng.randint(8, 20)}:    frame["{wrong}"] = {cast}',
        ),
        passing(ctx, rng, f.test, f.passed + 1, "Running the frame tests again."),
    ]


def env_passed(ctx: Ctx, rng: random.Random) -> list[Step]:
    c = Child(ctx, rng)
    if rng.random() < 0.5:
        c.path_ok = True  # the child finds the tool but misses the variable
    return [
        c.failing(),
        Step(
            f"Let me look at how `{c.func}` builds the child's environment.",
            f"grep -n '_ENV\\|subprocess.run' {ctx.source}",
            f'{c.env_line}:_ENV = {{"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}}\n{c.line + 1}:    return subprocess.run({c.argv!r}, env=_ENV, cwd=workdir, check=True, capture_output=True, text=True)',
        ),
        Step(
            f"`_ENV` is fixed at import with a bare PATH, so the child neither finds `{c.tool}` in {BIN} nor gets `{c.var}`. I'll build the child's environment when spawning, passing exactly what it needs explicitly and nothing else.",
            f'sed -i \'s/env=_ENV, /env=dict(_ENV, PATH=os.environ["PATH"], {c.var}=os.environ.get("{c.var}", "{c.value}")), /\' {ctx.source} && grep -n \'subprocess.run\' {ctx.source}',
            f'{c.line + 1}:    return subprocess.run({c.argv!r}, env=dict(_ENV, PATH=os.environ["PATH"], {c.var}=os.environ.get("{c.var}", "{c.value}")), cwd=workdir, check=True, capture_output=True, text=True)',
        ),
        passing(
            ctx,
            rng,
            c.test,
            c.passed + 1,
            "Running the subprocess tests again, including the one that checks the environment stays sanitised.",
        ),
    ]

"""Productive episodes that look like the loops: a regex refined until it passes, a doctest fixed, a version pinned.

Each is a side task of the run (a scratch script, the environment), so the run's own files read
the same afterwards and the rest of the run follows as recorded.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import pairwise

from heldout17.libs import PINS, fill
from heldout17.loops_env import pip_install
from heldout17.runs import Ctx
from heldout17.talk import django_run, pytest_run, say
from heldout17.wire import Step


@dataclass(frozen=True)
class Cases:
    purpose: str
    cases: tuple[tuple[str, object], ...]
    op: str  # "findall", "findall_lower" or "match"
    pool: tuple[str, ...]


CASES = (
    Cases(
        "split identifiers into words",
        (
            ("parseHTTPResponse", ["parse", "HTTP", "Response"]),
            ("getX", ["get", "X"]),
            ("simple", ["simple"]),
            ("HTMLParser", ["HTML", "Parser"]),
            ("version2Update", ["version", "2", "Update"]),
            ("ABC", ["ABC"]),
        ),
        "findall",
        (
            r"[A-Z][a-z]+",
            r"[A-Z]?[a-z]+",
            r"[A-Z]?[a-z]+|[A-Z]+",
            r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+",
            r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+",
            r"[a-z]+|[A-Z][a-z]*",
        ),
    ),
    Cases(
        "parse durations like 1h30m",
        (
            ("1h30m", [("1", "h"), ("30", "m")]),
            ("45s", [("45", "s")]),
            ("2 h", [("2", "h")]),
            ("1h 5m 10s", [("1", "h"), ("5", "m"), ("10", "s")]),
            ("1.5h", [("1.5", "h")]),
            ("90M", [("90", "m")]),
        ),
        "findall_lower",
        (
            r"(\d+)([hms])",
            r"(\d+)\s*([hms])",
            r"(\d+(?:\.\d+)?)\s*([hms])",
            r"(?i)(\d+(?:\.\d+)?)\s*([hms])",
            r"(\d)([hms])",
        ),
    ),
    Cases(
        "parse version strings",
        (
            ("1.2.3", ("1", "2", "3", None)),
            ("1.2", ("1", "2", None, None)),
            ("10.0.1rc2", ("10", "0", "1", "rc2")),
            ("2.0b1", ("2", "0", None, "b1")),
            ("v3.1.4", ("3", "1", "4", None)),
        ),
        "match",
        (
            r"(\d+)\.(\d+)\.(\d+)",
            r"(\d+)\.(\d+)\.(\d+)(\w+)?",
            r"(\d+)\.(\d+)(?:\.(\d+))?(\w+)?",
            r"v?(\d+)\.(\d+)(?:\.(\d+))?((?:a|b|rc)\d+)?$",
            r"(\d)\.(\d)\.(\d)(\w*)",
        ),
    ),
    Cases(
        "find printf-style placeholders",
        (
            ("%(name)s", [("name", "s")]),
            ("%%(x)s", []),
            ("%(count)5d items", [("count", "5d")]),
            ("no placeholders", []),
            ("%(a)s and %(b)r", [("a", "s"), ("b", "r")]),
            ("100%% of %(total).2f", [("total", ".2f")]),
        ),
        "findall",
        (r"%\((\w+)\)(\w)", r"%\((\w+)\)(\d*\w)", r"%\((\w+)\)([\w.]+)", r"(?<!%)%\((\w+)\)([\w.]+)", r"\((\w+)\)"),
    ),
)


def _apply(cases: Cases, pattern: str, text: str) -> object:
    compiled = re.compile(pattern)
    if cases.op == "match":
        match = compiled.match(text)
        return match.groups() if match else None
    found = compiled.findall(text)
    return [(a, b.lower()) for a, b in found] if cases.op == "findall_lower" else found


def _failures(cases: Cases, pattern: str) -> int:
    return sum(_apply(cases, pattern, text) != want for text, want in cases.cases)


def regex_converges(ctx: Ctx, rng: random.Random) -> list[Step]:
    cases = rng.choice(CASES)
    by_count: dict[int, list[str]] = {}
    for pattern in cases.pool:
        by_count.setdefault(_failures(cases, pattern), []).append(pattern)
    chain = [rng.choice(by_count[count]) for count in sorted(by_count, reverse=True)]
    if len(chain) > 7:
        chain = [chain[0], *sorted(rng.sample(chain[1:-1], 5), key=lambda p: -_failures(cases, p)), chain[-1]]
    assert len(chain) >= 4 and _failures(cases, chain[-1]) == 0, cases.purpose
    script = rng.choice(("check_pattern.py", "scratch_regex.py", "/tmp/regex_check.py"))
    body = (
        f"import re\n\nPATTERN = r'{chain[0]}'\n\nCASES = [\n"
        + "".join(f"    ({text!r}, {want!r}),\n" for text, want in cases.cases)
        + "]\n\nfailed = 0\nfor text, want in CASES:\n"
        + (
            "    m = re.match(PATTERN, text)\n    got = m.groups() if m else None\n"
            if cases.op == "match"
            else "    got = [(a, b.lower()) for a, b in re.findall(PATTERN, text)]\n"
            if cases.op == "findall_lower"
            else "    got = re.findall(PATTERN, text)\n"
        )
        + "    ok = got == want\n    failed += not ok\n    print('ok  ' if ok else 'FAIL', repr(text), '->', got, '' if ok else '(expected %r)' % (want,))\n"
        "print('%d of %d cases failed' % (failed, len(CASES)) if failed else 'all %d cases passed' % len(CASES))\n"
        "raise SystemExit(1 if failed else 0)\n"
    )

    def run(pattern: str) -> Step:
        lines, failed = [], 0
        for text, want in cases.cases:
            got = _apply(cases, pattern, text)
            failed += got != want
            lines.append(
                f"{'ok  ' if got == want else 'FAIL'} {text!r} -> {got}{'' if got == want else f' (expected {want!r})'}"
            )
        lines.append(
            f"{failed} of {len(cases.cases)} cases failed" if failed else f"all {len(cases.cases)} cases passed"
        )
        return Step(
            say(rng, "Running the cases.", "Let me run the cases again.", "Checking the cases."),
            f"{ctx.py} {script}",
            "\n".join(lines) + "\n",
            1 if failed else 0,
            0.3,
        )

    steps = [
        Step(
            f"Before wiring it in, I want the pattern to {cases.purpose} right on the edge cases. I'll prototype it in a scratch script with a table of cases.",
            f"cat <<'EOF' > {script}\n{body}EOF",
        ),
        run(chain[0]),
    ]
    for before, after in pairwise(chain):
        left = _failures(cases, before)
        steps.append(
            Step(
                say(
                    rng,
                    f"{left} case{'s' if left != 1 else ''} still failing. Refining the pattern to `{after}`.",
                    f"Progress. The remaining failure{'s' if left != 1 else ''} need{'' if left != 1 else 's'} another alternative; trying `{after}`.",
                    f"Better. Let me handle the failing case{'s' if left != 1 else ''} with `{after}`.",
                ),
                f"sed -i \"s|^PATTERN = .*|PATTERN = r'{after}'|\" {script}",
            )
        )
        steps.append(run(after))
    return steps


DOCS = (
    (
        "normalize_names",
        "names",
        "    return sorted({n.strip().lower() for n in names})",
        (
            ("normalize_names(['b', 'a', 'b'])", "['b', 'a']", "['a', 'b']"),
            ("normalize_names([' B', 'a'])", "['a', 'B']", "['a', 'b']"),
            ("normalize_names([])", "[]", "[]"),
        ),
    ),
    (
        "ratio",
        "part, total",
        "    return round(part / total, 2) if total else 0.0",
        (("ratio(1, 3)", "0.3333333333333333", "0.33"), ("ratio(1, 0)", "0", "0.0"), ("ratio(2, 4)", "0.5", "0.5")),
    ),
    (
        "split_pairs",
        "text",
        "    return dict(item.split('=', 1) for item in text.split(',') if item)",
        (
            ("split_pairs('a=1,b=2')", "{'a': 1, 'b': 2}", "{'a': '1', 'b': '2'}"),
            ("split_pairs('')", "{}", "{}"),
            ("split_pairs('x=a=b')", "{'x': 'a=b'}", "{'x': 'a=b'}"),
        ),
    ),
)


def doctest_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    name, params, code, examples = rng.choice(DOCS)
    module = rng.choice(("helpers_check", "scratch_helpers", "doc_helpers"))
    wrong = [e for e in examples if e[1] != e[2]]
    calls = [e[0] for e in examples]

    def source(fixed: bool) -> str:
        doc = "".join(f"    >>> {call}\n    {got if fixed else want}\n" for call, want, got in examples)
        return f'def {name}({params}):\n    """\n{doc}    """\n{code}\n'

    failures = [
        f'File "/testbed/{module}.py", line {3 + 2 * calls.index(call)}, in {module}.{name}\nFailed example:\n    {call}\n'
        f"Expected:\n    {want}\nGot:\n    {got}\n"
        for call, want, got in wrong
    ]
    stars = "*" * 70 + "\n"
    report = (
        stars
        + stars.join(failures)
        + stars
        + f"1 items had failures:\n   {len(wrong)} of   {len(examples)} in {module}.{name}\n***Test Failed*** {len(wrong)} failures.\n"
    )
    passed = (
        "".join(f"Trying:\n    {call}\nExpecting:\n    {got}\nok\n" for call, _, got in examples)
        + f"1 items had no tests:\n    {module}\n1 items passed all tests:\n   {len(examples)} tests in {module}.{name}\n"
        f"{len(examples)} tests in 2 items.\n{len(examples)} passed and 0 failed.\nTest passed.\n"
    )
    fixes = " ".join(f"`{call}` gives `{got}`, not `{want}`." for call, want, got in wrong)
    return [
        Step(
            "I'll keep the small helper I use in the reproduction in its own module, with doctests so its behaviour is pinned down, and check them with doctest.",
            f"cat <<'EOF' > {module}.py\n{source(False)}EOF\n{ctx.py} -m doctest {module}.py",
            report,
            1,
            0.4,
        ),
        Step(
            f"The doctest examples were written from memory and are wrong: {fixes} Fixing the docstring.",
            f"cat <<'EOF' > {module}.py\n{source(True)}EOF",
        ),
        Step("Re-running the doctests verbosely.", f"{ctx.py} -m doctest -v {module}.py", passed, 0, 0.4),
    ]


def version_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    pin = PINS[ctx.repo.name]
    tries = [(v, fill(e, ctx.site)) for v, e in pin.tries]
    broken = rng.choice([error for _, error in tries if not error.startswith("ERROR")])
    pip = rng.choice(("pip", f"{ctx.py} -m pip"))
    steps = [
        Step(
            f"Before running the tests I want to make sure the environment's {pin.package} matches what this checkout expects.",
            f'{ctx.py} -c "{pin.check}"',
            broken + "\n",
            1,
            1.2,
        )
    ]
    installed = pin.installed
    for number, (version, error) in enumerate([*rng.sample(tries, rng.randint(1, 2)), (pin.good, "")]):
        refused = error if error.startswith("ERROR") else ""
        text, rc = pip_install(ctx, rng, pin.package, version, installed, refused)
        if number == 0:
            thought = f"`{pin.symbol}` does not work with {pin.package} {installed}. Trying {pin.package}=={version}."
        elif not error:
            thought = f"Still broken, in a different place. {pin.package} {version} was current when this part of the code was written; trying it."
        else:
            thought = say(
                rng,
                f"A different error now. Let me try {pin.package} {version} instead.",
                f"That did not help either. Trying {pin.package}=={version}.",
            )
        steps.append(Step(thought, f"{pip} install {pin.package}=={version}", text, rc, rng.uniform(4, 10)))
        if rc:
            continue
        installed = version
        steps.append(
            Step(
                "Checking the import again.",
                f'{ctx.py} -c "{pin.check}"',
                (error or pin.works) + "\n",
                1 if error else 0,
                1.2,
            )
        )
    outcome = "." * rng.randint(8, 60)
    if ctx.repo.style == "django":
        steps.append(
            Step(
                "The import works now. Running the related tests.",
                f"./tests/runtests.py {ctx.tests}",
                django_run(ctx, rng, outcome),
                0,
                6,
            )
        )
    else:
        steps.append(
            Step(
                "The import works now. Running the related tests.",
                f"{ctx.py} -m pytest {ctx.tests}",
                pytest_run(ctx, rng, ctx.tests, outcome, slow=2.0),
                0,
                8,
            )
        )
    return steps

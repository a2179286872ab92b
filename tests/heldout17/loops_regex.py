"""Loops over one expression: a regex tweaked run after run, index bounds moved by one and back.

The mismatches are computed, not written: each attempt's pattern or bounds are really applied to the
check's input, so what the agent sees drifts the way it would (a token split differently, one item
more or less, an IndexError), and the check never passes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from heldout17.runs import Ctx
from heldout17.talk import numbered, say, tail, traceback
from heldout17.wire import Step


@dataclass(frozen=True)
class Scenario:
    """A pattern the fix needs: its constant, what it is applied to, what it must give, candidates tried."""

    const: str
    helper: str
    purpose: str
    text: str
    expected: object
    op: str  # "findall", "groups" or "split"
    candidates: Sequence[str]


SCENARIOS = (
    Scenario(
        "_WORD_RE",
        "_split_words",
        "split identifiers into words",
        "parseHTTPResponse2XXCode",
        ["parse", "HTTP", "Response", "2", "XX", "Code"],
        "findall",
        (
            r"[A-Z][a-z]+",
            r"[A-Z]?[a-z]+",
            r"[A-Z]?[a-z]+|[A-Z]+",
            r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+",
            r"[A-Z]+(?=[A-Z])|[A-Z]?[a-z]+|\d+",
            r"[a-z]+|[A-Z][a-z]*|\d+",
            r"[A-Z]{2,}|[A-Z]?[a-z]+|\d+",
            r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+",
            r"[A-Z]+(?=[A-Z][a-z]|\d)|[A-Z]?[a-z]+|\d",
            r"[A-Z]?[a-z]+|[A-Z]+(?=[A-Z])|\d+",
            r"[A-Z][a-z]*|\d+",
            r"(?:[A-Z](?=[A-Z]))+|[A-Z]?[a-z]+|\d+",
            r"[A-Z]+(?=[A-Z][a-z])|[A-Z][a-z]+|[a-z]+|\d+",
        ),
    ),
    Scenario(
        "_VERSION_RE",
        "_parse_version",
        "split a version string into its parts",
        "3.10.0rc1",
        ("3", "10", "0", "rc1"),
        "groups",
        (
            r"(\d+)\.(\d+)\.?(\d*)(.*)",
            r"(\d)\.(\d+)\.(\d+)(\w*)",
            r"(\d+)\.(\d)\.(\d+)(\w+)?",
            r"(\d+)\.(\d+)(?:\.(\d+))?(\D.*)?",
            r"(\d+)\.(\d+)\.(\d+)([a-z]+)",
            r"(\d+)\.(\d+)\.(\d+)(rc\d+)?$",
            r"(\d+)\.(\d+)(\.\d+)?(\w*)",
            r"(\d+)\.(\d+)\.(\d+)\.?(\w*)",
            r"(\d+)\.?(\d+)\.?(\d+)(.*)",
            r"(\d+)\.(\d+)\.(\d)(\d*\w*)",
        ),
    ),
    Scenario(
        "_URL_RE",
        "_find_urls",
        "pick URLs out of free text without trailing punctuation",
        "see http://example.com/a_(b), or https://x.org/docs.",
        ["http://example.com/a_(b)", "https://x.org/docs"],
        "findall",
        (
            r"https?://\S+",
            r"https?://[^\s,]+",
            r"https?://[\w./]+",
            r"https?://[^\s,)]+",
            r"https?://\S+(?<![.,])",
            r"https?://[\w./()]+",
            r"https?://[^\s]+?(?=[,.]?\s)",
            r"https?://\S+?(?=[,.\s])",
            r"https?://[\w./-]+\w",
            r"https?://[^\s,]+[^\s,.)]",
        ),
    ),
    Scenario(
        "_PLACEHOLDER_RE",
        "_placeholders",
        "find printf-style placeholders but skip escaped ones",
        "%%(escaped)s %(name)s and %(count)5d items",
        [("name", "s"), ("count", "5d")],
        "findall",
        (
            r"%\((\w+)\)(\w)",
            r"%\((\w+)\)([sd])",
            r"%\((.*)\)(\w+)",
            r"(?<!%)%\((\w+)\)([a-z])",
            r"%\((\w+)\)(\d*\w)",
            r"(?<!%)%\((\w+)\)(\w)",
            r"%\(([^)]+)\)(\d?[a-z])",
            r"(?<!%)%\((\w+)\)(\d\w)",
            r"[^%]%\((\w+)\)(\d*[sd])",
            r"%\((\w+)\)(\d+\w|\w)",
        ),
    ),
)


def apply(scenario: Scenario, pattern: str) -> object:
    compiled = re.compile(pattern)
    if scenario.op == "groups":
        match = compiled.match(scenario.text)
        return match.groups() if match else None
    return compiled.findall(scenario.text)


def _difference(got: object, expected: object) -> str:
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        for i, (a, b) in enumerate(zip(got, expected, strict=False)):
            if a != b:
                return f"at index {i} I get {a!r} where {b!r} is expected"
        return f"I get {len(got)} items where {len(expected)} are expected"
    return "the pattern does not match the input at all" if got is None else f"the result is {got!r}"


def regex_tweak(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    scenario = rng.choice(SCENARIOS)
    tried = [p for p in scenario.candidates if apply(scenario, p) != scenario.expected]
    rng.shuffle(tried)
    line = rng.randint(30, 400)
    check = rng.choice(("check_regex.py", f"check{scenario.helper}.py", "test_pattern.py"))
    call = "match(text).groups()" if scenario.op == "groups" else "findall(text)"
    use = call.replace("text", "value")
    script = (
        f"from {ctx.module} import {scenario.const}\n\ntext = {scenario.text!r}\nexpected = {scenario.expected!r}\n"
        f"got = {scenario.const}.{call}\nprint('input:   ', repr(text))\nprint('expected:', expected)\n"
        "print('got:     ', got)\nassert got == expected, 'MISMATCH'\nprint('OK')\n"
    )
    first = tried[0]
    first_line = f'{scenario.const} = re.compile(r"{first}")'

    def run(pattern: str) -> Step:
        got = apply(scenario, pattern)
        if got is None:
            out = traceback(
                [(f"/testbed/{check}", 5, "<module>", f"got = {scenario.const}.{call}")],
                "AttributeError: 'NoneType' object has no attribute 'groups'",
            )
        else:
            out = f"input:    {scenario.text!r}\nexpected: {scenario.expected}\ngot:      {got}\n" + traceback(
                [(f"/testbed/{check}", 9, "<module>", "assert got == expected, 'MISMATCH'")], "AssertionError: MISMATCH"
            )
        return Step(
            say(
                rng,
                "Let me run the check again.",
                "Running the check script.",
                "Let me see what the pattern gives now.",
            ),
            say(rng, f"{ctx.py} {check}", f"cd /testbed && {ctx.py} {check}", f"{ctx.py} {check} 2>&1 | tail -n 20"),
            out,
            1,
            0.6,
        )

    def rewrite(old_line: str, new_line: str) -> str:
        if rng.random() < 0.5:
            return (
                f"{ctx.py} - <<'EOF'\nfrom pathlib import Path\np = Path({ctx.src!r})\ns = p.read_text()\n"
                f"old = {old_line!r}\nnew = {new_line!r}\nassert old in s\np.write_text(s.replace(old, new))\nEOF"
            )
        return (
            f"{ctx.py} - <<'EOF'\nimport re\npath = {ctx.src!r}\nwith open(path) as f:\n    src = f.read()\n"
            f"src = re.sub(r'^{scenario.const} = .*$', lambda m: {new_line!r}, src, count=1, flags=re.M)\n"
            "with open(path, 'w') as f:\n    f.write(src)\nEOF"
        )

    def edit(old: str, new: str) -> Step:
        why = _difference(apply(scenario, old), scenario.expected)
        thought = say(
            rng,
            f"Still a mismatch: {why}. I'll change `{scenario.const}` to `{new}`.",
            f"The pattern `{old}` is not right yet ({why}). Trying `{new}` instead.",
            f"Not yet: {why}. Adjusting the regex once more: `{new}`.",
            f"{why[0].upper() + why[1:]}. Maybe the alternation order matters; let me use `{new}`.",
        )
        return Step(
            thought,
            rewrite(f'{scenario.const} = re.compile(r"{old}")', f'{scenario.const} = re.compile(r"{new}")'),
            "",
            0,
            0.3,
        )

    def look(pattern: str) -> Step:
        kind = rng.randint(0, 2)
        if kind == 0:
            return Step(
                "Let me double check what is actually in the file now.",
                f"grep -n '{scenario.const}' {ctx.src}",
                f'{line}:{scenario.const} = re.compile(r"{pattern}")\n{line + 6}:    return {scenario.const}.{use}\n',
            )
        if kind == 1:
            probe = f"{ctx.py} -c \"import re; print(re.findall(r'{pattern}', '{scenario.text}'))\""
            if "'" in pattern or "'" in scenario.text or scenario.op == "groups":
                probe = f'{ctx.py} -c \'import re; print(re.match(r"{pattern}", "{scenario.text}").groups())\''
            return Step(
                "Let me try the pattern in isolation to see how it tokenizes the input.",
                probe,
                f"{apply(scenario, pattern)}\n",
            )
        return Step(
            "Let me look at the helper around the pattern.",
            f"nl -ba {ctx.src} | sed -n '{line - 2},{line + 6}p'",
            numbered(
                [
                    "",
                    f'{scenario.const} = re.compile(r"{pattern}")',
                    "",
                    "",
                    f"def {scenario.helper}(value):",
                    f'    """{scenario.purpose.capitalize()}."""',
                    f"    return {scenario.const}.{use}",
                    "",
                    "",
                ],
                line - 2,
            ),
        )

    def rounds(number: int) -> Iterator[Step]:
        if number == 0:
            yield Step(
                f"To handle this I need to {scenario.purpose}. I'll add a module-level pattern `{scenario.const}` to `{ctx.src}` next to `{ctx.func}` and a small script that checks it on a tricky input.",
                f"{ctx.py} - <<'EOF'\nfrom pathlib import Path\np = Path({ctx.src!r})\nlines = p.read_text().splitlines(True)\n"
                f"lines.insert({line - 1}, {first_line + chr(10)!r})\np.write_text(''.join(lines))\nEOF\n"
                f"cat <<'EOF' > {check}\n{script}EOF",
                "",
                0,
                0.3,
            )
            yield run(first)
            return
        pattern = tried[number % len(tried)]
        previous = tried[(number - 1) % len(tried)]
        yield edit(previous, pattern)
        if rng.random() < 0.4:
            yield look(pattern)
        yield run(pattern)

    return tail(rng, rounds, length, GIVE_UP)


GIVE_UP = (
    "I have tried many variants of the pattern and each one breaks a different part of the input. I'm out of ideas for a clean regex; I'll submit the current state.",
    "The regex keeps producing a slightly different wrong split. I'll stop here and submit what I have.",
    "I can't get the pattern to match all parts of the input. Submitting the work as it is.",
)


def off_by_one(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    helper = rng.choice(("_context_window", "_visible_range", "_slice_lines", "_window"))
    line = rng.randint(40, 600)
    size = rng.choice((8, 10, 12))
    cases = [(rng.randint(3, size - 4), 2), (size, rng.choice((1, 2)))]
    ds, de = rng.choice(((-1, 0), (0, 1), (1, 0), (0, -1)))
    check = rng.choice(("check_window.py", "reproduce_bounds.py", ctx.script))

    def offset(value: int) -> str:
        return "" if value == 0 else f" + {value}" if value > 0 else f" - {-value}"

    def body() -> list[str]:
        start = f"lineno - context{offset(ds - 1)}"
        end = f"lineno + context{offset(de)}"
        return [
            f"def {helper}(lines, lineno, context):",
            f"    start = {start}",
            f"    end = {end}",
            "    out = []",
            "    for i in range(start, end):",
            "        out.append(lines[i])",
            "    return out",
        ]

    def outcome() -> str:
        items = list(range(1, size + 1))
        for number, (lineno, context) in enumerate(cases, 1):
            start, end = lineno - context - 1 + ds, lineno + context + de
            expected = items[lineno - context - 1 : lineno + context]
            if end > len(items):
                return f"case {number - 1}: OK\n" * (number - 1) + traceback(
                    [
                        (
                            f"/testbed/{check}",
                            1 + 5 * number,
                            "<module>",
                            f"got = {helper}(LINES, {lineno}, {context})",
                        ),
                        (f"/testbed/{ctx.src}", line + 5, helper, "out.append(lines[i])"),
                    ],
                    "IndexError: list index out of range",
                )
            got = [items[i] for i in range(start, end)]
            if got != expected:
                return f"case {number - 1}: OK\n" * (number - 1) + traceback(
                    [(f"/testbed/{check}", 2 + 5 * number, "<module>", "assert got == expected, (got, expected)")],
                    f"AssertionError: ({got}, {expected})",
                )
        raise AssertionError("an off-by-one attempt passed")

    def attempt() -> Step:
        nonlocal ds, de
        while True:
            which = "start" if rng.random() < 0.5 else "end"
            moved = rng.choice((-1, 1))
            if which == "start" and (ds + moved, de) != (0, 0) and abs(ds + moved) <= 2:
                ds += moved
                break
            if which == "end" and (ds, de + moved) != (0, 0) and abs(de + moved) <= 2:
                de += moved
                break
        new = body()
        target = new[1] if which == "start" else new[2]
        command = say(
            rng,
            f"sed -i '{line + (1 if which == 'start' else 2)}s/.*/{target}/' {ctx.src}",
            f"{ctx.py} - <<'EOF'\nimport re\nfrom pathlib import Path\np = Path({ctx.src!r})\ns = p.read_text()\ns = re.sub(r'(?m)^    {which} = .*$', {target!r}, s, count=1)\np.write_text(s)\nEOF",
        )
        thought = say(
            rng,
            f"The window is off by one at the {which}. Adjusting `{target.strip()}`.",
            f"That moved the problem rather than fixing it. Let me shift `{which}` by one: `{target.strip()}`.",
            f"Now I think the {which} bound is wrong; changing it to `{target.strip()}`.",
            f"Hmm, the indices are 1-based in the caller but 0-based here. Trying `{target.strip()}` for `{which}`.",
        )
        return Step(thought, command, "", 0, 0.3)

    def run() -> Step:
        return Step(
            say(rng, "Running the check again.", "Let me re-run the bounds check.", "Checking both cases again."),
            say(rng, f"{ctx.py} {check}", f"cd /testbed && {ctx.py} {check}"),
            outcome(),
            1,
            0.5,
        )

    def rounds(number: int) -> Iterator[Step]:
        if number == 0:
            script = f"from {ctx.module} import {helper}\n\nLINES = list(range(1, {size + 1}))\n" + "".join(
                f"\nexpected = LINES[{lo - c - 1}:{lo + c}]\ngot = {helper}(LINES, {lo}, {c})\nassert got == expected, (got, expected)\nprint('case {i}: OK')\n"
                for i, (lo, c) in enumerate(cases)
            )
            yield Step(
                f"The fix needs the lines around a given line number, clamped to the file. I'll add `{helper}` to `{ctx.src}` and a check with one case in the middle and one at the end.",
                f"cat <<'EOF' > {check}\n{script}EOF\n{ctx.py} - <<'EOF'\nfrom pathlib import Path\np = Path({ctx.src!r})\nlines = p.read_text().splitlines(True)\nlines[{line - 1}:{line - 1}] = {[x + chr(10) for x in body()]!r}\np.write_text(''.join(lines))\nEOF",
                "",
                0,
                0.3,
            )
            yield run()
            return
        yield attempt()
        if rng.random() < 0.35:
            yield Step(
                say(
                    rng,
                    "Let me look at the function as it is now.",
                    "Let me view the current bounds.",
                    "Let me check the code once more.",
                ),
                say(rng, f"nl -ba {ctx.src} | sed -n '{line},{line + 7}p'", f"sed -n '{line},{line + 7}p' {ctx.src}"),
                numbered(body(), line),
            )
        yield run()

    return tail(rng, rounds, length, GIVE_UP_BOUNDS)


GIVE_UP_BOUNDS = (
    "Every change to the bounds fixes one case and breaks the other. I'll submit the current state of the fix.",
    "I keep moving the bounds by one in both directions without getting both cases right. Submitting what I have.",
)

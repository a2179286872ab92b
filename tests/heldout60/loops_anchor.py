# ruff: noqa: E501
"""Loop family on anchors and flags: a field lookup and a token check sharing one MULTILINE-or-not constant.

Each attempt's code is run here on the tests' inputs, so the failures a run prints are the ones that code has.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from heldout20.calls import Step
from heldout60.errors import error_line, raised_at, run_cases
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, py_edits, test_step


@dataclass(frozen=True)
class _Header:
    """The two patterns sharing one flags constant, and how the field's value is taken."""

    flags: tuple[str, ...] = ("IGNORECASE",)
    value: str = ".*"
    end: str = "$"
    strip: bool = False
    unfold: bool = False
    token_end: str = "$"
    own_flags: bool = False

    @property
    def flags_line(self) -> str:
        return "_FLAGS = " + " | ".join(f"re.{flag}" for flag in self.flags)

    @property
    def field_line(self) -> str:
        return f'_FIELD_RE = re.compile(r"^(?P<key>[\\w-]+):[ \\t]*(?P<value>{self.value}){self.end}", _FLAGS)'

    @property
    def token_line(self) -> str:
        return (
            f'_TOKEN_RE = re.compile(r"^[\\w.-]+{self.token_end}", {"re.IGNORECASE" if self.own_flags else "_FLAGS"})'
        )

    def source(self, func: str, check: str) -> str:
        unfold = '    text = re.sub(r"\\n\\s+", " ", text)\n' if self.unfold else ""
        value = 'm.group("value")' + (".strip()" if self.strip else "")
        return (
            f"import re\n\n{self.flags_line}\n{self.field_line}\n{self.token_line}\n\n\ndef {func}(text, key):\n{unfold}"
            f'    for m in _FIELD_RE.finditer(text):\n        if m.group("key").lower() == key.lower():\n            return {value}\n    return None\n\n\n'
            f"def {check}(value):\n    return _TOKEN_RE.match(value) is not None\n"
        )


def anchor_flag_flip_flop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A header field lookup and a token check sharing one flags constant: MULTILINE, DOTALL, `\\Z`, stripping and unfolding each fix one case and break or miss another."""
    func = rng.choice([f"_{ctx.stem}_header", f"get_{ctx.stem}_field", f"_read_{ctx.stem}_field"])
    check = rng.choice([f"_is_{ctx.stem}_token", f"valid_{ctx.stem}_token"])
    src, tf = ctx.source, ctx.test_file
    state = {"now": _Header()}
    body = state["now"].source(func, check).removeprefix("import re\n\n")

    def cases() -> list[tuple[str, str, tuple[Any, ...], Any]]:
        k1, k2, k3 = (w.replace("_", "-").title() for w in ctx.pick(rng, 3))
        v1, v2, v3 = ctx.pick(rng, 3)
        return [
            (f"test_{ctx.stem}_field_on_later_line", func, (f"{k1}: {v1}\n{k2}: {v2}\n", k2), v2),
            (f"test_{ctx.stem}_crlf", func, (f"{k1}: {v1}\r\n{k2}: {v2}\r\n", k2), v2),
            (f"test_{ctx.stem}_no_trailing_newline", func, (f"{k1}: {v1}\n{k2}: {v2}", k2), v2),
            (
                f"test_{ctx.stem}_folded_value",
                func,
                (f"{k1}: {v1}\n{k2}: {v2}\n  {v3}\n{k3}: {v1}\n", k2),
                f"{v2} {v3}",
            ),
            (f"test_{ctx.stem}_crlf_folded_value", func, (f"{k1}: {v1}\r\n{k2}: {v2}\r\n {v3}\r\n", k2), f"{v2} {v3}"),
            (f"test_{ctx.stem}_missing_key", func, (f"{k1}: {v1}\n", k3), None),
            (f"test_{ctx.stem}_token", check, (v1,), True),
            (f"test_{ctx.stem}_token_trailing_newline", check, (f"{v1}\n",), False),
            (f"test_{ctx.stem}_token_embedded_newline", check, (f"{v1}\n{v2}",), False),
        ]

    fixed = cases()
    rng.shuffle(fixed)  # the test file's order

    def run(thought: str) -> Step:
        extra = rng.choice(["", " -q", " -x", " -q -p no:cacheprovider"])
        wrong = run_cases(state["now"].source(func, check), fixed)
        fails = []
        for name, fn, args, want, got in wrong:
            shown = ", ".join(repr(a) for a in args)
            if isinstance(got, Exception):
                fails.append(
                    Fail(
                        name,
                        error_line(got),
                        f"assert {fn}({shown}) {'is' if isinstance(want, bool) else '=='} {want!r}",
                        [(fn, raised_at(got))],
                    )
                )
            elif fn == check:
                fails.append(
                    Fail(name, f"AssertionError: assert {got!r} is {want!r}", f"assert {fn}({shown}) is {want!r}")
                )
            else:
                fails.append(
                    Fail(name, f"AssertionError: assert {got!r} == {want!r}", f"assert {fn}({shown}) == {want!r}")
                )
        fails = fails[:1] if "-x" in extra else fails
        return test_step(ctx, rng, thought, rng.choice(["", tf, f"{tf}::{fails[0].name}"]), fails, extra)

    def change(thought: str, **fields: Any) -> list[Step]:
        old = state["now"]
        new = replace(old, **fields)
        state["now"] = new
        edits = [
            (a, b)
            for a, b in (
                (old.flags_line, new.flags_line),
                (old.field_line, new.field_line),
                (old.token_line, new.token_line),
            )
            if a != b
        ]
        if old.strip != new.strip:
            edits.append(
                (
                    '            return m.group("value")' + (".strip()" if old.strip else ""),
                    '            return m.group("value")' + (".strip()" if new.strip else ""),
                )
            )
        if old.unfold != new.unfold:
            line = '    text = re.sub(r"\\n\\s+", " ", text)\n'
            head = f"def {func}(text, key):\n"
            edits.append((head + (line if old.unfold else ""), head + (line if new.unfold else "")))
        return [
            Step(thought, py_edit(src, *edits[0]) if len(edits) == 1 else py_edits(src, edits), "patched"),
            run(
                rng.choice(
                    ["Rerun the header tests.", "Run the tests again.", "Let me see which cases pass now.", "Rerun."]
                )
            ),
        ]

    def toggle(k: int) -> list[Step]:
        now = state["now"]
        options = []
        if "MULTILINE" not in now.flags:
            options.append(
                (
                    "`^` only matches at the very start without MULTILINE, so a key on a later line is never found. Add re.MULTILINE.",
                    {"flags": (*now.flags, "MULTILINE")},
                )
            )
        else:
            options.append(
                (
                    "MULTILINE lets the token check match just the first line of a value with a newline in it. Drop the flag.",
                    {"flags": tuple(f for f in now.flags if f != "MULTILINE")},
                )
            )
        if "DOTALL" not in now.flags:
            options.append(
                (
                    "A folded value continues on the next line; let `.` match newlines with DOTALL.",
                    {"flags": (*now.flags, "DOTALL")},
                )
            )
        else:
            options.append(
                (
                    "DOTALL makes the value run on into the following headers. Remove it.",
                    {"flags": tuple(f for f in now.flags if f != "DOTALL")},
                )
            )
        if now.end == "$":
            options.append(
                ("`$` also matches before a trailing newline; use `\\Z` for the end of the field.", {"end": "\\Z"})
            )
        else:
            options.append(
                ("Back to `$` for the field's end, `\\Z` only matches at the end of the whole text.", {"end": "$"})
            )
        options.append(
            ("The token check should only accept the whole string: `\\Z` instead of `$`.", {"token_end": "\\Z"})
            if now.token_end == "$"
            else ("Restore `$` in the token pattern.", {"token_end": "$"})
        )
        options.append(
            (
                "Exclude the carriage return from the value so CRLF input doesn't leave `\\r` behind.",
                {"value": "[^\\r\\n]*", "end": "$" if now.end == "(?=^\\S|\\Z)" else now.end},
            )
            if now.value != "[^\\r\\n]*"
            else ("Back to `.*` for the value.", {"value": ".*"})
        )
        options.append(
            (
                "Take the value lazily up to the next line that starts a header, with MULTILINE and DOTALL.",
                {"value": ".*?", "end": "(?=^\\S|\\Z)", "flags": ("IGNORECASE", "MULTILINE", "DOTALL")},
            )
        )
        options.append(
            ("Strip the value so trailing `\\r` and spaces go.", {"strip": not now.strip})
            if not now.strip
            else ("Stop stripping the value.", {"strip": False})
        )
        options.append(
            (
                "Unfold continuation lines before matching: a newline followed by whitespace becomes one space.",
                {"unfold": not now.unfold},
            )
        )
        if not now.own_flags:
            options.append(
                (
                    "The token pattern shouldn't share _FLAGS with the field pattern; give it its own.",
                    {"own_flags": True},
                )
            )
        thought, fields = rng.choice(options)
        return change(thought, **fields)

    def probe(k: int) -> Step:
        k1, k2 = (w.replace("_", "-").title() for w in ctx.pick(rng, 2))
        v1, v2, v3 = ctx.pick(rng, 3)
        text = rng.choice([f"{k1}: {v1}\r\n{k2}: {v2}\r\n {v3}\r\n", f"{k1}: {v1}\n{k2}: {v2}\n  {v3}\n"])
        space: dict[str, Any] = {}
        exec(compile(state["now"].source(func, check), "<family>", "exec"), space)
        found = [(m.group("key"), m.group("value")) for m in space["_FIELD_RE"].finditer(text)]
        return Step(
            "Let me print what the field pattern actually matches on a folded header block.",
            f"python -c \"import {ctx.dotted} as m; print([(x.group('key'), x.group('value')) for x in m._FIELD_RE.finditer({text!r})])\"",
            repr(found),
        )

    first = [
        run("Let me run the header tests for the module I changed."),
        Step(
            "Let me look at the two patterns and the lookup.",
            f"grep -n '_FLAGS\\|_FIELD_RE\\|_TOKEN_RE' -A2 {src}",
            f"{rng.randint(20, 300)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [toggle, toggle, toggle, toggle, lambda k: [probe(k)]]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        "the MULTILINE and anchor handling of the header patterns",
        func,
        lambda: state["now"].source(func, check).removeprefix("import re\n\n"),
    )

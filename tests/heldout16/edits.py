"""Loop tail: sed-misfire. An edit tried with sed, perl, awk and python spellings that never match."""

from __future__ import annotations

import random
import re

from heldout16.context import GUARDED, Ctx, code_lines, failing
from heldout16.replies import hexaddr, pick, run
from heldout16.tails import weave
from heldout16.wire import Step


def drift(reply: str, rng: random.Random) -> str:
    """The same failure printed again: new addresses, timings and seeds, nothing else."""
    reply = re.sub(r"0x[0-9a-f]{8,}", lambda _: hexaddr(rng), reply)
    reply = re.sub(r"in (\d+)\.(\d+)(s| seconds)", lambda m: f"in {rng.uniform(0.01, 2.5):.{len(m[2])}f}{m[3]}", reply)
    reply = re.sub(r"(random seed: +)\d+", lambda m: m[1] + str(rng.randint(10**7, 10**8)), reply)
    return re.sub(r"(PYTHONHASHSEED=)\d+", lambda m: m[1] + str(rng.randint(10**8, 4 * 10**9)), reply)


SKIP = {
    "not",
    "None",
    "True",
    "False",
    "and",
    "or",
    "in",
    "is",
    "if",
    "else",
    "lambda",
    "for",
    "self",
    "cls",
    "len",
    "isinstance",
    "hasattr",
    "getattr",
}


def edit_of(line: str) -> tuple[str, str]:
    """What the agent wants the line to say: a guard on the first name it tests or returns."""
    found = GUARDED.match(line)
    assert found, line
    _, kw, expr, colon = found.groups()
    # The first name the line tests that is neither a call nor a keyword: what the guard is about.
    names = re.finditer(r"(?<![\w.'\"])([A-Za-z_][\w.]*)(?![\w.])(?!\s*\()", expr)
    words = [m[1].rstrip(".") for m in names if m[1] not in SKIP]
    subject = words[0] if words else "value"
    new = (
        f"{kw} {expr} and {subject} is not None{colon}"
        if kw != "return"
        else f"return {expr} if {subject} is not None else None"
    )
    return f"{kw} {expr}{colon}", new


def escaped(text: str) -> str:
    return re.sub(r"([\[\].*^$/\\])", r"\\\1", text)


def sed_misfire(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An edit tried with sed, perl, awk and python spellings that never match; the file and the failure stay."""
    checked = failing(ctx.run, ctx.at)
    assert checked is not None
    _, check_command, check_reply = checked
    lines = code_lines(ctx)
    path, number, line = rng.choice([c for c in lines if c[0] == ctx.source] or lines)
    old, new = edit_of(line)
    indent = line[: len(line) - len(line.lstrip())]
    fragment = re.split(r"[\[*\\\"$^]", old.split(" ", 1)[1])[0][:40].rstrip(":")
    show = f"{number}:{line}\n"

    def spellings(k: int) -> list[tuple[str, str, str, int]]:
        quoted = old.replace("'", "'\\''")
        off = (-3, -2, -1, 1, 2, 3)[k % 6]  # the agent misremembers where the line is
        found: list[tuple[str, str, str, int]] = [
            (
                "Anchor on the indentation so only this line matches.",
                f"sed -i 's/^{' ' * (len(indent) + 4 * (1 - 2 * (k % 2)))}{escaped(old)}/{indent}{new}/' {path}",
                "",
                0,
            ),
            (
                f"Address the line by number ({number + off}) to be safe.",
                f"sed -i '{number + off}s/{escaped(old)}/{new}/' {path}",
                "",
                0,
            ),
            (
                "A typo-safe variant with the whitespace spelled as a class.",
                f"sed -i 's/{escaped(old).replace(' ', '[[:space:]]+', 1)}/{new}/' {path}",
                "",
                0,
            ),
        ]
        if "(" in old:
            found += [
                (
                    "The parentheses need escaping for sed.",
                    f"sed -i 's/{escaped(old).replace('(', chr(92) + '(').replace(')', chr(92) + ')')}/{new}/' {path}",
                    "",
                    0,
                ),
                (
                    "Use extended regex for the substitution.",
                    f"sed -E -i 's/{escaped(old).replace(chr(92) + '.', '.')}/{new}/' {path}",
                    "",
                    0,
                ),
                (
                    "Let me do the substitution with perl instead.",
                    f"perl -pi -e 's/{quoted.replace('.', chr(92) + '.')}/{new}/' {path}",
                    "",
                    0,
                ),
                (
                    "awk's gsub, writing to a temporary file.",
                    f"awk '{{gsub(/{escaped(old)}/, \"{new.replace(chr(34), chr(92) + chr(34))}\")}}1' {path} > {path}.new && mv {path}.new {path}",
                    "",
                    0,
                ),
            ]
            if "'" not in old + new:
                script = f"import re\np = '{path}'\ns = open(p).read()\ns = re.sub(r'{old}', r'{new}', s)\nopen(p, 'w').write(s)\n"
                found.append(
                    ("A small python re.sub avoids shell quoting problems.", f"python - <<'EOF'\n{script}EOF", "", 0)
                )
        if "/" in old:
            found.append(
                (
                    "Plain substitution.",
                    f"sed -i 's/{old}/{new}/' {path}",
                    f"sed: -e expression #1, char {len(old) + 4}: unknown option to `s'\n",
                    1,
                )
            )
        if "'" in old:
            found.append(
                (
                    "Escape the quote inside the sed script.",
                    f"sed -i 's/{old.replace(chr(39), chr(92) + chr(39))}/{new}/' {path}",
                    "bash: -c: line 1: unexpected EOF while looking for matching `''\n",
                    2,
                )
            )
        return found

    start = [
        run(
            pick(
                rng,
                f"Line {number} of `{path}` is where this goes wrong: `{line.strip()}`. I'll add a guard there.",
                f"The fix belongs in `{path}` at line {number}. Let me change `{line.strip()}` accordingly.",
            ),
            f"sed -i 's/{escaped(old)}/{new}/' {path}" if "[" in old or "*" in old else spellings(0)[0][1],
            "",
        ),
        Step(
            f"THOUGHT: {pick(rng, 'Now rerun the check.', 'Let me verify the change with the same check as before.')}\n\n```bash\n{check_command}\n```",
            drift(check_reply, rng),
            2,
        ),
    ]

    def attempt(k: int) -> Step:
        thought, command, text, code = rng.choice(spellings(k))
        return run(thought, command, text, code)

    def look(k: int) -> Step:
        near = ctx.seen[path]
        options = [
            (f'grep -n "{fragment}" {path}', show, 0),
            (f"git diff {path}", "", 0),
            (f'grep -c "is not None" {path}; grep -n "{fragment}" {path}', f"{rng.randint(0, 9)}\n{show}", 0),
        ]
        if all(i in near for i in range(number - 3, number + 4)):
            shown = "".join(f"{i:6d}\t{near[i]}\n" for i in range(number - 3, number + 4))
            options.append((f"nl -ba {path} | sed -n '{number - 3},{number + 3}p'", shown, 0))
        command, text, code = rng.choice(options)
        return run(
            pick(rng, "Did the edit land?", "Let me confirm the file changed.", "Checking the line."),
            command,
            text,
            code,
        )

    def check(k: int) -> Step:
        return Step(
            f"THOUGHT: {pick(rng, 'Run the check again.', 'Verify with the check.', 'Rerun the failing check.')}\n\n```bash\n{check_command}\n```",
            drift(check_reply, rng),
            2,
        )

    why = f"I couldn't get the edit to `{path}` to apply."
    musings = [
        "The substitution should be straightforward.",
        "Maybe the quoting is off.",
        "I need this one-line change applied.",
    ]
    return weave(rng, n, start, [attempt] * 5, [look], check, why, musings)

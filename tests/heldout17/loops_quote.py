"""A loop over quoting: one-line edits of a line full of quotes, re-quoted each time, never applied.

The line the agent wants to change has both kinds of quotes in it; every one-liner (python -c, sed,
perl) breaks on them in its own way (bash's unmatched quote, python's unterminated literal, sed's
unterminated s command) or silently replaces nothing, and the line stays as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from heldout17.runs import Ctx
from heldout17.talk import say, tail
from heldout17.wire import Step

TARGETS = (
    (
        "        msg = \"Can't find the '%s' field\" % name",
        "        msg = \"Can't find the '%s' field on %s\" % (name, model)",
        "grep -n 'msg = \"Can' ",
    ),
    (
        "            raise ValueError(\"Invalid value for 'limit': %r\" % (value,))",
        "            raise ValueError(\"Invalid value for 'limit': %r (expected a positive integer)\" % (value,))",
        "grep -n \"Invalid value for 'limit'\" ",
    ),
    (
        "    help_text = 'Use \"%(name)s\" instead, it can\\'t be empty.'",
        '    help_text = \'Use "%(name)s" or "%(alias)s" instead, it can\\\'t be empty.\'',
        "grep -n 'help_text = ' ",
    ),
    (
        "        return '<%s: \"%s\">' % (self.__class__.__name__, self)",
        "        return \"<%s: '%s'>\" % (self.__class__.__name__, self)",
        'grep -n "return \'<%s" ',
    ),
)


def bash_eof(command: str, quote: str) -> str:
    lines = command.count("\n") + 1
    return f"bash: -c: line {lines}: unexpected EOF while looking for matching `{quote}'\nbash: -c: line {lines + 1}: syntax error: unexpected end of file\n"


def broken(command: str, ctx: Ctx) -> tuple[str, int]:
    """What a one-liner with unbalanced quoting prints: bash's complaint, or python's at what bash passed on."""
    for quote in ("'", '"'):
        if command.replace(f"\\{quote}", "").count(quote) % 2:
            return bash_eof(command, quote), 2
    code = command.split(" -c ", 1)[-1][1:].split('"')[0].split("'")[0]
    hint = ". Perhaps you forgot a comma?" if ctx.minor >= 10 else ""
    return f'  File "<string>", line 1\n    {code}\n    {" " * len(code)}^\nSyntaxError: invalid syntax{hint}\n', 1


def one_liner(form: int, path: str, old: str, new: str, quote: str) -> str:
    """A python one-liner replacing `old` by `new` in `path`, its own strings in `quote`."""
    q = quote
    if form == 0:
        return f"import pathlib; p = pathlib.Path({q}{path}{q}); s = p.read_text(); p.write_text(s.replace({q}{old}{q}, {q}{new}{q}))"
    if form == 1:
        return f"s = open({q}{path}{q}).read(); open({q}{path}{q}, {q}w{q}).write(s.replace({q}{old}{q}, {q}{new}{q}))"
    return f"f = {q}{path}{q}; t = open(f).read(); assert {q}{old}{q} in t; open(f, {q}w{q}).write(t.replace({q}{old}{q}, {q}{new}{q}, 1))"


def shell_quoting(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    old, new, grep = rng.choice(TARGETS)
    line = rng.randint(40, 900)

    def python_double() -> Step:
        command = f'{ctx.py} -c "{one_liner(rng.randint(0, 2), ctx.src, old.strip(), new.strip(), chr(39))}"'
        return Step(
            say(
                rng,
                "I'll do the replacement with a python one-liner.",
                "Let me replace the line with python's str.replace.",
                "Trying python -c with the exact old and new text.",
            ),
            command,
            *broken(command, ctx),
            0.1,
        )

    def python_single() -> Step:
        code = one_liner(rng.randint(0, 2), ctx.src, old.strip(), new.strip(), '"')
        command = f"{ctx.py} -c '{code}'"
        cut = code.split("'")[0]
        shown = cut if len(cut) < 110 else cut[:110]
        if ctx.minor >= 10:
            message, caret = "SyntaxError: unterminated string literal (detected at line 1)", shown.rfind('"')
        else:
            message, caret = "SyntaxError: EOL while scanning string literal", len(shown)
        out = f'  File "<string>", line 1\n    {shown}\n    {" " * max(0, caret)}^\n{message}\n'
        if command.count("'") % 2:
            out, rc = bash_eof(command, "'"), 2
        else:
            rc = 1
        return Step(
            say(
                rng,
                "The double quotes clash with bash. Switching the outer quotes to single quotes.",
                "Let me wrap the python code in single quotes instead.",
                "Using single quotes around the python code this time.",
            ),
            command,
            out,
            rc,
            0.2,
        )

    def sed_double() -> Step:
        escaped_old = old.strip().replace("[", "\\[").replace("%", "%")
        mark = rng.choice("/|#")
        command = f'sed -i "{line}s{mark}{escaped_old}{mark}{new.strip()}{mark}" {ctx.src}'
        expression = command.split('"')[1]
        if command.count('"') % 2:
            return Step(
                say(rng, "Let me try sed with the line number.", "A targeted sed on that line should be simpler."),
                command,
                bash_eof(command, '"'),
                2,
                0.1,
            )
        return Step(
            say(rng, "Let me try sed with the line number.", "A targeted sed on that line should be simpler."),
            command,
            f"sed: -e expression #1, char {len(expression)}: unterminated `s' command\n",
            1,
            0.1,
        )

    def sed_single() -> Step:
        escaped = new.strip().replace("'", "\\'").replace("/", "\\/")
        command = f"sed -i '{line}s/.*/{' ' * (len(old) - len(old.lstrip()))}{escaped}/' {ctx.src}"
        if "(" in new:
            head = command.split("\n")[0]
            out = f"bash: -c: line 1: syntax error near unexpected token `('\nbash: -c: line 1: `{head}'\n"
            return Step(
                say(
                    rng,
                    "I'll escape the single quotes with backslashes inside the sed expression.",
                    "Escaping the quotes for sed.",
                ),
                command,
                out,
                2,
                0.1,
            )
        return Step(say(rng, "Escaping the quotes for sed."), command, bash_eof(command, "'"), 2, 0.1)

    def silent() -> Step:
        escaped_old = old.strip().replace('"', '\\"')
        code = one_liner(
            rng.randint(0, 1),
            ctx.src,
            escaped_old.replace(chr(39), chr(92) + chr(39)),
            new.strip().replace(chr(34), chr(92) + chr(34)),
            chr(39),
        )
        command = f'{ctx.py} -c "{code}"'
        return Step(
            say(
                rng,
                "Escaping every quote this time so bash passes the strings through unchanged.",
                "Let me escape the quotes properly for both bash and python.",
            ),
            command,
            "",
            0,
            0.3,
        )

    def perl() -> Step:
        command = f'perl -pi -e "s/\\Q{old.strip()}\\E/{new.strip()}/" {ctx.src}'
        return Step(
            say(
                rng,
                "sed keeps tripping on the quotes; perl's \\Q...\\E should quote the pattern for me.",
                "Trying perl with quotemeta.",
            ),
            command,
            bash_eof(command, '"')
            if command.count('"') % 2
            else "Can't find string terminator '\"' anywhere before EOF at -e line 1.\n",
            2 if command.count('"') % 2 else 255,
            0.1,
        )

    def look() -> Step:
        thought = say(
            rng, "Let me check whether the line changed.", "Did it apply? Checking the line.", "Let me verify the file."
        )
        if rng.random() < 0.4:
            return Step(thought, grep + ctx.src, f"{line}:{old}\n")
        if rng.random() < 0.5:
            return Step(thought, f"sed -n '{line}p' {ctx.src}", f"{old}\n")
        return Step("Let me see whether the file was modified at all.", f"git diff {ctx.src}", "", 0)

    attempts = [python_double, python_single, sed_double, sed_single, silent, perl]
    queue: list[Callable[[], Step]] = []

    def rounds(number: int) -> Iterator[Step]:
        if number == 0:
            yield Step(
                f"The message I need to change is in `{ctx.src}`. Let me find its line.",
                grep + ctx.src,
                f"{line}:{old}\n",
            )
            return
        if not queue:
            queue.extend(rng.sample(attempts, len(attempts)))
        yield queue.pop()()
        yield look()

    return tail(rng, rounds, length, GIVE_UP_QUOTES)


GIVE_UP_QUOTES = (
    "I haven't managed to get that line edited; the quoting keeps breaking. I'll submit what I have.",
    "The edit never applied despite many quoting attempts. Submitting the current state.",
)

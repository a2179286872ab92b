# ruff: noqa: E501
"""Loops where the agent's edits never land: search text that never matches, heredocs the shell mangles,
sed commands that succeed without changing anything, and patches whose hunks are rejected."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout41.text import Ctx, churn, failing_test, look, py_edit


def replace_never_matches(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A Python str.replace whose search text is never in the file (tabs, quotes, wrapped lines): 'patched', nothing changed."""
    variants = [
        ctx.old,
        f"    if {ctx.var} is None:\n            return []",
        f"if {ctx.var} is None:\n        return []",
        f"    if {ctx.var} is None: \n        return []",
        f"    if {ctx.var} is None:\n        return list()",
        f"\tif {ctx.var} is None:\n\t\treturn [ ]",
        f"    if {ctx.var} == None:\n        return []",
        f"    if not {ctx.var}:\n        return []",
    ]

    def replace(k: int) -> list[Step]:
        old = rng.choice(variants)
        steps = [
            Step(
                rng.choice(
                    [
                        "Let me apply the fix to the None branch.",
                        "Retrying the replacement with the text as I see it in the file.",
                        "Maybe the indentation differs; trying this variant.",
                    ]
                ),
                py_edit(
                    ctx.source,
                    old,
                    old.replace("return []", "return default")
                    .replace("return list()", "return default")
                    .replace("return [ ]", "return default"),
                ),
                "patched\n",
            ),
            failing_test(ctx, rng, "Now the test should pass."),
        ]
        if rng.random() < 0.5:
            steps.append(
                Step(
                    "The test still fails. Is my change even in the file?",
                    f"grep -n 'return default' {ctx.source}",
                    "",
                    rc=1,
                )
            )
        return steps

    def count(k: int) -> list[Step]:
        old = rng.choice(variants)
        return [
            Step(
                "Let me count how many times the search text occurs before replacing.",
                f"python -c \"s=open('{ctx.source}').read(); print(s.count({old!r}))\"",
                "0\n",
            )
        ]

    def asserted(k: int) -> list[Step]:
        old = rng.choice(variants)
        return [
            Step(
                "This time I'll assert the text is there so the edit can't silently do nothing.",
                f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\nold = {old!r}\nassert old in s, 'not found'\nopen(p, 'w').write(s.replace(old, old.replace('[]', 'default'), 1))\nEOF",
                'Traceback (most recent call last):\n  File "<stdin>", line 4, in <module>\nAssertionError: not found\n',
                rc=1,
            )
        ]

    def show(k: int) -> list[Step]:
        line = ctx.base + rng.randint(-2, 4)
        return [
            Step(
                "Let me see the exact bytes of those lines.",
                rng.choice(
                    [
                        f"sed -n '{line},{line + 3}p' {ctx.source} | cat -A",
                        f"sed -n '{line}p;{line + 1}p' {ctx.source} | od -c | head -8",
                    ]
                ),
                f'def {ctx.func}({ctx.var}, default=None):$\n^I"""Return `{ctx.var}` as a list."""$\n^Iif {ctx.var} is None:  $\n^I^Ireturn []$\n',
            )
        ]

    def repr_line(k: int) -> list[Step]:
        line = ctx.base + rng.randint(1, 3)
        return [
            Step(
                "Let me print the repr of the lines to compare with my search string.",
                f"python -c \"import linecache; [print(repr(linecache.getline('{ctx.source}', i))) for i in range({line}, {line + 2})]\"",
                f"'\\tif {ctx.var} is None:  \\n'\n'\\t\\treturn []\\n'\n",
            )
        ]

    first = Step("Let me make the None branch return `default`.", py_edit(ctx.source, ctx.old, ctx.new), "patched\n")
    return churn(
        ctx,
        rng,
        n,
        first,
        [replace, replace, count, asserted, show, repr_line],
        "the replacement that never matches the file",
    )


def heredoc_mangled(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Scripts written through unquoted or half-quoted heredocs: `$` and backticks expanded, quotes broken."""
    script = rng.choice(["reproduce.py", "repro.py", "check_fix.py", "/tmp/repro.py"])

    def unquoted(k: int) -> list[Step]:
        name = rng.choice([script, f"/tmp/t{k}.py", f"repro_{k}.py"])
        return [
            Step(
                rng.choice(
                    [
                        "Let me write a reproduction script.",
                        "Rewriting the script, with the dollar amounts escaped this time.",
                        "Let me regenerate the script.",
                    ]
                ),
                f'cat > {name} <<EOF\nfrom {ctx.dotted} import {ctx.func}\nprint("cost: ${rng.randint(2, 90)}.00", {ctx.func}(None, default=()))\nprint(`echo` == 1)\nEOF',
                "",
            ),
            Step(
                "Running it.",
                f"python {name}",
                f'  File "/testbed/{name.lstrip("/")}", line 3\n    print( == 1)\n           ^^\nSyntaxError: invalid syntax\n',
                rc=1,
            ),
        ]

    def half_quoted(k: int) -> list[Step]:
        name = rng.choice([script, f"/tmp/check{k}.py"])
        return [
            Step(
                "Quoting the delimiter with double quotes inside the command.",
                f"bash -c \"cat > {name} <<'EOF'\nimport re\nprint(re.sub(r'\\$$', '', 'a$'))\nprint({ctx.func}(None, default=()))\nEOF\"",
                f"bash: -c: line {rng.randint(2, 6)}: unexpected EOF while looking for matching `''\n",
                rc=2,
            )
        ]

    def no_end(k: int) -> list[Step]:
        return [
            Step(
                "Let me try again with the delimiter on its own line.",
                f"cat > {script} << 'EOF'\nfrom {ctx.dotted} import {ctx.func}\nprint({ctx.func}(None, default=()))\n  EOF",
                f"bash: line {rng.randint(3, 8)}: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n",
            ),
            Step(
                "Let me run it.",
                f"python {script}",
                f"  File \"/testbed/{script.lstrip('/')}\", line 3\n    EOF\n    ^^^\nNameError: name 'EOF' is not defined\n"
                if rng.random() < 0.5
                else f'  File "/testbed/{script.lstrip("/")}", line 3\n    EOF\nIndentationError: unexpected indent\n',
                rc=1,
            ),
        ]

    def echo_e(k: int) -> list[Step]:
        return [
            Step(
                "Maybe printf is simpler than a heredoc.",
                f"printf 'from {ctx.dotted} import {ctx.func}\\nprint(\"%s\" % {ctx.func}(None, default=()))\\n' > {script} && python {script}",
                f'Traceback (most recent call last):\n  File "/testbed/{script.lstrip("/")}", line 2, in <module>\n    print("" % {ctx.func}(None, default=()))\nTypeError: not all arguments converted during string formatting\n',
                rc=1,
            )
        ]

    def inspect(k: int) -> list[Step]:
        return [
            Step(
                "Let me see what actually ended up in the file.",
                rng.choice([f"cat -n {script}", f"head -5 {script}", f"cat {script}"]),
                f'     1\tfrom {ctx.dotted} import {ctx.func}\n     2\tprint("cost: .00", {ctx.func}(None, default=()))\n     3\tprint( == 1)\n',
            )
        ]

    first = Step(
        "Let me write a script reproducing the issue.",
        f'cat > {script} <<EOF\nfrom {ctx.dotted} import {ctx.func}\nprint("expected `()`, got:", {ctx.func}(None, default=()))\nEOF\npython {script}',
        "bash: command substitution: line 3: syntax error near unexpected token `)'\nbash: command substitution: line 3: `()'\nexpected , got: []\n",
        rc=1,
    )
    return churn(
        ctx,
        rng,
        n,
        first,
        [unquoted, unquoted, half_quoted, no_end, echo_e, inspect],
        "the heredoc the shell keeps mangling",
    )


def sed_silent_noop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """sed, perl and ed edits that exit 0 and change nothing: BRE metacharacters, wrong delimiters, wrong line."""

    def sed(k: int) -> list[Step]:
        line = ctx.base + rng.randint(0, 6)
        cmd = rng.choice(
            [
                f"sed -i 's/return \\[\\]+$/return default/' {ctx.source}",
                f"sed -i '{line}s/return \\[\\]/return default/' {ctx.source}",
                f"sed -i 's/    return \\[\\]/    return default/' {ctx.source}",
                f"sed -i -e 's|if {ctx.var} is None:\\n        return \\[\\]|if {ctx.var} is None:\\n        return default|' {ctx.source}",
                f"sed -i '/is None:/{{n;s/return ()/return default/}}' {ctx.source}",
                f"sed -i 's/return \\(\\[\\]\\)?$/return default/' {ctx.source}",
            ]
        )
        steps = [
            Step(
                rng.choice(
                    [
                        "Let me change the return with sed.",
                        "Adjusting the sed expression.",
                        "Trying the sed command on the exact line.",
                    ]
                ),
                cmd,
                "",
            )
        ]
        steps.append(
            rng.choice(
                [
                    Step("Did it change anything?", f"git diff --stat -- {ctx.source}", ""),
                    failing_test(ctx, rng, "Let me run the test."),
                ]
            )
        )
        return steps

    def perl(k: int) -> list[Step]:
        return [
            Step(
                "Let me try perl instead of sed.",
                rng.choice(
                    [
                        f"perl -pi -e 's/return \\[\\]$/return default/ if $. == {ctx.base + rng.randint(1, 5)}' {ctx.source}",
                        f'perl -0pi -e "s/is None:\\n(\\s+)return \\[\\]/is None:\\n$1return default/" {ctx.source}',
                    ]
                ),
                "",
            ),
            Step("Checking the diff.", f"git diff {ctx.source} | head -20", ""),
        ]

    def ed(k: int) -> list[Step]:
        line = ctx.base + rng.randint(2, 5)
        return [
            Step(
                "Let me use ed to edit the line directly.",
                f"printf '{line}s/return \\\\[\\\\]/return default/\\nw\\nq\\n' | ed -s {ctx.source}",
                "?\n",
            )
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                "Let me check whether the old return is still there.",
                rng.choice([f"grep -n 'return \\[\\]' {ctx.source}", f"grep -nF 'return []' {ctx.source}"]),
                f"{ctx.base + 3}:\t\treturn []\n{ctx.base + rng.randint(30, 90)}:        return []\n",
            )
        ]

    first = Step(
        "I'll change the None branch with a quick sed.",
        f"sed -i 's/return \\[\\]$/return default/g' {ctx.source} && echo done",
        "done\n",
    )
    return churn(
        ctx,
        rng,
        n,
        first,
        [sed, sed, sed, perl, ed, grep, lambda k: [failing_test(ctx, rng, "Let me rerun the failing test.")]],
        "sed edits that never change the file",
    )


def hunk_never_applies(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A hand-written diff that `patch` and `git apply` reject whatever the flags: wrong context, offsets, bad counts."""

    def diff(line: int) -> str:
        return (
            f"--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},4 +{line},4 @@\n def {ctx.func}({ctx.var}, default=None):\n"
            f"     if {ctx.var} is None:\n-        return []\n+        return default\n     if isinstance({ctx.var}, (list, tuple)):\n"
        )

    def write(k: int) -> list[Step]:
        line = ctx.base + rng.randint(-6, 6)
        return [
            Step(
                rng.choice(
                    [
                        "Let me rewrite the patch with the line numbers I saw.",
                        "Regenerating the diff with fixed context.",
                        "Writing the patch again.",
                    ]
                ),
                f"cat > fix.diff <<'EOF'\n{diff(line)}EOF",
                "",
            )
        ]

    def patch(k: int) -> list[Step]:
        line = ctx.base + rng.randint(-6, 6)
        flags = rng.choice(["-p1", "-p1 --dry-run", "-p1 -l", "-p1 -F3", "-p0"])
        if flags == "-p0":
            out = f"can't find file to patch at input line 3\nPerhaps you used the wrong -p or --strip option?\nThe text leading up to this was:\n--------------------------\n|--- a/{ctx.source}\n|+++ b/{ctx.source}\n--------------------------\nFile to patch: \nSkip this patch? [y] \nSkipping patch.\n1 out of 1 hunk ignored\n"
        else:
            out = f"patching file {ctx.source}\nHunk #1 FAILED at {line}.\n1 out of 1 hunk FAILED -- saving rejects to file {ctx.source}.rej\n"
        return [Step("Applying it with patch.", f"patch {flags} < fix.diff", out, rc=1)]

    def git_apply(k: int) -> list[Step]:
        line = ctx.base + rng.randint(-6, 6)
        flags = rng.choice(["", "--ignore-whitespace ", "-v ", "--3way ", "--recount ", "--unidiff-zero ", "-C1 "])
        if flags == "--3way ":
            out = f"error: patch failed: {ctx.source}:{line}\nerror: repository lacks the necessary blob to perform 3-way merge.\nFalling back to direct application...\nerror: {ctx.source}: patch does not apply\n"
        elif rng.random() < 0.3:
            out = f"error: corrupt patch at line {rng.randint(9, 12)}\n"
        else:
            out = f"Checking patch {ctx.source}...\nerror: while searching for:\n    if {ctx.var} is None:\n        return []\n\nerror: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply\n"
        return [Step("Let me try git apply.", f"git apply {flags}fix.diff", out, rc=1)]

    def rej(k: int) -> list[Step]:
        line = ctx.base + rng.randint(-6, 6)
        return [
            Step(
                "Let me read the reject file.",
                f"cat {ctx.source}.rej",
                diff(line).replace(
                    f"--- a/{ctx.source}\n+++ b/{ctx.source}\n", f"--- {ctx.source}\n+++ {ctx.source}\n"
                ),
            )
        ]

    def clean(k: int) -> list[Step]:
        return [
            Step(
                "Cleaning up the leftovers before trying again.",
                rng.choice(
                    [
                        f"rm -f {ctx.source}.rej {ctx.source}.orig",
                        f"git checkout -- {ctx.source} && rm -f {ctx.source}.rej",
                    ]
                ),
                "",
            )
        ]

    first_line = ctx.base + rng.randint(-4, 4)
    first = Step(
        "I'll write the fix as a patch and apply it.",
        f"cat > fix.diff <<'EOF'\n{diff(first_line)}EOF\ngit apply fix.diff",
        f"error: patch failed: {ctx.source}:{first_line}\nerror: {ctx.source}: patch does not apply\n",
        rc=1,
    )
    return churn(
        ctx,
        rng,
        n,
        first,
        [write, patch, git_apply, git_apply, rej, clean, lambda k: [look(ctx, rng)]],
        "the patch whose hunk never applies",
    )

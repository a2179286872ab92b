# ruff: noqa: E501
"""Hard negatives: a tool misfires once or twice, as in the loops, then the agent finds why and the run goes on."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout41.text import Ctx, failing_test, passing_test, py_edit, source_lines


def search_text_recopied(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A replacement prints 'patched' but changes nothing; cat -A shows tabs; the exact text is used, asserted, green."""
    line = ctx.base + rng.randint(0, 3)
    tabbed = ctx.old.replace("    ", "\t")
    return [
        Step("Let me make the None branch return `default`.", py_edit(ctx.source, ctx.old, ctx.new), "patched\n"),
        failing_test(ctx, rng, "Now the test should pass."),
        Step(
            "Still failing, so the replacement probably matched nothing. Let me see the exact bytes.",
            f"sed -n '{line},{line + 3}p' {ctx.source} | cat -A",
            f'def {ctx.func}({ctx.var}, default=None):$\n^I"""Return `{ctx.var}` as a list."""$\n^Iif {ctx.var} is None:$\n^I^Ireturn []$\n',
        ),
        Step(
            "The file is indented with tabs. I'll replace the tabbed text and assert it matched exactly once.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\nold = {tabbed!r}\nassert s.count(old) == 1, s.count(old)\nopen(p, 'w').write(s.replace(old, old.replace('[]', 'default')))\nprint('replaced')\nEOF",
            "replaced\n",
        ),
        passing_test(ctx, rng, "Now the test file should pass."),
    ]


def heredoc_requoted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An unquoted heredoc expands `$`; the delimiter is quoted and the script reproduces the issue."""
    script = rng.choice(["reproduce.py", "repro.py", "/tmp/repro.py"])
    body = f'from {ctx.dotted} import {ctx.func}\nprint("$ default:", {ctx.func}(None, default=()))'
    return [
        Step(
            "Let me write a reproduction script.",
            f"cat > {script} <<EOF\n{body.replace('$ ', '$(echo) ')}\nEOF\npython {script}",
            f'  File "/testbed/{script.lstrip("/")}", line 2\n    print(" default:", {ctx.func}(None, default=()))\nTypeError: {ctx.func}() got an unexpected keyword argument \'default\'\n'
            if rng.random() < 0.3
            else "[]\n",
            rc=0,
        ),
        Step(
            "The shell expanded the `$(...)` inside the unquoted heredoc. I'll quote the delimiter so the script is written verbatim and check it.",
            f"cat > {script} <<'EOF'\n{body}\nEOF\ncat -n {script} && python {script}",
            f'     1\tfrom {ctx.dotted} import {ctx.func}\n     2\tprint("$ default:", {ctx.func}(None, default=()))\n$ default: []\n',
        ),
        Step(
            "Reproduced: `default` is ignored for None. Let me look at the function.",
            f"grep -n -A6 'def {ctx.func}' {ctx.source}",
            source_lines(ctx, ctx.base),
        ),
    ]


def sed_checked_by_diff(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A sed with a BRE `+` changes nothing; git diff says so; `-E` with the right class changes the line."""
    return [
        Step("Let me change the return with sed.", f"sed -i 's/return \\[\\]+$/return default/' {ctx.source}", ""),
        Step("Did it change anything?", f"git diff --stat -- {ctx.source}", ""),
        Step(
            "Nothing changed: in basic regex `+` is literal. I'll anchor on the line number instead and show the diff.",
            f"sed -i '{ctx.base + 3}s/return \\[\\]/return default/' {ctx.source} && git diff -U1 {ctx.source}",
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{ctx.base + 2},3 +{ctx.base + 2},3 @@\n     if {ctx.var} is None:\n-        return []\n+        return default\n     if isinstance({ctx.var}, (list, tuple)):\n",
        ),
        passing_test(ctx, rng, "The edit is in. Running the tests."),
    ]


def hunk_regenerated(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A hand-written patch fails once; the diff is made by git from an edited file instead, and applies."""
    line = ctx.base + rng.randint(-5, 5)
    return [
        Step(
            "I'll apply the fix as a patch.",
            "git apply fix.diff",
            f"error: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply\n",
            rc=1,
        ),
        Step(
            "My hand-written context must be wrong. I'll edit the file directly and let git produce the diff.",
            py_edit(ctx.source, ctx.old, ctx.new) + f"\ngit diff --stat -- {ctx.source}",
            f"patched\n {ctx.source} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
        ),
        Step(
            "The change is there; removing the stale patch file.",
            "rm -f fix.diff && git status --short",
            f" M {ctx.source}\n",
        ),
        passing_test(ctx, rng, "Let me run the tests."),
    ]


def oneliner_to_script(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A `python -c` with a for after a semicolon fails once; the check goes into a quoted heredoc and runs."""
    return [
        Step(
            "Quick check of a few inputs.",
            f'python -c "from {ctx.dotted} import {ctx.func}; for x in (None, [], 3): print({ctx.func}(x))"',
            f'  File "<string>", line 1\n    from {ctx.dotted} import {ctx.func}; for x in (None, [], 3): print({ctx.func}(x))\n                                     ^^^\nSyntaxError: invalid syntax\n',
            rc=1,
        ),
        Step(
            "A for loop can't follow a semicolon; I'll pass the code through a quoted heredoc instead.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import {ctx.func}\nfor x in (None, [], 3):\n    print(repr(x), {ctx.func}(x, default=()))\nEOF",
            "None ()\n[] []\n3 [3]\n",
        ),
    ]


def log_grepped_from_file(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A verbose run is elided by the harness once; the output goes to a file and the failure is grepped with context."""
    count = rng.randint(160, 240)
    listing = "\n".join(
        f"{ctx.test_file}::test_{ctx.stem}_{i} PASSED [{100 * (i + 1) // count:3d}%]" for i in range(count)
    )
    log = f"/tmp/pytest_{rng.randint(1, 99)}.log"
    return [
        Step(
            "Let me run the whole test file verbosely.",
            f"python -m pytest {ctx.test_file} -v 2>&1",
            listing,
            rc=1,
            seconds=rng.uniform(5, 30),
        ),
        Step(
            "The output was elided. I'll write it to a file and grep the failure with context.",
            f"python -m pytest {ctx.test_file} -v > {log} 2>&1; grep -n -B2 -A8 '^E ' {log} | head -30",
            f"{count + 9}:    def {ctx.test_name}():\n{count + 10}:>       assert {ctx.func}(None, default=()) == ()\n{count + 11}:E       AssertionError: assert [] == ()\n",
        ),
        Step(
            "There it is: the None branch ignores `default`. Let me fix it.",
            py_edit(ctx.source, ctx.old, ctx.new) + f"\ngrep -n 'return default' {ctx.source}",
            f"patched\n{ctx.base + 3}:        return default\n",
        ),
        passing_test(ctx, rng, "Running the tests again."),
    ]

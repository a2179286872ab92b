"""What the agent says before a command: gemini-3-pro's THOUGHT sections, varied, naming files and
functions in backticks the way the real runs do."""

from __future__ import annotations

import random

from .context import pick

_SAID: dict[str, tuple[str, ...]] = {
    "read": (
        "Let me look at `{fn}` in `{path}` again to see what happens around line {line}.",
        "I need to see the surrounding code in `{path}` to understand the control flow.",
        "I'll examine `{path}` around lines {a}-{b}.",
        "Let me re-read the relevant section of `{path}` more carefully.",
        "I want to double check how `{fn}` handles this case. Let me view the code.",
        "Let me view lines {a} to {b} of `{path}`.",
    ),
    "grep": (
        "Let me find where `{word}` is used.",
        "I'll search for other usages of `{word}` to make sure I'm not missing a call site.",
        "Where else is `{word}` referenced? Let me grep for it.",
        "Let me check all occurrences of `{word}` in the codebase.",
    ),
    "edit": (
        "I'll modify line {line} of `{path}` so that `{fn}` handles this case.",
        "Let me try a different approach: change the expression at line {line} in `{fn}`.",
        "The problem seems to be in `{fn}`. I will rewrite that line.",
        "Maybe the issue is how the value is computed here. Let me change it.",
        "I'll apply the fix directly in `{path}`.",
        "Let me adjust the logic in `{fn}` once more, this time more defensively.",
    ),
    "script": (
        "Now let me run the reproduction script to verify the fix.",
        "Let's run `{script}` again.",
        "Let me check if the issue is resolved now.",
        "I'll run the reproduction script to see if the change had an effect.",
        "Let me verify with the reproduction script.",
    ),
    "tests": (
        "Now let me run the relevant tests.",
        "Let me run `{test}` to see whether this fixes it.",
        "I'll run the test suite for this module to check for regressions.",
        "Let's run the tests again.",
        "Let me verify with the existing tests.",
    ),
    "write": (
        "First I need a script that reproduces the issue from the PR description.",
        "Let me write a small reproduction script calling `{fn}` directly.",
        "I'll create `{script}` to reproduce the problem.",
    ),
    "diff": (
        "Let me look at my changes so far.",
        "Let me check the diff to make sure the edit is what I intended.",
        "I'll review the current state of the changes.",
    ),
    "revert": (
        "This approach is not working. Let me revert and start over.",
        "Let me undo the change and think about it again.",
        "I'll revert `{path}` to the original to try another idea.",
    ),
    "failed": (
        "The error is still there: `{err}`.",
        "It still fails with the same error.",
        "Hmm, the output is unchanged. The fix did not take effect.",
        "Still `{err}`. My change must be in the wrong place, or something else is going on.",
        "The same traceback again.",
        "",
    ),
}


_MORE: dict[str, tuple[str, ...]] = {
    "read": (
        "I want to make sure I understand the control flow before changing anything else.",
        "In particular I want to see what happens to the value before it is returned.",
        "There may be an earlier branch that handles this case differently.",
    ),
    "grep": (
        "If it is used elsewhere, the change has to be consistent with those call sites.",
        "This will tell me whether another code path sets it.",
    ),
    "edit": (
        "This should cover the case from the PR description without changing the normal path.",
        "If this is right, the reproduction script should pass afterwards.",
        "I'll keep the change minimal.",
    ),
    "script": (
        "If the fix is correct, the script should print the result without a traceback.",
        "I expect the output to change now.",
    ),
    "tests": ("I want to make sure nothing else is broken.", "This module covers the behaviour described in the PR."),
    "diff": ("I want to make sure I did not leave anything unintended in the file.",),
    "revert": ("Starting from the original code will make it easier to reason about.",),
}


def say(rng: random.Random, kind: str, before: str = "", /, **fields: object) -> str:
    lead = pick(rng, _SAID["failed"], **fields) + " " if before == "failed" else ""
    extra = rng.sample(_MORE.get(kind, ()), min(len(_MORE.get(kind, ())), rng.choice((0, 1, 1, 2))))
    more = "".join("\n\n" + text.format(**fields) for text in extra)
    return (lead + pick(rng, _SAID[kind], **fields) + more).strip()

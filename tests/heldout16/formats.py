"""The format-error loop: answers with two bash blocks, or none, refused by the harness round after round."""

from __future__ import annotations

import random

from heldout16.context import Ctx, code_lines, failing
from heldout16.edits import drift, edit_of, escaped
from heldout16.replies import format_error, pick, run
from heldout16.tails import weave
from heldout16.wire import Step


def _block(command: str) -> str:
    return f"```bash\n{command}\n```"


def format_error_loop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    checked = failing(ctx.run, ctx.at)
    assert checked is not None
    _, check, reply = checked
    path, number, line = rng.choice(code_lines(ctx))
    known = ctx.seen[path]
    span = range(max(1, number - 8), number + 9)
    if all(i in known for i in span):
        view, shown = f"nl -ba {path} | sed -n '{span[0]},{span[-1]}p'", "".join(f"{i:6d}\t{known[i]}\n" for i in span)
    else:
        fragment = line.strip().split("(")[0].replace("'", "")
        view, shown = f"grep -n '{fragment}' {path}", f"{number}:{line}\n"
    old, new = edit_of(line)
    edit = f"sed -i 's/{escaped(old)}/{new}/' {path}"
    where = f"line {number} of `{path}`"

    def malformed(k: int) -> Step:
        kind = rng.choice(["pair", "options", "plan", "apology", "prose", "python", "monologue", "pair", "apology"])
        first, then = (view, check) if rng.random() < 0.6 else (edit, check)
        if kind == "pair":
            lead = pick(
                rng,
                "I need to look at the code again and then rerun the check.",
                "First let me view the relevant part, then run the check.",
                f"Two things: {where}, then the check.",
                "I'll apply the change and verify it right away.",
            )
            glue = pick(rng, "Then:", "After that:", "And then verify:", "Followed by:")
            text, found = f"{lead}\n\n{_block(first)}\n\n{glue}\n\n{_block(then)}", 2
        elif kind == "options":
            text = (
                f"{pick(rng, 'There are two ways forward.', 'I see two options.', 'Two possibilities here.')}\n\nOption 1: inspect {where} more closely.\n\n{_block(view)}\n\n"
                f"Option 2: {pick(rng, 'apply the guard directly.', 'make the edit now.')}\n\n{_block(edit)}\n\n{pick(rng, 'I will go with option 1.', 'Option 2 seems quicker.', 'Let me do option 1 first.')}"
            )
            found = 2
        elif kind == "plan":
            steps = [(f"Look at {where}.", view), ("Apply the change.", edit), ("Verify.", check)]
            if rng.random() < 0.4:
                steps = steps[1:]
            text = (
                pick(rng, "Plan:", "Steps:", "Here is what I'll do:")
                + "\n"
                + "".join(f"{i + 1}. {what}\n{_block(c)}\n" for i, (what, c) in enumerate(steps))
            )
            found = len(steps)
        elif kind == "apology":
            text = (
                f"{pick(rng, 'I made a mistake in the previous turn by including more than one bash block.', 'Sorry, my previous response had several commands.', 'I see, the harness wants one command. I will correct that.', 'Apologies for the formatting.')} "
                f"{pick(rng, 'I will do this in one step now.', 'Combining them now.', 'One command this time.')}\n\n{_block(first)}\n\n"
                f"{pick(rng, 'And after that I will run:', 'Then the verification:', 'and then')}\n\n{_block(then)}"
            )
            found = 2
        elif kind == "prose":
            text = pick(
                rng,
                f"I will now rerun the check to confirm the current behaviour of {where}.",
                "Let me rerun the verification script to see where things stand.",
                f"Next, I'll re-examine {where} before making any change.",
                f"The guard at {where} should fix it. I'll apply it with sed.",
            )
            found = 0
        elif kind == "python":
            text = f"The change I have in mind for {where}:\n\n```python\n{new.strip()}\n```\n\n{pick(rng, 'I will apply it after checking the surrounding code.', 'Let me apply it now.')}"
            found = 0
        else:
            text = (
                f"Wait. Let me think about {where} again.\n\n{_block(view)}\n\nActually no, the check first.\n\n{_block(check)}\n\n"
                f"Hmm, but the edit should come before the check.\n\n{_block(edit)}\n\n{pick(rng, 'Wait, I should look at the code once more.', 'No wait.')}\n\n{_block(view)}"
            )
            found = 4
        return Step(f"THOUGHT: {text}", format_error(found), 0.0)

    def look(k: int) -> Step:
        if rng.random() < 0.5:
            return malformed(k)
        return run(pick(rng, "One command: the view.", "Just the view first.", f"Looking at {where}."), view, shown, 0)

    def rerun(k: int) -> Step:
        return Step(
            f"THOUGHT: {pick(rng, 'A single command this time: the check.', 'Only the check, nothing else.', 'Run the check alone.')}\n\n{_block(check)}",
            drift(reply, rng),
            2,
        )

    why = "I keep tripping over the response format; I'll stop here with the current state."
    return weave(rng, n, [malformed(0)], [malformed] * 3, [look], rerun, why, ["I need to send exactly one command."])

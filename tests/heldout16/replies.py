"""What mini-swe-agent's harness says back, in its own words (as in the dev runs), and the agent's answer shape."""

from __future__ import annotations

import random

from heldout16.wire import Step

TOO_LONG = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces "
    "less output.\nIf you're looking at a file you can try use head, tail or sed to view a smaller number of "
    "lines selectively.\nIf you're using grep or find and it produced too much output, you can use a more "
    "selective search pattern.\nIf you really need to see something from the full command's output, you can "
    "redirect output to a file and then search in that file.\n</warning>"
)

FORMAT_ERROR = (
    "Please always provide EXACTLY ONE action in triple backticks, found {n} actions.\n\nPlease format your "
    "action in triple backticks as shown in <response_example>.\n\n<response_example>\nHere are some thoughts "
    "about why you want to perform the action.\n\n```bash\n<action>\n```\n</response_example>\n\nIf you have "
    "completed your assignment, please consult the first message about how to\nsubmit your solution (you will "
    "not be able to continue working on this task after that)."
)

SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"


def output(text: str, code: int = 0) -> str:
    """The harness's reply to a command that ran to its end; past 10,000 characters, its head and tail."""
    if len(text) < 10_000:
        return f"<returncode>{code}</returncode>\n<output>\n{text}</output>"
    return (
        f"<returncode>{code}</returncode>\n{TOO_LONG}<output_head>\n{text[:5000]}\n</output_head>\n"
        f"<elided_chars>\n{len(text) - 10_000} characters elided\n</elided_chars>\n"
        f"<output_tail>\n{text[-5000:]}\n</output_tail>"
    )


def format_error(actions: int) -> str:
    return FORMAT_ERROR.replace("{n}", str(actions))


def act(thought: str, command: str) -> str:
    """An answer as the agent writes them: a THOUGHT, then exactly one bash block."""
    return f"THOUGHT: {thought}\n\n```bash\n{command}\n```"


def run(thought: str, command: str, text: str, code: int = 0, seconds: float = 0.4) -> Step:
    return Step(act(thought, command), output(text, code), seconds)


def give_up(rng: random.Random, why: str) -> Step:
    """The last answer of a loop: the agent submits whatever it has."""
    close = rng.choice(
        [
            "I'll submit the current state of the changes.",
            "I will submit what I have.",
            "I'm going to submit the patch as it stands.",
            "Submitting the current changes.",
        ]
    )
    return Step(act(f"{why} {close}", SUBMIT), None, 0.0)


def pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def hexaddr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def pid(rng: random.Random) -> int:
    return rng.randint(180, 4200)

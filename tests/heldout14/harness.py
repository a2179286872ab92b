"""What mini-swe-agent says back to the model, word for word as the dev set's runs show it."""

from __future__ import annotations

from dataclasses import dataclass

_TOO_LONG = (
    "<warning>\n"
    "The output of your last command was too long.\n"
    "Please try a different command that produces less output.\n"
    "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
    "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
    "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n"
    "</warning>"
)

_FORMAT = (
    "Please always provide EXACTLY ONE action in triple backticks, found {n} actions.\n\n"
    "Please format your action in triple backticks as shown in <response_example>.\n\n"
    "<response_example>\n"
    "Here are some thoughts about why you want to perform the action.\n\n"
    "```bash\n<action>\n```\n"
    "</response_example>\n\n"
    "If you have completed your assignment, please consult the first message about how to\n"
    "submit your solution (you will not be able to continue working on this task after that)."
)

SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"


def observation(returncode: int, output: str) -> str:
    """A command's result; outputs of 10,000 characters or more are cut to their head and tail."""
    if output and not output.endswith("\n"):
        output += "\n"
    if len(output) < 10000:
        return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"
    return (
        f"<returncode>{returncode}</returncode>\n{_TOO_LONG}<output_head>\n{output[:5000]}\n</output_head>\n"
        f"<elided_chars>\n{len(output) - 10000} characters elided\n</elided_chars>\n"
        f"<output_tail>\n{output[-5000:]}\n</output_tail>"
    )


def timed_out(command: str, output: str) -> str:
    if output and not output.endswith("\n"):
        output += "\n"
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\n"
        f"The output of the command was:\n <output>\n{output}\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )


def format_error(actions: int) -> str:
    return _FORMAT.format(n=actions)


def action(thought: str, command: str) -> str:
    """An assistant turn as gemini writes it for mini-swe-agent."""
    return f"THOUGHT: {thought.strip()}\n\n```bash\n{command}\n```"


@dataclass(frozen=True)
class Step:
    """One exchange of a spliced tail: what the model said, what came back, how long the command ran."""

    said: str
    reply: str
    seconds: float = 0.5


def step(thought: str, command: str, returncode: int, output: str, seconds: float = 0.5) -> Step:
    return Step(action(thought, command), observation(returncode, output), seconds)

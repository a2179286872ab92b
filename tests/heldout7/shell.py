"""One step of mini-swe-agent: the model's answer (THOUGHT and one bash block) and what the harness sends
back, in the exact words of its templates as the real runs show them."""

from __future__ import annotations

from dataclasses import dataclass

_TOO_LONG = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less "
    "output.\nIf you're looking at a file you can try use head, tail or sed to view a smaller number of lines "
    "selectively.\nIf you're using grep or find and it produced too much output, you can use a more selective "
    "search pattern.\nIf you really need to see something from the full command's output, you can redirect output "
    "to a file and then search in that file.\n</warning>"
)
FORMAT_ERROR = (
    "Please always provide EXACTLY ONE action in triple backticks, found {n} actions.\n\nPlease format your action "
    "in triple backticks as shown in <response_example>.\n\n<response_example>\nHere are some thoughts about why you "
    "want to perform the action.\n\n```bash\n<action>\n```\n</response_example>\n\nIf you have completed your "
    "assignment, please consult the first message about how to\nsubmit your solution (you will not be able to "
    "continue working on this task after that)."
)
_LIMIT = 10_000  # the harness shows head and tail of longer outputs


@dataclass(frozen=True)
class Step:
    """One call's answer and the observation the next call carries; `seconds` the command ran."""

    answer: str
    observation: str
    seconds: float = 0.0


def observation(returncode: int, output: str) -> str:
    if output and not output.endswith("\n"):
        output += "\n"
    if len(output) < _LIMIT:
        return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"
    head, tail = output[:5000], output[-5000:]
    return (
        f"<returncode>{returncode}</returncode>\n{_TOO_LONG}<output_head>\n{head}\n</output_head>\n<elided_chars>\n"
        f"{len(output) - 10000} characters elided\n</elided_chars>\n<output_tail>\n{tail}\n</output_tail>"
    )


def timed_out(command: str, output: str) -> str:
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\nThe output of the command "
        f"was:\n <output>\n{output}\n</output>\nPlease try another command and make sure to avoid those requiring "
        "interactive input."
    )


def step(thought: str, command: str, returncode: int, output: str, seconds: float = 0.0) -> Step:
    answer = f"THOUGHT: {thought.strip()}\n\n```bash\n{command}\n```"
    return Step(answer, observation(returncode, output), seconds)


def unparsed(thought: str, commands: list[str]) -> Step:
    """An answer the harness rejects: more than one bash block (or none)."""
    blocks = "\n\n".join(f"```bash\n{command}\n```" for command in commands)
    return Step(f"THOUGHT: {thought.strip()}\n\n{blocks}".rstrip(), FORMAT_ERROR.format(n=len(commands)))

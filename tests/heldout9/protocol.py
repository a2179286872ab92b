"""What mini-swe-agent and gemini-3-pro exchange: an answer with one bash block, the harness's reply.

The harness replies with the return code and output, a warning with the output's head and tail when
it is over 10,000 characters, a format error when an answer holds no or several bash blocks, and a
timeout notice when a command ran too long; all four as the dev runs show them.
"""

from __future__ import annotations

from dataclasses import dataclass

LIMIT = 10_000
TOO_LONG = (
    "<warning>\nThe output of your last command was too long.\nPlease try a different command that produces less output.\n"
    "If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.\n"
    "If you're using grep or find and it produced too much output, you can use a more selective search pattern.\n"
    "If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.\n"
    "</warning>"
)
FORMAT_ERROR = (
    "Please always provide EXACTLY ONE action in triple backticks, found {found} actions.\n\n"
    "Please format your action in triple backticks as shown in <response_example>.\n\n"
    "<response_example>\nHere are some thoughts about why you want to perform the action.\n\n```bash\n<action>\n```\n"
    "</response_example>\n\nIf you have completed your assignment, please consult the first message about how to\n"
    "submit your solution (you will not be able to continue working on this task after that)."
)
TIMEOUT = (
    "The last command <command>{command}</command> timed out and has been killed.\n"
    "The output of the command was:\n <output>\n{output}\n</output>\n"
    "Please try another command and make sure to avoid those requiring interactive input."
)


@dataclass(frozen=True)
class Step:
    """One turn: the model's thought and command, and what the shell gave back."""

    thought: str
    command: str
    output: str = ""
    code: int = 0
    seconds: float = 1.0  # how long the command ran
    timed_out: bool = False
    repeated_block: bool = False  # the model wrote its command twice: the harness rejects the answer
    reasoning: str | None = None

    def answer(self) -> str:
        block = f"```bash\n{self.command}\n```"
        if self.repeated_block:
            return f"THOUGHT: {self.thought}\n\n{block}\n\nLet's run it.\n\n{block}"
        return f"THOUGHT: {self.thought}\n\n{block}"

    def reply(self) -> str:
        if self.repeated_block:
            return FORMAT_ERROR.format(found=2)
        if self.timed_out:
            return TIMEOUT.format(command=self.command, output=self.output.rstrip("\n"))
        return observation(self.code, self.output)


def observation(code: int, output: str) -> str:
    if output and not output.endswith("\n"):
        output += "\n"
    if len(output) <= LIMIT:
        return f"<returncode>{code}</returncode>\n<output>\n{output}</output>"
    head, tail = output[: LIMIT // 2], output[-LIMIT // 2 :]
    elided = len(output) - len(head) - len(tail)
    return (
        f"<returncode>{code}</returncode>\n{TOO_LONG}<output_head>\n{head}\n</output_head>\n"
        f"<elided_chars>\n{elided} characters elided\n</elided_chars>\n<output_tail>\n{tail}\n</output_tail>"
    )

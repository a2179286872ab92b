"""What mini-swe-agent answers the model, word for word as the dev set's runs show it."""

from __future__ import annotations

# The harness cuts an output longer than this to its first and last 5,000 characters.
_LIMIT = 10_000
_KEEP = 5_000

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


def result(returncode: int, output: str) -> str:
    """A command's result; the output as the shell printed it (a final newline is added if missing)."""
    if output and not output.endswith("\n"):
        output += "\n"
    if len(output) > _LIMIT:
        elided = len(output) - 2 * _KEEP
        return (
            f"<returncode>{returncode}</returncode>\n{_TOO_LONG}<output_head>\n{output[:_KEEP]}\n</output_head>\n"
            f"<elided_chars>\n{elided} characters elided\n</elided_chars>\n<output_tail>\n{output[-_KEEP:]}\n</output_tail>"
        )
    return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"


def timed_out(command: str, output: str) -> str:
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\n"
        f"The output of the command was:\n <output>\n{output}\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )


def format_error(actions: int) -> str:
    return _FORMAT.format(n=actions)

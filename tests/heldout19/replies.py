"""What the harness and the tools answer, in the wording the dev runs show.

mini-swe-agent wraps a command's output in `<returncode>`/`<output>`, cuts outputs of 10,000
characters or more to their first and last 5,000 with a warning, and has its own wording for
timeouts and answers without exactly one bash block. pytest and unittest print as they do in the
runs' environments (80 columns, pytest's header as the run printed it).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from heldout19.runs import FULL_PYTHON, STARTS, Context

_LONG = """<warning>
The output of your last command was too long.
Please try a different command that produces less output.
If you're looking at a file you can try use head, tail or sed to view a smaller number of lines selectively.
If you're using grep or find and it produced too much output, you can use a more selective search pattern.
If you really need to see something from the full command's output, you can redirect output to a file and then search in that file.
</warning>"""

_FORMAT = """Please always provide EXACTLY ONE action in triple backticks, found {n} actions.

Please format your action in triple backticks as shown in <response_example>.

<response_example>
Here are some thoughts about why you want to perform the action.

```bash
<action>
```
</response_example>

If you have completed your assignment, please consult the first message about how to
submit your solution (you will not be able to continue working on this task after that)."""


def ran(output: str, returncode: int = 0) -> str:
    """The harness's reply to a command that finished."""
    if len(output) < 10_000:
        return f"<returncode>{returncode}</returncode>\n<output>\n{output}</output>"
    return (
        f"<returncode>{returncode}</returncode>\n{_LONG}<output_head>\n{output[:5000]}\n</output_head>\n"
        f"<elided_chars>\n{len(output) - 10_000} characters elided\n</elided_chars>\n"
        f"<output_tail>\n{output[-5000:]}\n</output_tail>"
    )


def timed_out(command: str, output: str) -> str:
    return (
        f"The last command <command>{command}</command> timed out and has been killed.\n"
        f"The output of the command was:\n <output>\n{output}\n</output>\n"
        "Please try another command and make sure to avoid those requiring interactive input."
    )


def format_error(actions: int) -> str:
    return _FORMAT.format(n=actions)


def traceback(frames: Sequence[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback: frames of (file, line, function, source line), then the error."""
    lines = ["Traceback (most recent call last):"]
    for file, line, function, source in frames:
        lines.append(f'  File "{file}", line {line}, in {function}')
        if source:
            lines.append(f"    {source}")
    return "\n".join([*lines, error]) + "\n"


def heredoc(path: str, body: str, then: str = "") -> str:
    """`cat <<'EOF' > path`, and `then` run after it (`&&` goes on the first line, before the body)."""
    return f"cat <<'EOF' > {path}{' && ' + then if then else ''}\n{body.rstrip()}\nEOF"


def bar(title: str, fill: str = "=") -> str:
    return f" {title} ".center(80, fill) if title else fill * 80


def header(ctx: Context, plugins: str | None = None) -> str:
    """pytest's header as the run printed it (or as its interpreter would), with `plugins` added if new."""
    text = (
        ctx.header
        or f"{STARTS}\nplatform linux -- Python {FULL_PYTHON[ctx.python]}, pytest-7.4.0, pluggy-1.3.0\nrootdir: /testbed"
    )
    if plugins and "plugins: " in text:
        text = re.sub(r"plugins: ", f"plugins: {plugins}, ", text, count=1)
    elif plugins:
        text += f"\nplugins: {plugins}"
    return text


def _seconds(ctx: Context, secs: float) -> str:
    major, minor = (int(part) for part in ctx.pytest_version.split(".")[:2])
    old = (major, minor) < (5, 1)  # pytest 5.1 started printing "0.03s"
    return f"{secs:.2f} seconds" if old else f"{secs:.2f}s"


@dataclass(frozen=True)
class Failure:
    test: str  # the node id's last part
    body: str  # what pytest prints under the test's bar
    summary: str  # the error's first line


def pytest_run(
    ctx: Context,
    file: str,
    marks: str,
    failures: Sequence[Failure] = (),
    secs: float = 0.1,
    warnings: str = "",
    quiet: bool = False,
    header_text: str | None = None,
) -> str:
    """One pytest run of `file`; `marks` is the progress line's letters (".F" …); `quiet` is `-q`."""
    count = len(marks)
    lines = [] if quiet else [header_text or header(ctx), f"collected {count} item{'s' * (count != 1)}", ""]
    progress = marks if quiet else f"{file} {marks}"
    lines.append(progress + " " * max(79 - len(progress) - 6, 1) + "[100%]")
    if not quiet:
        lines.append("")
    if failures:
        lines.append(bar("FAILURES"))
        for failure in failures:
            lines += [bar(failure.test, "_"), "", failure.body.rstrip("\n")]
    if warnings:
        lines += [bar("warnings summary"), warnings.rstrip("\n"), ""]  # entries end with a blank line
        lines.append("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html")
    if failures:
        lines.append(bar("short test summary info"))
        for failure in failures:
            summary = f"FAILED {file}::{failure.test} - {failure.summary}"
            lines.append(summary if len(summary) <= 80 else summary[:77] + "...")
    passed, skipped = marks.count("."), marks.count("s")
    counts = [f"{len(failures)} failed"] if failures else []
    counts += [f"{passed} passed"] if passed else []
    counts += [f"{skipped} skipped"] if skipped else []
    noted = warnings.count("Warning:")
    counts += [f"{noted} warning{'s' * (noted != 1)}"] if noted else []
    total = f"{', '.join(counts)} in {_seconds(ctx, secs)}"
    lines.append(total if quiet else bar(total))
    return "\n".join(lines) + "\n"


def frame(source: Sequence[str], failing: int, where: str, args: str = "", error: str = "") -> str:
    """One entry of pytest's long traceback: the function's lines, `>` at the failing one, its location."""
    lines = [args, ""] if args else []
    lines += [f"{'>' if i == failing else ' '}   {line}".rstrip() for i, line in enumerate(source)]
    indent = len(source[failing]) - len(source[failing].lstrip())
    lines += [f"E{' ' * (3 + indent)}{line}" for line in error.splitlines()]
    return "\n".join([*lines, "", where])


SEPARATOR = "_ " * 40


def unittest_run(
    ctx: Context,
    module: str,
    results: Sequence[tuple[str, str, str | None]],
    secs: float = 0.003,
    verbose: bool = False,
) -> str:
    """unittest's report: results of (test, its class, None when it passed or its traceback)."""

    def named(test: str, cls: str) -> str:
        return f"{test} ({module}.{cls}.{test})" if ctx.python == "3.11" else f"{test} ({module}.{cls})"

    kinds = [
        "." if tb is None else "F" if tb.rstrip().rsplit("\n", 1)[-1].startswith("AssertionError") else "E"
        for _, _, tb in results
    ]
    if verbose:
        words = {".": "ok", "F": "FAIL", "E": "ERROR"}
        out = [f"{named(test, cls)} ... {words[kind]}" for (test, cls, _), kind in zip(results, kinds, strict=True)]
    else:
        out = ["".join(kinds)]
    for (test, cls, tb), kind in zip(results, kinds, strict=True):
        if tb is not None:
            name = "FAIL" if kind == "F" else "ERROR"
            out += ["", "=" * 70, f"{name}: {named(test, cls)}", "-" * 70, tb.rstrip("\n")]
    out += ["", "-" * 70, f"Ran {len(results)} test{'s' * (len(results) != 1)} in {secs:.3f}s", ""]
    failed, errors = kinds.count("F"), kinds.count("E")
    if failed or errors:
        parts = [f"failures={failed}"] * bool(failed) + [f"errors={errors}"] * bool(errors)
        out.append(f"FAILED ({', '.join(parts)})")
    else:
        out.append("OK")
    return "\n".join(out) + "\n"


def script(ctx: Context, name: str) -> str:
    """How a traceback names the script run as `python name`: absolute from Python 3.9 on."""
    return f"/testbed/{name}" if int(ctx.python.split(".")[1]) >= 9 else name


def suite_again(ctx: Context, rng: random.Random) -> tuple[str, str] | None:
    """The run's own passing test command and its output, timings as a rerun would print them."""
    if ctx.suite is None:
        return None
    command, output = ctx.suite
    output = re.sub(r"(Ran \d+ tests? in )[\d.]+s", lambda m: f"{m.group(1)}{rng.uniform(0.05, 3):.3f}s", output)

    def pytest_time(found: re.Match[str]) -> str:
        digits = len(found.group(1))  # the same width keeps pytest's bar centred
        return f" in {rng.uniform(10 ** (digits - 1) if digits > 1 else 0.05, 10**digits - 0.01):.2f}{found.group(2)}"

    output = re.sub(r" in (\d+)\.\d\d(s| seconds)(?= =+$)", pytest_time, output, flags=re.M)
    return command, output


def address(rng: random.Random) -> str:
    """An object's address as CPython prints it: heap memory, 16-byte aligned."""
    return f"0x7f{rng.randrange(16**9):09x}0"

"""What the simulated coding agents do, step by step: five behaviours over a fake repository.

A behaviour is a generator of `Step`s (thought, shell command, what the command printed); a
`Conversation` turns steps into the messages a mini-SWE-agent style harness resends on every call
(system prompt, task, assistant turns, command output as the next user message) or, for agents
using tools, into OpenAI tool calls and tool results. The same steps drive the live fleet and the
offline estimate of what a stopped agent would have gone on to spend (`estimate_usage`).

Behaviours: `productive` (explores, reproduces, edits, tests, submits), `stuck` (an environment
problem no command can fix: varied attempts, the same root error), `oscillating` (two fixes that
each break the other's test, applied in turn), `runaway` (dumps whole files and logs into its
context), `fanout` (a planner that reviews many files in parallel sub-calls, then edits and submits).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from regulator.events import Usage
from regulator.mock.answers import prompt_tokens
from regulator.sim import workspace as ws
from regulator.sim.stuck import SHARED_OUTAGE
from regulator.sim.workspace import Repo

Behaviour = Literal["productive", "stuck", "oscillating", "runaway", "fanout", "outage"]
BEHAVIOURS: tuple[Behaviour, ...] = ("productive", "stuck", "oscillating", "runaway", "fanout", "outage")
# Work that must never be stopped; the others waste money from the step their loop starts.
LEGITIMATE: frozenset[Behaviour] = frozenset({"productive", "fanout"})
SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached"

SYSTEM_TEXT = (
    "You are a helpful assistant that can interact multiple times with a computer shell to solve "
    "programming tasks.\n"
    "Your response must contain exactly ONE bash code block with ONE command (or commands connected with && "
    "or ||).\n\n"
    "Include a THOUGHT section before your command where you explain your reasoning process.\n"
    "Format your response as shown in <format_example>.\n\n<format_example>\nTHOUGHT: Your reasoning and "
    "analysis here\n\n"
    "```bash\nyour_command_here\n```\n</format_example>\n\nFailure to follow these rules will cause your "
    "response to be rejected."
)
SYSTEM_TOOLS = (
    "You are an autonomous software engineer working in a sandbox at /testbed. Use the `bash` tool to run "
    "one "
    "command at a time; explain your reasoning briefly before each call. When the task is done, run "
    f"`{SUBMIT}`."
)
INSTRUCTIONS = (
    "<instructions>\n# Task Instructions\n\n## Overview\nYou're a software engineer interacting "
    "continuously with a "
    "computer by submitting commands.\nYou'll be helping implement necessary changes to meet requirements "
    "in the PR "
    "description.\n\n## Important Boundaries\n- MODIFY: Regular source code files in /testbed\n- DO NOT "
    "MODIFY: Tests, "
    "configuration files (pyproject.toml, setup.cfg, etc.)\n\n## Recommended Workflow\n1. Analyze the "
    "codebase\n2. "
    "Create a script to reproduce the issue\n3. Edit the source code to resolve the issue\n4. Verify your "
    "fix\n5. Test "
    f"edge cases\n\n## Submission\nWhen you are done, run `{SUBMIT}`.\n</instructions>"
)
BASH_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run one bash command in /testbed and return its exit code and output.",
        "parameters": {
            "type": "object",
            "properties": {"command": {"type": "string"}},
            "required": ["command"],
        },
    },
}


@dataclass(slots=True)
class Step:
    thought: str
    command: str
    output: str = ""
    returncode: int = 0
    submit: bool = False  # the task is over once this command ran
    looping: bool = False  # this step is part of a no-progress loop (for labels and accounting)
    fanout: tuple[str, ...] = ()  # prompts of parallel sub-calls made before this step


def _say(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


_TOOK = re.compile(r" in \d+\.\d\ds ")
_CLOCK = re.compile(r"\b\d\d:\d\d:\d\d,\d{3}\b")


def _pytest(repo: Repo, rng: random.Random, failing: tuple[str, ...] = (), detail: str | None = None) -> str:
    """A run of the repo's tests: pytest collects the same tests in the same order every time, so only
    which ones fail, why, and the timing change from one run to the next."""
    out = ws.pytest_output(repo, random.Random(f"{repo.module}:{repo.line}"), failing, detail)
    return _TOOK.sub(f" in {rng.uniform(0.2, 3.5):.2f}s ", out, count=1)


def _dump(repo: Repo, rng: random.Random, command: str) -> str:
    """What a big `cat`, `grep` or verbose test run prints: the same text each time the same command
    runs (files do not change between two reads), except the clock in the log lines of a new run."""
    source = random.Random(f"{repo.module}:{repo.line}:{command}")
    out = ws.big_blob(repo, source, source.randint(4, 16))
    if "pytest" not in command:
        return out
    return _CLOCK.sub(
        lambda _: (
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d},{rng.randint(0, 999):03d}"
        ),
        out,
    )


def _explore(repo: Repo, rng: random.Random) -> Iterator[Step]:
    yield Step(
        _say(
            rng,
            "I need to understand the structure of the repository first.",
            "Let me start by looking at the layout of the project.",
        ),
        "ls",
        ws.ls_output(repo),
    )
    if rng.random() < 0.7:
        yield Step(
            f"The package is `{repo.package}`. Let me list its Python files.",
            "find . -name '*.py' -not -path './.git/*' | sort | head -60",
            ws.find_output(repo, rng),
        )
    yield Step(
        f"I'll search for the definition of `{repo.function}`.",
        f'grep -rn "{repo.function}" {repo.package} tests',
        ws.grep_output(repo, rng, repo.function),
    )
    start = repo.line - 12
    for _ in range(rng.randint(1, 3)):
        yield Step(
            _say(
                rng,
                f"Let's look at `{repo.function}` in `{repo.module}`.",
                "I need to see more of the function.",
            ),
            f"nl -ba {repo.module} | sed -n '{start},{start + 30}p'",
            ws.code_listing(repo, rng, start, 31),
        )
        start += rng.randint(10, 30)


def _reproduce(repo: Repo, rng: random.Random) -> Iterator[Step]:
    module = repo.module[:-3].replace("/", ".")
    script = f"cat <<'EOF' > reproduce.py\nfrom {module} import {repo.function}\n\nprint({repo.function}([]))\nEOF"
    yield Step("Let me write a small script that reproduces the issue.", script)
    yield Step("Now I run the reproduction script.", "python reproduce.py", ws.traceback(repo, rng), 1)


def productive(repo: Repo, rng: random.Random) -> Iterator[Step]:
    yield from _explore(repo, rng)
    yield from _reproduce(repo, rng)
    before = f"    {repo.statement}"
    fixed = f"    if not data:\n        return []\n    {repo.statement}"
    yield Step(
        f"The crash comes from `{repo.statement.strip()}` when the input is empty. I'll add a guard before it.",
        f"sed -i '{repo.line}s/^    /    if not data:\\n        return []\\n    /' {repo.module}",
    )
    yield Step("Run the reproduction again.", "python reproduce.py", "[]\n")
    failing = tuple(rng.sample(repo.tests, rng.randint(0, 2)))
    yield Step(
        "The script works now. Let me run the module's tests.",
        f"python -m pytest {repo.test_file} -q",
        _pytest(repo, rng, failing, "AssertionError: assert None == []"),
        1 if failing else 0,
    )
    if failing:
        yield Step(
            f"`{failing[0]}` expects `[]` rather than `None` from the early return path too. Fixing that.",
            f"sed -i 's/return None  # empty/return []  # empty/' {repo.module}",
        )
        yield Step("And the tests again.", f"python -m pytest {repo.test_file} -q", _pytest(repo, rng))
    yield Step(
        "All tests pass. Let me review the diff before submitting.",
        "git diff",
        ws.diff_output(repo, before, fixed, rng),
    )
    yield Step(
        "The change is minimal and the tests pass. Submitting.",
        SUBMIT,
        ws.diff_output(repo, before, fixed, rng),
        submit=True,
    )


def stuck(repo: Repo, rng: random.Random) -> Iterator[Step]:
    return _stuck_on(rng.choice(ws.STUCK_ROOTS), repo, rng)


def outage(repo: Repo, rng: random.Random) -> Iterator[Step]:
    """Stuck on what every agent of the fleet shares: the Redis server the tests need is down."""
    return _stuck_on(ws.STUCK_ROOTS[SHARED_OUTAGE], repo, rng)


def _stuck_on(
    root_of: tuple[str, str, tuple[tuple[str, str, str], ...]], repo: Repo, rng: random.Random
) -> Iterator[Step]:
    root_t, chain_t, attempts = root_of
    root = root_t.format(pkg=repo.package)
    chain = chain_t.format(pkg=repo.package, n=rng.randint(600, 720))
    yield from _explore(repo, rng)
    out, rc = ws.stuck_output("collect", root, chain, repo, rng)
    yield Step(
        "Let me run the existing tests first to see the baseline.",
        f"python -m pytest {repo.test_file} -q",
        out,
        rc,
    )
    short = root.split(":")[0]
    while True:
        thought, command, kind = rng.choice(attempts)
        command = command.format(pkg=repo.package, test=repo.test_file)
        if rng.random() < 0.3:
            command += rng.choice([" 2>&1 | tail -n 30", " # retry", " 2>&1 | head -50"])
        if kind != "collect" and rng.random() < 0.5:
            kind = "collect"
            command = f"{command} && python -m pytest {repo.test_file} -q"
        out, rc = ws.stuck_output(kind, root, chain, repo, rng)
        lead = f"{rng.choice(ws.AGAIN)} `{short}`. " if rng.random() < 0.6 else ""
        yield Step(lead + thought, command, out, rc, looping=True)


def oscillating(repo: Repo, rng: random.Random) -> Iterator[Step]:
    yield from _explore(repo, rng)
    yield from _reproduce(repo, rng)
    a, b = rng.sample(repo.tests, 2)
    # Each fix fails the other test, and always the same way: the failure follows from the code.
    got, want = rng.sample(["[]", "None", "0", "[0]"], 2)
    failures = {b: f"AssertionError: assert {got} == {want}", a: f"AssertionError: assert {want} == {got}"}
    fix_a = ("if data is None:", "if not data:")
    test = f"python -m pytest {repo.test_file} -q"
    on_a = True
    while True:
        old, new = fix_a if on_a else fix_a[::-1]
        broken = b if on_a else a
        how = _say(
            rng,
            f"sed -i 's/{old}/{new}/' {repo.module}",
            f"git checkout {repo.module} && sed -i 's/{old}/{new}/' {repo.module}",
        )
        why = (
            f"`{a if on_a else b}` fails because `{old}` lets that input through. Changing it to `{new}`."
            if rng.random() < 0.5
            else f"Let me revert that and handle the case with `{new}` instead."
        )
        yield Step(why, how, "", 0, looping=True)
        yield Step(
            _say(rng, "Running the tests again.", "Let me check the tests.", "Now the tests."),
            _say(rng, test, test + " -x", f"pytest {repo.test_file} -q"),
            _pytest(repo, rng, (broken,), failures[broken]),
            1,
            looping=True,
        )
        on_a = not on_a


def runaway(repo: Repo, rng: random.Random) -> Iterator[Step]:
    yield Step("Let me look at the whole project first.", "find . -type f", ws.find_output(repo, rng, 400))
    dumps = (
        ("I'll read the full module to be sure I understand it.", "cat {mod}"),
        ("The debug log should show what happens at run time.", "cat logs/debug.log"),
        ("Let me see every use of the function across the code base.", 'grep -rn "{fn}" .'),
        ("Running the whole test suite with full output.", "python -m pytest -vv --log-level=DEBUG"),
        ("Let me read the related module too.", "cat {other}"),
    )
    seq = 0
    while True:
        thought, command = rng.choice(dumps)
        command = command.format(mod=repo.module, fn=repo.function, other=rng.choice(repo.modules[1:]))
        yield Step(thought, command, _dump(repo, rng, command), 0, looping=seq >= 3)
        seq += 1


def fanout(repo: Repo, rng: random.Random) -> Iterator[Step]:
    yield Step(
        "Let me list the modules that use the old configuration API.",
        f"grep -rln load_config {repo.package}",
        "\n".join(repo.modules) + "\n",
    )
    for _ in range(rng.randint(1, 2)):
        prompts = tuple(
            f"Summarise the public functions of `{module}` and list every call that must change when "
            f"`load_config()` starts returning a frozen mapping.\n\n```python\n"
            f"{ws.code_listing(repo, rng, rng.randint(1, 300), rng.randint(30, 80))}```"
            for module in rng.sample(repo.modules, rng.randint(4, len(repo.modules)))
        )
        yield Step(
            "I reviewed each module in parallel; applying the changes the reviews found.",
            f"python scripts/apply_migration.py --modules {' '.join(repo.modules[:3])}",
            f"updated {len(prompts)} call sites\n",
            0,
            fanout=prompts,
        )
    yield Step("Running the test suite.", "python -m pytest -q", _pytest(repo, rng))
    yield Step(
        "Tests pass. Submitting.",
        SUBMIT,
        ws.diff_output(repo, "    cfg = load_config()", "    cfg = dict(load_config())", rng),
        submit=True,
    )


STEPS = {
    "productive": productive,
    "stuck": stuck,
    "oscillating": oscillating,
    "runaway": runaway,
    "fanout": fanout,
    "outage": outage,
}


def steps(behaviour: Behaviour, repo: Repo, rng: random.Random) -> Iterator[Step]:
    return STEPS[behaviour](repo, rng)


class Conversation:
    """The messages an agent resends on every call, and their size as the mock counts it."""

    def __init__(self, system: str, user: str, tools: bool = False) -> None:
        self.tools = tools
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        self.chars = len(system) + len(user) + len("system") + len("user")
        if tools:
            self.chars += _chars(BASH_TOOL)

    @classmethod
    def for_task(cls, task: str, tools: bool) -> Conversation:
        system = SYSTEM_TOOLS if tools else SYSTEM_TEXT
        pr = f"<pr_description>\nConsider the following PR description:\n{task}\n</pr_description>"
        user = f"{pr}\n\n{INSTRUCTIONS}"
        return cls(system, user, tools)

    def reply_for(self, step: Step) -> dict[str, Any]:
        """What the model should answer at this step (the mock's `x-mock-reply`)."""
        if self.tools:
            return {
                "content": step.thought,
                "tool_calls": [{"name": "bash", "arguments": {"command": step.command}}],
            }
        return {"content": f"THOUGHT: {step.thought}\n\n```bash\n{step.command}\n```", "tool_calls": []}

    def add_answer(self, message: dict[str, Any]) -> str | None:
        """Append the assistant's answer as received; returns the id of its tool call, if any."""
        self.messages.append(message)
        self.chars += _chars(message)
        calls = message.get("tool_calls") or []
        return str(calls[0]["id"]) if calls else None

    def add_observation(self, step: Step, tool_call_id: str | None) -> None:
        if self.tools and tool_call_id is not None:
            text = f"exit code {step.returncode}\n{step.output}"
            message: dict[str, Any] = {"role": "tool", "tool_call_id": tool_call_id, "content": text}
        else:
            text = f"<returncode>{step.returncode}</returncode>\n<output>\n{step.output}</output>"
            message = {"role": "user", "content": text}
        self.messages.append(message)
        self.chars += _chars(message)


def _chars(node: Any) -> int:
    if isinstance(node, str):
        return len(node)
    if isinstance(node, dict):
        return sum(_chars(v) for v in node.values())
    if isinstance(node, list):
        return sum(_chars(v) for v in node)
    return 0


def estimate_usage(conversation: Conversation, reply: dict[str, Any], model: str) -> Usage:
    """The usage the mock upstream would bill for the next call (its own counting rules)."""
    body_bound = conversation.chars * 2 + 1024  # JSON framing only adds bytes; the min never binds
    input_tokens = prompt_tokens(conversation.chars + len(model), len(conversation.messages), body_bound)
    content = reply.get("content") or ""
    output = -(-len(content) // 4)
    for call in reply.get("tool_calls") or []:
        args = orjson.dumps(call["arguments"]).decode()
        output += max(1, -(-(len(call["name"]) + len(args)) // 4))
    return Usage(input_tokens=input_tokens, output_tokens=output)


def answer_message(reply: dict[str, Any], call_id: str) -> dict[str, Any]:
    """The assistant message the mock would return for `reply` (for offline estimates)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.get("content") or None}
    if reply.get("tool_calls"):
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": c["name"], "arguments": orjson.dumps(c["arguments"]).decode()},
            }
            for c in reply["tool_calls"]
        ]
    return message

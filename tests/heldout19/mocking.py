"""unittest.mock aimed at the wrong place: mock-target-wrong (a loop) and mock-fixed (productive).

The agent writes a test that patches a helper of the function it is fixing (both read from the run)
and asserts the helper was used. In the loop no target it tries is where the function looks the
helper up: the mock is never called, the real helper runs, or the target does not exist, and the
agent moves the patch around. In the productive episode one or two targets miss, then one passes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from heldout19.calls import SUBMIT, Step, say
from heldout19.replies import SEPARATOR, Failure, address, frame, heredoc, pytest_run, ran, traceback, unittest_run
from heldout19.runs import Context

# Lines of unittest/mock.py by interpreter: patched, assert_called_once, get_original's raise.
MOCK_LINES = {"3.5": (1157, 795, 1199), "3.6": (1179, 795, 1214), "3.7": (1195, 795, 1229), "3.8": (1325, 892, 1378)}
MOCK_LINES |= {"3.9": (1336, 886, 1389), "3.10": (1376, 908, 1420), "3.11": (1372, 918, 1410)}
DJANGO_SETUP = ["import django", "from django.conf import settings", "", "settings.configure()", "django.setup()", ""]
WORDS = ("name", "path", "text", "string", "value", "key", "prefix", "label")


def arguments(definition: str) -> str:
    """Plausible literals for a function's required parameters, read off its `def` line."""
    values = []
    for raw in definition[definition.index("(") + 1 :].split(")")[0].split(","):
        name = raw.split(":")[0].strip()
        if name == "*":
            break
        if not name or "=" in raw or name in ("self", "cls") or name.startswith("*"):
            continue
        lowered = name.lower()
        if any(word in lowered for word in WORDS):
            values.append("'example'")
        elif lowered in ("n", "i") or any(word in lowered for word in ("num", "count", "size", "index", "level")):
            values.append("3")
        elif lowered.endswith("s") and len(lowered) > 3:
            values.append("[]")
        else:
            values.append("None")
    return ", ".join(values)


@dataclass(frozen=True)
class Target:
    dotted: str  # what is patched
    exists: bool  # the attribute is there to patch
    used: bool  # the function under test looks the helper up there


class MockScene:
    """One run's test of `f` with its helper `h` patched, and how each attempt turns out."""

    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        first, second = rng.sample(range(len(ctx.defs)), 2)
        self.f, self.h = ctx.funcs[first], ctx.funcs[second]
        self.fdef, self.hdef = ctx.defs[first], ctx.defs[second]
        self.owner = ctx.owner
        self.pytest = ctx.header is not None
        stem = self.f.strip("_")
        self.file = rng.choice([f"test_{stem}_mock.py", f"test_mock_{stem}.py"])
        self.test = f"test_{stem}_{rng.choice(['calls', 'uses'])}_{self.h.strip('_')}"
        self.cls = f"{stem.title().replace('_', '')}Tests"
        self.real = rng.choice(["None", "''", "[]", "False", "0"])
        self.lines = {self.f: rng.randint(40, 900), self.h: rng.randint(40, 900)}
        self.where = f"{ctx.module}.{self.owner}" if self.owner else ctx.module
        self.current = ""
        # A module path misremembered: a subpackage skipped, or a helpers module that isn't there.
        parts = ctx.module.split(".")
        guessed = (
            f"{parts[0]}.{parts[-1]}"
            if len(parts) > 2
            else f"{ctx.package}.{'utilities' if ctx.repo == 'pallets' else 'helpers'}"
        )
        self.guessed = guessed
        self.right = Target(f"{self.where}.{self.h}", True, True)
        self.wrong = [Target(f"{guessed}.{self.h}", False, False), Target(f"{self.file[:-3]}.{self.h}", True, False)]
        if self.owner:
            self.wrong.append(Target(f"{ctx.module}.{self.h}", False, False))
        if self.pytest:
            spelled = [f"pytest {self.file}", f"python -m pytest {self.file}", f"pytest -q {self.file}"]
            self.runs = [*spelled, f"python -m pytest -q {self.file} -p no:cacheprovider", f"pytest {self.file} -x"]
        else:
            self.runs = [
                f"python {self.file}",
                f"python -m unittest {self.file[:-3]}",
                f"python -m unittest {self.file[:-3]} -v",
            ]

    def source(self, target: Target, style: str) -> tuple[str, int]:
        """The test file patching `target` in `style`, and the (1-based) line its check fails on."""
        ctx, f, h = self.ctx, self.f, self.h
        args = arguments(self.fdef)
        call = f"{self.owner}.__new__({self.owner}).{f}({args})" if self.owner else f"{f}({args})"
        imported = self.owner or (f"{f}, {h}" if target.dotted.startswith(self.file[:-3]) else f)
        head = (
            ["from unittest import mock", ""] if self.pytest else ["import unittest", "from unittest import mock", ""]
        )
        if self.pytest and style == "raises":
            head = ["from unittest import mock", "", "import pytest", ""]
        if ctx.repo == "django":
            head += DJANGO_SETUP
        head.append(f"from {ctx.module} import {imported}")
        deco = (
            f'@mock.patch("{target.dotted}", autospec=True)'
            if style == "autospec"
            else f'@mock.patch("{target.dotted}")'
        )
        if style == "object":
            holder, attr = target.dotted.rsplit(".", 1)
            if self.owner and holder.endswith(f".{self.owner}"):
                deco = f'@mock.patch.object({self.owner}, "{attr}")'
            else:
                head.append(f"import {holder}")
                deco = f'@mock.patch.object({holder}, "{attr}")'
        head += ["", ""]
        check = "with pytest.raises(RuntimeError):" if self.pytest else "with self.assertRaises(RuntimeError):"
        same = 'assert result == "patched"' if self.pytest else 'self.assertEqual(result, "patched")'
        body = {
            "raises": [f'mock_{h}.side_effect = RuntimeError("boom")', check, f"    {call}"],
            "returns": [f'mock_{h}.return_value = "patched"', f"result = {call}", same],
        }.get(style, [f"mock_{h}.return_value = None", call, f"mock_{h}.assert_called_once()"])
        failing = body[1] if style == "raises" else body[-1]
        if self.pytest:
            test = [deco, f"def {self.test}(mock_{h}):", *(f"    {line}" for line in body)]
        else:
            test = [f"class {self.cls}(unittest.TestCase):", f"    {deco}", f"    def {self.test}(self, mock_{h}):"]
            test += [f"        {line}" for line in body]
            test += ["", "", 'if __name__ == "__main__":', "    unittest.main()"]
        lines = head + test
        return "\n".join(lines) + "\n", next(i for i, line in enumerate(lines, 1) if line.strip() == failing.strip())

    def _missing(self, target: Target) -> str:
        """The error mock raises for a target that is not there."""
        holder = target.dotted.rsplit(".", 1)[0]
        if holder == self.guessed:
            return f"ModuleNotFoundError: No module named '{holder}'"
        return f"AttributeError: <module '{holder}' from '/testbed/{self.ctx.path}'> does not have the attribute '{self.h}'"

    def outcome(self, target: Target, style: str, command: str) -> tuple[str, int]:
        """What running the test prints, and its exit status."""
        ctx, h = self.ctx, self.h
        if target.exists and target.used:
            return self._report(command, None, None, []), 0
        text, failing = self.source(target, style)
        patched, once, original = MOCK_LINES.get(ctx.python, MOCK_LINES["3.9"])
        mock_py, test_py = f"{ctx.site}/unittest/mock.py", f"/testbed/{self.file}"
        wrapper = (mock_py, patched, "patched", "return func(*newargs, **newkeywargs)")
        source = text.splitlines()[failing - 1].strip()
        if not target.exists:
            error = self._missing(target)
            stack = [(mock_py, patched - 3, "patched", "with self.decoration_helper(patched,")]
            if error.startswith("ModuleNotFound"):
                stack.append((mock_py, original - 150, "_importer", "thing = __import__(import_path)"))
            else:
                stack.append((mock_py, original, "get_original", "raise AttributeError("))
        elif style == "raises":
            error = (
                "Failed: DID NOT RAISE <class 'RuntimeError'>"
                if self.pytest
                else "AssertionError: RuntimeError not raised"
            )
            stack = [wrapper, (test_py, failing, self.test, source)]
        elif style == "returns":
            error = (
                f"AssertionError: assert {self.real} == 'patched'"
                if self.pytest
                else f"AssertionError: {self.real} != 'patched'"
            )
            stack = [wrapper, (test_py, failing, self.test, source)]
        else:
            error = f"AssertionError: Expected '{h}' to have been called once. Called 0 times."
            stack = [
                wrapper,
                (test_py, failing, self.test, source),
                (mock_py, once, "assert_called_once", "raise AssertionError(msg)"),
            ]
        return self._report(command, error, text, stack), 1

    def _report(self, command: str, error: str | None, text: str | None, stack: list[tuple[str, int, str, str]]) -> str:
        rng = self.rng
        if not self.pytest:
            module = "__main__" if command.startswith("python test") else self.file[:-3]
            result = None if error is None else traceback(stack, error)
            return unittest_run(
                self.ctx, module, [(self.test, self.cls, result)], rng.uniform(0.001, 0.02), "-v" in command
            )
        quiet = " -q" in command
        if error is None or text is None:
            return pytest_run(self.ctx, self.file, ".", secs=rng.uniform(0.02, 0.3), quiet=quiet)
        mock_id = rng.randint(139_800_000_000_000, 140_700_000_000_000)
        if error.startswith(("AttributeError", "ModuleNotFoundError")):
            lines = ["@wraps(func)", "def patched(*args, **keywargs):", "    with self.decoration_helper(patched,"]
            body = frame(lines, 2, f"{stack[0][0]}:{stack[0][1]}: ", "args = (), keywargs = {}")
            kind = error.split(":")[0]
            if kind == "AttributeError":
                body += f"\n{SEPARATOR}\n\nself = <unittest.mock._patch object at {address(rng)}>\n\n"
                raising = ["def get_original(self):", "    ...", "    raise AttributeError("]
            else:
                body += f"\n{SEPARATOR}\n\nimport_path = '{self.guessed}'\n\n"
                raising = [
                    "def _importer(target):",
                    "    components = target.split('.')",
                    "    import_path = components.pop(0)",
                    "    thing = __import__(import_path)",
                ]
            body += frame(raising, len(raising) - 1, f"{stack[-1][0]}:{stack[-1][1]}: {kind}", error=error)
        else:
            lines = text.splitlines()
            start = next(i for i, line in enumerate(lines) if line.startswith("@mock"))
            failing = stack[1][1] - 1 - start
            args = f"mock_{self.h} = <MagicMock name='{self.h}' id='{mock_id}'>"
            if "Called 0 times" in error:
                body = frame(lines[start:], failing, f"{self.file}:{stack[1][1]}: ", args)
                body += f"\n{SEPARATOR}\n\nself = <MagicMock name='{self.h}' id='{mock_id}'>\n\n"
                shown = [
                    "def assert_called_once(self):",
                    '    """assert that the mock was called only once.',
                    '    """',
                ]
                shown += ["    if not self.call_count == 1:", "        ...", "        raise AssertionError(msg)"]
                body += frame(shown, 5, f"{stack[-1][0]}:{stack[-1][1]}: AssertionError", error=error)
            else:
                kind = "Failed" if error.startswith("Failed") else "AssertionError"
                body = frame(lines[start:], failing, f"{self.file}:{stack[1][1]}: {kind}", args, error)
        secs = rng.uniform(0.02, 0.4)
        return pytest_run(self.ctx, self.file, "F", [Failure(self.test, body, error)], secs, quiet=quiet)

    def defs_shown(self, *names: str) -> str:
        indent = "    " * bool(self.owner)
        shown = sorted(names, key=self.lines.__getitem__)
        return "".join(f"{self.lines[n]}:{indent}{self.fdef if n == self.f else self.hdef}\n" for n in shown)

    def look(self) -> Step:
        """A look between attempts: the definitions, the helper at run time, the test file."""
        rng, ctx = self.rng, self.ctx
        choice = rng.randrange(4)
        if choice == 0:
            command = f'grep -n "def {self.f}\\|def {self.h}" {ctx.path}'
            out, thought = (
                self.defs_shown(self.f, self.h),
                f"Let me double-check how `{self.f}` and `{self.h}` are defined.",
            )
        elif choice == 1:
            name = f"{self.owner}.{self.h}" if self.owner else self.h
            command = f'python -c "import {ctx.module} as m; print(m.{name})"'
            out, thought = f"<function {name} at {address(rng)}>\n", "What is the module attribute at runtime?"
        elif choice == 2:
            command = rng.choice([f"cat {self.file}", f"nl -ba {self.file}"])
            lines = self.current.splitlines()
            out = (
                self.current
                if command.startswith("cat")
                else "".join(f"{i:6d}\t{line}\n" for i, line in enumerate(lines, 1))
            )
            thought = "Let me look at the test file as it is now."
        else:
            command = rng.choice([f'grep -n "{self.h}" {ctx.path}', f"grep -rn 'def {self.h}' {ctx.path}"])
            out, thought = self.defs_shown(self.h), f"Where exactly is `{self.h}` defined in `{ctx.path}`?"
        return Step(say(thought, command), ran(out), rng.uniform(0.2, 1.0))

    def attempt(self, before: Target, target: Target, style: str, note: str = "") -> list[Step]:
        """Rewrite the test for `target` (the whole file, or sed on the patch line) and run it."""
        rng = self.rng
        text, _ = self.source(target, style)
        self.current = text
        run = rng.choice(self.runs)
        output, code = self.outcome(target, style, run)
        note = f"{note}\n\n" if note else ""
        if style == "decorator" and before.dotted != target.dotted and rng.random() < 0.5:
            edit = f'sed -i \'s|"{before.dotted}"|"{target.dotted}"|\' {self.file}'
            thought = rng.choice(
                [
                    f"I'll switch the patch target to `{target.dotted}` and rerun.",
                    f"Let me patch `{target.dotted}` instead.",
                ]
            )
            if rng.random() < 0.5:
                return [Step(say(note + thought, f"{edit} && {run}"), ran(output, code), rng.uniform(0.5, 3))]
            steps = [Step(say(note + thought, edit), ran(""), 0.1)]
        else:
            how = {
                "autospec": " with `autospec=True`",
                "object": " with `mock.patch.object`",
                "raises": " with a side effect",
            }
            how["returns"] = " with a sentinel return value"
            thought = rng.choice(
                [
                    f"I'll rewrite the test to patch `{target.dotted}`{how.get(style, '')}.",
                    f"This time I'll patch `{target.dotted}`{how.get(style, '')}.",
                ]
            )
            steps = [Step(say(note + thought, heredoc(self.file, text)), ran(""), rng.uniform(0.1, 0.5))]
        again = rng.choice(["Now run the test.", "Running the test again.", "Let me run it.", "Run it again."])
        return [*steps, Step(say(again, run), ran(output, code), rng.uniform(0.5, 3))]


NOTES = {
    "attribute": [
        "The patch target `{t}` doesn't exist, so mock can't even install the patch. I have the wrong path.",
        "`mock.patch` can't resolve `{t}`: the helper isn't there.",
    ],
    "never": [
        "The mock on `{t}` was never called, so `{f}` is not going through the name I patched.",
        "Still `Called 0 times`. Patching `{t}` has no effect on `{f}`. I probably need to patch where the name is looked up.",
        "Called 0 times again. The real `{h}` must be running instead of my mock.",
    ],
    "raises": ["The side effect never fired: `{f}` didn't raise, so my mock of `{t}` isn't in the call path."],
    "returns": [
        'The result is the real one, not `"patched"`: the real `{h}` ran, so the patch on `{t}` is not taking effect.'
    ],
}
STYLES = ["decorator", "decorator", "autospec", "object", "raises", "returns"]


def _verdict(output: str) -> str:
    if "does not have the attribute" in output or "No module named" in output:
        return "attribute"
    if "DID NOT RAISE" in output or "not raised" in output:
        return "raises"
    return "returns" if "'patched'" in output else "never"


def mock_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = MockScene(ctx, rng)
    target = rng.choice(scene.wrong)
    text, _ = scene.source(target, "decorator")
    scene.current = text
    intro = f"I want a focused unit test: `{scene.f}` should call `{scene.h}`. I'll mock `{scene.h}` and assert it is called once."
    yield Step(say(intro, heredoc(scene.file, text)), ran(""), rng.uniform(0.1, 0.4))
    run = rng.choice(scene.runs)
    output, code = scene.outcome(target, "decorator", run)
    yield Step(say("Run the new test.", run), ran(output, code), rng.uniform(0.5, 3))
    # In the loop no target is where the helper is looked up when the function runs.
    pool = [*scene.wrong, Target(scene.right.dotted, True, False)]
    while True:
        if rng.random() < 0.3:
            yield scene.look()
        note = (
            rng.choice(NOTES[_verdict(output)]).format(t=target.dotted, f=scene.f, h=scene.h)
            if rng.random() < 0.7
            else ""
        )
        before, target = target, rng.choice([t for t in pool if t.dotted != target.dotted])
        steps = scene.attempt(before, target, rng.choice(STYLES), note)
        output = steps[-1].reply or ""
        yield from steps


def mock_closing(ctx: Context, rng: random.Random) -> str:
    thought = rng.choice(
        [
            f"I have tried patching the helper everywhere I can think of and the mock is never used by the code under test. The change in `{ctx.path}` is done, so I'll stop fighting the test and submit.",
            "I've spent many steps trying to get this mock to take effect without success. I'll submit the fix as it stands.",
        ]
    )
    return say(thought, SUBMIT)


def mock_fixed(ctx: Context, rng: random.Random) -> list[Step]:
    scene = MockScene(ctx, rng)
    misses = rng.sample(scene.wrong, min(len(scene.wrong), rng.choice([1, 2])))
    text, _ = scene.source(misses[0], "decorator")
    scene.current = text
    intro = f"To be sure `{scene.f}` goes through `{scene.h}`, I'll add a small test with `{scene.h}` mocked."
    steps = [Step(say(intro, heredoc(scene.file, text)), ran(""), 0.2)]
    run = rng.choice(scene.runs)
    output, code = scene.outcome(misses[0], "decorator", run)
    steps.append(Step(say("Run it.", run), ran(output, code), rng.uniform(0.5, 2)))
    before = misses[0]
    for target in misses[1:]:
        steps += scene.attempt(
            before,
            target,
            "decorator",
            rng.choice(NOTES[_verdict(steps[-1].reply or "")]).format(t=before.dotted, f=scene.f, h=scene.h),
        )
        before = target
    why = f"`{scene.f}` looks `{scene.h}` up in `{scene.where}`, so that is where the patch has to go. Let me confirm the definition."
    steps.append(Step(say(why, f"grep -n 'def {scene.h}' {ctx.path}"), ran(scene.defs_shown(scene.h)), 0.3))
    steps += scene.attempt(before, scene.right, "decorator")
    steps.append(
        Step(
            say("The mocked test passes now. It was only a scratch check, so I'll remove it.", f"rm {scene.file}"),
            ran(""),
            0.1,
        )
    )
    return steps

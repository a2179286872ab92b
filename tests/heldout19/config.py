"""pytest options written where pytest does not read them: config-ignored (a loop), config-picked-up (productive).

Only runs that used pytest (their header names the config file pytest reads). The agent wants an
option (warnings as errors, a registered marker, asyncio mode) and writes it to setup.cfg, tox.ini,
pyproject.toml or a pytest.ini in turn. pytest reads one file, and only its own section there: in
the loop every placement is ignored, misnamed, refused or unknown, and the run looks as before. In
the productive episode one placement misses, then the right file and section is used and it shows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from heldout19.calls import SUBMIT, Step, say
from heldout19.mocking import arguments
from heldout19.replies import Failure, frame, header, heredoc, pytest_run, ran
from heldout19.runs import Context

SECTIONS = {
    "setup.cfg": "[tool:pytest]",
    "tox.ini": "[pytest]",
    "pytest.ini": "[pytest]",
    "pyproject.toml": "[tool.pytest.ini_options]",
}
PRECEDENCE = ["pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]
DEPRECATIONS = [
    ("distutils Version classes are deprecated. Use packaging.version instead.", "return LooseVersion(vstring)"),
    ("invalid escape sequence \\d", 'pattern = re.compile("\\d+")'),
    (
        "pkg_resources is deprecated as an API. See https://setuptools.pypa.io/en/latest/pkg_resources.html",
        "import pkg_resources",
    ),
]


@dataclass(frozen=True)
class Placement:
    file: str
    section: str
    option: str  # the option's name as written


class ConfigScene:
    def __init__(self, ctx: Context, rng: random.Random, wants: str) -> None:
        self.ctx, self.rng, self.wants = ctx, rng, wants  # filterwarnings, markers or asyncio_mode
        self.active = ctx.configfile
        self.version = tuple(int(x) for x in ctx.pytest_version.split(".")[:2] if x.isdigit())
        index = rng.randrange(len(ctx.defs))
        self.call = (
            f"{ctx.owner}.__new__({ctx.owner}).{ctx.funcs[index]}({arguments(ctx.defs[index])})"
            if ctx.owner
            else f"{ctx.funcs[index]}({arguments(ctx.defs[index])})"
        )
        self.imported = ctx.owner or ctx.funcs[index]
        stem = ctx.funcs[index].strip("_")
        self.file = (
            f"test_{stem}_{ {'filterwarnings': 'warnings', 'markers': 'slow', 'asyncio_mode': 'async'}[wants] }.py"
        )
        self.test = f"test_{stem}_{ {'filterwarnings': 'no_deprecation', 'markers': 'marked', 'asyncio_mode': 'in_event_loop'}[wants] }"
        self.message, self.source_line = rng.choice(DEPRECATIONS)
        self.line = rng.randint(20, 400)
        self.right = Placement(self.active or "pytest.ini", SECTIONS[self.active or "pytest.ini"], wants)
        self.current: list[tuple[str, int, str]] = []  # the option's lines as grep would show them

    def wrong(self) -> list[Placement]:
        """Placements pytest does not read, given the file it does read."""
        rank = PRECEDENCE.index(self.active) if self.active else len(PRECEDENCE)
        found = [
            Placement("tox.ini", "[tool:pytest]", self.wants),
            Placement("pyproject.toml", "[tool.pytest]", self.wants),
        ]
        found += [Placement(self.rng.choice(["tests/pytest.ini", "testing/pytest.ini"]), "[pytest]", self.wants)]
        found += [Placement(f, SECTIONS[f], self.wants) for f in PRECEDENCE[rank + 1 :]]
        if self.active in (None, "setup.cfg"):
            found.append(Placement("setup.cfg", "[pytest]", self.wants))
        if self.version >= (6, 0):
            typo = {"filterwarnings": "filterwarning", "markers": "marker", "asyncio_mode": "asyncio-mode"}[self.wants]
            found.append(Placement(self.right.file, self.right.section, typo))
        return found

    def test_source(self) -> str:
        head = ["import asyncio", ""] if self.wants == "asyncio_mode" else []
        head += ["import pytest", "", f"from {self.ctx.module} import {self.imported}", "", ""]
        if self.wants == "asyncio_mode":
            body = [f"async def {self.test}():", "    await asyncio.sleep(0)", f"    {self.call}"]
        else:
            body = (["@pytest.mark.slow"] if self.wants == "markers" else []) + [
                f"def {self.test}():",
                f"    {self.call}",
            ]
        return "\n".join(head + body) + "\n"

    def option_text(self, place: Placement) -> str:
        value = {
            "filterwarnings": "error::DeprecationWarning",
            "markers": "slow: marks tests as slow",
            "asyncio_mode": "auto",
        }[self.wants]
        if place.file.endswith(".toml"):
            shown = f'"{value}"' if self.wants == "asyncio_mode" else f'["{value}"]'
            return f"{place.section}\n{place.option} = {shown}\n"
        if self.wants == "asyncio_mode":
            return f"{place.section}\n{place.option} = {value}\n"
        return f"{place.section}\n{place.option} =\n    {value}\n"

    def _warning(self, name: str, text: str, source: str) -> str:
        """One entry of pytest's warnings summary; entries are separated by a blank line."""
        return f"{name}\n  {text}\n    {source}\n\n"

    def run(self, place: Placement | None, command: str) -> tuple[str, int]:
        rng, ctx = self.rng, self.ctx
        quiet = " -q" in command
        picked = place == self.right
        if place and place.file == "setup.cfg" and place.section == "[pytest]":
            return (
                f"ERROR: /testbed/setup.cfg:{rng.randint(30, 90)}: [pytest] section in setup.cfg files is no longer supported, change to [tool:pytest] instead.\n\n",
                4,
            )
        site = "/testbed/src/_pytest" if ctx.repo == "pytest-dev" else f"{ctx.site}/site-packages/_pytest"
        warnings = ""
        known = self.version >= (6, 0)  # older pytest ignores unknown options silently
        if (
            known
            and place
            and place.file == self.right.file
            and (place.option != self.wants or self.wants == "asyncio_mode")
        ):
            line = 1233 if self.version < (7, 0) else 1373 if self.version < (8, 0) else 1441
            shown = site.replace("/opt/", "../opt/") if "/opt/" in site else site.removeprefix("/testbed/")
            option = place.option if place else self.wants
            warnings += self._warning(
                f"{shown}/config/__init__.py:{line}",
                f"{site}/config/__init__.py:{line}: PytestConfigWarning: Unknown config option: {option}\n",
                'self._warn_or_fail_if_strict(f"Unknown config option: {key}\\n")',
            )
        if self.wants == "asyncio_mode":
            warnings += self._warning(
                f"{self.file}::{self.test}",
                f"{site}/python.py:{rng.choice([183, 185, 151])}: PytestUnhandledCoroutineWarning: async def functions are not natively supported and have been skipped.",
                "warnings.warn(PytestUnhandledCoroutineWarning(msg.format(nodeid)))",
            )
            return pytest_run(ctx, self.file, "s", secs=rng.uniform(0.02, 0.3), warnings=warnings, quiet=quiet), 0
        if self.wants == "markers":
            if not picked:
                text = f"/testbed/{self.file}:6: PytestUnknownMarkWarning: Unknown pytest.mark.slow - is this a typo?  You can register custom marks to avoid this warning - for details, see https://docs.pytest.org/en/stable/how-to/mark.html"
                warnings = self._warning(f"{self.file}:6", text, "@pytest.mark.slow") + warnings
            return pytest_run(ctx, self.file, ".", secs=rng.uniform(0.02, 0.3), warnings=warnings, quiet=quiet), 0
        where = f"/testbed/{ctx.path}:{self.line}"
        if picked:
            lines = [f"def {self.test}():", f"    {self.call}"]
            body = (
                frame(lines, 1, f"{self.file}:7: ")
                + f"\n_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ \n{where}: in <module>\n    {self.source_line}\nE   DeprecationWarning: {self.message}"
            )
            failure = Failure(self.test, body, f"DeprecationWarning: {self.message}")
            return pytest_run(ctx, self.file, "F", [failure], secs=rng.uniform(0.05, 0.4), quiet=quiet), 1
        warnings = (
            self._warning(f"{self.file}::{self.test}", f"{where}: DeprecationWarning: {self.message}", self.source_line)
            + warnings
        )
        return pytest_run(ctx, self.file, ".", secs=rng.uniform(0.02, 0.3), warnings=warnings, quiet=quiet), 0

    def write(self, place: Placement, before: Placement | None) -> str:
        """Append the option to `place.file`, taking it out of where it was before."""
        rng = self.rng
        folder = place.file.rsplit("/", 1)[0] if "/" in place.file else ""
        add = f"cat >> {place.file} <<'EOF'\n\n{self.option_text(place).rstrip()}\nEOF"
        if place.file == self.active and place.section == SECTIONS[place.file]:
            # The section is already there: the option goes under it, one line.
            line = " ".join(part.strip() for part in self.option_text(place).splitlines()[1:])
            add = f"sed -i '/^{place.section.replace('[', chr(92) + '[').replace(']', chr(92) + ']')}/a {line}' {place.file}"
        if folder:
            add = f"mkdir -p {folder} && {add}"
        if before is None:
            return add
        if "/" in before.file or (before.file == "pytest.ini" and self.active != "pytest.ini"):
            undo = f"rm {before.file}"
        else:
            undo = rng.choice(
                [
                    f"(git checkout {before.file} 2>/dev/null || rm -f {before.file})",
                    f"git checkout -- {before.file} 2>/dev/null || rm -f {before.file};",
                ]
            )
        return f"{undo} && {add}" if undo.endswith(")") else f"{undo} {add}"

    def runs(self) -> list[str]:
        return [
            f"pytest {self.file}",
            f"python -m pytest {self.file}",
            f"pytest -q {self.file}",
            f"pytest {self.file} -p no:cacheprovider",
        ]

    def look(self) -> Step:
        rng, ctx = self.rng, self.ctx
        if rng.random() < 0.5:
            command = f"grep -rn '{self.wants[:6]}' setup.cfg tox.ini pyproject.toml pytest.ini tests/pytest.ini testing/pytest.ini 2>/dev/null"
            out = "".join(f"{f}:{n}:{t}\n" for f, n, t in self.current if self.wants[:6] in t)
            return Step(say("Where does this option live right now?", command), ran(out, 0 if out else 1), 0.2)
        if rng.random() < 0.5:
            return Step(
                say("Which pytest is this?", rng.choice(["pytest --version", "python -m pytest --version"])),
                ran(f"pytest {ctx.pytest_version}\n"),
                0.8,
            )
        head = "\n".join(header(ctx).splitlines()[:5])
        return Step(
            say("Let me look at what pytest reports in its header.", f"pytest {self.file} | head -5"),
            ran(head + "\n"),
            1.0,
        )


def _place(scene: ConfigScene, place: Placement, before: Placement | None, note: str) -> list[Step]:
    rng = scene.rng
    start = {"setup.cfg": 61, "tox.ini": 33, "pyproject.toml": 48}.get(place.file, 1) + len(place.section) % 7
    scene.current = [(place.file, start + i, line) for i, line in enumerate(scene.option_text(place).splitlines()[:2])]
    thought = f"{note} I'll put `{place.option}` under `{place.section}` in `{place.file}`.".strip()
    run = rng.choice(scene.runs())
    output, code = scene.run(place, run)
    steps = [Step(say(thought, scene.write(place, before)), ran(""), 0.1)]
    return [
        *steps,
        Step(
            say(rng.choice(["Run the test again.", "Let's see if pytest picks it up now.", "Rerun."]), run),
            ran(output, code),
            rng.uniform(0.8, 3),
        ),
    ]


GOALS = {
    "filterwarnings": "turn the DeprecationWarning into an error so I can see exactly where it is raised",
    "markers": "register the `slow` marker so pytest stops warning about it",
    "asyncio_mode": "run the async test in an event loop with `asyncio_mode = auto`",
}
SAME = [
    "Exactly the same output as before, so pytest ignored the option.",
    "No change at all: the option isn't being read from there.",
    "Still the same result. pytest doesn't seem to pick the setting up.",
]


def _start(scene: ConfigScene) -> list[Step]:
    rng = scene.rng
    intro = (
        "Let me write a focused test for this and run it under pytest."
        if scene.wants != "asyncio_mode"
        else "Let me check the change from an async test as well."
    )
    run = rng.choice(scene.runs())
    output, code = scene.run(None, run)
    return [
        Step(say(intro, heredoc(scene.file, scene.test_source())), ran(""), 0.1),
        Step(say("Run it.", run), ran(output, code), rng.uniform(0.8, 3)),
    ]


def config_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = ConfigScene(ctx, rng, rng.choice(["filterwarnings", "markers", "asyncio_mode"]))
    yield from _start(scene)
    pool = scene.wrong()
    if scene.wants == "asyncio_mode":
        pool.append(scene.right)  # without pytest-asyncio installed, no placement helps
    before: Placement | None = None
    note = f"I want to {GOALS[scene.wants]}."
    while True:
        if before is not None and rng.random() < 0.3:
            yield scene.look()
        place = rng.choice([p for p in pool if p != before])
        steps = _place(scene, place, before, note)
        yield from steps
        before = place
        note = (
            rng.choice(SAME)
            if "ERROR:" not in (steps[-1].reply or "")
            else "pytest refuses a `[pytest]` section in setup.cfg."
        )


def config_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "I can't get pytest to honour this option and it only affects my own scratch test. The code change is done, so I'll revert my config experiments and submit.",
                "Enough time spent on pytest configuration; it isn't part of the fix. Submitting.",
            ]
        ),
        SUBMIT,
    )


def config_fixed(ctx: Context, rng: random.Random) -> list[Step]:
    scene = ConfigScene(ctx, rng, rng.choice(["filterwarnings", "markers"]))
    steps = _start(scene)
    miss = rng.choice([p for p in scene.wrong() if p.option == scene.wants])
    steps += _place(scene, miss, None, f"I want to {GOALS[scene.wants]}.")
    active = scene.right.file
    shown = "\n".join(header(ctx).splitlines()[:5]) + "\n"
    steps.append(
        Step(
            say("Nothing changed. Which config file does pytest actually read?", f"pytest {scene.file} | head -5"),
            ran(shown),
            1.0,
        )
    )
    seen = (
        f"It reads `{active}`"
        if scene.active
        else "It reports no config file, so a `pytest.ini` at the root will be used"
    )
    steps += _place(
        scene, scene.right, miss, f"{seen}, not `{miss.file}`, and only its `{scene.right.section}` section."
    )
    done = (
        "The warning is now raised as an error and the traceback points at the line that emits it."
        if scene.wants == "filterwarnings"
        else "The marker warning is gone, so the option is picked up."
    )
    undo = f"git checkout {active} && rm {scene.file}" if scene.active else f"rm pytest.ini {scene.file}"
    steps.append(
        Step(
            say(f"{done} That's what I needed; I'll restore the config file so it stays out of the diff.", undo),
            ran(""),
            0.2,
        )
    )
    return steps

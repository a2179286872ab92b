"""Loops against the environment: versions downgraded one after another, an API that is not there,
an edit whose quoting never survives the shell.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from heldout17.apis import APIS
from heldout17.libs import PINS, fill
from heldout17.runs import Ctx
from heldout17.talk import say, tail
from heldout17.wire import Step

_ROOT = (
    "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system "
    "package manager, possibly rendering your system unusable.It is recommended to use a virtual environment instead: "
    "https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning."
)


def pip_install(
    ctx: Ctx, rng: random.Random, package: str, version: str, old: str, refused: str = ""
) -> tuple[str, int]:
    """pip's output for `pip install package==version` over `old` (or its refusal), and its exit status."""
    if refused:
        return refused + "\n", 1
    wheel = f"{package.replace('-', '_')}-{version}-py3-none-any.whl"
    size = f"{rng.randint(20, 900)} kB" if package not in ("numpy",) else f"{rng.uniform(13, 19):.1f} MB"
    lines = [f"Collecting {package}=={version}"]
    if ctx.minor >= 8:
        lines += [f"  Downloading {wheel}.metadata ({rng.uniform(1.5, 9.9):.1f} kB)", f"Downloading {wheel} ({size})"]
    else:
        lines.append(f"  Downloading {wheel} ({size})")
    lines += [
        f"Installing collected packages: {package}",
        f"  Attempting uninstall: {package}",
        f"    Found existing installation: {package} {old}",
        f"    Uninstalling {package}-{old}:",
        f"      Successfully uninstalled {package}-{old}",
        f"Successfully installed {package}-{version}",
        _ROOT,
    ]
    return "\n".join(lines) + "\n", 0


def _pin(ctx: Ctx) -> tuple[str, str, list[tuple[str, str]]]:
    pin = PINS[ctx.repo.name]
    return pin.package, pin.check, [(version, fill(error, ctx.site)) for version, error in pin.tries]


def version_downgrade(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    package, check, tries = _pin(ctx)
    installed = PINS[ctx.repo.name].installed
    order = [*tries]
    rng.shuffle(order)
    pip = rng.choice(("pip", f"{ctx.py} -m pip"))

    def install(version: str, error: str, number: int) -> Iterator[Step]:
        nonlocal installed
        text, rc = pip_install(ctx, rng, package, version, installed, error if error.startswith("ERROR") else "")
        thought = f"`{PINS[ctx.repo.name].symbol}` does not work with {package} {installed}. Let me install {package}=={version}, which should match this checkout."
        thought = (
            thought
            if number == 1
            else say(
                rng,
                f"That version does not work either. Let me try {package} {version}.",
                f"The error changed, so the API moved between releases. Trying {package}=={version}.",
                f"Maybe {version} is the release this code was written against. Installing it.",
                f"Let me pin {package} to {version} and re-run the check.",
            )
        )
        quiet = rng.random() < 0.3
        command = f"{pip} install {'-q ' if quiet else ''}{package}=={version}"
        if quiet and not rc:
            text = _ROOT + "\n"
        if rng.random() < 0.4:
            command += f' && {ctx.py} -c "{check}"'
            yield Step(thought, command, text if rc else text + error + "\n", 1, rng.uniform(4, 12))
        else:
            yield Step(thought, command, text, rc, rng.uniform(4, 12))
            if not rc:
                yield Step("Now the check again.", f'{ctx.py} -c "{check}"', error + "\n", 1, 1.5)
        if not rc:
            installed = version

    def look(number: int) -> Step:
        kind = number % 3
        if kind == 0:
            return Step(
                "Let me see which version is installed right now.",
                f"{pip} show {package} | head -n 3",
                f"Name: {package}\nVersion: {installed}\nSummary: {package} package\n",
            )
        if kind == 1:
            return Step(
                "Let me list what versions exist.",
                f"{pip} index versions {package} 2>/dev/null | head -n 3",
                f"{package} ({max(v for v, _ in tries)})\nAvailable versions: {', '.join(sorted({v for v, _ in tries}, reverse=True))}\n  INSTALLED: {installed}\n",
            )
        symbol = PINS[ctx.repo.name].symbol
        return Step(
            f"Let me check whether `{symbol}` is even defined in the installed package.",
            f'grep -rn "{symbol}" {ctx.site}/{package.lower()}/ | head -n 5',
            "",
            1,
        )

    def rounds(number: int) -> Iterator[Step]:
        if number == 0:
            yield Step(
                f"Before changing the code I need the reproduction to import cleanly. Let me check the {package} API it relies on.",
                f'{ctx.py} -c "{check}"',
                order[0][1] + "\n",
                1,
                1.5,
            )
            return
        version, error = order[(number - 1) % len(order)]
        yield from install(version, error, number)
        if rng.random() < 0.4:
            yield look(number)

    return tail(rng, rounds, length, GIVE_UP_PIN)


GIVE_UP_PIN = (
    "None of the versions I tried gives a working import; each breaks in a different place. I'll submit what I have.",
    "I've cycled through several releases without finding one that works with this checkout. Submitting the current state.",
)


def _variants(name: str) -> list[str]:
    return [name + "s", "get_" + name, name.replace("_", ""), name.rstrip("s") + "_all", "_" + name]


def api_hallucination(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    api = APIS[ctx.repo.name]
    wrong = [(code, fill(error, ctx.site)) for code, error in api.wrong]
    rng.shuffle(wrong)
    runner = rng.choice(("inline", "script"))
    script = rng.choice(("try_api.py", "explore.py", "check_helper.py"))

    def attempt(code: str, error: str, number: int) -> Step:
        if "has no attribute '" in error and number >= len(wrong):
            missing = error.split("has no attribute '")[1].split("'")[0]
            renamed = rng.choice(_variants(missing))
            code, error = code.replace(missing, renamed), error.replace(f"'{missing}'", f"'{renamed}'")
        rest = error.split("line 1, in <module>\n", 1)[1] if error.startswith("Traceback") else error
        thought = f"To check the behaviour I need to {api.goal}. I'm fairly sure {api.module} has a helper for this; trying `{code.split(';')[-1].strip()}`."
        thought = (
            thought
            if number == 0
            else say(
                rng,
                f"I need to {api.goal}. It must be somewhere in {api.module}; trying `{code.split(';')[-1].strip()}`.",
                "That name does not exist. Perhaps it is spelled differently in this version.",
                f"Let me try another spelling: `{code.split(';')[-1].strip()}`.",
                "Maybe it lives in a different module or takes a different argument.",
            )
        )
        if runner == "script" and number % 2:
            lines = [*api.setup.split("; "), *code.split("; ")]
            out = f'Traceback (most recent call last):\n  File "/testbed/{script}", line {len(lines)}, in <module>\n    {lines[-1]}\n{rest}'
            body = "\n".join(lines)
            return Step(thought, f"cat <<'EOF' > {script}\n{body}\nEOF\n{ctx.py} {script}", out, 1, 0.8)
        out = f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{rest}'
        return Step(thought, f'{ctx.py} -c "{api.setup}; {code}"', out, 1, 0.8)

    def look(number: int) -> Step:
        code, out = api.looks[number % len(api.looks)]
        if rng.random() < 0.5:
            return Step(
                "Let me look at what the module actually exports.", f'{ctx.py} -c "{code}"', fill(out, ctx.site) + "\n"
            )
        return Step(
            f"Let me grep the sources for anything related to '{api.hint}'.",
            f'grep -rn "def .*{api.hint}" /testbed/{ctx.repo.prefix}*.py | head -n 5',
            "",
            1,
        )

    def rounds(number: int) -> Iterator[Step]:
        code, error = wrong[number % len(wrong)]
        yield attempt(code, error, number)
        if number and rng.random() < 0.45:
            yield look(number)

    return tail(rng, rounds, length, GIVE_UP_API)


GIVE_UP_API = (
    "I couldn't find the helper under any of the names I tried. I'll submit the current state.",
    "None of these functions exist in this version. Submitting what I have.",
)

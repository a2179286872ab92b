"""Loops over style tools: formatters that undo each other, commit hooks that keep rewriting files."""

from __future__ import annotations

import random

from heldout18.runs import Run
from heldout18.scenes import OPENING, TAIL, first_edit, pick
from heldout18.wire import Step, step, submit

FLAKE8 = {
    "E501": "line too long ({n} > {limit} characters)",
    "W503": "line break before binary operator",
    "E203": "whitespace before ':'",
    "E231": "missing whitespace after ','",
    "E128": "continuation line under-indented for visual indent",
    "E126": "continuation line over-indented for hanging indent",
}


LIMITS = {"django": 119, "pytest-dev": 120}  # flake8's max-line-length where the project sets its own


def onset_after_edit(run: Run, rng: random.Random) -> int:
    """Just after the agent's first edit of the package when the opening reaches it, else anywhere in it."""
    edit = first_edit(run)
    top = min(OPENING[1], len(run.calls) - 1)
    if edit is not None and OPENING[0] <= edit + 1 <= top:
        return rng.randint(edit + 1, min(edit + 3, top))
    return rng.randint(OPENING[0], top)


def flake8_lines(rng: random.Random, path: str, base: int, codes: list[str], limit: int) -> str:
    lines = []
    for code in codes:
        line = base + rng.randint(-30, 40)
        column = limit + 1 if code == "E501" else rng.randint(5, 60)
        message = FLAKE8[code].replace("{n}", str(limit + rng.randint(1, 19))).replace("{limit}", str(limit))
        lines.append((line, f"{path}:{line}:{column}: {code} {message}"))
    return "".join(text + "\n" for _, text in sorted(lines))


def black_says(path: str, changed: bool, check: bool) -> tuple[int, str]:
    if check:
        if changed:
            return 1, f"would reformat {path}\n\nOh no! 💥 💔 💥\n1 file would be reformatted.\n"
        return 0, "All done! ✨ 🍰 ✨\n1 file would be left unchanged.\n"
    if changed:
        return 0, f"reformatted {path}\n\nAll done! ✨ 🍰 ✨\n1 file reformatted.\n"
    return 0, "All done! ✨ 🍰 ✨\n1 file left unchanged.\n"


def formatter_fight(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """black, isort and flake8 (or ruff) disagree: each run undoes or flags what the other did."""
    onset = onset_after_edit(run, rng)
    length = rng.randint(*TAIL)
    src = run.source
    base = 60 + (len(src) * 53) % 900
    original = LIMITS.get(run.owner, 79)
    limit = original
    config = "tox.ini" if run.owner in ("sympy", "pytest-dev") else "setup.cfg"
    steps = [
        step(
            "Before going further I'll make sure my change matches the project's style. Installing the formatters.",
            pick(rng, "pip install black isort flake8", "pip install -q black isort flake8 && black --version"),
            0,
            "Successfully installed black-24.8.0 click-8.1.7 flake8-7.1.1 isort-5.13.2 mccabe-0.7.0 mypy-extensions-1.0.0 "
            "pathspec-0.12.1 platformdirs-4.3.6 pycodestyle-2.12.1 pyflakes-3.2.0\n",
            9,
        )
    ]
    dirty = {"black": True, "isort": True}
    ignored: set[str] = set()
    configured: list[str] = []
    ran: list[str] = []

    def after(first: str, other: str = "", **previous: str) -> str:
        """The thought for a tool, by what ran just before it (and whether anything did)."""
        if not ran:
            return first
        return previous.get(ran[-1], other or first)

    while len(steps) < length - 1:
        tool = rng.choice(["black", "black", "isort", "flake8", "flake8", "check", "config", "look"])
        if tool == "black":
            check = rng.random() < 0.4
            code, out = black_says(src, dirty["black"], check)
            if not check:
                dirty["black"], dirty["isort"] = False, True
            steps.append(
                step(
                    after(
                        "Let me run black on the file first.",
                        isort="isort rewrapped the imports; black will want its own layout back. Running it.",
                        config="With the configuration changed, let me rerun black.",
                        other=pick(
                            rng, "Running black again.", "I'll let black format it and then re-check the others."
                        ),
                    ),
                    f"black {'--check ' if check else ''}{src}",
                    code,
                    out,
                    2,
                )
            )
            tool = "black-check" if check else tool  # only a run that rewrote the file changes what follows
        elif tool == "isort":
            check = rng.random() < 0.5
            if check:
                out = (
                    f"ERROR: /testbed/{src} Imports are incorrectly sorted and/or formatted.\n"
                    if dirty["isort"]
                    else ""
                )
                steps.append(
                    step(
                        after("Checking import order with isort.", black="Did black's change upset isort? Checking."),
                        f"isort --check-only {src}",
                        int(dirty["isort"]),
                        out,
                    )
                )
            else:
                out = f"Fixing /testbed/{src}\n" if dirty["isort"] else ""
                dirty["isort"], dirty["black"] = False, True
                steps.append(
                    step(
                        after(
                            "Let me sort the imports with isort.",
                            black="black changed the import block; isort wants to reorder it. Applying isort.",
                            other=pick(
                                rng,
                                "isort wants to reorder the imports; let me apply it.",
                                "Running isort to fix the imports.",
                            ),
                        ),
                        pick(rng, f"isort {src}", f"isort --profile black {src}"),
                        0,
                        out,
                    )
                )
        elif tool == "flake8":
            # black's own layout trips W503 and E203 and leaves long strings; an unformatted file has other complaints.
            kinds = ["E501", "W503", "E203", "E501"] if not dirty["black"] else ["E501", "E231", "E128", "E126"]
            codes = [c for c in rng.choices(kinds, k=rng.randint(2, 6)) if c not in ignored] or ["E501"]
            ruff = rng.random() < 0.25
            out = flake8_lines(rng, src, base, codes, limit)
            if ruff:
                out = "".join(
                    line.replace(" characters)", ")").replace("line too long", "Line too long") + "\n"
                    for line in out.splitlines()
                    if "W503" not in line and "E12" not in line
                )
                out += f"Found {out.count(chr(10))} error{'s' if out.count(chr(10)) != 1 else ''}.\n"
            steps.append(
                step(
                    "Let me see what ruff's checker says."
                    if ruff
                    else after(
                        "Now flake8 to see what the linter thinks.",
                        black="Now the linter on the black-formatted file.",
                        config="Let me see whether the linter is happy with the new settings.",
                        other="Let me lint the file again.",
                    ),
                    f"ruff check {src}" if ruff else pick(rng, f"flake8 {src}", f"python -m flake8 {src}"),
                    1,
                    out,
                    2,
                )
            )
        elif tool == "check":
            black_out = black_says(src, dirty["black"], True)[1]
            isort_out = (
                f"ERROR: /testbed/{src} Imports are incorrectly sorted and/or formatted.\n" if dirty["isort"] else ""
            )
            lint = flake8_lines(rng, src, base, [c for c in ("E501", "W503", "E203") if c not in ignored], limit)
            steps.append(
                step(
                    "Let me run all three checks in one go to see where things stand.",
                    f"black --check {src}; isort --check-only {src}; flake8 {src}",
                    1,
                    black_out + isort_out + lint,
                    3,
                )
            )
        elif tool == "config":
            # Each change of the configuration is made once; after that only looking at it is left.
            left = [kind for kind in ("length", "ignore", "isort") if kind not in configured]
            if not left:
                tool = "look"
            else:
                kind = left[0]
                configured.append(kind)
                if kind == "length" and original > 88:
                    dirty["black"] = dirty["isort"] = True
                    thought = f"black wraps at 88 while flake8 allows {original}. I'll give black the project's length."
                    command = f"printf '\\n[tool.black]\\nline-length = {original}\\n' >> pyproject.toml"
                elif kind == "length":
                    limit = 88
                    thought = f"flake8 uses a shorter line length than black. I'll align `{config}` with black's 88."
                    command = f"sed -i 's/^max-line-length = .*/max-line-length = 88/' {config}"
                elif kind == "ignore":
                    ignored = {"E203", "W503"}
                    thought = "W503 and E203 are known to conflict with black; I'll ignore them for flake8."
                    command = f"sed -i '/^\\[flake8\\]/a extend-ignore = E203, W503' {config}"
                else:
                    dirty["isort"] = True
                    thought = "isort and black disagree about wrapping imports. I'll tell isort to use black's profile."
                    command = f"sed -i '/^\\[isort\\]/a profile = black' {config}"
                steps.append(step(thought, command, 0, ""))
        if tool == "look":
            shown = f"[flake8]\nmax-line-length = {limit}\nexclude = build,.git,docs\n"
            if ignored:
                shown += "extend-ignore = E203, W503\n"
            steps.append(
                step(
                    pick(
                        rng,
                        f"Let me look at the lint configuration in `{config}`.",
                        "What does the flake8 section say now?",
                    ),
                    f"grep -A4 '\\[flake8\\]' {config}",
                    0,
                    shown,
                )
            )
        ran.append(tool)
    steps.append(
        submit(
            pick(
                rng,
                "The formatters keep disagreeing about the same lines. The functional change is done, so I'll submit.",
                "I can't get black, isort and flake8 to agree; the fix itself is complete. Submitting.",
            )
        )
    )
    return onset, steps


def hook_line(name: str, status: str) -> str:
    return name + "." * (79 - len(name) - len(status)) + status


def hooks(rng: random.Random, run: Run, skip: set[str], first: bool) -> str:
    """One `pre-commit` run over the staged files: what each hook did."""
    src = run.source
    out = ""
    if first:
        for repo in (
            "https://github.com/psf/black",
            "https://github.com/pycqa/isort",
            "https://github.com/pycqa/flake8",
        ):
            out += f"[INFO] Initializing environment for {repo}.\n"
        out += "[INFO] Installing environment for https://github.com/psf/black.\n[INFO] Once installed this environment will be reused.\n"
        out += "[INFO] This may take a few minutes...\n"
    rewrites = rng.sample(["black", "isort", "trim trailing whitespace"], rng.randint(1, 2))
    for name in ("trim trailing whitespace", "fix end of files", "black", "isort", "flake8"):
        if name in skip:
            out += hook_line(name, "Skipped") + "\n"
        elif name in rewrites:
            hook_id = {"trim trailing whitespace": "trailing-whitespace"}.get(name, name)
            out += hook_line(name, "Failed") + f"\n- hook id: {hook_id}\n"
            if name == "trim trailing whitespace":
                out += "- exit code: 1\n"
            out += "- files were modified by this hook\n\n"
            out += {
                "black": f"reformatted {src}\n\nAll done! ✨ 🍰 ✨\n1 file reformatted.\n\n",
                "isort": f"Fixing /testbed/{src}\n\n",
            }.get(name, f"Fixing {src}\n\n")
        elif name == "flake8" and rng.random() < 0.6:
            line = 60 + (len(src) * 53) % 900 + rng.randint(-20, 20)
            out += hook_line(name, "Failed") + "\n- hook id: flake8\n- exit code: 1\n\n"
            out += f"{src}:{line}:80: E501 line too long ({rng.randint(80, 96)} > 79 characters)\n\n"
        else:
            out += hook_line(name, "Passed") + "\n"
    return out


def hook_refused_commit(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """`git commit` refused by pre-commit hooks that rewrite the files each time."""
    if run.owner == "sympy":  # no pre-commit configuration there
        return None
    onset = onset_after_edit(run, rng)
    length = rng.randint(*TAIL)
    src, symbol = run.source, run.symbol
    message = pick(
        rng,
        f"Fix {symbol} handling",
        f"Fix {symbol} edge case",
        f"Fixed #{run.session.rsplit('-', 1)[1]} -- Corrected {symbol}.",
    )
    steps: list[Step] = []
    skip: set[str] = set()
    first = True
    while len(steps) < length - 1:
        kind = rng.random()
        if kind < 0.55 or not steps:
            env = f"SKIP={','.join(sorted(skip))} " if skip else ""
            command = pick(
                rng,
                f'git add -A && {env}git commit -m "{message}"',
                f'git add {src} && {env}git commit -qm "{message}"',
                f'{env}git commit -am "{message}"',
            )
            thought = (
                pick(rng, "I'll commit the change so the work is recorded.", "Let me commit the fix.")
                if not steps
                else pick(
                    rng,
                    "The hooks modified files again. Re-adding and committing.",
                    "Re-staging the files the hooks rewrote and committing once more.",
                    "Committing again now that the hook has applied its changes.",
                )
            )
            steps.append(step(thought, command, 1, hooks(rng, run, skip, first), 40 if first else 6))
            first = False
        elif kind < 0.7:
            skip = set(rng.sample(["black", "isort", "flake8", "trim trailing whitespace"], rng.randint(1, 2)))
            skip.discard("trim trailing whitespace")
            skip = skip or {"flake8"}
            env = f"SKIP={','.join(sorted(skip))} "
            steps.append(
                step(
                    f"I'll skip {', '.join(sorted(skip))} for this commit; the other hooks should pass.",
                    f'git add -A && {env}git commit -m "{message}"',
                    1,
                    hooks(rng, run, skip, False),
                    6,
                )
            )
        elif kind < 0.8:
            steps.append(
                step(
                    "Let me see what state the index is in after the hooks ran.",
                    "git status --short",
                    0,
                    f"MM {src}\n" + pick(rng, "", "A  reproduce_issue.py\n", "?? reproduce_issue.py\n"),
                )
            )
        elif kind < 0.9:
            steps.append(
                step(
                    "Which hooks are configured?",
                    "cat .pre-commit-config.yaml",
                    0,
                    "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.4.0\n    hooks:\n"
                    "      - id: trailing-whitespace\n      - id: end-of-file-fixer\n  - repo: https://github.com/psf/black\n"
                    "    rev: 23.3.0\n    hooks:\n      - id: black\n  - repo: https://github.com/pycqa/isort\n    rev: 5.12.0\n"
                    "    hooks:\n      - id: isort\n  - repo: https://github.com/pycqa/flake8\n    rev: 6.0.0\n    hooks:\n"
                    "      - id: flake8\n",
                )
            )
        else:
            line = 60 + (len(src) * 53) % 900 + rng.randint(-20, 20)
            steps.append(
                step(
                    f"flake8 complains about a long line near {line}; I'll wrap it by hand so black has nothing to change.",
                    f"sed -i '{line}s/, /,\\n        /' {src}",
                    0,
                    "",
                )
            )
    steps.append(
        submit(
            pick(
                rng,
                "The hooks rewrite the files on every commit. The change itself is in the working tree; submitting it.",
                "I couldn't get a commit through the hooks, but the fix is complete. I'll submit.",
            )
        )
    )
    return onset, steps

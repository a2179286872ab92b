"""Loop tails, part one: fixture hell, circular imports, the encoding wall, type-stub churn.

Each builder gives `n` exchanges in which the agent keeps working and never gets anywhere: the
same class of failure comes back with drifting names, lines and counts.
"""

from __future__ import annotations

import random

from heldout15.common import compose, tests_dir
from heldout15.pytest_text import fixture_missing, scope_mismatch
from heldout15.replies import format_error, result
from heldout15.runs import Repo, Step


def _stem(repo: Repo) -> str:
    stem = repo.target.rsplit("/", 1)[-1].removesuffix(".py")
    return repo.mod.strip("_") if stem == "__init__" else stem.strip("_")


def fixture_hell(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    stem = _stem(repo)
    folder = tests_dir(repo)
    test = f"{folder}/test_{stem}_regression.py"
    conftest = f"{folder}/conftest.py"
    names = [
        f"{stem}_instance",
        f"{stem}_factory",
        f"configured_{stem}",
        "tmp_workdir",
        "clean_registry",
        f"{stem}_data",
        "sample_inputs",
        "isolated_settings",
        f"patched_{stem}",
        "expected_output",
    ]
    rng.shuffle(names)
    defined: list[str] = []
    scope = "module"
    uses = ", ".join(names[:2])
    steps: list[Step] = [
        Step(
            compose(
                rng,
                [
                    f"The fix in `{repo.target}` is in place. I'll add a regression test next to the existing ones, with fixtures for the objects it needs.",
                    f"Now I want a proper pytest regression test for this change in `{folder}`. I'll write it with fixtures so the cases share their setup.",
                ],
                [
                    "",
                    f"The test module will use `{names[0]}` and `{names[1]}`; I'll define those in a conftest if they do not already exist somewhere.",
                    "Pytest collects fixtures from every conftest.py between the rootdir and the test file, so anything defined in the nearest conftest should be visible.",
                ],
            ),
            f"cat <<'EOF' > {test}\nimport pytest\n\n\ndef test_{stem}_regression({uses}):\n    assert {names[0]} is not None\n\n\n@pytest.mark.parametrize('value', [0, 1, None])\ndef test_{stem}_edge_case({names[0]}, value):\n    assert {names[0]} != value\nEOF",
            result(0, ""),
            0.2,
        )
    ]
    i = 0
    while len(steps) < n:
        want = names[i % len(names)]
        other = names[(i + 3) % len(names)]
        case = f"test_{stem}_{rng.choice(['roundtrip', 'regression', 'edge_case', 'nested', 'default'])}"
        passed = rng.randint(1, 5)
        run_cmd = rng.choice(
            [
                f"python -m pytest {test} -x",
                f"python -m pytest {test}",
                f"python -m pytest {test} -q -p no:cacheprovider",
                f"cd /testbed && python -m pytest {test} 2>&1 | tail -n 30",
            ]
        )
        if i % 3 == 1 and defined:
            reply = scope_mismatch(
                rng,
                repo,
                test,
                case,
                conftest,
                defined[-1],
                scope,
                rng.choice(["tmp_path", "monkeypatch", "request", "tmpdir"]),
                passed,
            )
            opener = [
                f"Now it is a `ScopeMismatch` instead: `{defined[-1]}` is {scope}-scoped but asks for a function-scoped fixture.",
                f"The missing-fixture error is gone, but pytest now complains about scopes for `{defined[-1]}`.",
                "A different error this time. ScopeMismatch.",
            ]
        else:
            reply = fixture_missing(rng, repo, test, case, [want, other], want, defined[-3:], passed)
            opener = [
                f"Still `fixture '{want}' not found`.",
                f"pytest cannot find `{want}`. The conftest I edited does not seem to be picked up for this file, or the name differs.",
                f"The test errors at setup again: fixture '{want}' not found. {passed} other tests pass.",
                f"Same kind of failure, now for `{want}`.",
            ]
        steps.append(
            Step(
                compose(
                    rng,
                    opener
                    if len(steps) > 1
                    else ["I'll run the new regression test to check the fixtures are wired correctly."],
                    [
                        "",
                        "Let me run the test file again to see where we are.",
                        "Running it again after the conftest change.",
                    ]
                    if len(steps) > 1
                    else [""],
                    _FIXTURE_MUSINGS,
                ),
                run_cmd,
                result(1, reply),
                rng.uniform(1.5, 6),
            )
        )
        if len(steps) >= n:
            break
        kind = rng.choice(["define", "define", "scope", "inspect", "list", "rename"])
        if kind == "define":
            fixture_scope = rng.choice(["module", "session", "function", "class"])
            body = rng.choice(
                [
                    f"    return {repo.module}.__name__",
                    "    path = tmp_path / 'data'\n    path.mkdir()\n    return path",
                    "    yield {}\n",
                    f"    from {repo.module} import *  # noqa\n    return locals()",
                ]
            )
            needs = "tmp_path" if "tmp_path" in body else ""
            command = f"cat <<'EOF' >> {conftest}\n\n\n@pytest.fixture(scope=\"{fixture_scope}\")\ndef {want}({needs}):\n{body}\nEOF"
            defined.append(want)
            scope = fixture_scope if fixture_scope != "function" else "module"
            thought = compose(
                rng,
                [
                    f"I need to define `{want}` in `{conftest}` so the test can use it.",
                    f"I'll add a `{want}` fixture to the conftest next to the test file.",
                    f"The fixture `{want}` has to exist somewhere pytest looks. The closest conftest is `{conftest}`.",
                ],
                [
                    "",
                    f"I'll give it `{fixture_scope}` scope since it is shared between the test functions.",
                    "```python\n@pytest.fixture\ndef "
                    + want
                    + "():\n    ...\n```\nSomething like this, but returning the object the test expects.",
                ],
            )
            steps.append(Step(thought, command, result(0, ""), 0.3))
        elif kind == "scope":
            new = rng.choice([other for other in ("function", "module", "session") if other != scope])
            target = defined[-1] if defined else want
            command = f'sed -i \'s/@pytest.fixture(scope="{scope}")/@pytest.fixture(scope="{new}")/\' {conftest}'
            thought = compose(
                rng,
                [
                    f"The scope of `{target}` is the problem. I'll change it to `{new}`.",
                    f"Changing the scope to `{new}` should make the request object compatible.",
                ],
                ["", "Wait, this might affect the other fixtures that depend on it. Let's just try."],
            )
            scope = new if new != "function" else "module"
            steps.append(Step(thought, command, result(0, ""), 0.2))
        elif kind == "inspect":
            command = rng.choice([f"cat {conftest}", f"tail -n 40 {conftest}", f"grep -n 'def \\|fixture' {conftest}"])
            lines = "\n".join(
                f'@pytest.fixture(scope="{rng.choice(["module", "session"])}")\ndef {name}(tmp_path):\n    ...\n'
                for name in defined[-4:]
            )
            steps.append(
                Step(
                    rng.choice(
                        [
                            f"Let me look at what `{conftest}` contains now.",
                            "I'll check the conftest to see which fixtures are actually defined.",
                            "Let me verify the fixture definitions are there.",
                        ]
                    ),
                    command,
                    result(0, f"import pytest\n\n\n{lines}"),
                    0.2,
                )
            )
        elif kind == "list":
            command = f"python -m pytest --fixtures {folder} 2>/dev/null | grep -n -A2 '{want}'"
            steps.append(
                Step(
                    f"Does pytest know about `{want}` at all? I'll list the fixtures it sees for `{folder}`.",
                    command,
                    result(1, ""),
                    rng.uniform(1, 3),
                )
            )
        else:
            new_name = names[(i + 5) % len(names)]
            command = f"sed -i 's/\\b{want}\\b/{new_name}/g' {test}"
            steps.append(
                Step(
                    compose(
                        rng,
                        [
                            f"Maybe simpler to rename the argument in the test to `{new_name}`{', which I defined earlier' if new_name in defined else ''}.",
                            f"I'll make the test request `{new_name}` instead of `{want}`.",
                        ],
                        ["", "That way the test and the conftest agree on the name."],
                    ),
                    command,
                    result(0, ""),
                    0.2,
                )
            )
        i += 1
    return steps[:n]


_FIXTURE_MUSINGS = [
    "",
    "",
    "",
    "Wait, maybe the conftest is not in the right directory. Pytest only loads a conftest.py for the tests below it, and if the tests directory is not a package the rootdir-relative lookup can differ. But the file is right next to the test, so it should be picked up.",
    "I keep getting a setup error rather than a failure, which means the test body never runs. So whatever the fix does is not being tested yet; I need the fixture plumbing right first.",
    "Let me think about scopes. A module-scoped fixture cannot depend on `tmp_path` or `monkeypatch`, which are function-scoped. Using `tmp_path_factory` would work for module scope. Or make everything function-scoped, which is the default and the simplest.",
]


def _siblings(repo: Repo) -> list[str]:
    folder = repo.target.rsplit("/", 1)[0]
    names = ["utils", "base", "core", "registry", "_compat", "helpers", "constants", "mixins"]
    return [f"{folder}/{name}.py" for name in names if f"{folder}/{name}.py" != repo.target]


def _dotted(path: str) -> str:
    return (
        path.removeprefix("src/").removeprefix("lib/").removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    )


_CYCLE_MUSINGS = [
    "",
    "",
    "",
    "Let me think about the import graph. The package `__init__` imports the submodules in a fixed order, so whichever module is imported first has to be importable without the others being complete. If a name is needed at class-definition time (a base class, a decorator) it cannot be deferred; if it is only used inside functions, it can.",
    "Wait, the error names a different module than before, which suggests my last change fixed one edge of the cycle but exposed another. There might be more than two modules in this cycle.",
    "Alternatively I could move the shared helper into a new small module that neither of them imports from at top level. But I'd rather keep the change minimal for the PR.",
]


def circular_import(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    files = [repo.target, *rng.sample(_siblings(repo), 3)]
    names = ["get_default", "Registry", "_validate", "BaseHandler", "normalize", "ensure_list", "Options", "lookup"]
    steps: list[Step] = []
    script = rng.choice(["reproduce_issue.py", "reproduce.py", "repro.py"])
    turn = rng.randrange(4)
    hoisted = rng.choice(names)
    steps.append(
        Step(
            compose(
                rng,
                [
                    f"The local import of `{hoisted}` inside the function is what makes the lookup stale. I'll move it to the top of `{repo.target}`, next to the other imports.",
                    f"To make `{hoisted}` available where the fix needs it, I'll import it at module level in `{repo.target}` from `{_dotted(files[1])}`.",
                ],
                ["", "Module-level imports are the convention in this codebase anyway."],
            ),
            f"sed -i '0,/^import /s//from {_dotted(files[1])} import {hoisted}\\nimport /' {repo.target}",
            result(0, ""),
            0.2,
        )
    )
    while len(steps) < n:
        a, b = files[turn % 4], files[(turn + 1) % 4]
        name = rng.choice(names)
        line_a, line_b = rng.randint(3, 40), rng.randint(3, 40)
        run = rng.choice(
            [
                f"python {script}",
                f"python -c 'import {_dotted(repo.target)}'",
                f"python {script} 2>&1 | tail -n 12",
                f"cd /testbed && python {script}",
            ]
        )
        entry = (
            '  File "<string>", line 1, in <module>\n'
            if " -c " in run
            else f'  File "/testbed/{script}", line {rng.randint(1, 6)}, in <module>\n    import {_dotted(repo.target)}\n'
        )
        trace = (
            "Traceback (most recent call last):\n"
            f"{entry}"
            f'  File "/testbed/{a}", line {line_a}, in <module>\n    from {_dotted(b)} import {name}\n'
            f'  File "/testbed/{b}", line {line_b}, in <module>\n    from {_dotted(a)} import {rng.choice(names)}\n'
            f"ImportError: cannot import name '{rng.choice(names)}' from partially initialized module '{_dotted(a)}' "
            f"(most likely due to a circular import) (/testbed/{a})\n"
        )
        steps.append(
            Step(
                compose(
                    rng,
                    [f"Let me check the reproduction still runs with the import at the top of `{repo.target}`."]
                    if len(steps) == 1
                    else [
                        f"The circular import moved: now `{_dotted(a)}` and `{_dotted(b)}` import each other at module level.",
                        f"Still an ImportError from a partially initialized module, this time `{_dotted(a)}`.",
                        "Let me check whether the import order is fixed now.",
                        f"Now `{_dotted(b)}` is the one being imported while `{_dotted(a)}` is half-initialized.",
                    ],
                    [
                        "",
                        "This is the usual pattern: A imports B at top level, B imports a name from A before A has finished executing.",
                        "Each time I move one import, the cycle shows up one module further along.",
                    ],
                    _CYCLE_MUSINGS,
                ),
                run,
                result(1, trace),
                rng.uniform(0.8, 2.5),
            )
        )
        if len(steps) >= n:
            break
        move = rng.choice(["local", "local", "top", "module", "grep", "read", "typing"])
        if move == "local":
            command = f"sed -i 's/^from {_dotted(b)} import {name}$/    from {_dotted(b)} import {name}  # noqa: avoid cycle/' {a}"
            thought = compose(
                rng,
                [
                    f"I'll move the `from {_dotted(b)} import {name}` in `{a}` into the function that uses it, so it runs lazily.",
                    f"A local import inside the function should break the cycle between `{a}` and `{b}`.",
                ],
                ["", "```python\ndef f(...):\n    from " + _dotted(b) + " import " + name + "\n    ...\n```"],
            )
        elif move == "top":
            command = f"sed -i '1i from {_dotted(a)} import {name}' {b}"
            thought = f"`{b}` needs `{name}` at import time for the class definition, so the import has to stay at the top there. I'll add it back at the top of `{b}` and make `{a}` the lazy side instead."
        elif move == "module":
            command = (
                f"sed -i 's/^from {_dotted(a)} import .*/import {_dotted(a)} as _{a.rsplit('/', 1)[-1][:-3]}/' {b}"
            )
            thought = compose(
                rng,
                [
                    f"Importing the module object instead of the name (`import {_dotted(a)}`) defers the attribute lookup until it is used.",
                    "If I import the module rather than names from it, Python can hand back the partially initialized module without failing.",
                ],
                ["", "Then the uses need the `module.name` form, but let's first see if the import succeeds."],
            )
        elif move == "grep":
            command = rng.choice(
                [
                    f"grep -n '^from\\|^import' {a} {b}",
                    f"grep -rn 'import {name}' {repo.src} | head -n 20",
                    f"grep -n 'import' {b} | head -n 30",
                ]
            )
            listing = "\n".join(
                f"{rng.choice([a, b])}:{rng.randint(1, 40)}:from {_dotted(rng.choice(files))} import {rng.choice(names)}"
                for _ in range(rng.randint(3, 8))
            )
            steps.append(
                Step(f"Let me see the import statements of `{a}` and `{b}` again.", command, result(0, listing), 0.2)
            )
            turn += 1
            continue
        elif move == "read":
            command = f"head -n {rng.randint(30, 60)} {b}"
            text = "\n".join(f"from {_dotted(rng.choice(files))} import {rng.choice(names)}" for _ in range(4))
            steps.append(
                Step(
                    f"I'll look at the top of `{b}`.",
                    command,
                    result(0, f'"""\n{_dotted(b)}\n"""\nimport functools\n{text}\n\n\n__all__ = [...]\n'),
                    0.2,
                )
            )
            turn += 1
            continue
        else:
            command = f"sed -i 's/^from {_dotted(a)} import /if TYPE_CHECKING:\\n    from {_dotted(a)} import /' {b}"
            thought = f"The import in `{b}` is only used for annotations. Putting it under `if TYPE_CHECKING:` removes it at runtime."
        steps.append(Step(thought, command, result(0, ""), 0.2))
        turn += rng.choice([1, 1, 2, 3])
    return steps[:n]


def encoding_wall(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    script = rng.choice(["reproduce_issue.py", "reproduce.py", "test_unicode.py"])
    data = rng.choice(["tests/data/sample_utf8.txt", "data/names.csv", "fixture_latin.rst", "unicode_input.txt"])
    site = repo.site
    steps: list[Step] = []
    attempts = [
        (
            "LANG=C.UTF-8 python {s}",
            "Setting `LANG=C.UTF-8` for this one command should make Python pick UTF-8 as the preferred encoding.",
        ),
        (
            "PYTHONIOENCODING=utf-8 python {s}",
            "The failure could be on output. `PYTHONIOENCODING=utf-8` forces stdout to UTF-8.",
        ),
        ("LC_ALL=en_US.UTF-8 LANG=en_US.UTF-8 python {s}", "Let me try the full `LC_ALL`/`LANG` pair."),
        (
            "PYTHONUTF8=1 python {s}",
            "Python 3.7+ has UTF-8 mode (`PYTHONUTF8=1`), which ignores the locale completely.",
        ),
        (
            "export LANG=C.UTF-8 LC_ALL=C.UTF-8 && python {s}",
            "Exporting the locale variables in the same shell before running.",
        ),
        ("python -X utf8 {s}", "`-X utf8` is the command-line form of UTF-8 mode."),
        (
            "env -i PATH=$PATH LANG=C.UTF-8 python {s}",
            "Maybe something else in the environment overrides it. A clean environment with only PATH and LANG.",
        ),
    ]
    rng.shuffle(attempts)
    edits = [
        (
            f"sed -i \"s/open(\\(.*\\))/open(\\1, encoding='utf-8')/\" {script}",
            f"I'll pass `encoding='utf-8'` to the `open()` call in `{script}`.",
        ),
        (
            f"sed -i \"s/encoding='utf-8'/encoding='utf-8', errors='replace'/\" {script}",
            "Adding `errors='replace'` as well so undecodable bytes do not raise.",
        ),
        (
            f"sed -i 's/open(\\(.*\\), encoding=None)/open(\\1, encoding=\"utf-8\")/' {repo.target}",
            f"The library itself opens the file with the default encoding in `{repo.target}`. I'll set it explicitly there.",
        ),
        (f"sed -i '1i # -*- coding: utf-8 -*-' {script}", "Adding a coding cookie to the script."),
        (
            f"sed -i 's/read_text()/read_text(encoding=\"utf-8\")/g' {script}",
            "`Path.read_text()` also uses the locale encoding. Making it explicit.",
        ),
    ]
    steps.append(
        Step(
            compose(
                rng,
                [
                    f"I'll check the fix with non-ASCII input too, since the PR mentions names with accents. I'll write a small script that reads `{data}` and goes through the changed code.",
                    f"The existing tests only use ASCII. Let me reproduce with real-world data containing accented characters from `{data}`.",
                ],
                ["", "If this works, the change is safe for Unicode input as well."],
            ),
            f"cat <<'EOF' > {script}\nimport {repo.module}\n\n\ndef main():\n    with open('{data}') as fh:\n        text = fh.read()\n    print(len(text), repr(text[:60]))\n\n\nmain()\nEOF",
            result(0, ""),
            0.2,
        )
    )
    i, last_pos = 0, 0
    while len(steps) < n:
        byte = rng.choice(["0xc3", "0xe2", "0xce", "0xd0", "0xe9", "0xc2"])
        pos = rng.randint(12, 4000)
        err = rng.choice(
            [
                f"UnicodeDecodeError: 'ascii' codec can't decode byte {byte} in position {pos}: ordinal not in range(128)",
                f"UnicodeEncodeError: 'ascii' codec can't encode character '\\x{rng.choice(['e9', 'fc', 'f1', 'e4'])}' in position {pos % 80}: ordinal not in range(128)",
                f"UnicodeDecodeError: 'utf-8' codec can't decode byte {rng.choice(['0xe9', '0xfc', '0xff'])} in position {pos}: invalid continuation byte",
            ]
        )
        frames = (
            f'  File "/testbed/{script}", line {rng.randint(9, 11)}, in <module>\n    main()\n'
            f'  File "/testbed/{repo.target}", line {rng.randint(40, 900)}, in {rng.choice(["read", "load", "parse", "_read_source", "render"])}\n'
            f"    text = fh.read()\n"
            f'  File "{site}/encodings/ascii.py", line 26, in decode\n    return codecs.ascii_decode(input, self.errors)[0]\n'
        )
        warn = rng.choice(["", "", "bash: warning: setlocale: LC_ALL: cannot change locale (en_US.UTF-8)\n"])
        kind = i % 3 if i < 3 else rng.choice([0, 0, 1, 2, 3])
        if kind in (0, 3):
            command, why = attempts[i % len(attempts)]
            command = command.format(s=script)
            out = f"{warn}Traceback (most recent call last):\n{frames}{err}\n"
            steps.append(
                Step(
                    compose(
                        rng,
                        [
                            "",
                            "Still a Unicode error.",
                            f"Position {last_pos} last time, same codec.",
                            "No change in the outcome.",
                        ]
                        if last_pos
                        else [""],
                        [why],
                        ["", f"The data file `{data}` contains non-ASCII names (accented characters)."],
                        [
                            "",
                            "",
                            "The container's locale is POSIX, so `locale.getpreferredencoding()` is ASCII and every `open()` without an explicit encoding decodes as ASCII. Environment variables should override that, unless the interpreter ignores them or the failing read happens in a subprocess with its own environment.",
                            "Wait, the traceback goes through the library's own reader, not only my script. Fixing the script's `open()` is not enough if the library opens the file again with the default encoding.",
                        ],
                    ),
                    command,
                    result(1, out),
                    rng.uniform(0.6, 2),
                )
            )
            last_pos = pos
        elif kind == 1:
            command, why = edits[i % len(edits)]
            steps.append(Step(compose(rng, [why], ["", "Then run again."]), command, result(0, ""), 0.2))
        else:
            seen = last_pos or pos
            probe = rng.choice(
                [
                    (
                        "Let me check what the environment thinks the encoding is.",
                        "python -c 'import locale, sys; print(locale.getpreferredencoding(), sys.getfilesystemencoding(), sys.stdout.encoding)'",
                        "ANSI_X3.4-1968 ascii ascii",
                    ),
                    ("What locales are even available in this container?", "locale -a", "C\nC.utf8\nPOSIX"),
                    (
                        "Let me see the current locale settings.",
                        "locale",
                        'LANG=\nLANGUAGE=\nLC_CTYPE="POSIX"\nLC_NUMERIC="POSIX"\nLC_TIME="POSIX"\nLC_ALL=',
                    ),
                    (f"Is `{data}` really UTF-8?", f"file {data}", f"{data}: UTF-8 Unicode text"),
                    (
                        f"I'll inspect the bytes around position {seen}.",
                        f"python -c \"print(open('{data}','rb').read()[{max(0, seen - 20)}:{seen + 20}])\"",
                        f"b'{rng.choice(['Fran', 'M', 'Jos', 'Bj'])}\\xc3\\xa{rng.randint(0, 9)}{rng.choice(['ois', 'rk', 'e ', 'ller'])}, 1997\\n'",
                    ),
                ]
            )
            steps.append(
                Step(
                    compose(
                        rng,
                        [probe[0]],
                        [
                            "",
                            "If the locale is POSIX, Python falls back to ASCII for everything that uses the default encoding.",
                        ],
                    ),
                    probe[1],
                    result(0, probe[2]),
                    0.3,
                )
            )
        i += 1
    return steps[:n]


def type_stub_churn(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    checker = rng.choice(["mypy", "mypy", "pyright"])
    folder = repo.target.rsplit("/", 1)[0]
    count = rng.randint(6, 19)
    files = rng.randint(2, 5)
    messages = [
        (
            'Incompatible types in assignment (expression has type "Optional[str]", variable has type "str")',
            "assignment",
        ),
        ('Item "None" of "Optional[Any]" has no attribute "get"', "union-attr"),
        (
            'Argument 1 to "join" of "str" has incompatible type "List[Optional[str]]"; expected "Iterable[str]"',
            "arg-type",
        ),
        ("Missing return statement", "return"),
        ('Need type annotation for "cache" (hint: "cache: Dict[<type>, <type>] = ...")', "var-annotated"),
        ('Returning Any from function declared to return "bool"', "no-any-return"),
        ('Module has no attribute "Literal"', "attr-defined"),
        ('Cannot determine type of "_registry"', "has-type"),
        ('Incompatible return value type (got "Tuple[int, ...]", expected "Tuple[int, int]")', "return-value"),
    ]
    others = [p for p in _siblings(repo)][:4]

    reported: list[int] = []

    def report() -> str:
        lines = []
        reported.clear()
        for _ in range(count):
            text, code = rng.choice(messages)
            path = rng.choice([repo.target, *others[: files - 1]])
            at = rng.randint(10, 900)
            if path == repo.target:
                reported.append(at)
            if checker == "mypy":
                lines.append(f"{path}:{at}: error: {text}  [{code}]")
            else:
                lines.append(f"  /testbed/{path}:{at}:{rng.randint(5, 40)} - error: {text} (reportGeneralTypeIssues)")
        if checker == "mypy":
            return (
                "\n".join(lines)
                + f"\nFound {count} errors in {files} files (checked {rng.choice([1, files, 12, 37])} source files)\n"
            )
        return "\n".join(lines) + f"\n{count} errors, 0 warnings, 0 informations \n"

    run = [
        f"mypy {repo.target}",
        f"mypy {folder} --ignore-missing-imports",
        f"python -m mypy {repo.target} --no-error-summary; python -m mypy {repo.target} | tail -n 1",
        f"mypy {repo.target} 2>&1 | tail -n 25",
    ]
    if checker == "pyright":
        run = [f"pyright {repo.target}", f"pyright {folder}", f"npx --no-install pyright {repo.target} | tail -n 20"]
    steps: list[Step] = []
    while len(steps) < n:
        steps.append(
            Step(
                compose(
                    rng,
                    [
                        f"Let me re-run {checker} to see if that reduced the number of errors.",
                        f"Still {count} errors. The ignores on one line just move the problem to the next use of the value.",
                        f"{count} errors again. Interesting, the same count as before.",
                        f"Checking with {checker} again.",
                    ]
                    if steps
                    else [
                        f"Before running the tests I'll type-check the module I changed with {checker}; the project ships type hints."
                    ],
                    [
                        "",
                        "The PR should not introduce new typing errors, so I want this clean before running the tests.",
                    ],
                    [
                        "",
                        "",
                        "Each `# type: ignore` I add only covers one line; when the value flows into the next function the checker complains there instead. A `cast` at the source would be cleaner, but the Optional comes from the signature itself.",
                        f"Hmm, the count did not move. Maybe {checker} caches results, or the errors I silenced were replaced by new ones in the same file. Let me compare the line numbers more carefully this time.",
                    ],
                ),
                rng.choice(run),
                result(1, report()),
                rng.uniform(2, 9),
            )
        )
        if len(steps) >= n:
            break
        line = rng.choice(reported) if reported else rng.randint(10, 900)
        text, code = rng.choice(messages)
        fix = rng.choice(
            [
                (
                    f"sed -i '{line}s/$/  # type: ignore[{code}]/' {repo.target}",
                    f"I'll silence the `[{code}]` error on line {line} with a targeted ignore.",
                ),
                (
                    f"sed -i '{line}s/= \\(.*\\)$/= cast(str, \\1)/' {repo.target}",
                    f"Wrapping the value on line {line} in `cast(str, ...)` tells {checker} it is never None here.",
                ),
                (f"sed -i '1a from typing import cast, Optional, Any' {repo.target}", "`cast` needs importing first."),
                (
                    f"sed -i '{line}s/: str/: Optional[str]/' {repo.target}",
                    f"The annotation on line {line} is too narrow. Making it `Optional[str]`.",
                ),
                (
                    f"sed -i '{line}s/# type: ignore\\[{code}\\]//' {repo.target}",
                    "That ignore was on the wrong line. Removing it.",
                ),
                (
                    f"sed -i '{line}s/return \\(.*\\)/return bool(\\1)/' {repo.target}",
                    "Returning `bool(...)` instead of Any.",
                ),
            ]
        )
        raw = None
        if rng.random() < 0.08:
            raw = f"THOUGHT: {fix[1]}\n\n```bash\n{fix[0]}\n```\n\nThen I'll run the checker:\n\n```bash\n{run[0]}\n```"
        steps.append(
            Step(
                compose(rng, [fix[1]], ["", f"```python\n# line {line}\n# error: {text}\n```"]),
                fix[0],
                format_error(2) if raw else result(0, ""),
                0.2,
                raw,
            )
        )
        if rng.random() < 0.2 and len(steps) < n:
            steps.append(
                Step(
                    f"Let me look at the code around line {line}.",
                    f"nl -ba {repo.target} | sed -n '{line - 5},{line + 5}p'",
                    result(
                        0,
                        "\n".join(
                            f"{k:>6}\t    value = self._get({rng.choice(['key', 'name', 'attr'])}){'  # type: ignore' if k == line else ''}"
                            for k in range(line - 5, line + 6)
                        ),
                    ),
                    0.2,
                )
            )
    return steps[:n]

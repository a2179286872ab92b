"""import-path-maze: the checkout under test is not what gets imported, and every way around it fails differently."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.text import C_SOURCES, Ctx, Deck, Tail, conftest_error, hexid, trace

# Repositories whose conftest lives inside the package, so a second copy of the package clashes with it.
_IN_PACKAGE = {
    "astropy": "astropy/conftest.py",
    "scikit-learn": "sklearn/conftest.py",
    "pydata": "xarray/tests/conftest.py",
    "matplotlib": "lib/matplotlib/tests/conftest.py",
}
_WHERE = ["site-packages", "build/lib", "nowhere"]


class Maze:
    """Where `import <package>` resolves from outside the checkout: a stale installed copy, a stale build, or nothing."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.state = 0
        self.init_added = False
        self.inserted = False  # the script puts the checkout first on sys.path itself
        self.version = f"{rng.randint(1, 5)}.{rng.randint(0, 12)}.dev{rng.randint(0, 900)}+g{hexid(rng)}"
        self.script = f"/tmp/repro_{ctx.stem}.py"
        self.module = ctx.run.module if ctx.run.module != "src/_pytest" else "_pytest"
        self.top = "pytest" if ctx.run.owner == "pytest-dev" else "flask" if ctx.run.owner == "pallets" else self.module

    @property
    def location(self) -> str:
        return [f"{self.ctx.site}/{self.top}", f"/testbed/build/lib/{self.top}", ""][self.state]

    def stale(self, source: str) -> str:
        """Where the copy being imported keeps a file of the checkout."""
        package = self.ctx.run.package
        return f"{self.location.rsplit('/', 1)[0]}/{package.rsplit('/', 1)[-1]}/{source[len(package) + 1 :]}"

    def _unbuilt(self) -> str:
        owner = self.ctx.run.owner
        if owner == "astropy":
            return "ImportError: You appear to be trying to import astropy from within a source checkout or from an editable installation without building the extension modules first. Either run:\n\n  pip install -e .\n\nor\n\n  python setup.py build_ext --inplace\n\nto make sure the extension modules are built"
        if owner == "scikit-learn":
            return "ImportError: No module named 'sklearn.__check_build._check_build'\n___________________________________________________________________________\nContents of /testbed/sklearn/__check_build:\n__init__.py               _check_build.pyx          setup.py\n___________________________________________________________________________\nIt seems that scikit-learn has not been built correctly."
        return "ImportError: cannot import name '_c_internal_utils' from partially initialized module 'matplotlib' (most likely due to a circular import) (/testbed/lib/matplotlib/__init__.py)"

    def _missing(self) -> str:
        if self.ctx.django:
            return f"ModuleNotFoundError: No module named '{self.top}'"
        return f"importlib.metadata.PackageNotFoundError: {self.ctx.dist}"

    def repro(self) -> Step:
        thought = self.rng.choice(
            ["Let me run the reproduction script again.", "Let me check the reproduction.", f"Running {self.script}."]
        )
        if self.inserted:
            frames = [
                (self.script, 2, "<module>", f"import {self.top}"),
                (f"/testbed/{self.ctx.run.package}/__init__.py", self.rng.randint(20, 160), "<module>", ""),
            ]
            return Step(thought, f"cd /tmp && python {self.script}", trace(frames, self._unbuilt()), rc=1, seconds=0.8)
        if self.state == 2:
            frames = [(self.script, 1, "<module>", f"import {self.top}")]
            if not self.ctx.django:
                frames.append(
                    (
                        f"/testbed/{self.ctx.run.package}/__init__.py",
                        self.rng.randint(15, 40),
                        "<module>",
                        f'__version__ = version("{self.ctx.dist}")',
                    )
                )
            return Step(thought, f"cd /tmp && python {self.script}", trace(frames, self._missing()), rc=1, seconds=0.8)
        out = f"{self.top} {self.version} from {self.location}/__init__.py\nSTALE COPY: {self.stale(self.ctx.source)} differs from /testbed/{self.ctx.source}"
        return Step(thought, f"cd /tmp && python {self.script}", out, seconds=0.8)

    def tests(self) -> Step:
        ctx, rng = self.ctx, self.rng
        if ctx.django:
            if self.state == 2:
                return Step(
                    "Let me run the Django tests for this area.",
                    ctx.test_command,
                    trace([("/testbed/tests/runtests.py", 14, "<module>", "import django")], self._missing()),
                    rc=1,
                    seconds=1,
                )
            out = (
                f"Testing against Django installed in '{self.location}' with up to 2 processes\nFound {rng.randint(20, 300)} test(s).\nSystem check identified no issues (0 silenced).\n"
                + "F"
                + "." * rng.randint(8, 60)
            )
            out += f"\n{'=' * 70}\nFAIL: test_{ctx.stem}_regression ({ctx.label}.tests.{ctx.cls}Tests)\n{'-' * 70}\n"
            out += trace(
                [
                    (
                        f"/testbed/tests/{ctx.label}/tests.py",
                        rng.randint(30, 900),
                        f"test_{ctx.stem}_regression",
                        "self.assertEqual(result, expected)",
                    )
                ],
                "AssertionError: the regression test still fails against the installed copy",
            )
            return Step(
                "Let me run the Django tests for this area.",
                ctx.test_command,
                out + "\n\nFAILED (failures=1)",
                rc=1,
                seconds=rng.uniform(3, 20),
            )
        conftest = _IN_PACKAGE.get(ctx.run.owner)
        command = rng.choice(
            [
                ctx.test_command,
                ctx.test_command + " -p no:cacheprovider",
                ctx.test_command.replace("-q", "-q --rootdir=/testbed"),
            ]
        )
        if self.init_added and self.state < 2:
            name = f"test_{ctx.stem}"
            out = f"ERROR collecting {ctx.target}\nimport file mismatch:\nimported module '{name}' has this __file__ attribute:\n  {self.location.rsplit('/', 1)[0]}/{ctx.tests_dir}/{name}.py\nwhich is not the same as the test file we want to collect:\n  /testbed/{ctx.target}\nHINT: remove __pycache__ / .pyc files and/or use a unique basename for your test file modules"
            return Step("Let me run the tests.", command, out, rc=2, seconds=2)
        if self.state == 2:
            path = f"/testbed/{conftest or ('conftest.py' if ctx.run.owner == 'sympy' else ctx.tests_dir + '/conftest.py')}"
            frames = [
                (f"{path.removeprefix('/testbed/')}:{rng.randint(5, 20)}: in <module>", f"import {self.top}"),
                (
                    f"{ctx.run.package}/__init__.py:{rng.randint(15, 40)}: in <module>",
                    f'__version__ = version("{ctx.dist}")',
                ),
            ]
            return Step(
                "Let me run the tests.", command, conftest_error(path, frames, self._missing()), rc=4, seconds=2
            )
        if conftest:
            dotted = conftest.removeprefix("lib/").removesuffix(".py").replace("/", ".")
            out = f"ImportError while loading conftest '/testbed/{conftest}'.\n_pytest.pathlib.ImportPathMismatchError: ('{dotted}', '{self.location}/{conftest.split('/', 1 if not conftest.startswith('lib/') else 2)[-1]}', PosixPath('/testbed/{conftest}'))"
            return Step("Let me run the tests.", command, out, rc=4, seconds=2)
        out = f"F{'.' * rng.randint(5, 40)}{' ' * 10}[100%]\n{' FAILURES '.center(80, '=')}\n{f' test_{ctx.stem} '.center(80, '_')}\n\n"
        out += f"{self.stale(ctx.source)}:{rng.randint(40, 900)}: in {ctx.stem}\nE   AssertionError\n{' short test summary info '.center(80, '=')}\nFAILED {ctx.target}::test_{ctx.stem} - AssertionError\n1 failed, {rng.randint(5, 40)} passed in {rng.uniform(0.5, 9):.2f}s"
        return Step("Let me run the tests.", command, out, rc=1, seconds=3)

    def uninstall(self) -> Step:
        if self.state == 0:
            self.state = 1
            out = f"Found existing installation: {self.ctx.dist} {self.version}\nUninstalling {self.ctx.dist}-{self.version}:\n  Successfully uninstalled {self.ctx.dist}-{self.version}"
            return Step(
                f"A non-editable copy of {self.ctx.dist} in site-packages shadows the checkout. Let me uninstall it.",
                f"pip uninstall -y {self.ctx.dist}",
                out,
                seconds=2,
            )
        return Step(
            "Let me make sure no installed copy is left.",
            f"pip uninstall -y {self.ctx.dist}",
            f"WARNING: Skipping {self.ctx.dist} as it is not installed.",
            seconds=1.5,
        )

    def clean_build(self) -> Step:
        thought = "There's a stale build/lib copy being picked up. Let me remove the build directory and the leftover .pth entry."
        if self.state == 0:
            thought = "An old build/ directory could also be shadowing the checkout. Let me remove it and any .pth entry pointing at it."
        if self.state == 1:
            self.state = 2
        return Step(
            thought,
            f"rm -rf /testbed/build && sed -i '\\#/testbed/build/lib#d' {self.ctx.site}/easy-install.pth",
            "",
            seconds=0.5,
        )

    def editable(self) -> Step:
        dist = self.ctx.dist
        if self.rng.random() < 0.5:
            out = "Obtaining file:///testbed\n  Installing build dependencies ... error\n  error: subprocess-exited-with-error\n\n  × pip subprocess to install build dependencies did not run successfully.\n  │ exit code: 1\n  ╰─> [2 lines of output]\n      ERROR: Could not find a version that satisfies the requirement setuptools>=61.2 (from versions: none)\n      ERROR: No matching distribution found for setuptools>=61.2\n      [end of output]"
            return Step(
                "The right fix is an editable install of the checkout. Let me do that.",
                "cd /testbed && pip install -e .",
                out,
                rc=1,
                seconds=self.rng.uniform(5, 20),
            )
        out = f'Obtaining file:///testbed\n  Preparing metadata (setup.py) ... error\n  error: subprocess-exited-with-error\n\n  × python setup.py egg_info did not run successfully.\n  │ exit code: 1\n  ╰─> [6 lines of output]\n      Traceback (most recent call last):\n        File "<string>", line 2, in <module>\n        File "<pip-setuptools-caller>", line 34, in <module>\n        File "/testbed/setup.py", line {self.rng.randint(20, 90)}, in <module>\n      LookupError: setuptools-scm was unable to detect version for /testbed.\n      [end of output]\n\n  note: This error originates from a subprocess, and is likely not a problem with pip.\nerror: metadata-generation-failed\n\n× Encountered error while generating package metadata.\n╰─> See above for output.'
        return Step(
            f"Without build isolation then, so pip uses the setuptools that is already installed for {dist}.",
            "cd /testbed && pip install --no-build-isolation -e .",
            out,
            rc=1,
            seconds=self.rng.uniform(3, 12),
        )

    def pythonpath(self) -> Step:
        choice = self.rng.randrange(3)
        if choice == 0:
            return Step(
                "Let me put the checkout first on the import path.",
                "export PYTHONPATH=/testbed:$PYTHONPATH && echo $PYTHONPATH",
                "/testbed:",
                seconds=0.1,
            )
        if choice == 1:
            step = self.repro()
            return Step(
                "Let me run the script with the checkout on PYTHONPATH.",
                f"cd /tmp && PYTHONPATH=. python {self.script}",
                step.output,
                rc=step.rc,
                seconds=0.8,
            )
        step = self.tests()
        return Step(
            "Let me run the tests with the checkout explicitly on PYTHONPATH.",
            f"cd /testbed && PYTHONPATH=/testbed {step.command.removeprefix('cd /testbed && ')}",
            step.output,
            rc=step.rc,
            seconds=2,
        )

    def insert(self) -> Step:
        self.inserted = True
        return Step(
            "I'll make the script insert the checkout at the front of sys.path itself.",
            f"sed -i '1i import sys; sys.path.insert(0, \"/testbed/{self.ctx.run.package.rsplit('/', 1)[0] if '/' in self.ctx.run.package else ''}\")' {self.script}".replace(
                '/testbed/")', '/testbed")'
            ),
            "",
            seconds=0.1,
        )

    def init_file(self) -> Step:
        self.init_added = not self.init_added
        path = f"/testbed/{self.ctx.tests_dir}/__init__.py"
        if self.init_added:
            return Step(
                "pytest may be importing the test module by basename; making the tests directory a package should pin it to the checkout.",
                f"touch {path}",
                "",
                seconds=0.1,
            )
        return Step("The __init__.py made it worse. Let me remove it again.", f"rm {path}", "", seconds=0.1)

    def pycache(self) -> Step:
        return Step(
            "Stale bytecode could be involved. Let me clear all __pycache__ directories.",
            "cd /testbed && find . -name __pycache__ -type d -prune -exec rm -rf {} + && echo done",
            "done",
            seconds=1,
        )

    def write(self) -> Step:
        ctx, top = self.ctx, self.top
        dotted = ctx.dotted.removeprefix("src.")
        body = (
            f'import {top}\nprint({top}.__name__, {top}.__version__, "from", {top}.__file__)\nimport filecmp\nimport {dotted} as mod\n\n'
            f'same = filecmp.cmp(mod.__file__, "/testbed/{ctx.source}", shallow=False)\nprint("checkout code in use" if same else f"STALE COPY: {{mod.__file__}} differs from /testbed/{ctx.source}")\n'
        )
        return Step(
            self.rng.choice(
                [
                    "Let me check from outside the repository, the way a user would import it, that the imported module is the checkout's file.",
                    f"Before going further, let me make sure `import {top}` outside /testbed really picks up the checkout and not some other copy.",
                ]
            ),
            f"cat > {self.script} <<'EOF'\n{body}EOF\ncd /tmp && python {self.script}",
            self.repro().output,
            seconds=0.8,
        )

    # Looks.

    def where(self) -> Step:
        cwd = self.rng.choice(["/tmp", "/"])
        command = f'cd {cwd} && python -c "import {self.top}; print({self.top}.__file__)"'
        if self.state == 2:
            return Step(
                "Which copy does Python import outside the checkout?",
                command,
                trace(
                    [("<string>", 1, "<module>", "")],
                    self._missing() if self.ctx.django else f"ModuleNotFoundError: No module named '{self.top}'",
                ),
                rc=1,
                seconds=0.5,
            )
        return Step(
            "Which copy does Python import outside the checkout?", command, f"{self.location}/__init__.py", seconds=0.5
        )

    def show(self) -> Step:
        if self.state == 0:
            out = f"Name: {self.ctx.dist}\nVersion: {self.version}\nLocation: {self.ctx.site}\nEditable project location: \nRequires: "
            return Step("Let me see how it's installed.", f"pip show {self.ctx.dist} 2>&1 | head -6", out, seconds=1)
        return Step(
            "Let me see how it's installed.",
            f"pip show {self.ctx.dist} 2>&1 | head -6",
            f"WARNING: Package(s) not found: {self.ctx.dist}",
            seconds=1,
        )

    def pth(self) -> Step:
        out = "/testbed/build/lib" if self.state == 1 else ""
        return Step(
            "Is a .pth file adding paths?",
            f"cat {self.ctx.site}/easy-install.pth; ls {self.ctx.site} | grep -i -E '{self.top}|editable|\\.pth$'",
            "\n".join(
                filter(
                    None,
                    [
                        out,
                        "distutils-precedence.pth",
                        "easy-install.pth",
                        *(
                            [f"{self.top}", f"{self.ctx.dist.replace('-', '_')}-{self.version}.dist-info"]
                            if self.state == 0
                            else []
                        ),
                    ],
                )
            ),
            seconds=0.3,
        )

    def syspath(self) -> Step:
        py = self.ctx.py
        rows = [
            "",
            f"/opt/miniconda3/envs/testbed/lib/python{py.replace('.', '')}.zip",
            f"/opt/miniconda3/envs/testbed/lib/python{py}",
            f"/opt/miniconda3/envs/testbed/lib/python{py}/lib-dynload",
            self.ctx.site,
        ]
        if self.state == 1:
            rows.append("/testbed/build/lib")
        return Step(
            "What's on sys.path from /tmp?",
            "cd /tmp && python -c \"import sys; print('\\n'.join(sys.path))\"",
            "\n".join(rows),
            seconds=0.3,
        )


def import_path_maze(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    maze = Maze(ctx, rng)
    tail = Tail(rng, length)
    tail.add(maze.write())
    attempts = [
        maze.uninstall,
        maze.clean_build,
        maze.editable,
        maze.editable,
        maze.pythonpath,
        maze.pythonpath,
        maze.pycache,
    ]
    if not ctx.django:
        attempts.append(maze.init_file)
    if ctx.run.owner in C_SOURCES:
        attempts.append(maze.insert)
    deck, looks, checks = (
        Deck(rng, attempts),
        Deck(rng, [maze.where, maze.show, maze.pth, maze.syspath]),
        Deck(rng, [maze.repro, maze.tests]),
    )
    while not tail.full:
        last = tail.steps[-1]
        if last.output == "" or last.command.startswith(("pip uninstall", "touch", "rm ")):
            tail.add(checks.deal()())
        elif rng.random() < 0.3:
            tail.add(looks.deal()())
        else:
            tail.add(deck.deal()())
    return tail.end(
        rng.choice(
            [
                f"importing {maze.top} from the checkout",
                "the import path problems",
                f"making Python and pytest use the checkout's {maze.top}",
            ]
        )
    )

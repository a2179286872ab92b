"""subprocess-env-leak: a child process that never sees the PATH, variables or directory the agent sets up."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout24.text import Ctx, Deck, assemble, report, run_pytest, timing, traceback

# The console script a repository's code or tests run, and a variable the child reads.
TOOLS = {
    "django": ("django-admin", "DJANGO_SETTINGS_MODULE", "test_sqlite"),
    "sphinx-doc": ("sphinx-build", "SOURCE_DATE_EPOCH", "1700000000"),
    "pytest-dev": ("pytest", "PYTEST_ADDOPTS", "-p no:cacheprovider"),
    "pylint-dev": ("pylint", "PYLINTHOME", "/tmp/pylint-home"),
    "sympy": ("isympy", "SYMPY_USE_CACHE", "no"),
    "matplotlib": ("python", "MPLCONFIGDIR", "/tmp/mplconfig"),
    "mwaskom": ("python", "MPLBACKEND", "Agg"),
    "scikit-learn": ("python", "SCIKIT_LEARN_DATA", "/tmp/sklearn_data"),
    "astropy": ("python", "XDG_CONFIG_HOME", "/tmp/astropy-config"),
    "pydata": ("python", "XARRAY_TEST_DATA", "/testbed/xarray/tests/data"),
    "psf": ("python", "REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"),
    "pallets": ("flask", "FLASK_APP", "tests/test_apps/cliapp/app.py"),
}
BIN = "/opt/miniconda3/envs/testbed/bin"


class Child:
    """The subprocess the code spawns: the environment it is given, and how it fails."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.tool, self.var, self.value = TOOLS[ctx.run.owner]
        self.func = rng.choice([f"run_{ctx.stem}_tool", f"_spawn_{ctx.stem}", "call_helper"])
        self.test = ctx.test_path("subprocess")
        self.case = rng.choice(["test_helper_runs", "test_tool_output", "test_subprocess_roundtrip"])
        self.line = rng.randint(60, 700)
        self.env_line = rng.randint(20, 60)
        self.passed = rng.randint(2, 8)
        self.path_ok = self.var_ok = self.cwd_ok = False
        self.leaky = self.shell = self.which = self.import_key = False
        self.runs = 0
        self.argv = [self.tool, "--version"] if self.tool != "python" else ["python", "-m", ctx.dotted, "--check"]

    def error(self) -> tuple[list[str], str, list[str]]:
        """The test's error lines, its one-line summary and what the child wrote to stderr."""
        argv = repr(self.argv)
        if self.leaky:
            line = f"assert '{self.var.split('_')[0]}_SECRET_TOKEN' not in child_env"
            return [f"AssertionError: {line}"], f"AssertionError: {line}", []
        if not self.path_ok:
            if self.which:
                message = "TypeError: expected str, bytes or os.PathLike object, not NoneType"
                return [message], message, []
            if self.shell:
                message = (
                    f"subprocess.CalledProcessError: Command '{' '.join(self.argv)}' returned non-zero exit status 127."
                )
                return [message], message, [f"/bin/sh: 1: {self.tool}: not found"]
            message = f"FileNotFoundError: [Errno 2] No such file or directory: '{self.tool}'"
            return [message], message, []
        message = f"subprocess.CalledProcessError: Command '{argv}' returned non-zero exit status 1."
        if not self.var_ok:
            frames = [
                (
                    f"/testbed/{self.ctx.source}",
                    self.rng.randint(20, 60),
                    "<module>",
                    f'_CONFIG = os.environ["{self.var}"]',
                )
            ]
            return [message], message, traceback(frames, f"KeyError: '{self.var}'").splitlines()
        missing = (
            f"FileNotFoundError: [Errno 2] No such file or directory: '{self.ctx.tests_dir}/data/{self.ctx.stem}.cfg'"
        )
        return (
            [message],
            message,
            traceback(
                [(f"/testbed/{self.ctx.source}", self.rng.randint(60, 200), "_load", "with open(path) as fh:")], missing
            ).splitlines(),
        )

    def failing(self, prefix: str = "") -> Step:
        self.runs += 1
        rng = self.rng
        thought = (
            rng.choice(
                [
                    f"Let me run the tests that exercise `{self.func}`.",
                    f"Now I'll run `{self.test}`, which spawns the helper process.",
                ]
            )
            if self.runs == 1
            else rng.choice(
                [
                    "Running the test again.",
                    "Let me check whether the child process sees it now.",
                    f"Re-running `{self.case}`.",
                    "Trying the test again.",
                ]
            )
        )
        if self.import_key:
            frames = [
                (
                    f"/testbed/{self.ctx.source}",
                    self.env_line,
                    "<module>",
                    f'_ENV = {{"PATH": os.environ["PATH"], "{self.var}": os.environ["{self.var}"]}}',
                )
            ]
            output = f"ImportError while loading conftest '/testbed/{self.ctx.tests_dir}/conftest.py'.\n" + traceback(
                frames, f"KeyError: '{self.var}'"
            ).replace("Traceback (most recent call last):\n", "")
            return Step(thought, f"{prefix}python -m pytest {self.test}", output, rc=4, seconds=timing(rng, 1, 3))
        errors, summary, stderr = self.error()
        code = [f"def {self.case}(tmp_path):", f"    out = {self.func}(tmp_path)", "    assert out.returncode == 0"]
        inner = [
            f"def {self.func}(workdir):",
            f"    return subprocess.run({self.argv!r}, env=_ENV, cwd=workdir, check=True, capture_output=True, text=True)",
        ]
        kind = errors[0].split(":")[0].rsplit(".", 1)[-1]
        if self.leaky:
            body = report(
                [
                    (
                        [
                            "def test_env_is_sanitized(tmp_path):",
                            f"    child_env = {self.func}_env(tmp_path)",
                            "    " + errors[0].split(": ", 1)[1],
                        ],
                        2,
                        f"{self.test}:{rng.randint(30, 80)}",
                    )
                ],
                errors,
                kind,
            )
            case = "test_env_is_sanitized"
        else:
            body = report(
                [(code, 1, f"{self.test}:{rng.randint(10, 30)}"), (inner, 1, f"{self.ctx.source}:{self.line}")],
                errors,
                kind,
            )
            case = self.case
        if stderr:
            body += ["-" * 29 + " Captured stderr call " + "-" * 29, *stderr]
        command, output = run_pytest(self.ctx, rng, self.test, self.passed, [(case, body, summary)], case)
        return Step(thought, prefix + command, output, rc=1, seconds=timing(rng, 1, 5))


def subprocess_env_leak(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    c = Child(ctx, rng)
    export = f"export {c.var}={c.value}"

    def export_alone(k: int) -> Step:
        return Step(f"The child needs `{c.var}`. I'll export it.", export, "")

    def export_run(k: int) -> Step:
        step = c.failing(f"{export} && ")
        step.thought = (
            "Each command runs in a fresh shell, so the export has to be in the same command as the test run."
        )
        return step

    def conftest(k: int) -> Step:
        return Step(
            f"I'll set `{c.var}` (and extend PATH) in conftest.py so every test process has it.",
            f'cat >> {ctx.tests_dir}/conftest.py <<\'EOF\'\n\nimport os\nos.environ.setdefault("{c.var}", "{c.value}")\nos.environ["PATH"] = "{BIN}:" + os.environ["PATH"]\nEOF',
            "",
        )

    def monkeypatch(k: int) -> Step:
        return Step(
            "Using monkeypatch in the test itself is cleaner than touching conftest.",
            f"sed -i 's/^def {c.case}(tmp_path):/def {c.case}(tmp_path, monkeypatch):\\n    monkeypatch.setenv(\"{c.var}\", \"{c.value}\")/' {c.test} && grep -n -A2 'def {c.case}' {c.test}",
            f'{rng.randint(10, 30)}:def {c.case}(tmp_path, monkeypatch):\n{rng.randint(10, 30)}-    monkeypatch.setenv("{c.var}", "{c.value}")',
        )

    def env_all(k: int) -> Step:
        c.path_ok = c.var_ok = c.leaky = True
        c.shell = c.which = c.import_key = False
        return Step(
            "`_ENV` is a fixed dict built at import, so nothing I set reaches the child. I'll pass the current environment instead.",
            f"sed -i 's/env=_ENV, /env=dict(os.environ), /' {ctx.source} && grep -n 'subprocess.run' {ctx.source}",
            f"{c.line + 1}:    return subprocess.run({c.argv!r}, env=dict(os.environ), cwd=workdir, check=True, capture_output=True, text=True)",
        )

    def env_path(k: int) -> Step:
        c.path_ok, c.leaky, c.which = True, False, False
        return Step(
            f"The child's PATH is just /usr/bin:/bin, so `{c.tool}` in {BIN} isn't found. I'll put the interpreter's bin directory on the child's PATH.",
            f'sed -i \'s|^_ENV = .*|_ENV = {{"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"])}}|\' {ctx.source} && grep -n \'^_ENV\' {ctx.source}',
            f'{c.env_line}:_ENV = {{"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"])}}',
        )

    def env_var(k: int) -> Step:
        c.leaky = False
        if rng.random() < 0.5:
            c.import_key = True
        else:
            c.var_ok = True
        return Step(
            f"`{c.var}` has to be forwarded explicitly. Adding it to `_ENV`.",
            f"sed -i 's|^_ENV = {{|_ENV = {{\"{c.var}\": os.environ[\"{c.var}\"], |' {ctx.source} && grep -n '^_ENV' {ctx.source}",
            f'{c.env_line}:_ENV = {{"{c.var}": os.environ["{c.var}"], "PATH": "/usr/bin:/bin"}}',
        )

    def cwd(k: int) -> Step:
        c.cwd_ok, c.import_key = True, False
        if c.path_ok and c.var_ok and not c.leaky:
            c.leaky = True  # the agent widens the environment again to get the config file found
        return Step(
            "The child runs in the test's tmp_path, so the relative config path doesn't resolve. I'll resolve it against the repository root before spawning.",
            f"sed -i 's/cwd=workdir, /cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), /' {ctx.source}",
            "",
        )

    def shell(k: int) -> Step:
        c.path_ok, c.shell, c.which = False, True, False
        return Step(
            "Maybe running through the shell picks up the PATH properly.",
            f"sed -i 's/subprocess.run({c.argv!r}, /subprocess.run({' '.join(c.argv)!r}, shell=True, /' {ctx.source}",
            "",
        )

    def which(k: int) -> Step:
        c.path_ok, c.which, c.shell = False, True, False
        return Step(
            f"I'll resolve `{c.tool}` to an absolute path with `shutil.which` at import time.",
            f"sed -i 's/^_ENV = /_TOOL = shutil.which(\"{c.tool}\", path=\"\\/usr\\/bin:\\/bin\")\\n_ENV = /' {ctx.source} && grep -n '_TOOL' {ctx.source}",
            f'{rng.randint(20, 60)}:_TOOL = shutil.which("{c.tool}", path="/usr/bin:/bin")',
        )

    def symlink(k: int) -> Step:
        return Step(
            f"Simplest might be to make `{c.tool}` available in a standard location.",
            f"ln -sf {BIN}/{c.tool} /usr/local/bin/{c.tool} && ls -la /usr/local/bin/{c.tool}",
            f"lrwxrwxrwx 1 root root {len(BIN) + len(c.tool) + 1} {rng.choice(['Mar', 'Apr', 'Nov'])} {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} /usr/local/bin/{c.tool} -> {BIN}/{c.tool}",
        )

    def revert(k: int) -> Step:
        c.path_ok = c.var_ok = c.cwd_ok = c.leaky = c.shell = c.which = c.import_key = False
        return Step(
            "Let me undo the environment changes to the module and take stock.",
            f"git checkout -- {ctx.source} && git stash list | head -n 3",
            "",
        )

    def look_env(k: int) -> Step:
        path = f"{BIN}:/opt/miniconda3/condabin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        if rng.random() < 0.5:
            return Step(
                f"Is `{c.var}` actually set in the shell?",
                f'env | grep -i {c.var.split("_")[0]} ; echo "PATH=$PATH"',
                f"PATH={path}",
            )
        return Step(
            "What does a Python process started from this shell see?",
            f"python -c \"import os; print(os.environ.get('{c.var}')); print(os.environ['PATH'])\"",
            f"None\n{path}",
        )

    def look_which(k: int) -> Step:
        return Step(
            f"Where does `{c.tool}` live?",
            f"which -a {c.tool}; ls -la {BIN}/{c.tool}",
            f"{BIN}/{c.tool}\n-rwxr-xr-x 1 root root {rng.randint(200, 900)} {rng.choice(['Jan', 'Sep', 'Oct'])} {rng.randint(1, 28):2d}  2024 {BIN}/{c.tool}",
        )

    def look_code(k: int) -> Step:
        return Step(
            f"Let me look at how `{c.func}` builds the child's environment.",
            f"grep -n '_ENV\\|subprocess\\|environ' {ctx.source} | head -n 12",
            f'{rng.randint(1, 15)}:import subprocess\n{c.env_line}:_ENV = {{"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}}\n{c.line + 1}:    return subprocess.run({c.argv!r}, env=_ENV, cwd=workdir, check=True, capture_output=True, text=True)',
        )

    attempts = Deck(
        rng,
        [
            export_alone,
            export_run,
            conftest,
            monkeypatch,
            env_all,
            env_path,
            env_var,
            cwd,
            shell,
            which,
            symlink,
            revert,
        ],
    )
    looks = Deck(rng, [look_env, look_which, look_code])

    def round_(i: int) -> list[Step]:
        attempt = attempts.draw()
        steps = [attempt(i)]
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        if attempt is not export_run:
            steps.append(c.failing())
        return steps

    return assemble(rng, n, [c.failing(), look_code(0)], round_, "the subprocess not seeing the environment")

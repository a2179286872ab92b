"""removed-api-shims and api-shimmed: an upgrade leaves old code calling APIs its libraries have removed.

Each fix of one call lets the import go one module deeper, to the next removed API; shims cover some of them,
pins bring their own trouble, and reinstalling a patched package undoes the patch.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.removed import (
    DOCS_CALLS,
    GENERAL_CALLS,
    NUMERIC_CALLS,
    PY310_CALLS,
    PY311_CALLS,
    WEB_CALLS,
    Removed,
    stack,
)
from heldout23.text import Ctx, Deck, Tail, conftest_error, tests_pass, trace

# What the agent upgraded before the tests started failing, and the package everything is reached through.
_UPGRADES = {
    "numeric": ("scikit-image", "numpy-1.26.4 scikit-image-0.18.3 imageio-2.9.0 networkx-2.5.1", "skimage"),
    "docs": (
        "sphinx-autodoc-typehints",
        "Jinja2-3.1.4 MarkupSafe-2.1.5 sphinx-autodoc-typehints-1.12.0",
        "sphinx.application",
    ),
    "web": (
        "pytest-httpbin",
        "Werkzeug-3.0.1 Jinja2-3.1.4 itsdangerous-2.1.2 MarkupSafe-2.1.5 pytest-httpbin-2.0.0",
        "pytest_httpbin",
    ),
}

_CONFTEST = {
    "astropy": "astropy/conftest.py",
    "matplotlib": "lib/matplotlib/testing/conftest.py",
    "scikit-learn": "sklearn/conftest.py",
    "pydata": "xarray/tests/conftest.py",
    "mwaskom": "tests/conftest.py",
}

_REQUIRES = {"numeric": "numpy, scipy", "docs": "docutils, Sphinx", "web": "Flask, Werkzeug"}
_SHIMS = {
    "numpy": "import numpy as np\nfor _name, _type in (('float', float), ('int', int), ('bool', bool), ('object', object)):\n    if not hasattr(np, _name):\n        setattr(np, _name, _type)",
    "jinja2": "import jinja2, markupsafe\njinja2.Markup = markupsafe.Markup\njinja2.escape = markupsafe.escape\njinja2.contextfunction = jinja2.pass_context\njinja2.environmentfilter = jinja2.pass_environment",
    "markupsafe": "import markupsafe\nmarkupsafe.soft_unicode = markupsafe.soft_str",
    "werkzeug": "import werkzeug.wrappers\nwerkzeug.wrappers.BaseResponse = werkzeug.wrappers.Response",
    "itsdangerous": "import itsdangerous, json\nitsdangerous.json = json",
    "collections": "import collections, collections.abc\nfor _name in ('Mapping', 'MutableMapping', 'Sequence', 'Callable', 'Iterable'):\n    setattr(collections, _name, getattr(collections.abc, _name))",
    "scipy": "import scipy, numpy\nscipy.rand = numpy.random.rand",
}


class Upgrade:
    """The environment after the upgrade: the removed calls still ahead, and those the agent has patched."""

    def __init__(self, ctx: Ctx, rng: random.Random, count: int) -> None:
        self.ctx, self.rng = ctx, rng
        self.stack = stack(ctx)
        own = {"numeric": NUMERIC_CALLS, "docs": DOCS_CALLS, "web": WEB_CALLS}[self.stack]
        self.spare = (
            own[:]
            + rng.sample(GENERAL_CALLS, 2)
            + (PY310_CALLS if ctx.minor >= 10 else [])
            + (PY311_CALLS if ctx.minor >= 11 else [])
        )
        # The stack's own calls come first, in the order an import meets them; the rest as they come.
        rooted = [r for r in self.spare if r.rooted][: max(2, count - 1)]
        others = [r for r in self.spare if not r.rooted]
        rng.shuffle(others)
        self.chain = rooted + others[: max(0, count - len(rooted))]
        self.spare = [r for r in self.spare if r not in self.chain]
        self.done: set[int] = set()  # the calls patched, shimmed or pinned away
        self.abi = False
        self.tool, self.upgraded, self.root = _UPGRADES[self.stack]
        self.conftest = _CONFTEST.get(ctx.run.owner, "tests/conftest.py")
        self.shimmed: set[str] = set()

    def fmt(self, text: str) -> str:
        return text.replace("{site}", self.ctx.site).replace("{py}", self.ctx.py)

    @property
    def pos(self) -> int:
        """The first call the import still meets."""
        return next((i for i in range(len(self.chain)) if i not in self.done), len(self.chain))

    @property
    def now(self) -> Removed:
        return self.chain[self.pos]

    def upgrade(self) -> Step:
        names = " ".join(p.rsplit("-", 1)[0] for p in self.upgraded.split())
        return Step(
            self.rng.choice(
                [
                    f"Let me install `{self.tool}` so I can exercise this the way the issue describes.",
                    f"I'll upgrade `{self.tool}` to the current release; the report used a newer version.",
                ]
            ),
            f"pip install -U {self.tool}",
            f"Collecting {self.tool}\nInstalling collected packages: {names}\nSuccessfully installed {self.upgraded}",
            seconds=self.rng.uniform(8, 30),
        )

    def _path(self, path: str) -> str:
        return (
            path.removeprefix("/testbed/") if path.startswith("/testbed/") else self.fmt(path) if "{" in path else path
        )

    def _chain(self) -> list[tuple[str, int, str]]:
        """The frames (file, line, code) from the conftest's import down to the current removed call."""
        now, site = self.now, self.ctx.site
        frames = [
            (
                f"/testbed/{self.conftest}",
                9 + len(now.top if not now.rooted else self.root) % 13,
                f"import {self.root if now.rooted else now.top}",
            )
        ]
        if now.rooted and now.top != self.root:
            root = "/testbed/sphinx/application.py" if self.stack == "docs" else f"{site}/{self.root}/__init__.py"
            frames.append((root, 20 + sum(map(ord, now.top)) % 120, f"import {now.top}"))
        if now.via:
            rel = (
                now.submodule[len(now.top) + 1 :]
                if now.submodule.startswith(now.top + ".")
                else now.submodule.rsplit(".", 1)[-1]
            )
            package, _, name = rel.rpartition(".")
            frames.append(
                (
                    f"{site}/{now.top.replace('.', '/')}/__init__.py",
                    now.via,
                    f"from .{package} import {name}" if package else f"from .{name} import *",
                )
            )
        frames.append((now.where(site), now.line, now.code))
        return frames

    def run(self, thought: str) -> Step:
        ctx = self.ctx
        if self.abi:
            error = "ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject"
            frames = [
                (f"{self.conftest}:5: in <module>", f"import {ctx.run.module}"),
                (
                    f"{ctx.run.package}/__init__.py:{40 + len(ctx.run.package)}: in <module>",
                    "from . import _distributor_init"
                    if ctx.run.owner == "scikit-learn"
                    else f"from .{ctx.stem} import *",
                ),
            ]
        else:
            error = self.fmt(self.now.error)
            frames = [(f"{self._path(path)}:{line}: in <module>", code) for path, line, code in self._chain()]
        out = conftest_error(f"/testbed/{self.conftest}", frames, error.replace("\n", "\nE   "))
        return Step(thought, ctx.test_command, out, rc=4, seconds=self.rng.uniform(1, 6))

    def probe(self) -> Step:
        """The import on its own, outside pytest."""
        frames = [
            ("<string>", 1, "<module>", ""),
            *((path, line, "<module>", code) for path, line, code in self._chain()[1:]),
        ]
        top = self.root if self.now.rooted else self.now.top
        return Step(
            "Let me reproduce the import failure outside pytest to see the whole chain.",
            f'python -c "import {top}"',
            trace(frames, self.fmt(self.now.error)),
            rc=1,
            seconds=0.8,
        )

    def grep(self) -> Step:
        now = self.now
        path = now.where(self.ctx.site)
        return Step(
            f"Let me find the offending line in `{path.rsplit('/', 1)[-1]}`.",
            f"grep -n '{now.needle}' {path}",
            f"{now.line}:{now.code}",
            seconds=0.1,
        )

    def show(self) -> Step:
        now = self.now
        return Step(
            f"Which version of {now.package} is this, and what does it require?",
            f"pip show {now.package} | grep -E '^(Name|Version|Location|Requires)'",
            f"Name: {now.package}\nVersion: {now.version}\nLocation: {self.ctx.site}\nRequires: {_REQUIRES[self.stack]}",
            seconds=0.6,
        )

    def patch(self) -> Step:
        now, path = self.now, self.now.where(self.ctx.site)
        old, new = now.code, now.fixed
        pattern = "".join("\\" + c if c in "/[].*^$\\" else c for c in old)
        replacement = "".join("\\" + c if c in "/&\\" else c for c in new)
        command = f"sed -i '{now.line}s/{pattern}/{replacement}/' {path}"
        if "'" in old + new:
            command = f"python - <<'EOF'\np = '{path}'\nlines = open(p).read().split('\\n')\nlines[{now.line - 1}] = lines[{now.line - 1}].replace({old!r}, {new!r})\nopen(p, 'w').write('\\n'.join(lines))\nEOF"
        thought = self.rng.choice(
            [
                f"`{old}` doesn't work with the installed libraries any more. I'll patch that line in place.",
                f"This is {now.package} calling an API that has been removed. Patching the call at line {now.line}.",
            ]
        )
        if path.startswith("/testbed/"):
            thought = f"The checkout's own `{path[9:]}` imports a name the upgraded {now.package} no longer has. Let me update that import."
        self.done.add(self.pos)
        return Step(thought, command, "", seconds=0.1)

    def shim(self) -> Step:
        kind = self.now.shim
        if kind is None:
            return self.patch()
        body = _SHIMS[kind]
        command = f"cat >> {self.ctx.site}/sitecustomize.py <<'EOF'\n{body}\nEOF"
        if kind not in self.shimmed:
            self.shimmed.add(kind)
            self.done.update(i for i, r in enumerate(self.chain) if r.shim == kind)
        return Step(
            "Rather than patching every call, let me put the removed names back once, in a sitecustomize.py that runs at interpreter start.",
            command,
            "",
            seconds=0.1,
        )

    def pin(self) -> Step:
        now = self.now
        if now.shim == "numpy" and self.rng.random() < 0.6:
            self.abi = True
            out = f"Collecting numpy<1.24\n  Using cached numpy-1.23.5-cp{self.ctx.tag[8:]}-cp{self.ctx.tag[8:]}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (17.1 MB)\nInstalling collected packages: numpy\n  Attempting uninstall: numpy\n    Found existing installation: numpy 1.26.4\n    Uninstalling numpy-1.26.4:\n      Successfully uninstalled numpy-1.26.4\nSuccessfully installed numpy-1.23.5"
            return Step(
                "The aliases still exist in numpy before 1.24. Let me pin numpy below that.",
                'pip install "numpy<1.24"',
                out,
                seconds=self.rng.uniform(10, 30),
            )
        name = now.pin.split("<")[0].split(">")[0]
        if not now.pinned:
            wanted = "numpy" if now.shim == "numpy" else name
            out = f"ERROR: Cannot install {now.pin} and {self.tool} because these package versions have conflicting dependencies.\n\nThe conflict is caused by:\n    The user requested {now.pin}\n    {self.tool} depends on {wanted}>={now.version if wanted == name else '1.24'}\n\nTo fix this you could try to:\n1. loosen the range of package versions you've specified\n2. remove package versions to allow pip attempt to solve the dependency conflict\n\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts"
            if "<" not in now.pin and ">" not in now.pin:
                return Step(
                    f"Maybe a newer {name} fixed this. Let me upgrade it.",
                    f"pip install -U {name}",
                    f"Requirement already satisfied: {name} in {self.ctx.site} ({now.version})",
                    seconds=self.rng.uniform(2, 6),
                )
            return Step(
                f"Maybe a different {name} still has what this code needs. Let me pin it.",
                f'pip install "{now.pin}"',
                out,
                rc=1,
                seconds=self.rng.uniform(5, 20),
            )
        self.done.add(self.pos)
        if now.shim and now.shim != "numpy":
            self.done.update(i for i, r in enumerate(self.chain) if r.shim == now.shim)
        return Step(
            f"Let me install {now.pin}, which still provides what this code expects.",
            f'pip install "{now.pin}"',
            f"Collecting {now.pin}\nInstalling collected packages: {name}\n  Attempting uninstall: {name}\nSuccessfully installed {name}-{now.pinned}",
            seconds=self.rng.uniform(5, 20),
        )

    def restore(self) -> Step:
        self.abi = False
        out = "Collecting numpy==1.26.4\nInstalling collected packages: numpy\n  Attempting uninstall: numpy\n    Found existing installation: numpy 1.23.5\n    Uninstalling numpy-1.23.5:\n      Successfully uninstalled numpy-1.23.5\nSuccessfully installed numpy-1.26.4"
        return Step(
            "The older numpy breaks the compiled extensions, which were built against the newer ABI. Let me put it back.",
            "pip install numpy==1.26.4",
            out,
            seconds=self.rng.uniform(10, 30),
        )

    def reinstall(self) -> Step:
        """Reinstalling a patched package puts its removed call back."""
        back = self.rng.choice(self._reinstallable())
        gone = self.chain[back]
        self.done.discard(back)
        out = f"Collecting {gone.package}=={gone.version}\nInstalling collected packages: {gone.package}\n  Attempting uninstall: {gone.package}\n    Found existing installation: {gone.package} {gone.version}\nSuccessfully installed {gone.package}-{gone.version}"
        return Step(
            f"My edits inside site-packages are getting messy. Let me reinstall {gone.package} cleanly and take the errors one at a time.",
            f"pip install --force-reinstall --no-deps {gone.package}=={gone.version}",
            out,
            seconds=self.rng.uniform(4, 15),
        )

    def _reinstallable(self) -> list[int]:
        return sorted(
            i for i in self.done if not self.chain[i].path.startswith("/") and self.chain[i].shim not in self.shimmed
        )

    def reinstallable(self) -> bool:
        return bool(self._reinstallable())

    def deeper(self) -> bool:
        """Past the known calls the import meets one more, while there are any left."""
        self.spare = [r for r in self.spare if r.shim not in self.shimmed]
        if not self.spare:
            return False
        self.chain.append(self.spare.pop(self.rng.randrange(len(self.spare))))
        return True


_AGAIN = [
    "Let me run the tests again.",
    "Again.",
    "Re-running the tests.",
    "Let's see what fails now.",
    "Running the tests once more.",
]


def removed_api_shims(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    env = Upgrade(ctx, rng, rng.randint(4, 6))
    tail = Tail(rng, length)
    tail.add(env.upgrade())
    tail.add(env.run("Now let me run the tests again with the upgraded packages."))
    looks = Deck(rng, [env.grep, env.show, env.probe])
    fixes = Deck(rng, [env.patch, env.patch, env.patch, env.shim, env.pin])
    while not tail.full:
        if env.pos >= len(env.chain) and not (rng.random() < 0.75 and env.deeper()):
            if env.reinstallable():
                tail.add(env.reinstall())
                continue
            assert env.deeper(), "a chain with nothing left to meet"
        last = tail.steps[-1]
        if last.command.startswith(("sed -i", "cat >>", "pip install")):
            tail.add(env.run(rng.choice(_AGAIN)))
        elif env.abi:
            tail.add(env.restore())
        elif rng.random() < 0.3:
            tail.add(looks.deal()())
        elif env.reinstallable() and rng.random() < 0.08:
            tail.add(env.reinstall())
        else:
            tail.add(fixes.deal()())
    return tail.end(
        rng.choice(
            [
                "the removed APIs in the installed libraries",
                "one removed API after another in the dependencies",
                "the library incompatibilities after the upgrade",
            ]
        )
    )


def api_shimmed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two removed APIs met after an upgrade, each replaced at its call; then the tests pass."""
    env = Upgrade(ctx, rng, 6)
    # Code outside the checkout only: the run's own diff stays as it was recorded.
    env.chain = [r for r in env.chain if not r.path.startswith("/")][:2]
    steps = [env.upgrade(), env.run("Let me re-run the tests with the upgraded packages.")]
    if rng.random() < 0.6:
        steps.append(env.grep())
    steps += [env.patch(), env.run(rng.choice(_AGAIN)), env.patch()]
    steps.append(
        Step(
            "Both removed calls are replaced. Running the tests again.",
            ctx.test_command,
            tests_pass(ctx, rng),
            seconds=rng.uniform(3, 30),
        )
    )
    return steps

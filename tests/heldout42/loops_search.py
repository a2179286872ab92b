# ruff: noqa: E501
"""Loops of searching the repository for what isn't there: a setting, an error's text, a method, a directory."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout42.text import Ctx, empty, grep_hits, line, wander


def setting_name_hunt(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The issue names an option the code spells differently; every spelling and every place is grepped but that one."""
    p = ctx.run.package
    first = empty(
        f"The issue mentions the `{ctx.setting}` setting. Let me find where it is read.",
        f'grep -rn "{ctx.setting}" {p}/',
    )
    camel = "".join(w.title() for w in ctx.opt.split("_"))
    spellings = [
        ctx.setting,
        ctx.opt,
        camel,
        ctx.opt.replace("_", "-"),
        f"{ctx.run.module.upper()}_{ctx.setting}",
        ctx.opt.split("_", 1)[1],
        f"{ctx.stem}.{ctx.opt.split('_', 1)[1]}",
    ]
    places = [f"{p}/", "tests/", "docs/", ".", f"{ctx.pkg_dir}/", "setup.cfg pyproject.toml tox.ini"]

    def plain(k: int) -> list[Step]:
        pat, where = rng.choice(spellings), rng.choice(places)
        flags = rng.choice(["-rn", "-rni", "-rnw", "-rIn", "-rn --include=*.py", "-rln"])
        return [
            empty(
                f"Nothing yet. Maybe it is spelled `{pat}` somewhere else; searching {where.split()[0]}.",
                f'grep {flags} "{pat}" {where}',
            )
        ]

    def loose(k: int) -> list[Step]:
        word = ctx.opt.split("_", 1)[1]
        pat = rng.choice(
            [
                f"{ctx.stem}.*{word}",
                f"{word}.*{ctx.stem}",
                f"getattr(settings, .{ctx.stem}",
                f"options.get(.{word}",
                f"kwargs.pop(.{word}",
                f"{word}=",
            ]
        )
        hits = grep_hits(
            rng,
            [
                ctx.source,
                f"{ctx.pkg_dir}/utils.py",
                f"{ctx.pkg_dir}/base.py",
                f"{p}/conf/__init__.py",
                f"{ctx.tests_dir}/test_{ctx.stem}.py",
            ],
            [
                f"    {word} = kwargs.pop('{word}_level', None)",
                f"# TODO: make {word} configurable",
                f"        if self.{word}:",
                f"def _{word}_enabled(obj):",
                f"    '{ctx.stem}_{word}_timeout': 30,",
            ],
            rng.randint(2, 7),
        )
        return [
            Step(
                "Let me loosen the pattern; the name may be built from parts.",
                f"grep -rnE '{pat}' {p}/ | head -{rng.randint(20, 50)}",
                hits if rng.random() < 0.6 else "",
                rc=0,
            )
        ]

    def git_grep(k: int) -> list[Step]:
        pat = rng.choice(spellings)
        tails = ["", ' -- "*.py"', ' -- "*.rst" "*.txt"', f" $(git rev-parse HEAD~{rng.randint(5, 200)})"]
        return [
            empty(
                "Maybe git grep sees something grep skipped (ignored files, odd encodings).",
                f"git grep -n{rng.choice(['', 'i', 'w', 'I'])} '{pat}'{rng.choice(tails)}",
            )
        ]

    def runtime(k: int) -> list[Step]:
        obj = "settings" if ctx.django else ctx.run.module
        imp = "from django.conf import settings; settings.configure()" if ctx.django else f"import {ctx.run.module}"
        name = rng.choice(spellings)
        return [
            Step(
                f"Let me ask the live object whether it has `{name}`.",
                f"python -c \"{imp}; print([a for a in dir({obj}) if '{name.split('_')[-1].lower()}' in a.lower()])\"",
                rng.choice(["[]", f"['_{ctx.stem}_cache']", "['__loader__']"]) + "\n",
            )
        ]

    def docs(k: int) -> list[Step]:
        where = rng.choice(["docs/", "doc/", "CHANGES.rst", "README.rst", "docs/ref/", "doc/source/"])
        return [
            empty(
                "Perhaps the docs describe it under its documented name.",
                f"grep -rn{rng.choice(['', 'i'])} '{rng.choice(spellings)}' {where}",
            )
        ]

    def site(k: int) -> list[Step]:
        return [
            empty(
                "Could the setting come from a dependency instead of the project?",
                f"grep -rln '{rng.choice(spellings)}' {ctx.site}/{rng.choice([ctx.dep, ctx.run.module, '*.dist-info', ''])} 2>/dev/null | head",
            )
        ]

    def env(k: int) -> list[Step]:
        return [
            Step(
                "Maybe it's an environment variable read somewhere.",
                f"grep -rn{rng.choice(['', 'E'])} '{rng.choice(['os.environ', 'getenv', 'environ.get'])}' {p}/ | grep -i{rng.choice(['', 'w'])} {ctx.opt.split('_')[-1]}",
                "",
                rc=1,
            )
        ]

    return wander(
        ctx,
        rng,
        n,
        first,
        [plain, plain, loose, git_grep, runtime, docs, site, env],
        f"finding where `{ctx.setting}` is defined",
    )


def error_string_untraceable(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An error message the code assembles at run time: each piece of its text grepped, never the whole."""
    p = ctx.run.package
    dims = rng.randint(2, 5)
    msg = f"Cannot {ctx.verb} {ctx.stem} with {dims} dimensions (got 'float64')"
    first = empty(f"The traceback says `{msg}`. Let me find where that message is raised.", f'grep -rn "{msg}" {p}/')
    pieces = [
        f"Cannot {ctx.verb} {ctx.stem}",
        f"with {dims} dimensions",
        "dimensions (got",
        f"Cannot {ctx.verb}",
        f"{ctx.stem} with",
        "(got '",
        "dimensions",
    ]

    def piece(k: int) -> list[Step]:
        pat = rng.choice(pieces)
        flags = rng.choice(["-rn", "-rnF", "-rni", "-rn --include=*.py", "-rnw"])
        hits = grep_hits(
            rng,
            [f"{ctx.pkg_dir}/{f}" for f in ("base.py", "utils.py", "core.py", "_validation.py")] + [ctx.source],
            [
                "raise ValueError('dimensions must match')",
                "# dimensions (got ...) handled by caller",
                "        msg = 'expected %d dimensions' % ndim",
                "    '''Number of dimensions.'''",
            ],
            rng.randint(3, 9),
        )
        found = "dimensions" in pat and rng.random() < 0.6
        return [
            Step(
                f"Only part of the message may be literal. Searching for `{pat}`.",
                f'grep {flags} "{pat}" {p}/{rng.choice(["", " | head -40", " | grep -v test"])}',
                hits if found else "",
                rc=0 if found else 1,
            )
        ]

    def regex(k: int) -> list[Step]:
        pat = rng.choice(
            [
                "Cannot %s",
                "Cannot .* with",
                "with %d dim",
                "%s with %d",
                "(got %r)",
                "got %s",
                "Cannot {!s}",
                "got {!r}",
            ]
        )
        return [
            empty(
                "The message is probably %-formatted or a format string. Trying a pattern for that.",
                f"grep -rnE '{pat}' {p}/ {rng.choice(['', '--include=*.py', '--include=*.pyx'])}".rstrip(),
            )
        ]

    def compiled(k: int) -> list[Step]:
        ext = rng.choice(["*.so", "*.pyx", "*.pxd", "*.c"])
        return [
            Step(
                f"Maybe it is raised from compiled code. Looking in {ext} files.",
                f"find {p} -name '{ext}' | xargs grep -l{rng.choice(['', 'a'])} 'dimensions' 2>/dev/null | head",
                rng.choice(["", f"{p}/_{ctx.stem}_fast.c\n"]),
                rc=0,
            )
        ]

    def dep(k: int) -> list[Step]:
        return [
            empty(
                f"Could the message come from {ctx.dep}?",
                f'grep -rn{rng.choice(["", "F"])} "{rng.choice(pieces)}" {ctx.installed}/ 2>/dev/null | head -{rng.randint(10, 30)}',
            )
        ]

    def trace(k: int) -> list[Step]:
        frames = "\n".join(
            f'  File "/testbed/{rng.choice([ctx.source, ctx.pkg_dir + "/base.py", ctx.pkg_dir + "/utils.py"])}", line {line(rng)}, in {rng.choice([ctx.func, "__call__", "_wrapped", "inner"])}'
            for _ in range(rng.randint(3, 6))
        )
        return [
            Step(
                "Let me get the full traceback again and look at the last frames.",
                f"python {rng.choice(['repro.py', '-X dev repro.py', '-W error repro.py', 'repro.py 2>&1 | tail -' + str(rng.randint(12, 30))])}",
                f"Traceback (most recent call last):\n{frames}\nValueError: {msg}\n",
                rc=1,
            )
        ]

    def read(k: int) -> list[Step]:
        at = line(rng, 30, 700)
        f = rng.choice(
            [ctx.pkg_dir + "/base.py", ctx.pkg_dir + "/utils.py", ctx.source, ctx.pkg_dir + "/_validation.py"]
        )
        return [
            Step(
                f"Let me read around line {at} of {f}, the frame the traceback names.",
                f"sed -n '{at},{at + rng.randint(20, 60)}p' {f}",
                "    def _check(self, arr):\n        parts = [_VERB, self.name, 'with', str(arr.ndim)]\n        if arr.ndim > self.max_ndim:\n            raise self._error(*parts, arr.dtype)\n",
            )
        ]

    return wander(
        ctx,
        rng,
        n,
        first,
        [piece, piece, regex, compiled, dep, trace, read],
        "tracing where the error message comes from",
    )


def dynamic_attr_hunt(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A method the traceback names that no `def` defines: grepped for in every form, base class after base class."""
    p = ctx.run.package
    first = empty(
        f"The traceback goes through `{ctx.cls}.{ctx.func}`. Let me find its definition.",
        f'grep -rn "def {ctx.func}" {p}/',
    )
    bases = [f"{ctx.cls}Base", f"{ctx.cls}Mixin", "BaseOptions", "Registry", "Proxy", f"_{ctx.cls}Meta"]

    def forms(k: int) -> list[Step]:
        pat = rng.choice(
            [
                f"{ctx.func} =",
                f"'{ctx.func}'",
                f'"{ctx.func}"',
                f"{ctx.func}(",
                f"\\b{ctx.func}\\b",
                f"_{ctx.func}",
                ctx.func.replace("_", ""),
            ]
        )
        return [
            empty(
                "Not a plain def. Maybe it is assigned or registered by name.",
                f"grep -rn{rng.choice(['', 'E', 'w', 'F'])} '{pat}' {rng.choice([p + '/', ctx.pkg_dir + '/', '.'])}",
            )
        ]

    def magic(k: int) -> list[Step]:
        pat = rng.choice(
            [
                "__getattr__",
                "setattr(",
                "__getattribute__",
                "__init_subclass__",
                "type(",
                "__set_name__",
                "partialmethod",
            ]
        )
        hits = grep_hits(
            rng,
            [f"{ctx.pkg_dir}/{f}" for f in ("base.py", "utils.py", "compat.py", "core.py", "_decorators.py")]
            + [ctx.source],
            [
                f"    def {pat.strip('(')}(self, name):",
                "        setattr(cls, name, _make(name))",
                "    return type(name, bases, ns)",
                "        return getattr(self._wrapped, name)",
            ],
            rng.randint(4, 14),
        )
        return [
            Step(
                f"It could be generated dynamically. Searching for `{pat}`.",
                f"grep -rn '{pat}' {rng.choice([p + '/', ctx.pkg_dir + '/'])} | head -{rng.randint(20, 60)}",
                hits,
            )
        ]

    def base(k: int) -> list[Step]:
        b = rng.choice(bases)
        at = line(rng)
        return [
            Step(
                f"Let me read the base class `{b}` for anything that would create it.",
                f"grep -n 'class {b}' -A {rng.randint(25, 70)} {rng.choice([ctx.pkg_dir + '/base.py', ctx.source, ctx.pkg_dir + '/utils.py'])}",
                f"{at}:class {b}(object):\n{at + 1}-    _registry = {{}}\n{at + 2}-\n{at + 3}-    def __init_subclass__(cls, **kw):\n{at + 4}-        super().__init_subclass__(**kw)\n{at + 5}-        cls._registry[cls.__name__] = cls\n",
            )
            if rng.random() < 0.5
            else empty(f"Maybe it comes from `{b}`.", f"grep -rn 'class {b}' {p}/")
        ]

    def mro(k: int) -> list[Step]:
        return [
            Step(
                "Let me ask Python where the attribute comes from.",
                f"python -c \"import {ctx.dotted} as m; print([c.__name__ for c in m.{ctx.cls}.__mro__]); print('{ctx.func}' in vars(m.{ctx.cls}))\"",
                f"['{ctx.cls}', '{rng.choice(bases)}', 'object']\nFalse\n",
            )
        ]

    def getsrc(k: int) -> list[Step]:
        return [
            Step(
                "inspect should tell me the file and line.",
                f'python -c "import inspect, {ctx.dotted} as m; print(inspect.{rng.choice(["getsourcefile", "getsource", "getsourcelines"])}(m.{ctx.cls}.{ctx.func}))"',
                f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nAttributeError: type object '{ctx.cls}' has no attribute '{ctx.func}'\n",
                rc=1,
            )
        ]

    def tests(k: int) -> list[Step]:
        return [
            empty(
                "Do the tests call it anywhere, so I can see how it's reached?",
                f"grep -rn{rng.choice(['', 'w'])} '{ctx.func}' {rng.choice(['tests/', ctx.tests_dir + '/', 'docs/'])}",
            )
        ]

    return wander(
        ctx, rng, n, first, [forms, forms, magic, base, mro, getsrc, tests], f"finding where `{ctx.func}` is defined"
    )


def listing_sprawl(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Looking for where the feature's tests and fixtures live: one directory listing after another."""
    p = ctx.run.package
    dirs = [
        p,
        ctx.pkg_dir,
        ctx.tests_dir,
        "tests",
        f"{ctx.tests_dir}/data",
        "tests/fixtures",
        f"{p}/tests",
        "docs",
        "examples",
        "benchmarks",
        f"{ctx.pkg_dir}/_impl",
        "tests/regressiontests",
        f"{p}/testing",
    ]
    names = [
        "__init__.py",
        "base.py",
        "utils.py",
        "conftest.py",
        "test_base.py",
        "test_utils.py",
        "data",
        "fixtures",
        f"test_{ctx.stem}_api.py",
        "compat.py",
        "README",
        "test_misc.py",
        "models.py",
        "helpers.py",
    ]
    first = Step(
        f"I need the tests that exercise `{ctx.func}`. Let me look at the tests directory.",
        f"ls {ctx.tests_dir}",
        "\n".join(sorted(rng.sample(names, 8))) + "\n",
    )

    def ls(k: int) -> list[Step]:
        d = rng.choice(dirs)
        if rng.random() < 0.3:
            return [
                Step(
                    f"Maybe under {d}?",
                    f"ls {rng.choice(['', '-la ', '-R ', '-1 '])}{d}",
                    f"ls: cannot access '{d}': No such file or directory\n",
                    rc=2,
                )
            ]
        return [
            Step(
                f"Let me see what is in {d}.",
                f"ls {rng.choice(['', '-la ', '-1 ', '-d */ ', '-t '])}{d}",
                "\n".join(sorted(rng.sample(names, rng.randint(5, 12)))) + "\n",
            )
        ]

    def find(k: int) -> list[Step]:
        ends = ["", "| head -30", '-not -path "*/.git/*"']
        pat = rng.choice(
            [
                f"*{ctx.stem}*",
                f"test_*{ctx.stem[:4]}*",
                "*fixture*",
                f"*{ctx.verb}*",
                "conftest.py",
                "*.json",
                f"*{ctx.cls.lower()}*",
            ]
        )
        hits = "\n".join(f"./{rng.choice(dirs)}/{rng.choice(names)}" for _ in range(rng.randint(0, 6)))
        return [
            Step(
                f"Let me find files named like `{pat}`.",
                f"find {rng.choice(['.', p, 'tests', ctx.tests_dir])} {rng.choice(['', '-maxdepth 3 ', '-type f ', '-type d '])}-name '{pat}' {rng.choice(ends)}".rstrip(),
                hits + ("\n" if hits else ""),
            )
        ]

    def tree(k: int) -> list[Step]:
        d = rng.choice(dirs[:5])
        return [
            Step(
                "A tree view might make the layout clearer.",
                f"tree -L {rng.randint(1, 3)} {d} 2>/dev/null || find {d} -maxdepth {rng.randint(1, 3)} -type d",
                "\n".join(
                    f"{d}/{x}"
                    for x in rng.sample(
                        ["data", "fixtures", "__pycache__", "templates", "static", "_impl", "backends", "helpers"],
                        rng.randint(3, 7),
                    )
                )
                + "\n",
            )
        ]

    def grep_tests(k: int) -> list[Step]:
        return [
            empty(
                "Which test module imports it?",
                f"grep -rl{rng.choice(['', 'w'])} '{rng.choice([ctx.func, ctx.cls, ctx.dotted])}' {rng.choice(['tests/', ctx.tests_dir + '/', p + '/'])} {rng.choice(['', '--include=test_*.py'])}".rstrip(),
            )
        ]

    def wc(k: int) -> list[Step]:
        d = rng.choice(dirs[:4])
        return [
            Step(
                "How big are these test files? Maybe the tests are in a big one.",
                f"wc -l {d}/*.py | sort -n | tail -{rng.randint(5, 15)}",
                "\n".join(f"  {rng.randint(40, 4000)} {d}/{x}" for x in rng.sample(names, 5)) + "\n",
            )
        ]

    return wander(ctx, rng, n, first, [ls, ls, find, tree, grep_tests, wc], f"locating the tests for `{ctx.func}`")

# ruff: noqa: E501
"""Loop family on plugin registries: plugins that register by decorator on import, and nothing imports them."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step
from heldout61.text import Attempt, Ctx, Fail, partial, py_edit

# Plugin names that are also stdlib modules: imported by bare name, the stdlib's is what comes back.
_STDLIB = {"json", "xml", "csv", "ftplib", "http", "html", "pickle"}


def _addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def plugin_registry_stays_empty(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Plugins register themselves by decorator on import, and nothing imports them: each way of importing them breaks another way."""
    a, adot, kind, names = ctx.source, ctx.dotted, ctx.kind, ctx.plugin_names
    sub, subdot = f"{ctx.pkgdir}/{kind}s", f"{ctx.pkg}.{kind}s"
    rel = "." if a.endswith("__init__.py") else f".{ctx.modname}"
    reg, get = f"register_{kind}", f"get_{kind}"
    body = f"_{kind}s = {{}}\n\n\ndef {reg}(name):\n    def decorator(cls):\n        if name in _{kind}s:\n            raise ValueError('%s %r is already registered' % ('{kind}', name))\n        _{kind}s[name] = cls\n        return cls\n    return decorator\n\n\ndef {get}(name):\n    try:\n        return _{kind}s[name]\n    except KeyError:\n        raise ValueError('Unknown %s %r. Available %ss: %s' % ('{kind}', name, '{kind}', sorted(_{kind}s))) from None\n"
    cases = ("lookup", "available", "custom", "alias", "unknown_message", "isolated_registry", "builtin")

    def klass(name: str) -> str:
        return "".join(p.title() for p in name.split("_")) + kind.title()

    def unknown(avail: list[str] | None = None) -> Fail:
        avail = avail if avail is not None else []
        name = rng.choice([x for x in names if x not in avail] or names)
        return Fail(
            ctx.case(rng, cases),
            f"ValueError: Unknown {kind} '{name}'. Available {kind}s: {avail}",
            f"cls = {get}({name!r})",
            [
                (
                    get,
                    f"raise ValueError('Unknown %s %r. Available %ss: %s' % ('{kind}', name, '{kind}', sorted(_{kind}s))) from None",
                )
            ],
        )

    def errors(what: str) -> Fail:
        some = sorted(rng.sample(names, rng.randint(1, len(names) - 1)))
        name = rng.choice(names)
        found = {
            "empty": unknown(),
            "partial": unknown(some),
            "available": Fail(
                ctx.case(rng, ["available", "builtin"]),
                f"AssertionError: assert {some!r} == {sorted(names)!r}",
                f"assert sorted(available_{kind}s()) == {sorted(names)!r}",
            ),
            "dup": Fail(
                ctx.case(rng, cases),
                f"ValueError: {kind} '{name}' is already registered",
                f"importlib.reload({subdot}.{name})",
                [
                    (f"{sub}/{name}.py", "<module>", f"@{reg}({name!r})"),
                    (a, "decorator", "raise ValueError('%s %r is already registered' % ('" + kind + "', name))"),
                ],
            ),
            "identity": Fail(
                ctx.case(rng, cases),
                f"AssertionError: assert False\n +  where False = isinstance(<{subdot}.{name}.{klass(name)} object at {_addr(rng)}>, <class '{subdot}.{name}.{klass(name)}'>)",
                f"assert isinstance({get}({name!r})(), {klass(name)})",
            ),
            "isolation": Fail(
                ctx.case(rng, ["isolated_registry", "custom"]),
                f"AssertionError: assert {sorted([*some, 'custom'])!r} == {some!r}",
                f"assert sorted(_{kind}s) == {some!r}",
            ),
            "noalias": Fail(
                ctx.case(rng, ["alias", "lookup"]),
                f"ModuleNotFoundError: No module named '{subdot}.{rng.choice(['jsonl', 'default', 'builtin', 'legacy'])}'",
                f"cls = {get}(alias)",
                [(get, f"importlib.import_module('.' + name, '{subdot}')")],
            ),
        }
        return found[what]

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (errors(k) for k in kinds)}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", ctx.test_file, f"{ctx.test_file}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q", " -p no:cacheprovider"]),
        )

    def import_sub(k: int) -> list[Step]:
        return [
            Step(
                f"The {kind}s only register when their modules are imported. Let me import the {kind}s package at the end of {ctx.modname}.py.",
                f"printf '\\n\\nfrom . import {kind}s  # noqa: E402,F401  (registers the built-in {kind}s)\\n' >> {a} && tail -2 {a}",
                f"from . import {kind}s  # noqa: E402,F401  (registers the built-in {kind}s)",
            ),
            run("Rerun the registry tests.", ["empty", rng.choice(["empty", "available"])]),
        ]

    def init_imports(k: int) -> list[Step]:
        listed = sorted(rng.sample(names, len(names) - 1))
        steps = [
            Step(
                f"{kind}s/__init__.py is empty, so importing the package doesn't import the modules. List them there.",
                f"cat > {sub}/__init__.py <<'EOF'\nfrom . import {', '.join(listed)}  # noqa: F401\nEOF",
                "",
            )
        ]
        if rng.random() < 0.5:
            steps.append(
                import_fail(
                    ctx,
                    rng,
                    "Rerun.",
                    [
                        (a, "<module>", f"from . import {kind}s"),
                        (f"{sub}/__init__.py", "<module>", f"from . import {', '.join(listed)}"),
                        (
                            f"{sub}/{listed[0]}.py",
                            "<module>",
                            f"from ..{ctx.modname if rel != '.' else ''} import {reg}",
                        ),
                    ],
                    partial(adot, reg, a),
                )
            )
        else:
            steps.append(run("Rerun.", ["partial", "available"]))
        return steps

    def discovery(k: int) -> list[Step]:
        variant = rng.choice(["path", "dirname", "noprefix"])
        code = {
            "path": "for info in pkgutil.iter_modules(__path__):\n        importlib.import_module(info.name)",
            "dirname": "for info in pkgutil.iter_modules([os.path.dirname(__file__)]):\n        importlib.import_module('.' + info.name, __package__)",
            "noprefix": f"for info in pkgutil.iter_modules({kind}s.__path__):\n        importlib.import_module(info.name)",
        }[variant]
        step = Step(
            "Rather than listing the modules by hand, discover them with pkgutil when the registry is first used.",
            py_edit(
                a,
                f"def {get}(name):\n",
                f"def _load_builtin_{kind}s():\n    {code}\n\n\ndef {get}(name):\n    _load_builtin_{kind}s()\n",
            ),
            "patched",
        )
        if variant == "path":
            fail = Fail(
                ctx.case(rng, cases),
                "NameError: name '__path__' is not defined",
                f"cls = {get}({names[0]!r})",
                [(f"_load_builtin_{kind}s", "for info in pkgutil.iter_modules(__path__):")],
            )
        elif variant == "noprefix" and [x for x in names if x not in _STDLIB]:
            missing = rng.choice([x for x in names if x not in _STDLIB])
            fail = Fail(
                ctx.case(rng, cases),
                f"ModuleNotFoundError: No module named '{missing}'",
                f"cls = {get}({names[0]!r})",
                [(f"_load_builtin_{kind}s", "importlib.import_module(info.name)")],
            )
        elif variant == "noprefix":
            fail = unknown()
        elif ctx.django:
            fail = Fail(
                ctx.case(rng, cases),
                "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.",
                f"cls = {get}({names[0]!r})",
                [(f"_load_builtin_{kind}s", "importlib.import_module('.' + info.name, __package__)")],
            )
        else:
            fail = unknown()
        return [
            step,
            test_step(
                ctx,
                rng,
                "Run the tests.",
                rng.choice(["", ctx.test_file]),
                [fail, *([errors("available")] if rng.random() < 0.5 else [])],
                rng.choice(["", " -x"]),
            ),
        ]

    def lazy(k: int) -> list[Step]:
        return [
            Step(
                f"Import the {kind}'s module lazily on lookup instead: {get}('x') imports {subdot}.x first.",
                py_edit(
                    a,
                    f"    try:\n        return _{kind}s[name]",
                    f"    if name not in _{kind}s:\n        importlib.import_module('.' + name, '{subdot}')\n    try:\n        return _{kind}s[name]",
                ),
                "patched",
            ),
            run("Rerun the tests.", ["available", "noalias"]),
        ]

    where = "setUp" if ctx.django else "autouse fixture"
    pad = " " * (8 if ctx.django else 4)

    def reload_fixture(k: int) -> list[Step]:
        return [
            Step(
                f"The {where} clears _{kind}s between tests, so modules imported once never register again. Reload the {kind} modules there after clearing.",
                py_edit(
                    ctx.test_file,
                    f"{pad}{ctx.stem}._{kind}s.clear()",
                    f"{pad}{ctx.stem}._{kind}s.clear()\n{pad}for mod in list(sys.modules):\n{pad}    if mod.startswith('{subdot}.'):\n{pad}        importlib.reload(sys.modules[mod])",
                ),
                "patched",
            ),
            run("Run the tests.", rng.sample(["dup", "identity", "partial"], 2)),
        ]

    def keep_registry(k: int) -> list[Step]:
        return [
            Step(
                f"Or don't clear the registry at all in the {where}; snapshot it and restore it afterwards instead.",
                py_edit(
                    ctx.test_file,
                    f"        {ctx.stem}._{kind}s.clear()",
                    f"        saved = dict({ctx.stem}._{kind}s)\n        self.addCleanup(lambda: ({ctx.stem}._{kind}s.clear(), {ctx.stem}._{kind}s.update(saved)))",
                )
                if ctx.django
                else py_edit(
                    ctx.test_file,
                    f"    {ctx.stem}._{kind}s.clear()\n    yield",
                    f"    saved = dict({ctx.stem}._{kind}s)\n    yield\n    {ctx.stem}._{kind}s.clear()\n    {ctx.stem}._{kind}s.update(saved)",
                ),
                "patched",
            ),
            run("Run the tests.", ["isolation", rng.choice(["empty", "dup", "partial"])]),
        ]

    def probe(k: int) -> Step:
        loaded = rng.random() < 0.5
        some = sorted(rng.sample(names, rng.randint(0, 2)))
        if loaded:
            return Step(
                f"Which {kind} modules are actually imported after importing {ctx.stem}?",
                f"python -c \"import sys, {adot}; print(sorted(m for m in sys.modules if m.startswith('{subdot}')))\"",
                repr(sorted([subdot, *(f"{subdot}.{s}" for s in some)])),
            )
        return Step(
            "Let me print the registry directly.",
            f'python -c "import {adot} as m; print(sorted(m._{kind}s))"',
            repr(some),
        )

    first = [
        run(f"Let me run the tests for the {kind} registry.", ["empty", "empty"]),
        Step(
            "Available is empty. Let me look at the registry code.",
            f"grep -n '_{kind}s\\|def {reg}\\|def {get}' -A3 {a} | head -40",
            body,
        ),
        Step(
            f"And how the built-in {kind}s register.",
            f"head -12 {sub}/{names[0]}.py; cat {sub}/__init__.py",
            f"from ..{'' if rel == '.' else ctx.modname} import {reg}\n\n\n@{reg}({names[0]!r})\nclass {klass(names[0])}:\n    name = {names[0]!r}\n",
        ),
    ]
    attempts: list[Attempt] = [
        import_sub,
        init_imports,
        discovery,
        lazy,
        reload_fixture,
        keep_registry,
        lambda k: [probe(k)],
        lambda k: [probe(k), run("Run the registry tests again.", [rng.choice(["empty", "partial", "dup"])])],
    ]
    return churn(
        ctx,
        rng,
        n,
        first,
        attempts,
        f"getting the built-in {kind}s registered",
        [a, f"{sub}/__init__.py", ctx.test_file],
        body,
    )

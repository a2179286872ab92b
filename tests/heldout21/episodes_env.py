"""Productive episodes in an environment that fails once: a full disk, a library that will not load, a stale build."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout21.packages import VERSIONS, pip_install
from heldout21.text import Ctx, test_output, traceback, vary

_ENOSPC = "OSError: [Errno 28] No space left on device"


def _passing(ctx: Ctx, rng: random.Random, thought: str, total: int) -> Step:
    return Step(thought, ctx.test_cmd(), test_output(ctx, rng, total), 0, 4.0)


def space_freed(ctx: Ctx, rng: random.Random) -> list[Step]:
    size = rng.choice([59, 97, 126, 194])
    total = rng.randint(8, 90)
    if ctx.django:
        tmp = f"{ctx.site.split('/lib/')[0]}/lib/python{ctx.pyver}/tempfile.py"
        out = traceback(
            ctx,
            rng,
            [
                ("/testbed/tests/runtests.py", "<module>", "TMPDIR = tempfile.mkdtemp(prefix='django_')"),
                (tmp, "mkdtemp", "_os.mkdir(file, 0o700)"),
            ],
            f"{_ENOSPC}: '/tmp/django_{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789_', k=8))}'",
        )
        first = Step(
            vary(
                rng,
                [
                    "Let me run the related tests as well.",
                    "Now run the tests around the change.",
                    "Run the existing tests for this area.",
                ],
            ),
            ctx.test_cmd(),
            out,
            1,
            1.2,
        )
    else:
        lines = [
            "INTERNALERROR> Traceback (most recent call last):",
            f'INTERNALERROR>   File "{ctx.site}/_pytest/main.py", line 269, in wrap_session',
            "INTERNALERROR>     session.exitstatus = doit(config, session) or 0",
            f'INTERNALERROR>   File "{ctx.site}/_pytest/capture.py", line {rng.randint(460, 520)}, in snap',
            "INTERNALERROR>     self.tmpfile.seek(0)",
            f"INTERNALERROR> {_ENOSPC}",
        ]
        first = Step(
            vary(
                rng,
                [
                    "Let me run the related tests as well.",
                    "Now run the tests around the change.",
                    "Run the existing tests for this area.",
                ],
            ),
            ctx.test_cmd(),
            "\n".join(lines),
            3,
            1.5,
        )
    hog, hog_size = rng.choice(
        [
            ("/tmp/pytest-of-root", f"{rng.randint(30, 80)}G"),
            ("/root/.cache/pip", f"{rng.randint(12, 40)}G"),
            (f"/tmp/{ctx.stem}_debug.log", f"{rng.randint(40, 90)}G"),
            ("/tmp/tmp" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=8)), f"{rng.randint(25, 70)}G"),
        ]
    )
    steps = [first]
    if rng.random() < 0.6:
        steps.append(
            Step(
                vary(rng, ["No space left on the device. Let me check the disk.", "ENOSPC. How full is the disk?"]),
                "df -h / /tmp",
                f"Filesystem      Size  Used Avail Use% Mounted on\noverlay         {size}G  {size}G     0 100% /\noverlay         {size}G  {size}G     0 100% /",
            )
        )
    small = [
        "12K\t/tmp/" + vary(rng, ["tmpa1b2c3", "pip-build-env", ".X11-unix"]),
        f"{rng.randint(100, 900)}M\t/root/.cache/matplotlib",
    ]
    steps.append(
        Step(
            vary(
                rng,
                [
                    "The disk is full. Find what is taking the space in the usual temporary and cache directories.",
                    "Something filled the disk; look at the temp and cache directories first.",
                    "Let me see what is using the space.",
                ],
            ),
            "du -sh /tmp/* /root/.cache/* 2>/dev/null | sort -h | tail -n 5",
            "\n".join([*small, f"{hog_size}\t{hog}"]),
            0,
            8.0,
        )
    )
    used = rng.randint(30, 70)
    steps.append(
        Step(
            f"{hog} is {hog_size} of leftovers; nothing in it is needed. Remove it and check the space again.",
            f"rm -rf {hog} && df -h /",
            f"Filesystem      Size  Used Avail Use% Mounted on\noverlay         {size}G  {size * used // 100}G  {size - size * used // 100}G  {used}% /",
            0,
            4.0,
        )
    )
    steps.append(_passing(ctx, rng, "There is room again. Re-run the tests.", total))
    return steps


def library_avoided(ctx: Ctx, rng: random.Random) -> list[Step]:
    script = f"check_{ctx.stem}.py"
    if ctx.scientific:
        write = f"cat <<'EOF' > {script}\nimport matplotlib.pyplot as plt\nimport {ctx.run.module}\n\nfig, ax = plt.subplots()\nax.set_title('{ctx.cls}')\nfig.savefig('/tmp/{ctx.stem}.png')\nprint('saved')\nEOF"
        error = "ImportError: libGL.so.1: cannot open shared object file: No such file or directory"
        frames = [
            (f"/testbed/{script}", "<module>", "fig, ax = plt.subplots()"),
            (
                f"{ctx.site}/matplotlib/backends/qt_compat.py",
                "_setup_pyqt5plus",
                "from PyQt5 import QtCore, QtGui, QtWidgets",
            ),
        ]
        look = (
            "Which backend is matplotlib picking?",
            "python -c 'import matplotlib; print(matplotlib.get_backend())'; echo MPLBACKEND=$MPLBACKEND",
            "QtAgg\nMPLBACKEND=QtAgg",
        )
        fix = (
            "The environment selects the Qt backend, which needs libGL. Saving a PNG needs no GUI, so use the headless Agg backend.",
            f"MPLBACKEND=Agg {ctx.py} {script}",
            "saved",
        )
    else:
        parser = "lxml" if ctx.run.owner in ("django", "sphinx-doc", "pallets") else "yaml"
        if parser == "lxml":
            write = f"cat <<'EOF' > {script}\nfrom lxml import etree\n\nhtml = '<div><p class=\"x\">{ctx.cls}</p></div>'\ntree = etree.fromstring(html)\nprint([p.text for p in tree.iter('p')])\nEOF"
            error = f"ImportError: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by {ctx.site}/lxml/etree.{ctx.abi}.so)"
            frames = [(f"/testbed/{script}", "<module>", "from lxml import etree")]
            fix = (
                "lxml's compiled module doesn't load here. The standard library's ElementTree parses this snippet just as well.",
                f"sed -i 's/^from lxml import etree/import xml.etree.ElementTree as etree/' {script} && {ctx.py} {script}",
                f"['{ctx.cls}']",
            )
        else:
            write = f"cat <<'EOF' > {script}\nimport yaml\nfrom yaml import CSafeLoader as Loader\n\nprint(yaml.load('name: {ctx.stem}\\nitems: [1, 2]', Loader=Loader))\nEOF"
            error = f"ImportError: cannot import name 'CSafeLoader' from 'yaml' ({ctx.site}/yaml/__init__.py)"
            frames = [(f"/testbed/{script}", "<module>", "from yaml import CSafeLoader as Loader")]
            fix = (
                "This PyYAML has no libyaml bindings. The pure-Python SafeLoader is fine for a check this small.",
                f"sed -i 's/from yaml import CSafeLoader as Loader/from yaml import SafeLoader as Loader/' {script} && {ctx.py} {script}",
                f"{{'name': '{ctx.stem}', 'items': [1, 2]}}",
            )
        look = (
            "Is the library's compiled part loadable at all?",
            f"{ctx.py} -c 'import {'lxml.etree' if parser == 'lxml' else 'yaml'}; print(\"imported\")'",
            "imported" if parser == "yaml" else traceback(ctx, rng, [("<string>", "<module>", "")], error),
        )
    steps = [
        Step(
            vary(
                rng,
                [
                    "Write a small script to check the output of the change.",
                    "A quick script to look at the result of the change.",
                ],
            ),
            write,
            "",
        ),
        Step(
            vary(rng, ["Run the check.", "Run it.", "Run the script."]),
            f"{ctx.py} {script}",
            traceback(ctx, rng, frames, error, write.split("\n", 1)[1].rsplit("\nEOF", 1)[0]),
            1,
            1.5,
        ),
    ]
    if rng.random() < 0.5:
        steps.append(Step(look[0], look[1], look[2], 0 if not look[2].startswith("Traceback") else 1))
    steps.append(Step(fix[0], fix[1], fix[2], 0, 1.5))
    return steps


def extension_rebuilt(ctx: Ctx, rng: random.Random) -> list[Step]:
    site, lib = ctx.site, ctx.site.rsplit("/", 1)[0]
    if ctx.repro_seen:
        command, start, printed = f"{ctx.py} {ctx.repro}", (f"/testbed/{ctx.repro}", "<module>"), ctx.repro_output
    elif ctx.django:
        command, start, printed = (
            f"{ctx.py} -c 'import sqlite3; print(sqlite3.sqlite_version)'",
            ("<string>", "<module>"),
            "3.45.3",
        )
    else:
        module = {"pydata": "pandas", "mwaskom": "pandas", "sympy": "scipy"}.get(ctx.run.owner, ctx.run.module)
        command, start, printed = (
            f"{ctx.py} -c 'import {module}; print({module}.__version__)'",
            ("<string>", "<module>"),
            rng.choice(VERSIONS.get(module, ["0.0.0.dev0"])),
        )
    works = Step(vary(rng, ["Try it again.", "Run it again now.", "Check again."]), command, printed, 0, 2.0)
    if ctx.django:
        so = f"{lib}/lib-dynload/_sqlite3.{ctx.abi}.so"
        error = traceback(
            ctx,
            rng,
            [(*start, "django.setup()"), (f"{lib}/sqlite3/dbapi2.py", "<module>", "from _sqlite3 import *")],
            f"ImportError: {so}: undefined symbol: sqlite3_deserialize",
        )
        fix = Step(
            "The sqlite3 module was built against a newer libsqlite3 than the one it loads. Reinstall the environment's sqlite so they match.",
            "conda install -y --force-reinstall sqlite 2>&1 | tail -4",
            "Preparing transaction: done\nVerifying transaction: done\nExecuting transaction: done\n\n  sqlite-3.45.3-h5eee18b_0",
            0,
            30.0,
        )
    elif ctx.run.owner in ("pydata", "mwaskom", "sympy"):
        module = "scipy" if ctx.run.owner == "sympy" else "pandas"
        ext = "special/_ufuncs" if module == "scipy" else "_libs/interval"
        error = traceback(
            ctx,
            rng,
            [
                (*start, f"import {module}"),
                (f"{site}/{module}/{ext}.pyx", f"init {module}.{ext.replace('/', '.')}", ""),
            ],
            "ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject",
        ).replace("\n    \n", "\n")
        new, old = VERSIONS[module][-2], VERSIONS[module][1]
        fix = Step(
            f"{module}'s compiled extension was built against another numpy. Reinstall a {module} wheel built for this numpy.",
            f"pip install --force-reinstall --no-deps {module}=={new}",
            pip_install(ctx, module, new, old),
            0,
            30.0,
        )
    else:
        ext = {"scikit-learn": "utils/murmurhash", "astropy": "table/_np_utils"}.get(ctx.run.owner, "_path")
        root = f"/testbed/{ctx.run.package}"
        frames = [
            (*start, f"import {ctx.run.module}"),
            (f"{root}/__init__.py", "<module>", f"from . import {ext.split('/')[0]}"),
        ]
        error = traceback(
            ctx,
            rng,
            frames,
            "RuntimeError: module compiled against API version 0x10 but this version of numpy is 0xf\nImportError: numpy.core.multiarray failed to import",
        )
        fix = Step(
            "The in-place extensions were compiled against a different numpy than the installed one. Rebuild them in place.",
            f"{ctx.py} setup.py build_ext --inplace 2>&1 | tail -3",
            f"building '{ctx.run.module}.{ext.replace('/', '.')}' extension\n"
            f"gcc -pthread -shared build/temp.linux-x86_64-{ctx.pyver}/{ctx.run.package}/{ext}.o -o {root}/{ext}.{ctx.abi}.so\n"
            f"copying build/lib.linux-x86_64-{ctx.pyver}/{ctx.run.package}/{ext}.{ctx.abi}.so -> {ctx.run.package}/{ext.rsplit('/', 1)[0] if '/' in ext else ''}".rstrip(
                "/"
            ),
            0,
            120.0,
        )
    first = Step(
        vary(rng, ["Check the behaviour with the change.", "Run the reproduction again.", "Let me verify the change."]),
        command,
        error,
        1,
        1.5,
    )
    return [first, fix, works]

# ruff: noqa: E501
"""Loops over packaging: metadata the backend rejects, plugins never found, versions from a shallow clone, wheels of the wrong tag."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout37.text import Ctx, churn, dev_version, py_edit, sha, version


def _validation_error(ctx: Ctx, rng: random.Random) -> str:
    line = rng.randint(3, 70)
    i = rng.randint(0, 9)
    return rng.choice(
        [
            f'configuration error: `project.classifiers[{i}]` must be trove-classifier\nGIVEN VALUE:\n    "License :: OSI Approved :: BSD {rng.choice(["3-Clause", "License (BSD-3)", "2"])}"',
            f'configuration error: `project.dependencies[{i}]` must be pep508\nGIVEN VALUE:\n    "{rng.choice(["numpy >= 1.21,", "packaging>=20 <25", "typing_extensions; python_version<3.11"])}"',
            "configuration error: `project` must not contain {'requires'} properties",
            f"configuration error: `project.license` must be valid exactly by one definition (2 matches found):\n\n    - keys:\n        'file': {{type: string}}\n      required: ['file']\n    - keys:\n        'text': {{type: string}}\n      required: ['text']\n\nDESCRIPTION:\n    `Project license <https://peps.python.org/pep-0621/#license>`_.\nGIVEN VALUE:\n    \"BSD-{rng.randint(2, 3)}-Clause\"",
            f"tomllib.TOMLDecodeError: {rng.choice(['Invalid value', 'Unclosed array', 'Cannot overwrite a value', 'Expected newline or end of document after a statement'])} (at line {line}, column {rng.randint(1, 40)})",
            "setuptools.errors.InvalidConfigError: License classifiers have been superseded by license expressions (see https://peps.python.org/pep-0639/). Please remove:\n\nLicense :: OSI Approved :: BSD License",
            f'configuration error: `project.version` must be pep440\nGIVEN VALUE:\n    "{version(rng)}-{rng.choice(["dev", "beta", "post1-local"])}"',
            "configuration error: `tool.setuptools.packages.find` must not contain {'exclude_package_data'} properties",
            f"error in '{ctx.dist}' setup command: 'python_requires' must be a string containing valid version specifiers; Invalid specifier: '>={ctx.python}.*'",
        ]
    )


def metadata_validation_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """pyproject/setup.cfg metadata rejected by the backend: each edit trades one validation error for another."""

    def build() -> Step:
        command = rng.choice(
            [
                "pip install -e . 2>&1 | tail -20",
                "python -m build --sdist --no-isolation 2>&1 | tail -20",
                f"pip wheel . --no-deps -w /tmp/wheels{rng.randint(1, 40)} 2>&1 | tail -18",
                "validate-pyproject pyproject.toml",
                "python -m build 2>&1 | tail -15",
            ]
        )
        error = _validation_error(ctx, rng)
        if command.startswith("validate"):
            body = f"Invalid file: pyproject.toml\n[ERROR] `{error.split('`')[1] if '`' in error else 'project'}` {error.split('` ', 1)[-1]}"
            return Step("Validate pyproject.toml directly.", command, body, rc=1, seconds=rng.uniform(0.5, 3))
        body = (
            f"  Getting requirements to build {'editable' if 'install' in command else 'wheel'} ... error\n"
            f"  error: subprocess-exited-with-error\n\n  × Getting requirements to build {'editable' if 'install' in command else 'wheel'} did not run successfully.\n  │ exit code: 1\n  ╰─> [{rng.randint(8, 40)} lines of output]\n"
            f"      {error}\n      [end of output]\n\n  note: This error originates from a subprocess, and is likely not a problem with pip.\n"
            "error: subprocess-exited-with-error"
        )
        return Step("Try the build again.", command, body, rc=0 if "tail" in command else 1, seconds=rng.uniform(3, 30))

    def classifier(k: int) -> list[Step]:
        line = rng.randint(10, 45)
        return [
            Step(
                f"Fix the classifier at line {line} of pyproject.toml.",
                f"sed -i '{line}s/.*/    \"License :: OSI Approved :: BSD License\",/' pyproject.toml && sed -n '{line - 2},{line + 1}p' pyproject.toml",
                'classifiers = [\n    "Development Status :: 5 - Production/Stable",\n    "License :: OSI Approved :: BSD License",\n    "Programming Language :: Python :: 3",\n',
            ),
            build(),
        ]

    def license_table(k: int) -> list[Step]:
        new = rng.choice(
            [
                'license = {text = "BSD-3-Clause"}',
                'license = "BSD-3-Clause"',
                'license = {file = "LICENSE.rst"}',
                'license-files = ["LICENSE*"]',
            ]
        )
        return [
            Step(
                f"Change the license field to `{new}`.",
                py_edit(
                    "pyproject.toml", rng.choice(['license = {file = "LICENSE"}', 'license = "BSD-3-Clause"']), new
                ),
                "patched",
            ),
            build(),
        ]

    def deps(k: int) -> list[Step]:
        spec = rng.choice(['"numpy>=1.21"', '"packaging>=20,<25"', "\"typing_extensions; python_version < '3.11'\""])
        return [
            Step(
                f"Rewrite the dependency as {spec}.",
                py_edit("pyproject.toml", rng.choice(['"numpy >= 1.21,"', '"packaging>=20 <25"']), spec),
                "patched",
            ),
            build(),
        ]

    def move_requires(k: int) -> list[Step]:
        return [
            Step(
                "`requires` belongs in [build-system], not [project]. Move it.",
                f"python - <<'EOF'\nimport re\ns = open('pyproject.toml').read()\ns = re.sub(r'\\nrequires = .*\\n', '\\n', s, count=1)\ns = s.replace('[build-system]\\n', '[build-system]\\nrequires = [\"setuptools>={rng.randint(61, 75)}\", \"wheel\"]\\n', 1)\nopen('pyproject.toml', 'w').write(s)\nEOF",
                "",
            ),
            build(),
        ]

    def setup_cfg(k: int) -> list[Step]:
        key = rng.choice(["license_file", "license_files", "python_requires", "description-file", "home-page"])
        return [
            Step(
                f"setup.cfg still has `{key}`, which may conflict with pyproject.toml. Remove it.",
                f"sed -i '/^{key}/d' setup.cfg && grep -n 'license\\|python_requires\\|description' setup.cfg",
                f"{rng.randint(3, 12)}:description = {ctx.dist}\n{rng.randint(13, 30)}:python_requires = >={ctx.python}\n",
            ),
            build(),
        ]

    def toml_check(k: int) -> list[Step]:
        return [
            Step(
                "Let me parse pyproject.toml on its own to see if it is valid TOML.",
                "python -c \"import tomllib, pprint; pprint.pprint(tomllib.load(open('pyproject.toml', 'rb'))['project'])\" 2>&1 | tail -6",
                rng.choice(
                    [
                        f"tomllib.TOMLDecodeError: Invalid value (at line {rng.randint(3, 70)}, column {rng.randint(1, 40)})",
                        "ModuleNotFoundError: No module named 'tomllib'",
                        f" 'requires-python': '>={ctx.python}',\n 'version': '{version(rng)}-dev'}}",
                    ]
                ),
            ),
        ]

    def setuptools_version(k: int) -> list[Step]:
        return [
            Step(
                "Maybe this setuptools is too old or too new for this metadata. Pin another version.",
                f"pip install -q 'setuptools=={rng.randint(61, 80)}.{rng.randint(0, 3)}.0' && pip show setuptools | head -2",
                f"Name: setuptools\nVersion: {rng.randint(61, 80)}.{rng.randint(0, 3)}.0\n",
                seconds=rng.uniform(3, 12),
            ),
            build(),
        ]

    return churn(
        ctx,
        rng,
        n,
        build(),
        [classifier, license_table, deps, move_requires, setup_cfg, toml_check, setuptools_version],
        "the packaging metadata validation",
    )


def entry_point_not_found(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A plugin registered in the metadata is never found, however often the package is reinstalled."""
    group, plugin = ctx.group, ctx.plugin

    def lookup() -> Step:
        others = rng.sample(["json", "yaml", "csv", "default", "legacy", "html"], rng.randint(0, 3))
        found = ", ".join(
            f"EntryPoint(name='{o}', value='{ctx.run.module}.ext.{o}:setup', group='{group}')" for o in others
        )
        command = rng.choice(
            [
                f"python -c \"from importlib.metadata import entry_points; print(entry_points(group='{group}'))\"",
                f"python -c \"import importlib.metadata as m; print(sorted(e.name for e in m.entry_points().select(group='{group}')))\"",
                f"python -m pytest tests/test_plugins.py -q -k {plugin} 2>&1 | tail -6",
                f"python -c \"from {ctx.run.module} import plugins; plugins.load('{plugin}')\"",
            ]
        )
        if "pytest" in command:
            body = f"E   LookupError: no plugin named '{plugin}' in group '{group}'; found: {sorted(others)!r}\n\ntests/test_plugins.py:{rng.randint(10, 120)}: LookupError\n1 failed, {rng.randint(0, 20)} passed in {rng.uniform(0.3, 4):.2f}s"
        elif "plugins.load" in command:
            body = f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"/testbed/{ctx.run.package}/plugins.py\", line {rng.randint(20, 200)}, in load\n    raise LookupError(msg)\nLookupError: no plugin named '{plugin}' in group '{group}'"
        elif "sorted" in command:
            body = repr(sorted(others))
        else:
            body = f"EntryPoints(({found}{',' if len(others) == 1 else ''}))"
        return Step(
            "Is the plugin registered now?", command, body, rc=1 if "Error" in body else 0, seconds=rng.uniform(0.4, 4)
        )

    def reinstall(k: int) -> list[Step]:
        command = rng.choice(
            [
                "pip install -e . -q 2>&1 | tail -2",
                "pip install --force-reinstall --no-deps -e . -q 2>&1 | tail -2",
                f"pip uninstall -y {ctx.dist} -q && pip install -e . -q 2>&1 | tail -2",
                "rm -rf build *.egg-info && pip install -e . --no-build-isolation -q 2>&1 | tail -2",
                "pip install . --no-deps -q 2>&1 | tail -2",
            ]
        )
        return [
            Step(
                "Reinstall the package so its metadata is regenerated.",
                command,
                rng.choice(
                    [
                        "",
                        f"Successfully installed {ctx.dist}-{dev_version(rng)}",
                        f"  WARNING: Skipping {ctx.dist} as it is not installed.",
                    ]
                ),
                seconds=rng.uniform(4, 30),
            ),
            lookup(),
        ]

    def declare(k: int) -> list[Step]:
        where = rng.choice(["pyproject", "setup.cfg", "setup.py"])
        if where == "pyproject":
            command = f'cat >> pyproject.toml <<\'EOF\'\n\n[project.entry-points."{group}"]\n{plugin} = "{ctx.dotted}:setup"\nEOF'
        elif where == "setup.cfg":
            command = (
                f"cat >> setup.cfg <<'EOF'\n\n[options.entry_points]\n{group} =\n    {plugin} = {ctx.dotted}:setup\nEOF"
            )
        else:
            command = py_edit(
                "setup.py", "entry_points={", f"entry_points={{'{group}': ['{plugin} = {ctx.dotted}:setup'], "
            )
        return [
            Step(f"Register the plugin in {where} as well.", command, "patched" if where == "setup.py" else ""),
            *reinstall(k),
        ]

    def dist_info(k: int) -> list[Step]:
        ver = dev_version(rng)
        return [
            Step(
                "Let me look at the installed metadata's entry_points.txt.",
                f"ls -d {ctx.site}/{ctx.norm}* && cat {ctx.site}/{ctx.norm}-*.dist-info/entry_points.txt",
                f"{ctx.site}/{ctx.norm}-{ver}.dist-info\n{ctx.site}/__editable__.{ctx.norm}-{ver}.pth\n[{group}]\njson = {ctx.run.module}.ext.json:setup\n",
            ),
        ]

    def egg_info(k: int) -> list[Step]:
        return [
            Step(
                "Is there an egg-info lying around that shadows the new metadata?",
                rng.choice(
                    [
                        "find . -name '*.egg-info' -maxdepth 3",
                        f"find / -name 'entry_points.txt' -path '*{ctx.norm}*' 2>/dev/null | head",
                    ]
                ),
                f"./{ctx.norm}.egg-info\n./src/{ctx.norm}.egg-info"
                if rng.random() < 0.5
                else f"{ctx.site}/{ctx.norm}-{dev_version(rng)}.dist-info/entry_points.txt",
            ),
        ]

    def syspath(k: int) -> list[Step]:
        return [
            Step(
                "Check which copy of the package Python imports.",
                f'python -c "import {ctx.run.module}, sys; print({ctx.run.module}.__file__); print(sys.path[:4])"',
                f"/testbed/{ctx.run.package}/__init__.py\n['', '/opt/miniconda3/envs/testbed/lib/python{ctx.python}', '{ctx.site}', '/testbed']",
            ),
        ]

    def cache(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the entry points are cached. Clear the caches and the bytecode.",
                rng.choice(
                    [
                        "find . -name __pycache__ -type d -prune -exec rm -rf {} + && pip cache purge",
                        f"rm -rf ~/.cache/pip {ctx.run.package}/__pycache__ && python -c 'import importlib; importlib.invalidate_caches()'",
                    ]
                ),
                rng.choice(["Files removed: 0", f"Files removed: {rng.randint(3, 400)}", ""]),
            ),
            lookup(),
        ]

    return churn(
        ctx, rng, n, lookup(), [reinstall, declare, dist_info, egg_info, syspath, cache], f"the {plugin} entry point"
    )


def scm_version_shallow(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """setuptools-scm in a shallow clone: no tags, no network to fetch them, a version that never looks right."""
    host = rng.choice(["github.com", "gitlab.com", "pypi.org"])

    def install() -> Step:
        command = rng.choice(
            [
                "pip install -e . 2>&1 | tail -12",
                "python -m setuptools_scm",
                f'python -c "import {ctx.run.module}; print({ctx.run.module}.__version__)"',
                "python -m pytest tests/test_version.py -q 2>&1 | tail -5",
                "python -m build --sdist 2>&1 | tail -8",
            ]
        )
        dv = f"0.1.dev{rng.randint(1, 3)}+g{sha(rng)}{rng.choice(['', '.d2024' + str(rng.randint(1001, 1231))])}"
        if "test_version" in command:
            body = f"E       AssertionError: assert <Version('{dv}')> >= <Version('{version(rng)}')>\n\ntests/test_version.py:{rng.randint(5, 40)}: AssertionError\n1 failed in {rng.uniform(0.2, 2):.2f}s"
        elif "__version__" in command or command.endswith("setuptools_scm"):
            body = dv
        else:
            body = (
                "  LookupError: setuptools-scm was unable to detect version for /testbed.\n\n"
                "  Make sure you're either building from a fully intact git repository or PyPI tarballs. Most other sources "
                "(such as GitHub's tarballs, a git checkout without the .git folder) don't contain the necessary metadata and will not work.\n"
                "  [end of output]\nerror: metadata-generation-failed"
            )
        return Step(
            "Check the version it gets.",
            command,
            body,
            rc=1 if "Error" in body or "error" in body else 0,
            seconds=rng.uniform(1, 20),
        )

    def describe(k: int) -> list[Step]:
        return [
            Step(
                "Does git know any tags?",
                rng.choice(["git describe --tags", "git describe --tags --long --dirty", "git tag -l | tail -3"]),
                rng.choice(["fatal: No names found, cannot describe anything.", ""]),
                rc=128 if rng.random() < 0.6 else 0,
            ),
        ]

    def fetch(k: int) -> list[Step]:
        return [
            Step(
                "The clone is shallow. Fetch the full history and tags.",
                rng.choice(
                    [
                        "git fetch --unshallow --tags",
                        "git fetch --tags origin",
                        f"git fetch --depth={rng.randint(50, 5000)} origin",
                    ]
                ),
                rng.choice(
                    [
                        f"fatal: unable to access 'https://{host}/{ctx.run.owner}/{ctx.run.module}/': Could not resolve host: {host}",
                        "fatal: 'origin' does not appear to be a git repository\nfatal: Could not read from remote repository.",
                    ]
                ),
                rc=128,
                seconds=rng.uniform(1, 15),
            ),
        ]

    def shallow(k: int) -> list[Step]:
        return [
            Step(
                "How deep is this clone?",
                rng.choice(
                    [
                        "git rev-parse --is-shallow-repository && git log --oneline | wc -l",
                        "cat .git/shallow && git log --oneline | wc -l",
                    ]
                ),
                f"{rng.choice(['true', sha(rng, 40)])}\n{rng.randint(1, 3)}",
            ),
        ]

    def tag(k: int) -> list[Step]:
        v = version(rng)
        return [
            Step(
                f"Tag the commit locally as v{v} so setuptools-scm has something to describe.",
                f"git tag v{v} && git describe --tags",
                f"v{v}",
            ),
            install(),
        ]

    def pretend(k: int) -> list[Step]:
        v = version(rng)
        var = rng.choice(
            [
                "SETUPTOOLS_SCM_PRETEND_VERSION",
                f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{ctx.dist.upper()}",
                f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{ctx.norm}",
            ]
        )
        return [
            Step(
                f"Pretend the version with {var}.",
                f'{var}={v} pip install -e . -q 2>&1 | tail -3 && python -c "import {ctx.run.module}; print({ctx.run.module}.__version__)"',
                rng.choice([f"0.1.dev1+g{sha(rng)}", f"{version(rng)}.dev{rng.randint(1, 90)}+g{sha(rng)}", v]),
                seconds=rng.uniform(4, 25),
            ),
            install(),
        ]

    def version_file(k: int) -> list[Step]:
        return [
            Step(
                "Where does __version__ come from?",
                f"grep -rn 'version' {ctx.run.package}/__init__.py pyproject.toml | head -6; ls {ctx.run.package}/_version.py",
                f'{ctx.run.package}/__init__.py:{rng.randint(3, 30)}:from ._version import version as __version__\npyproject.toml:{rng.randint(30, 80)}:version_file = "{ctx.run.package}/_version.py"\n{ctx.run.package}/_version.py',
            ),
        ]

    def fallback(k: int) -> list[Step]:
        v = version(rng)
        return [
            Step(
                f"Set a fallback_version of {v} in [tool.setuptools_scm].",
                f"cat >> pyproject.toml <<'EOF'\n\n[tool.setuptools_scm]\nfallback_version = \"{v}\"\nEOF",
                "",
            ),
            install(),
        ]

    return churn(
        ctx,
        rng,
        n,
        install(),
        [describe, fetch, shallow, tag, pretend, version_file, fallback],
        "the setuptools-scm version",
    )


def wheel_tag_unsupported(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A wheel built by another interpreter: not a supported wheel here, renamed, retagged, rebuilt by the wrong one again."""
    other = rng.choice(["cp311", "cp312", "cp310", "cp38"])

    def wheel() -> str:
        glibc = rng.choice(["manylinux_2_34", "manylinux_2_35", "linux", "manylinux_2_17"])
        return f"{ctx.norm}-{dev_version(rng)}-{rng.choice([other, other, ctx.cp])}-{other}-{glibc}_x86_64.whl"

    def install() -> Step:
        whl = wheel()
        return Step(
            "Install the wheel I built.",
            rng.choice(
                [
                    f"pip install dist/{whl}",
                    "pip install dist/*.whl",
                    f"pip install --no-deps --force-reinstall dist/{whl}",
                ]
            ),
            f"ERROR: {whl} is not a supported wheel on this platform.",
            rc=1,
            seconds=rng.uniform(0.6, 4),
        )

    def rebuild(k: int) -> list[Step]:
        command = rng.choice(
            [
                "rm -rf dist build && python3 -m build --wheel 2>&1 | tail -2",
                "python3 -m pip wheel . --no-deps -w dist 2>&1 | tail -2",
                f"rm -rf dist && python3 setup.py bdist_wheel --py-limited-api={rng.choice(['cp38', 'cp39', 'cp37'])} 2>&1 | tail -2",
            ]
        )
        return [
            Step("Rebuild the wheel.", command, f"Successfully built {wheel()}", seconds=rng.uniform(10, 90)),
            install(),
        ]

    def rename(k: int) -> list[Step]:
        whl = wheel()
        fixed = whl.replace(f"-{other}-{other}-", f"-{ctx.cp}-{ctx.cp}-")
        return [
            Step(
                f"Rename the wheel to the {ctx.cp} tag pip expects.",
                f"mv dist/{whl} dist/{fixed} && pip install dist/{fixed} 2>&1 | tail -3",
                rng.choice(
                    [
                        f"ERROR: {fixed} is not a supported wheel on this platform.",
                        f"Successfully installed {ctx.dist}-{dev_version(rng)}",
                    ]
                ),
            ),
            Step(
                "Does it import?",
                f'python -c "import {ctx.dotted}"',
                f"ImportError: {ctx.site}/{ctx.run.module}/_speedups.{other.replace('cp', 'cpython-')}-x86_64-linux-gnu.so: "
                + rng.choice(
                    [
                        "undefined symbol: _PyErr_SetRaisedException",
                        f"version `GLIBC_2.{rng.randint(33, 36)}' not found (required by {ctx.site}/{ctx.run.module}/_speedups.so)",
                        "undefined symbol: PyUnicode_AsUTF8AndSize",
                    ]
                ),
                rc=1,
            ),
        ]

    def tags(k: int) -> list[Step]:
        return [
            Step(
                "Which tags does this pip accept?",
                rng.choice(
                    [
                        f"pip debug --verbose 2>/dev/null | grep -m{rng.randint(3, 8)} {ctx.cp}",
                        "python -c 'import packaging.tags as t; print(next(iter(t.sys_tags())))'",
                    ]
                ),
                f"{ctx.cp}-{ctx.cp}-manylinux_2_{rng.randint(28, 31)}_x86_64\n{ctx.cp}-{ctx.cp}-manylinux_2_17_x86_64\n{ctx.cp}-abi3-linux_x86_64",
            ),
        ]

    def retag(k: int) -> list[Step]:
        return [
            Step(
                "Retag the wheel with the wheel tool instead of renaming by hand.",
                rng.choice(
                    [
                        f"wheel tags --python-tag {ctx.cp} --abi-tag {ctx.cp} --platform-tag manylinux_2_17_x86_64 dist/*.whl",
                        "auditwheel repair dist/*.whl -w dist/",
                    ]
                ),
                rng.choice(
                    [
                        "bash: auditwheel: command not found",
                        f"{ctx.norm}-{dev_version(rng)}-{ctx.cp}-{ctx.cp}-manylinux_2_17_x86_64.whl",
                        "usage: wheel [-h] {unpack,pack,convert,tags,version,help} ...\nwheel: error: invalid choice: 'tags'",
                    ]
                ),
                rc=rng.choice([0, 2, 127]),
            ),
            install(),
        ]

    def which(k: int) -> list[Step]:
        return [
            Step(
                "Which Pythons are involved here?",
                rng.choice(
                    [
                        "python --version; python3 --version; ldd --version | head -1",
                        "which -a python3 && python3 -c 'import sys; print(sys.version)'",
                    ]
                ),
                f"Python {ctx.python_full}\nPython 3.{other[3:]}.{rng.randint(0, 9)}\nldd (Ubuntu GLIBC 2.{rng.randint(31, 35)}-0ubuntu{rng.randint(1, 9)}) 2.{rng.randint(31, 35)}",
            ),
        ]

    def download(k: int) -> list[Step]:
        return [
            Step(
                "Fetch a prebuilt wheel for this platform instead.",
                f"pip download --only-binary=:all: --python-version {ctx.python} --platform manylinux2014_x86_64 --no-deps -d dist {ctx.dist}",
                f"WARNING: Retrying (Retry(total={rng.randint(0, 4)}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError': Failed to establish a new connection: [Errno -3] Temporary failure in name resolution\nERROR: Could not find a version that satisfies the requirement {ctx.dist} (from versions: none)",
                rc=1,
                seconds=rng.uniform(5, 30),
            ),
        ]

    return churn(ctx, rng, n, install(), [rebuild, rename, tags, retag, which, download], "installing the built wheel")

"""Loops against the build and install side of an environment: a read-only mount, an old rustc, no TeX, no containers."""

# ruff: noqa: E501
from __future__ import annotations

import random

from heldout20.calls import Step
from heldout27.text import Attempt, Ctx, cycle, tmpname

_CRATES = [
    ("pyo3-build-config", "0.20.3", "1.56"),
    ("pyo3", "0.21.2", "1.63"),
    ("memchr", "2.7.4", "1.61"),
    ("once_cell", "1.19.0", "1.60"),
    ("hashbrown", "0.14.5", "1.63"),
    ("indexmap", "2.2.6", "1.63"),
    ("serde", "1.0.203", "1.61"),
    ("archery", "1.2.0", "1.65"),
]
RUST_DEPS = [
    ("rpds-py", "rpds", "jsonschema", ["0.18.1", "0.17.1", "0.16.2", "0.12.0", "0.10.6"]),
    ("pydantic-core", "pydantic_core", "pydantic", ["2.18.4", "2.16.3", "2.14.6", "2.10.1", "2.6.3"]),
    ("orjson", "orjson", "orjson", ["3.10.3", "3.9.15", "3.9.10", "3.8.14", "3.6.9"]),
]


def read_only_mount(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The installed package must be refreshed, and site-packages sits on a read-only mount."""
    site, mod = ctx.site, ctx.module
    version = f"{rng.randint(0, 6)}.{rng.randint(0, 9)}.dev{rng.randint(100, 999)}+g{rng.randrange(16**7):07x}"

    def erofs(path: str) -> str:
        return f"ERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: '{path}'\n"

    def pip_editable() -> Step:
        flags = rng.choice(
            [
                "",
                " --no-deps",
                " --no-build-isolation",
                " --no-deps --no-build-isolation",
                " --force-reinstall --no-deps",
            ]
        )
        target = rng.choice(
            [
                f"{site}/__editable__.{mod}-{version}.pth",
                f"{site}/{mod}.egg-link",
                f"{site}/{mod}-{version}.dist-info/RECORD",
                f"{site}/easy-install.pth",
            ]
        )
        return Step(
            "The installed metadata is stale, so the tests still see the old entry points. Reinstalling the package in editable mode should refresh it.",
            f"pip install -e .{flags} 2>&1 | tail -{rng.choice([6, 8, 12])}",
            f"Obtaining file:///testbed\n  Preparing metadata (setup.py) ... done\nInstalling collected packages: {mod}\n  Attempting uninstall: {mod}\n    Found existing installation: {mod} {version}\n    Uninstalling {mod}-{version}:\n{erofs(target)}",
            seconds=rng.uniform(6, 40),
        )

    def pip_user() -> Step:
        return Step(
            "site-packages is not writable; a user install might work instead.",
            rng.choice(
                [
                    "pip install --user -e . --no-deps 2>&1 | tail -4",
                    "PIP_USER=1 pip install -e . 2>&1 | tail -5",
                    "python -m pip install --user --no-deps -e /testbed 2>&1 | tail -3",
                ]
            ),
            rng.choice(
                [
                    erofs(f"/root/.local/lib/python{ctx.py}"),
                    "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.\n",
                    erofs("/root/.local"),
                ]
            ),
            rc=1,
            seconds=rng.uniform(3, 12),
        )

    def touch() -> Step:
        name = rng.choice(["probe", "write_test", "x", f".probe{rng.randint(1, 99)}"])
        where = rng.choice([site, f"{site}/{mod}", "/root", "/opt/miniconda3/envs/testbed"])
        return Step(
            "Let me check directly whether I can write there at all.",
            f"touch {where}/{name} && echo writable",
            f"touch: cannot touch '{where}/{name}': Read-only file system",
            rc=1,
        )

    def mounts() -> Step:
        opts = rng.choice(
            [
                "ro,relatime",
                "ro,nosuid,nodev,relatime",
                "ro,relatime,lowerdir=/var/lib/sandbox/l/" + "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=26)),
            ]
        )
        return Step(
            "Which mounts are read-only here?",
            rng.choice(
                [
                    "mount | grep -E 'opt|root|tmp'",
                    "findmnt -T /opt/miniconda3",
                    "cat /proc/mounts | grep -v cgroup | head -12",
                    "df -h /opt /root /tmp /testbed",
                ]
            ),
            f"overlay on /opt/miniconda3 type overlay ({opts})\noverlay on /root type overlay (ro,relatime)\ntmpfs on /tmp type tmpfs (rw,nosuid,nodev,noexec,size={rng.choice([64, 128, 256])}m)\n/dev/vdb on /testbed type ext4 (rw,relatime)",
        )

    def remount() -> Step:
        return Step(
            "Maybe I can remount it read-write.",
            rng.choice(
                [
                    "mount -o remount,rw /opt/miniconda3",
                    "sudo mount -o remount,rw /opt/miniconda3",
                    "mount -o remount,rw /",
                    "unshare -m sh -c 'mount -o remount,rw /opt/miniconda3'",
                ]
            ),
            rng.choice(
                [
                    "mount: /opt/miniconda3: permission denied.",
                    "bash: sudo: command not found",
                    'mount: only root can use "--options" option',
                    "unshare: unshare failed: Operation not permitted",
                ]
            ),
            rc=rng.choice([1, 32, 127]),
        )

    def venv() -> Step:
        where = tmpname(rng, "venv")
        return Step(
            "I'll make a fresh virtualenv in /tmp and install the package there instead.",
            f"python -m venv {where} && {where}/bin/pip install -e . --no-deps 2>&1 | tail -3",
            f"bash: {where}/bin/pip: Permission denied",
            rc=126,
            seconds=rng.uniform(4, 15),
        )

    def target() -> Step:
        where = tmpname(rng, "site")
        return Step(
            "Installing into a separate target directory and putting it on PYTHONPATH might sidestep the mount.",
            f"pip install --no-deps --target {where} . 2>&1 | tail -4 && PYTHONPATH={where} python -c 'import {mod}, importlib.metadata as m; print({mod}.__file__, m.version(\"{mod}\"))'",
            f"Successfully installed {mod}-{version}\n/testbed/{ctx.run.package}/__init__.py {version.split('+')[0].replace('dev', 'dev0') if rng.random() < 0.5 else version}\nWARNING: Target directory {where}/{mod} already exists. Specify --upgrade to force replacement.",
            seconds=rng.uniform(10, 45),
        )

    def develop() -> Step:
        return Step(
            "Let me try the older setuptools develop route, which writes an egg-link instead.",
            rng.choice(
                [
                    "python setup.py develop --no-deps 2>&1 | tail -5",
                    "python setup.py develop --user 2>&1 | tail -4",
                    f"python setup.py egg_info --egg-base {tmpname(rng)} 2>&1 | tail -3 && pip install -e . --no-deps 2>&1 | tail -2",
                ]
            ),
            f"running develop\nrunning egg_info\nwriting {mod}.egg-info/PKG-INFO\nCreating {site}/{mod}.egg-link (link to .)\nerror: [Errno 30] Read-only file system: '{site}/{mod}.egg-link'",
            rc=1,
            seconds=rng.uniform(3, 20),
        )

    def conda() -> Step:
        return Step(
            "A separate conda environment under /tmp could hold a writable copy.",
            rng.choice(
                [
                    f"conda create -y -p {tmpname(rng, 'env')} --clone testbed 2>&1 | tail -6",
                    f"conda create -y -p {tmpname(rng, 'env')} python={ctx.py} 2>&1 | tail -6",
                ]
            ),
            f"\nNotWritableError: The current user does not have write permissions to a required path.\n  path: /opt/miniconda3/pkgs/{rng.choice(['urls.txt', 'cache/497deca9.json', 'urls'])}\n  uid: 0\n  gid: 0\n",
            rc=1,
            seconds=rng.uniform(8, 30),
        )

    def rerun() -> Step:
        ep = rng.choice(["plugin", "reader", "backend", "formatter", "entry"])
        return Step(
            "Let me rerun the test that reads the installed entry points, in case something changed.",
            f"python -m pytest {ctx.test_file} -x -q -k '{ep} or metadata' 2>&1 | tail -{rng.choice([5, 8, 10])}",
            f"E       LookupError: no entry point named '{ctx.stem}_{ep}' in group '{mod}.{ep}s' (installed: {version})\n\n{ctx.source}:{rng.randint(40, 700)}: LookupError\nFAILED {ctx.test_file}::test_{ctx.stem}_{ep}_registered - LookupError: no entry point named '{ctx.stem}_{ep}'\n{rng.randint(1, 3)} failed, {rng.randint(4, 60)} passed, {rng.randint(100, 900)} deselected in {rng.uniform(0.4, 9):.2f}s",
            rc=1,
            seconds=rng.uniform(2, 20),
        )

    opening = [
        Step(
            "The test looks the new name up through the installed entry points, which come from the package metadata. I changed setup.cfg, so the package has to be reinstalled.",
            "pip install -e . 2>&1 | tail -5",
            f"  Attempting uninstall: {mod}\n    Found existing installation: {mod} {version}\n    Uninstalling {mod}-{version}:\n{erofs(f'{site}/{mod}-{version}.dist-info/RECORD')}",
            rc=1,
            seconds=rng.uniform(8, 30),
        )
    ]
    attempts: list[Attempt] = [pip_editable, pip_user, touch, mounts, remount, venv, target, develop, conda, rerun]
    return cycle(ctx, rng, n, opening, attempts, "the read-only site-packages mount")


def rustc_too_old(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test dependency only comes as an sdist, and the sandbox's rustc is too old to build it."""
    dist, imp, parent, versions = rng.choice(RUST_DEPS)
    rustc = rng.choice(["1.48.0", "1.41.1", "1.52.1"])

    def cargo_error(version: str) -> str:
        crate, cv, need = rng.choice(_CRATES)
        return (
            f"Collecting {dist}=={version}\n  Downloading {dist.replace('-', '_')}-{version}.tar.gz ({rng.randint(20, 900)} kB)\n"
            "  Installing build dependencies ... done\n  Getting requirements to build wheel ... done\n  Preparing metadata (pyproject.toml) ... error\n"
            "  error: subprocess-exited-with-error\n\n  × Preparing metadata (pyproject.toml) did not run successfully.\n  │ exit code: 1\n  ╰─> [6 lines of output]\n"
            "      💥 maturin failed\n        Caused by: Cargo metadata failed. Does your crate compile with `cargo build`?\n"
            f"        Caused by: `cargo metadata` exited with an error: error: package `{crate} v{cv}` cannot be built because it requires rustc {need} or newer, while the currently active rustc version is {rustc}\n"
            f"      Either upgrade to rustc {need} or newer, or use\n      cargo update -p {crate}@{cv} --precise ver\n      [end of output]"
        )

    def pin() -> Step:
        version = rng.choice(versions)
        return Step(
            f"Maybe an older {dist} builds with this compiler.",
            f"pip install '{dist}=={version}' 2>&1 | tail -{rng.choice([12, 14, 16])}",
            cargo_error(version),
            rc=1,
            seconds=rng.uniform(15, 70),
        )

    def binary() -> Step:
        version = rng.choice(versions)
        spec = rng.choice([f"'{dist}=={version}'", f"'{dist}<={version}'", dist])
        return Step(
            "I'll insist on a prebuilt wheel so nothing has to compile.",
            f"pip install --only-binary :all: {spec} 2>&1 | tail -3",
            f"ERROR: Could not find a version that satisfies the requirement {spec.strip(chr(39))} (from versions: none)\nERROR: No matching distribution found for {spec.strip(chr(39))}",
            rc=1,
            seconds=rng.uniform(2, 8),
        )

    def toolchain() -> Step:
        return Step(
            "Which Rust toolchain is installed, and can rustup switch it?",
            rng.choice(
                [
                    "rustc --version && cargo --version",
                    "rustup show",
                    "rustup toolchain list",
                    "ls ~/.cargo/bin /usr/local/bin | grep -iE 'rust|cargo'",
                    "which -a rustc cargo",
                ]
            ),
            rng.choice(
                [
                    f"rustc {rustc} (18bf6b4f0 2020-10-07)\ncargo {rustc} (65cbdd2dc 2020-10-14)",
                    "bash: rustup: command not found",
                    "/usr/bin/rustc\n/usr/bin/cargo",
                    "ls: cannot access '/root/.cargo/bin': No such file or directory\ncargo\nrustc",
                ]
            ),
            rc=rng.choice([0, 0, 127]),
        )

    def conda() -> Step:
        need = rng.choice(["1.64", "1.70", "1.74", "1.76"])
        return Step(
            "conda-forge ships rust; installing a newer compiler into the env might work.",
            rng.choice(
                [
                    f"conda install -y 'rust>={need}' 2>&1 | tail -8",
                    f"conda install -y -c conda-forge rust={need} 2>&1 | tail -8",
                    "conda search rust 2>&1 | tail -6",
                ]
            ),
            f"Collecting package metadata (current_repodata.json): done\nSolving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - rust[version='>={need}']\n\nCurrent channels:\n\n  - http://mirror.internal:{rng.choice([8081, 8443, 3142])}/conda/main/linux-64\n  - http://mirror.internal/conda/main/noarch",
            rc=1,
            seconds=rng.uniform(10, 50),
        )

    def precise() -> Step:
        crate, cv, need = rng.choice(_CRATES)
        src = tmpname(rng, dist.replace("-", "_"))
        return Step(
            "The error suggests `cargo update --precise`. I'll unpack the sdist and pin the crate back myself.",
            f"pip download --no-binary :all: --no-deps {dist} -d {src} -q && cd {src} && tar xzf *.tar.gz && cd {dist.replace('-', '_')}-* && cargo update -p {crate} --precise {cv.rsplit('.', 1)[0]}.0 2>&1 | tail -4",
            f"    Updating crates.io index\nwarning: spurious network error (3 tries remaining): [6] Couldn't resolve host name\nerror: failed to get `{crate}` as a dependency of package `{dist.replace('-', '_')} v{versions[0]}`\n\nCaused by:\n  failed to load source for dependency `{crate}`\n\nCaused by:\n  package `{crate} v{cv}` requires rustc {need}",
            rc=101,
            seconds=rng.uniform(20, 90),
        )

    def parent_pin() -> Step:
        version = rng.choice(["4.17.3", "4.19.2", "2.5.3", "3.2.0", "1.10.13"])
        return Step(
            f"Perhaps an older {parent} does not need {dist} at all.",
            f"pip install '{parent}=={version}' 2>&1 | grep -E 'Collecting|error|requires rustc' | head -8",
            f"Collecting {parent}=={version}\nCollecting {dist}>={rng.choice(versions)}\n  error: subprocess-exited-with-error\n        Caused by: `cargo metadata` exited with an error: error: package `{rng.choice(_CRATES)[0]} v0.{rng.randint(1, 30)}.{rng.randint(0, 9)}` cannot be built because it requires rustc 1.{rng.randint(56, 76)} or newer, while the currently active rustc version is {rustc}",
            rc=1,
            seconds=rng.uniform(10, 40),
        )

    def collect() -> Step:
        return Step(
            "Rechecking the collection error to see exactly what is missing.",
            f"python -m pytest {ctx.test_file} -q --co 2>&1 | tail -{rng.choice([6, 8, 10])}",
            f"ImportError while loading conftest '/testbed/conftest.py'.\nconftest.py:{rng.randint(5, 40)}: in <module>\n    import {parent}\n{ctx.site}/{parent}/__init__.py:{rng.randint(8, 30)}: in <module>\n    from {imp} import {rng.choice(['HashTrieMap', 'SchemaValidator', 'dumps', 'core'])}\nE   ModuleNotFoundError: No module named '{imp}'",
            rc=4,
            seconds=rng.uniform(1, 5),
        )

    def env_flag() -> Step:
        flag = rng.choice(
            [
                "RUSTUP_TOOLCHAIN=stable",
                "CARGO_NET_OFFLINE=false",
                "MATURIN_PEP517_ARGS='--compatibility linux'",
                "RUSTFLAGS='-C target-cpu=generic'",
                "PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1",
            ]
        )
        version = rng.choice(versions)
        return Step(
            "Trying the build again with a different toolchain setting.",
            f"{flag} pip install --no-cache-dir '{dist}=={version}' 2>&1 | grep -E 'error|rustc|Successfully' | head -5",
            rng.choice(
                [
                    cargo_error(version).split("\n      💥")[0].rsplit("\n", 1)[0]
                    + "\n"
                    + cargo_error(version)
                    .split("Caused by: `cargo metadata` exited with an error: ")[1]
                    .split("\n")[0],
                    "error: toolchain 'stable-x86_64-unknown-linux-gnu' is not installed",
                ]
            ),
            rc=1,
            seconds=rng.uniform(15, 60),
        )

    opening = [
        Step(
            f"The test module fails to collect because `{imp}` is missing. Let me install {dist}.",
            f"pip install {dist} 2>&1 | tail -15",
            cargo_error(versions[0]),
            rc=1,
            seconds=rng.uniform(20, 60),
        )
    ]
    attempts: list[Attempt] = [pin, binary, toolchain, conda, precise, parent_pin, collect, env_flag]
    return cycle(ctx, rng, n, opening, attempts, f"building {dist} with the sandbox's rustc {rustc}")

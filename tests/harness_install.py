"""Real agent CLIs from npm, pinned, installed once into the repo's `.regulator/harnesses` (ignored
by git) and reused by every later run. A test that needs one calls `npm_bin`; when npm or its
registry cannot be reached the test is skipped with that reason, never failed. `run_headless` runs
one headless turn of a CLI with only the environment it is given."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent.parent / ".regulator" / "harnesses"
INSTALL_TIMEOUT_S = 600


def npm_bin(package: str, version: str, bin_name: str, *, node: Path | None = None) -> Path:
    """The `bin_name` executable of `package@version`, installed on first use. `node`: the Node.js
    its install scripts must run on (OpenClaw's refuse the machine's older one)."""
    prefix = CACHE / f"{package.replace('/', '+')}@{version}"
    binary = prefix / "node_modules" / ".bin" / bin_name
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm is not installed: cannot install {package}@{version}")
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one install at a time, even across test processes
        if not binary.exists():
            _install(npm, package, version, prefix, node)
    if not binary.exists():
        raise RuntimeError(f"{package}@{version} installed without a {bin_name!r} executable")
    return binary


def _install(npm: str, package: str, version: str, prefix: Path, node: Path | None) -> None:
    staging = prefix.with_name(prefix.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--loglevel=error"]
    env = {**os.environ, "PATH": f"{node.parent}{os.pathsep}{os.environ['PATH']}"} if node else None
    _run_install(
        [*command, f"{package}@{version}"], staging, lambda _: _registry_unreachable(npm, package, version), env
    )
    staging.rename(prefix)  # whole or not at all: an interrupted install is never taken for one


def _registry_unreachable(npm: str, package: str, version: str) -> bool:
    try:
        probe = subprocess.run(
            [npm, "view", f"{package}@{version}", "version"], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        return True
    return probe.returncode != 0 and any(
        word in probe.stderr for word in ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "network")
    )


def run_headless(argv: list[str], cwd: Path, env: dict[str, str], timeout_s: float = 180) -> str:
    """Run a CLI turn with `env` (plus PATH) and no stdin; its stdout, once it exited 0."""
    done = subprocess.run(
        argv,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert done.returncode == 0, f"{argv[0]} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


def pypi_bin(package: str, version: str, bin_name: str) -> Path:
    """The `bin_name` executable of `package==version` from PyPI, in a virtualenv of its own (its
    dependencies must not meet ours), installed on first use."""
    prefix = CACHE / f"{package}@{version}"  # not "==": mini-swe-agent reads a path with "=" as a setting
    done = prefix / ".installed"  # a venv cannot be moved into place, so completion is marked
    binary = prefix / "bin" / bin_name
    if not done.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.exists():
                _pip_install(package, version, prefix)
                done.touch()
    if not binary.exists():
        raise RuntimeError(f"{package}=={version} installed without a {bin_name!r} executable")
    return binary


_OFFLINE = ("NewConnectionError", "name resolution", "Max retries exceeded", "ConnectTimeout", "dns error")


def _pip_install(package: str, version: str, prefix: Path) -> None:
    shutil.rmtree(prefix, ignore_errors=True)  # whatever an interrupted install left
    # uv (a test dependency) resolves and installs aider's ~100 packages in ~10 s; pip takes ~3 min.
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        subprocess.run([str(uv), "venv", "-q", "-p", sys.executable, str(prefix)], check=True, capture_output=True)
        install = [str(uv), "pip", "install", "-q", "-p", str(prefix / "bin" / "python")]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True, capture_output=True)
        install = [str(prefix / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run_install([*install, f"{package}=={version}"], prefix, lambda stderr: any(w in stderr for w in _OFFLINE))


def _run_install(
    command: list[str], into: Path, unreachable: Callable[[str], bool], env: dict[str, str] | None = None
) -> None:
    """Run an installer into `into`; removed again unless it succeeded. A registry that cannot be
    reached skips the test, any other failure fails it."""
    what = " ".join(command[-3:])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        shutil.rmtree(into, ignore_errors=True)
        pytest.skip(f"{what} took over {INSTALL_TIMEOUT_S} s: registry unreachable?")
    if done.returncode != 0:
        shutil.rmtree(into, ignore_errors=True)
        if unreachable(done.stderr):
            pytest.skip(f"the registry is unreachable: {what}")
        raise RuntimeError(f"{what} failed:\n{done.stderr[-2000:]}")

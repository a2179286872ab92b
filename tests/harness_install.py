"""Real agent CLIs from npm, pinned, installed once into the repo's `.regulator/harnesses` (ignored
by git) and reused by every later run. A test that needs one calls `npm_bin`; when npm or its
registry cannot be reached the test is skipped with that reason, never failed. `run_headless` runs
one headless turn of a CLI with only the environment it is given."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent.parent / ".regulator" / "harnesses"
INSTALL_TIMEOUT_S = 600


def npm_bin(package: str, version: str, bin_name: str) -> Path:
    """The `bin_name` executable of `package@version`, installed on first use."""
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
            _install(npm, package, version, prefix)
    if not binary.exists():
        raise RuntimeError(f"{package}@{version} installed without a {bin_name!r} executable")
    return binary


def _install(npm: str, package: str, version: str, prefix: Path) -> None:
    staging = prefix.with_name(prefix.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run(
            [*command, f"{package}@{version}"], capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.skip(f"npm install {package}@{version} took over {INSTALL_TIMEOUT_S} s: registry unreachable?")
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        if _registry_unreachable(npm, package, version):
            pytest.skip(f"the npm registry is unreachable: cannot install {package}@{version}")
        raise RuntimeError(f"npm install {package}@{version} failed:\n{done.stderr[-2000:]}")
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

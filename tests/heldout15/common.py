"""Pieces every family's text is made of: tool banners, addresses, and a THOUGHT put together from parts."""

from __future__ import annotations

import random
from collections.abc import Sequence

from heldout15.runs import Repo

_MICRO = {"3.5": "3.5.10", "3.6": "3.6.13", "3.8": "3.8.20", "3.9": "3.9.20", "3.10": "3.10.15", "3.11": "3.11.10"}


def compose(rng: random.Random, *groups: Sequence[str]) -> str:
    """One THOUGHT: a part drawn from each group, empty draws left out, paragraphs apart."""
    return "\n\n".join(part for part in (rng.choice(group) for group in groups) if part)


def python(repo: Repo) -> str:
    return _MICRO.get(repo.py, repo.py + ".0")


def rule(text: str, fill: str = "=") -> str:
    """A pytest section line, 80 wide."""
    return f" {text} ".center(80, fill) if text else fill * 80


def pytest_head(repo: Repo, collected: int) -> str:
    config = {"django": "tox.ini", "sympy": "pytest.ini", "pytest": "pyproject.toml", "flask": "pyproject.toml"}
    return (
        f"{rule('test session starts')}\n"
        f"platform linux -- Python {python(repo)}, pytest-7.4.0, pluggy-1.3.0\n"
        f"rootdir: /testbed\nconfigfile: {config.get(repo.name, 'setup.cfg')}\n"
        f"collected {collected} item{'s' if collected != 1 else ''}\n"
    )


def address(rng: random.Random) -> str:
    return f"0x7{rng.randrange(16**11):011x}"


def short_hash(rng: random.Random) -> str:
    return f"{rng.randrange(16**10):010x}"


def duration(rng: random.Random, low: float = 0.05, high: float = 1.5) -> str:
    return f"{rng.uniform(low, high):.2f}s"


def tests_dir(repo: Repo) -> str:
    """Where a test file next to the code the run is fixing goes."""
    if repo.django or repo.name in ("seaborn", "flask", "requests", "pylint", "sphinx", "pytest"):
        return repo.tests if repo.name != "pytest" else "testing"
    return repo.target.rsplit("/", 1)[0] + "/tests"

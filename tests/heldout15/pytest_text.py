"""pytest's own output for the fixture, recursion and pass/fail stretches."""

from __future__ import annotations

import random

from heldout15.common import duration, pytest_head, rule
from heldout15.runs import Repo

_BUILTIN = (
    "cache, capfd, capfdbinary, caplog, capsys, capsysbinary, doctest_namespace, monkeypatch, pytestconfig, "
    "record_property, record_testsuite_property, record_xml_attribute, recwarn"
)


def progress(path: str, marks: str) -> str:
    line = f"{path} {marks}"
    return line + " " * max(1, 80 - len(line) - 6) + "[100%]"


def summary(rng: random.Random, passed: int, failed: int = 0, errors: int = 0) -> str:
    parts = [f"{failed} failed"] if failed else []
    parts += [f"{passed} passed"] if passed else []
    parts += [f"{errors} error{'s' if errors > 1 else ''}"] if errors else []
    return rule(f"{', '.join(parts)} in {duration(rng)}")


def fixture_missing(
    rng: random.Random, repo: Repo, path: str, case: str, wanted: list[str], missing: str, extra: list[str], passed: int
) -> str:
    """A test erroring at setup because a fixture it asks for is nowhere to be found."""
    line = rng.randint(9, 60)
    available = ", ".join([_BUILTIN, *sorted(extra), "tmp_path, tmp_path_factory, tmpdir, tmpdir_factory"])
    marks = "".join(rng.sample("E" + "." * passed, passed + 1))
    return (
        f"{pytest_head(repo, passed + 1)}\n{progress(path, marks)}\n\n"
        f"{rule('ERRORS')}\n{rule(f'ERROR at setup of {case}', '_')}\n"
        f"file /testbed/{path}, line {line}\n  def {case}({', '.join(wanted)}):\n"
        f"E       fixture '{missing}' not found\n>       available fixtures: {available}\n"
        f">       use 'pytest --fixtures [testpath]' for help on them.\n\n/testbed/{path}:{line}\n"
        f"{rule('short test summary info')}\nERROR {path}::{case}\n{summary(rng, passed, errors=1)}\n"
    )


def scope_mismatch(
    rng: random.Random,
    repo: Repo,
    path: str,
    case: str,
    conftest: str,
    fixture: str,
    scope: str,
    needs: str,
    passed: int,
) -> str:
    """A broader-scoped fixture asking for a function-scoped one."""
    marks = "".join(rng.sample("E" + "." * passed, passed + 1))
    return (
        f"{pytest_head(repo, passed + 1)}\n{progress(path, marks)}\n\n"
        f"{rule('ERRORS')}\n{rule(f'ERROR at setup of {case}', '_')}\n"
        f"ScopeMismatch: You tried to access the function scoped fixture {needs} with a {scope} scoped request object, involved factories:\n"
        f"{conftest}:{rng.randint(8, 70)}:  def {fixture}({needs})\n\n"
        f"{rule('short test summary info')}\nERROR {path}::{case} - Failed: ScopeMismatch: You tried to access the function scoped fixture {needs} with a {scope} scoped request object, involved factories:\n"
        f"{summary(rng, passed, errors=1)}\n"
    )


def passing(rng: random.Random, repo: Repo, path: str, count: int) -> str:
    if repo.django:
        return (
            f"Testing against Django installed in '/testbed/django' with up to 8 processes\nFound {count} test(s).\n"
            f"System check identified no issues (0 silenced).\n{'.' * count}\n{'-' * 70}\n"
            f"Ran {count} tests in {rng.uniform(0.01, 0.9):.3f}s\n\nOK\n"
        )
    return (
        f"{pytest_head(repo, count)}\n{progress(path, '.' * count)}\n\n{rule(f'{count} passed in {duration(rng)}')}\n"
    )

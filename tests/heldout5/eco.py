"""What a toolchain looks like to an agent: its commands, and the text each prints when it passes or fails."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocker:
    """Something in the environment that stops the work: the first command that hits it, the error it
    prints (with drifting holes), commands an agent tries against it, and, when it is fixable, the fix."""

    what: str
    cmd: str
    error: str
    attempts: tuple[str, ...]
    fix: tuple[tuple[str, str], ...] = ()
    fixed: str = ""


@dataclass(frozen=True)
class Poll:
    start: str
    started: str
    check: str
    pending: str  # {i}: the check's number
    ready: str


@dataclass(frozen=True)
class Eco:
    name: str
    src_dir: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    packages: tuple[str, ...]
    idents: tuple[str, ...]
    snippets: tuple[str, ...]  # {name}, {value}
    git_log: str
    readme: str
    config_file: str
    config_text: str  # {value}
    build_cmd: str
    build_ok: str
    test_cmd: str
    test_one: str  # {test}
    pkg_cmd: str  # {pkg}
    lint_cmd: str
    lint_clean: str
    pass_tpl: str  # {total}
    fail_tpl: str  # {test} {msg} {failed} {total}
    fail_msgs: tuple[str, ...]
    compile_tpl: str  # {file} {msg}
    compile_msgs: tuple[str, ...]
    blockers: tuple[Blocker, ...]
    transient: tuple[str, str, str]  # command, transient error, success
    poll: Poll
    bench: tuple[str, str]  # command, output with {value}
    tune: tuple[str, str, str]  # config key, command, output with {value}
    debug: tuple[str, str]  # command, output with {value}

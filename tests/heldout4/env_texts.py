"""What the environment answers in each toolchain: blockers no agent can fix from inside the sandbox,
problems it can fix, transient failures, and things worth waiting for.

A blocker's attempts are what agents really try (other flags, env vars, restarts, diagnostics,
config edits); their answers keep failing the same way with drifting details. The texts are in
`blockers_a`, `blockers_b` and `env_more`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocker:
    trigger: str
    error: str
    attempts: tuple[
        tuple[str, str, str, int | str], ...
    ]  # (kind, command or path, output, exit code); edits: (edit, path, old, new)


@dataclass(frozen=True)
class Fixable:
    command: str
    error: str
    tries: tuple[tuple[str, str, int], ...]  # what the agent tries first, failing
    fix: tuple[str, str]  # the command that fixes it and its output
    ok: str


@dataclass(frozen=True)
class Poll:
    start: str
    started: str
    check: str
    states: tuple[str, ...]  # what the check says while waiting, in order (the last repeats)
    ready: str

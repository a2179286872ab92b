"""`regulator run -- COMMAND`: the child finds the gateway through its environment; its task is reported."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import RunningGateway

# What a harness does with the environment `run` gives it: Claude Code sends ANTHROPIC_CUSTOM_HEADERS.
CHILD = """
import os, sys, anthropic
name, value = os.environ["ANTHROPIC_CUSTOM_HEADERS"].split(": ", 1)
client = anthropic.Anthropic(default_headers={name: value})  # base URL and key from the environment
for _ in range(2):
    client.messages.create(model="claude-sonnet-4-6", max_tokens=32, messages=[{"role": "user", "content": "hi"}])
sys.exit(7)
"""


def test_run_points_the_child_at_the_gateway_and_reports_its_session(gateway: RunningGateway) -> None:
    token = (gateway.data_dir / "admin_token").read_text().strip()
    argv = [sys.executable, "-m", "regulator", "run", "--key", gateway.key, "--url", gateway.url, "--token", token]
    argv += ["--session", "task-42", "--", sys.executable, "-c", CHILD]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_"))}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 7, done.stderr  # the child's status
    assert "session task-42: 2 calls, $0.0" in done.stderr, done.stderr
    gateway.gateway.ledger.flush()
    assert {r.session for r in gateway.gateway.store.iter_records(0)} == {"task-42"}


def test_run_without_a_command_or_a_key_says_how_to_use_it(gateway: RunningGateway) -> None:
    run = [sys.executable, "-m", "regulator", "run"]
    env = {k: v for k, v in os.environ.items() if k != "REGULATOR_KEY"}
    assert "nothing to run" in subprocess.run(run, capture_output=True, text=True, env=env).stderr
    no_key = subprocess.run([*run, "--", "true"], capture_output=True, text=True, env=env)
    assert no_key.returncode == 2 and "no regulator key" in no_key.stderr

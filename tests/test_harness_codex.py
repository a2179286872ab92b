"""OpenAI Codex CLI, installed from npm, completes a headless turn through the gateway against the
mock: a tool call and its result go round the Responses API, and the ledger holds what the mock billed.
How Codex is pointed at regulator is in docs/agents.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunningGateway
from harness_install import npm_bin, run_headless
from loadgen import billed_usd

CODEX = ("@openai/codex", "0.171.0", "codex")
CONFIG = """\
model = "gpt-5.1-codex-mini"
model_provider = "regulator"

[model_providers.regulator]
name = "regulator"
base_url = "{url}/v1"
env_key = "REGULATOR_API_KEY"
wire_api = "responses"
"""


def test_codex_exec_completes_a_turn_through_the_gateway(
    gateway: RunningGateway, mock_upstream, tmp_path: Path
) -> None:
    codex = npm_bin(*CODEX)
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text(CONFIG.format(url=gateway.url))
    work = tmp_path / "work"
    work.mkdir()
    mock_upstream.app.script(
        {"tool_calls": [{"name": "exec_command", "arguments": {"cmd": "echo regulator-ok"}}]}, times=1
    )
    mock_upstream.app.script({"content": "The command printed regulator-ok."})
    env = {"HOME": str(tmp_path), "CODEX_HOME": str(home), "REGULATOR_API_KEY": gateway.key}
    prompt = "Run `echo regulator-ok` and tell me what it printed."
    out = run_headless([str(codex), "exec", "--skip-git-repo-check", prompt], work, env)
    assert "The command printed regulator-ok." in out
    gateway.gateway.ledger.flush()
    rows = list(gateway.gateway.store.iter_records(0))
    assert [(r.endpoint, r.stream, r.outcome) for r in rows] == [("responses", True, "ok")] * 2
    assert rows[0].session == rows[1].session, "the tool result threads into the turn's session"
    assert sum(r.cost_usd for r in rows) == pytest.approx(billed_usd(mock_upstream.url, "gpt-5.1-codex-mini"), abs=1e-8)
    assert sum(r.cost_usd for r in rows) > 0
    [(_, _, sent), _] = [r for r in mock_upstream.app.received if r[1] == "/v1/responses"]
    assert gateway.key not in sent.values(), "the agent's regulator key never reaches the provider"

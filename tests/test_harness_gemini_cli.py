"""gemini-cli, installed from npm, completes a headless turn through the gateway against the mock on
Google's native API: a tool call and its result go round `streamGenerateContent`, and the ledger
holds what the mock billed. How gemini-cli is pointed at regulator is in docs/agents.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunningGateway
from harness_install import npm_bin, run_headless
from loadgen import billed_usd

GEMINI_CLI = ("@google/gemini-cli", "0.61.0", "gemini")
# A key with GOOGLE_GEMINI_BASE_URL alone selects the CLI's "gateway" auth, which its headless mode
# rejects; selecting the API-key auth keeps the key and the base URL. No usage statistics to Google.
SETTINGS = {"security": {"auth": {"selectedType": "gemini-api-key"}}, "privacy": {"usageStatisticsEnabled": False}}


def test_gemini_cli_completes_a_turn_through_the_gateway(
    gateway: RunningGateway, mock_upstream, tmp_path: Path
) -> None:
    gemini = npm_bin(*GEMINI_CLI)
    (tmp_path / ".gemini").mkdir()
    (tmp_path / ".gemini" / "settings.json").write_text(json.dumps(SETTINGS))
    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("hello\n")
    mock_upstream.app.script({"tool_calls": [{"name": "list_directory", "arguments": {"dir_path": "."}}]}, times=1)
    mock_upstream.app.script({"content": "The directory holds README.md."})
    env = {
        "HOME": str(tmp_path),
        "GEMINI_API_KEY": gateway.key,
        "GOOGLE_GEMINI_BASE_URL": gateway.url,
        "GEMINI_CLI_TRUST_WORKSPACE": "true",
    }
    out = run_headless([str(gemini), "-p", "List this directory.", "-m", "gemini-2.5-flash"], work, env)
    assert "The directory holds README.md." in out
    gateway.gateway.ledger.flush()
    rows = list(gateway.gateway.store.iter_records(0))
    assert [(r.dialect, r.endpoint, r.stream, r.outcome) for r in rows] == [("google", "gemini", True, "ok")] * 2
    assert rows[0].session == rows[1].session, "the tool result threads into the turn's session"
    assert sum(r.cost_usd for r in rows) == pytest.approx(billed_usd(mock_upstream.url, "gemini-2.5-flash"), abs=1e-8)
    assert sum(r.cost_usd for r in rows) > 0
    paths = [target for _, target, _ in mock_upstream.app.received if not target.startswith("/mock/")]
    assert paths == ["/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse"] * 2

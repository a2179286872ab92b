from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from regulator.cli import keys as keys_cli
from regulator.store import hash_key, open_store
from regulator.store.keys import display_prefix, generate_key, generate_key_id, looks_like_key


def test_generated_key_is_rg_prefix_and_32_url_safe_chars() -> None:
    key = generate_key()
    assert re.fullmatch(r"rg-[A-Za-z0-9_-]{32}", key)
    assert looks_like_key(key)


def test_generated_keys_and_ids_do_not_repeat() -> None:
    assert len({generate_key() for _ in range(1000)}) == 1000
    assert len({generate_key_id() for _ in range(1000)}) == 1000


def test_key_id_is_short_and_not_a_key() -> None:
    key_id = generate_key_id()
    assert re.fullmatch(r"key_[0-9a-f]{12}", key_id)
    assert not looks_like_key(key_id)


def test_hash_is_sha256_hex_of_the_key() -> None:
    key = "rg-abcdefghijklmnopqrstuvwxyz012345"
    assert hash_key(key) == hashlib.sha256(key.encode()).hexdigest()
    assert hash_key(key) != hash_key(key + "x")


def test_display_prefix_is_six_chars_after_rg() -> None:
    assert display_prefix("rg-abcdefghijkl") == "abcdef"


def cli() -> typer.Typer:
    app = typer.Typer()
    keys_cli.register(app)

    @app.callback()
    def _root() -> None:
        """Group root, as in regulator.cli.main."""

    return app


def test_cli_create_prints_the_key_once_and_list_never_shows_it(tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(cli(), ["keys", "create", "--agent", "bot", "--fleet", "f1", "--data-dir", str(tmp_path)])
    assert created.exit_code == 0, created.output
    plaintext = created.stdout.strip()
    assert re.fullmatch(r"rg-[A-Za-z0-9_-]{32}", plaintext)
    assert "key_" in created.stderr

    listed = runner.invoke(cli(), ["keys", "list", "--json"], env={"REGULATOR_DATA_DIR": str(tmp_path)})
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["agent"], r["fleet"], r["org"], r["revoked_at"]) for r in rows] == [("bot", "f1", "default", None)]
    assert plaintext not in listed.stdout and rows[0]["prefix"] == f"{plaintext[:9]}…"

    table = runner.invoke(cli(), ["keys", "list", "--data-dir", str(tmp_path)])
    assert rows[0]["key_id"] in table.stdout and plaintext not in table.stdout

    store = open_store(tmp_path)
    assert store.lookup_key(hash_key(plaintext)) is not None
    store.close()


def test_cli_revoke_by_key_or_id_and_unknown_id_fails(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    key_a, _ = store.create_key("a")
    _, row_b = store.create_key("b")
    runner = CliRunner()
    for target in (key_a, row_b.key_id):
        result = runner.invoke(cli(), ["keys", "revoke", target, "--data-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "revoked key_" in result.stdout
    assert all(k.revoked for k in store.list_keys())
    missing = runner.invoke(cli(), ["keys", "revoke", "key_nope", "--data-dir", str(tmp_path)])
    assert missing.exit_code == 2 and "no key key_nope" in missing.output
    store.close()


def test_an_agent_or_fleet_name_stays_in_the_org_of_its_first_key(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["keys", "create", "--data-dir", str(tmp_path)]
    assert runner.invoke(cli(), [*base, "--agent", "bot", "--fleet", "ops", "--org", "acme"]).exit_code == 0
    assert runner.invoke(cli(), [*base, "--agent", "bot-2", "--fleet", "ops", "--org", "acme"]).exit_code == 0
    fleet_elsewhere = runner.invoke(cli(), [*base, "--agent", "other", "--fleet", "ops", "--org", "beta"])
    assert fleet_elsewhere.exit_code == 2
    assert "fleet 'ops' belongs to org 'acme'" in fleet_elsewhere.output
    agent_elsewhere = runner.invoke(cli(), [*base, "--agent", "bot", "--fleet", "lab", "--org", "beta"])
    assert agent_elsewhere.exit_code == 2 and "agent 'bot' belongs to org 'acme'" in agent_elsewhere.output
    store = open_store(tmp_path)
    assert sorted(k.agent for k in store.list_keys()) == ["bot", "bot-2"]
    store.close()


def test_keys_commands_work_against_a_running_gateway(gateway) -> None:
    """`--url`: create, list and revoke through the admin API; each takes effect at once."""
    import httpx

    token = (gateway.data_dir / "admin_token").read_text().strip()
    runner = CliRunner()
    base = ["--url", gateway.url, "--token", token]
    created = runner.invoke(cli(), ["keys", "create", "--agent", "remote-bot", *base])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]

    def call() -> int:
        return httpx.post(
            gateway.url + "/v1/chat/completions",
            headers={"authorization": f"Bearer {key}"},
            json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
            timeout=10,
        ).status_code

    assert call() == 200
    listed = runner.invoke(cli(), ["keys", "list", "--json", *base])
    [row] = [k for k in json.loads(listed.stdout) if k["agent"] == "remote-bot"]
    assert runner.invoke(cli(), ["keys", "revoke", key, *base]).exit_code == 2  # by id only, never in a URL
    assert runner.invoke(cli(), ["keys", "revoke", row["key_id"], *base]).exit_code == 0
    assert call() == 403

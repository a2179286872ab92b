"""Delegated budgets through the admin API and the gateway: open, spend, nest, close, expire."""

from __future__ import annotations

import time

import httpx
import pytest

from conftest import RunningGateway
from test_admin_api import admin, call

ADMIN = "/admin/v1"


def spend_until_refused(gw: RunningGateway, key: str, limit: int = 200) -> int:
    for served in range(limit):
        response = call(gw, key)
        if response.status_code != 200:
            assert response.json()["error"]["code"] == "budget_exceeded", response.text
            assert "delegation:" in response.json()["error"]["message"]
            return served
    raise AssertionError("never refused")


def test_a_child_is_capped_by_what_its_parent_has_left_and_spends_from_it(gateway: RunningGateway) -> None:
    probe = float(call(gateway).headers["x-regulator-cost-usd"])  # what one call costs here
    with admin(gateway) as client:
        root = client.post(ADMIN + "/delegations", json={"agent": "planner", "budget_usd": 10 * probe}).json()
        assert root["parent_id"] is None and root["cap_usd"] == pytest.approx(10 * probe)
        child = client.post(ADMIN + "/delegations", json={"parent": root["delegation_id"], "budget_usd": 4 * probe})
        assert child.status_code == 201, child.text
        child = child.json()
        assert (child["agent"], child["parent_id"]) == ("planner", root["delegation_id"])
        spend_until_refused(gateway, child["key"])
        listed = {d["delegation_id"]: d for d in client.get(ADMIN + "/delegations").json()["delegations"]}
        spent = listed[child["delegation_id"]]["spent_usd"]
        # Answers vary in length: the child stops at its cap, its last calls clamped to fit.
        assert child["cap_usd"] / 3 < spent <= child["cap_usd"], "the child stops at its cap"
        assert listed[root["delegation_id"]]["spent_usd"] == pytest.approx(spent), "counted against the parent"
        assert listed[root["delegation_id"]]["reserved_usd"] == 0.0
        # The parent has about 6 calls left: a child asking for 20 gets what is left; a grandchild nests.
        big = client.post(ADMIN + "/delegations", json={"parent": root["key_id"], "budget_usd": 20 * probe}).json()
        assert big["requested_usd"] == pytest.approx(20 * probe)
        assert big["cap_usd"] == pytest.approx(10 * probe - spent, rel=1e-6), "what the parent had left"
        grand = client.post(ADMIN + "/delegations", json={"parent": big["delegation_id"], "budget_usd": 1.0}).json()
        assert grand["cap_usd"] == pytest.approx(big["cap_usd"]) and grand["path"].count("/") == 2
        spend_until_refused(gateway, grand["key"])
        spend_until_refused(gateway, root["key"])
        listed = {d["delegation_id"]: d for d in client.get(ADMIN + "/delegations").json()["delegations"]}
        assert listed[root["delegation_id"]]["spent_usd"] <= 10 * probe
        assert listed[grand["delegation_id"]]["spent_usd"] > grand["cap_usd"] / 3, (
            "the grandchild spent the root's rest"
        )
        closed = client.delete(ADMIN + f"/delegations/{big['delegation_id']}").json()["closed"]
        assert set(closed) == {big["delegation_id"], grand["delegation_id"]}
        assert call(gateway, grand["key"]).status_code == 403
        assert client.post(ADMIN + "/delegations", json={"parent": "dlg_nope", "budget_usd": 1}).status_code == 404
        assert client.post(ADMIN + "/delegations", json={"budget_usd": 1}).status_code == 400
        assert client.delete(ADMIN + "/delegations/dlg_nope").status_code == 404


def test_a_delegated_key_past_its_expiry_is_refused(gateway: RunningGateway) -> None:
    with admin(gateway) as client:
        root = client.post(ADMIN + "/delegations", json={"agent": "short", "budget_usd": 1, "ttl_s": 1}).json()
        child = client.post(ADMIN + "/delegations", json={"parent": root["delegation_id"], "budget_usd": 1}).json()
    assert child["expires_at"] == pytest.approx(root["expires_at"]), "a child never outlives its parent"
    assert call(gateway, child["key"]).status_code == 200
    time.sleep(max(0.0, root["expires_at"] - time.time()) + 0.05)
    expired = call(gateway, child["key"])
    assert expired.status_code == 403 and "expired" in expired.json()["error"]["message"]


def test_cli_opens_lists_and_closes_a_tree_of_delegated_budgets(gateway: RunningGateway) -> None:
    from typer.testing import CliRunner

    from regulator.cli.main import _register, app
    from test_admin_api import admin_token

    _register()
    env = {"REGULATOR_URL": gateway.url, "REGULATOR_ADMIN_TOKEN": admin_token(gateway), "COLUMNS": "200"}
    runner = CliRunner()
    root = runner.invoke(app, ["delegations", "open", "--budget", "1", "--agent", "planner", "--ttl", "1h"], env=env)
    assert root.exit_code == 0, root.output
    root_id, root_key = root.output.split()[0], root.output.splitlines()[-1]
    child = runner.invoke(app, ["delegations", "open", "--budget", "2", "--parent", root_id], env=env)
    assert child.exit_code == 0 and "cap $1.000000 (asked $2.000000)" in child.output, child.output
    assert call(gateway, child.output.splitlines()[-1]).status_code == 200
    listed = runner.invoke(app, ["delegations", "list"], env=env)
    assert listed.exit_code == 0 and root_id in listed.output and "live" in listed.output
    closed = runner.invoke(app, ["delegations", "close", root_id], env=env)
    assert closed.exit_code == 0 and "closed 2" in closed.output
    assert call(gateway, root_key).status_code == 403
    assert runner.invoke(app, ["delegations", "open", "--budget", "1", "--ttl", "soon"], env=env).exit_code == 2


def session_call(gw: RunningGateway, key: str, session: str | None, budget: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {key}"}
    if session is not None:
        headers["x-regulator-session"] = session
    if budget is not None:
        headers["x-regulator-budget-usd"] = budget
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"sub-task {time.time()}"}]}
    return httpx.post(gw.url + "/v1/chat/completions", json=body, headers=headers, timeout=10)


def test_a_header_on_a_sessions_first_call_opens_its_budget_carved_from_the_keys(gateway: RunningGateway) -> None:
    probe = float(call(gateway).headers["x-regulator-cost-usd"])
    with admin(gateway) as client:
        root = client.post(ADMIN + "/delegations", json={"agent": "orchestrator", "budget_usd": 10 * probe}).json()
        key = root["key"]
        assert session_call(gateway, key, "sub-1", f"{3 * probe:.9f}").status_code == 200
        served = 1
        while (response := session_call(gateway, key, "sub-1")).status_code == 200:  # no header: same budget
            served += 1
            assert served < 50
        assert response.json()["error"]["code"] == "budget_exceeded"
        assert "delegation:" in response.json()["error"]["message"]
        listed = client.get(ADMIN + "/delegations").json()["delegations"]
        [sub] = [d for d in listed if d["session"] == "sub-1"]
        [top] = [d for d in listed if d["delegation_id"] == root["delegation_id"]]
        assert sub["parent_id"] == root["delegation_id"] and sub["cap_usd"] == pytest.approx(3 * probe)
        assert sub["cap_usd"] / 3 < sub["spent_usd"] <= sub["cap_usd"]
        assert top["spent_usd"] == pytest.approx(sub["spent_usd"]), "the session's spend is the key's"
        # A later header does not reopen or raise it; other sessions of the key spend the rest.
        assert session_call(gateway, key, "sub-1", "100").json()["error"]["code"] == "budget_exceeded"
        assert session_call(gateway, key, "sub-2", "100").status_code == 200
        [sub2] = [d for d in client.get(ADMIN + "/delegations").json()["delegations"] if d["session"] == "sub-2"]
        assert sub2["cap_usd"] == pytest.approx(10 * probe - sub["spent_usd"], rel=1e-6), "what the key had left"
        assert client.delete(ADMIN + f"/delegations/{sub2['delegation_id']}").status_code == 200
        assert session_call(gateway, key, "sub-2").status_code == 403
        assert session_call(gateway, key, "sub-3").status_code == 200, "the key itself still works"
    bad = session_call(gateway, gateway.key, "s", "0.5")
    assert bad.status_code == 400 and "delegated budget" in bad.json()["error"]["message"]
    assert session_call(gateway, key, None, "0.5").status_code == 400  # the session must be named
    assert session_call(gateway, key, "sub-4", "-1").status_code == 400
    assert session_call(gateway, key, "sub-5", "nan").status_code == 400

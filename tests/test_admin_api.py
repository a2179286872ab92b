"""The admin API on a real gateway (in-process, on 127.0.0.1) in front of the mock upstream."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from conftest import RunningGateway
from detect_support import ScriptedSession
from regulator.cli.main import _register, app
from regulator.events import Incident
from regulator.mock.inputs import encode_reply

ADMIN = "/admin/v1"


def admin_token(gw: RunningGateway) -> str:
    return os.environ.get("REGULATOR_ADMIN_TOKEN") or (gw.data_dir / "admin_token").read_text().strip()


def admin(gw: RunningGateway) -> httpx.Client:
    return httpx.Client(base_url=gw.url, headers={"authorization": f"Bearer {admin_token(gw)}"}, timeout=10)


def call(gw: RunningGateway, key: str | None = None, session: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {key or gw.key}"}
    if session:
        headers["x-regulator-session"] = session
    return httpx.post(
        gw.url + "/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hello {time.time()}"}]},
        headers=headers,
        timeout=10,
    )


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def test_admin_token_is_generated_with_owner_only_permissions(gateway: RunningGateway) -> None:
    if os.environ.get("REGULATOR_ADMIN_TOKEN"):
        pytest.skip("REGULATOR_ADMIN_TOKEN is set, so no token file is generated")
    path = gateway.data_dir / "admin_token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) >= 32


@pytest.mark.parametrize("path", ["/summary", "/keys", "/agents", "/budgets", "/incidents", "/reports/spend"])
def test_admin_routes_refuse_missing_wrong_and_agent_credentials(gateway: RunningGateway, path: str) -> None:
    url = gateway.url + ADMIN + path
    missing = httpx.get(url)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "missing_token"
    wrong = httpx.get(url, headers={"authorization": "Bearer " + admin_token(gateway)[:-1] + "x"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_token"
    agent = httpx.get(url, headers={"authorization": f"Bearer {gateway.key}"})
    assert agent.status_code == 403 and agent.json()["error"]["code"] == "agent_key"
    forged_cookie = httpx.get(url, cookies={"regulator_session": "9999999999.deadbeef"})
    assert forged_cookie.status_code == 401
    with admin(gateway) as client:
        assert client.get(ADMIN + path).status_code == 200


def test_actions_refuse_agent_keys(gateway: RunningGateway) -> None:
    response = httpx.post(
        gateway.url + ADMIN + "/actions",
        json={"name": "agent-1", "action": "kill"},
        headers={"authorization": f"Bearer {gateway.key}"},
    )
    assert response.status_code == 403
    assert call(gateway).status_code == 200


def test_keys_create_list_and_revoke_take_effect_at_the_gateway(gateway: RunningGateway) -> None:
    with admin(gateway) as client:
        created = client.post(ADMIN + "/keys", json={"agent": "builder", "fleet": "ci"})
        assert created.status_code == 201
        body = created.json()
        assert body["key"].startswith("rg-") and body["agent"] == "builder"
        listed = client.get(ADMIN + "/keys").json()["keys"]
        assert body["key_id"] in {k["key_id"] for k in listed}
        assert all("key" not in k for k in listed), "the plaintext key is shown once, at creation"
        assert call(gateway, body["key"]).status_code == 200
        revoked = client.delete(ADMIN + f"/keys/{body['key_id']}")
        assert revoked.status_code == 200 and revoked.json()["revoked"]
        assert wait_for(lambda: call(gateway, body["key"]).status_code == 403)
        assert client.delete(ADMIN + "/keys/key_nope").status_code == 404
        assert client.post(ADMIN + "/keys", json={"agent": ""}).status_code == 400
        elsewhere = client.post(ADMIN + "/keys", json={"agent": "tester", "fleet": "ci", "org": "beta"})
        assert elsewhere.status_code == 409 and elsewhere.json()["error"]["code"] == "name_taken"
        json_type = {"content-type": "application/json"}
        assert client.post(ADMIN + "/keys", content=b"{not json", headers=json_type).status_code == 400


def test_agents_show_spend_calls_and_the_session_timeline(gateway: RunningGateway) -> None:
    for _ in range(3):
        assert call(gateway, session="run-7").status_code == 200
    gateway.gateway.ledger.flush()
    spent = gateway.gateway.store.sum_cost(0)
    with admin(gateway) as client:
        [row] = [a for a in client.get(ADMIN + "/agents").json()["agents"] if a["agent"] == "agent-1"]
        assert row["calls_today"] == 3 and row["status"] == "active" and row["session"] == "run-7"
        assert row["spend_today_usd"] == pytest.approx(spent)
        assert row["burn_rate_usd_per_hour"] == pytest.approx(spent)
        detail = client.get(ADMIN + "/agents/agent-1").json()
        assert len(detail["session_calls"]) == 3
        assert sum(detail["series"][1]) == pytest.approx(spent)
        sessions = client.get(ADMIN + "/sessions", params={"agent": "agent-1"}).json()["sessions"]
        assert sessions[0]["session"] == "run-7" and sessions[0]["calls"] == 3
        assert len(client.get(ADMIN + "/sessions/run-7/calls").json()["calls"]) == 3
        assert client.get(ADMIN + "/agents/nobody").status_code == 404
        assert client.get(ADMIN + "/agents/agent-1", params={"minutes": "-3"}).status_code == 400
        summary = client.get(ADMIN + "/summary").json()
        assert summary["spend_today_usd"] == pytest.approx(spent)
        assert summary["month_end_projection_usd"] >= summary["spend_month_usd"]


def test_budgets_set_list_and_delete_apply_to_calls(gateway: RunningGateway) -> None:
    with admin(gateway) as client:
        assert client.put(ADMIN + "/budgets/agent:agent-1", json={"day": 5.0}).status_code == 200
        assert call(gateway).status_code == 200
        budgets = client.get(ADMIN + "/budgets").json()["budgets"]
        [day] = [b for b in budgets if b["scope"] == "agent:agent-1" and b["window"] == "day"]
        assert day["limit_usd"] == 5.0 and day["spent_usd"] > 0
        assert day["remaining_usd"] == pytest.approx(5.0 - day["spent_usd"] - day["reserved_usd"])
        assert day["resets_at"] > time.time()
        # A limit below what one call costs refuses the next call.
        assert client.put(ADMIN + "/budgets/agent:agent-1", json={"day": 1e-9}).status_code == 200
        refused = call(gateway)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "budget_exceeded"  # final
        assert client.delete(ADMIN + "/budgets/agent:agent-1").status_code == 200
        assert call(gateway).status_code == 200
        assert client.delete(ADMIN + "/budgets/agent:agent-1").status_code == 404
        assert client.put(ADMIN + "/budgets/team-a", json={"day": 1}).status_code == 400
        assert client.put(ADMIN + "/budgets/agent:x", json={"day": -1}).status_code == 400
        assert client.put(ADMIN + "/budgets/agent:x", json={}).status_code == 400


def test_pause_resume_kill_reinstate_apply_to_the_next_call(gateway: RunningGateway) -> None:
    def act(action: str, target: str = "agent", name: str = "agent-1") -> httpx.Response:
        with admin(gateway) as client:
            return client.post(ADMIN + "/actions", json={"target": target, "name": name, "action": action})

    assert act("pause").json()["state"] == "paused"
    paused = call(gateway)
    assert paused.status_code == 400 and paused.json()["error"]["code"] == "agent_paused"  # final
    assert act("resume").status_code == 200
    assert call(gateway).status_code == 200
    assert act("kill").json()["state"] == "killed"
    killed = call(gateway)
    assert killed.status_code == 400 and killed.json()["error"]["code"] == "agent_killed"
    assert act("resume").status_code == 409, "a killed agent needs an explicit reinstate"
    assert act("reinstate").status_code == 200
    assert call(gateway).status_code == 200
    assert act("pause", "session", "run-9").status_code == 200
    assert call(gateway, session="run-9").status_code == 400
    assert call(gateway, session="run-10").status_code == 200
    assert act("explode").status_code == 400
    with admin(gateway) as client:
        rows = client.get(ADMIN + "/sessions").json()["sessions"]
        assert any(s["session"] == "run-10" for s in rows)


def test_a_fleet_pause_refuses_its_agents_like_an_agent_pause_and_leaves_other_fleets_alone(
    gateway: RunningGateway,
) -> None:
    coder, writer = gateway.new_key("coder-1", "coders"), gateway.new_key("writer-1", "writers")
    with admin(gateway) as client:
        wait_for(lambda: len(client.get(ADMIN + "/agents").json()["agents"]) >= 3)
        body = {"target": "fleet", "name": "coders", "action": "pause", "reason": "runaway"}
        result = client.post(ADMIN + "/actions", json=body).json()
        assert (result["state"], result["agents"], result["until_ts"]) == ("paused", 1, None)
        refused = call(gateway, coder)  # the same final refusal as an agent pause, naming the fleet
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "agent_paused"
        assert "fleet 'coders'" in refused.json()["error"]["message"]
        assert "regulator resume fleet:coders" in refused.json()["error"]["message"]
        assert call(gateway, writer).status_code == 200
        assert (
            wait_for(lambda: client.get(ADMIN + "/agents", params={"fleet": "coders"}).json()["agents"])[0]["status"]
            == "paused"
        )
        killed = client.post(ADMIN + "/actions", json=body | {"action": "kill"})
        assert killed.json()["state"] == "killed"
        assert call(gateway, coder).json()["error"]["code"] == "agent_killed"
        assert client.post(ADMIN + "/actions", json=body | {"action": "resume"}).status_code == 409
        assert client.post(ADMIN + "/actions", json=body | {"action": "reinstate"}).status_code == 200
        assert call(gateway, coder).status_code == 200
        org = client.post(ADMIN + "/actions", json={"target": "org", "name": "org-1", "action": "pause"}).json()
        assert org["agents"] == 3
        assert {call(gateway, k).json()["error"]["code"] for k in (coder, writer, gateway.key)} == {"agent_paused"}
        client.post(ADMIN + "/actions", json={"target": "org", "name": "org-1", "action": "resume"})
        assert call(gateway, writer).status_code == 200


def test_a_fleet_pause_for_a_while_lifts_by_itself(gateway: RunningGateway) -> None:
    coder = gateway.new_key("coder-2", "coders")
    with admin(gateway) as client:
        body = {"target": "fleet", "name": "coders", "action": "pause", "for_s": 1.5}
        result = client.post(ADMIN + "/actions", json=body).json()
        assert result["until_ts"] == pytest.approx(time.time() + 1.5, abs=0.5)
        refused = call(gateway, coder)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) in (1, 2)
        assert wait_for(lambda: call(gateway, coder).status_code == 200, timeout=3)
        # The sweep drops it from the store too, so the fleet view no longer shows it paused.
        assert wait_for(lambda: not gateway.gateway.store.get_standing_all(), timeout=3)
        wrong = client.post(ADMIN + "/actions", json=body | {"action": "resume"})
        assert wrong.status_code == 400 and "for_s" in wrong.json()["error"]["message"]
        assert client.post(ADMIN + "/actions", json=body | {"for_s": -1}).status_code == 400


def test_an_agent_whose_current_session_is_paused_shows_as_paused(gateway: RunningGateway) -> None:
    """The policy pauses sessions; the fleet view must not call such an agent active."""
    assert call(gateway, session="run-3").status_code == 200
    with admin(gateway) as client:
        wait_for(lambda: client.get(ADMIN + "/agents").json()["agents"])
        response = client.post(ADMIN + "/actions", json={"target": "session", "name": "run-3", "action": "pause"})
        assert response.status_code == 200

        def agent_status() -> str:
            [row] = client.get(ADMIN + "/agents").json()["agents"]
            return str(row["status"])

        assert wait_for(lambda: agent_status() == "paused")
        assert wait_for(lambda: client.get(ADMIN + "/summary").json()["agents_paused"] == 1)


FAILING = (
    "<returncode>1</returncode>\n<output>\nFAILED tests/test_parse.py::test_dates - AssertionError\n"
    "1 failed in 0.40s\n</output>"
)


def stuck_call(gw: RunningGateway, session: str, turn: int) -> httpx.Response:
    """A text agent's call: its last command's failing output, and an answer running it again (the
    mock answers what `x-mock-reply` says)."""
    messages: list[dict[str, str]] = [{"role": "user", "content": "Fix the date parsing bug."}]
    for _ in range(turn):
        messages += [
            {"role": "assistant", "content": "```bash\npytest tests/test_parse.py\n```"},
            {"role": "user", "content": FAILING},
        ]
    return httpx.post(
        gw.url + "/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": messages},
        headers={
            "authorization": f"Bearer {gw.key}",
            "x-regulator-session": session,
            "x-mock-reply": encode_reply(
                "Trying again.\n```bash\npytest tests/test_parse.py --token=abc123secret\n```"
            ),
        },
        timeout=10,
    )


def cite(gw: RunningGateway, session: str, evidence: str, call_ids: list[str]) -> None:
    """An incident on agent-1's `session` that cites `call_ids`, as the detection thread stores one."""
    gw.gateway.store.add_incident(
        Incident(time.time(), "org-1", "fleet-1", "agent-1", session, "error_signature", "pause", evidence, call_ids)
    )


def test_a_sessions_calls_say_what_the_agent_did_and_its_incidents_cite_them(gateway: RunningGateway) -> None:
    for turn in range(3):
        assert stuck_call(gateway, "stuck-1", turn).status_code == 200
    with admin(gateway) as client:

        def summaries() -> list[str | None]:
            response = client.get(ADMIN + "/sessions/stuck-1/calls")
            return [c["summary"] for c in response.json()["calls"]] if response.status_code == 200 else []

        lines = wait_for(lambda: (got := summaries()) and all(got) and len(got) == 3 and got)
        assert lines[0] == "action: pytest tests/test_parse.py --token=[REDACTED]"
        for line in lines[1:]:
            assert line == (
                "result: failing tests/test_parse.py::test_dates (1 failed) · "
                "action: pytest tests/test_parse.py --token=[REDACTED]"
            )
        calls = client.get(ADMIN + "/sessions/stuck-1/calls").json()["calls"]
        cite(gateway, "stuck-1", "same error", [c["call_id"] for c in calls[1:]])
        body = client.get(ADMIN + "/sessions/stuck-1/calls").json()
        [incident] = body["incidents"]
        assert incident["call_ids"] == [c["call_id"] for c in calls[1:]]
        assert client.get(ADMIN + "/sessions/nothing-here/calls").status_code == 404

    from typer.testing import CliRunner

    from regulator.cli.main import _register, app

    _register()
    env = {"REGULATOR_URL": gateway.url, "REGULATOR_ADMIN_TOKEN": admin_token(gateway), "COLUMNS": "250"}
    shown = CliRunner().invoke(app, ["sessions", "show", "stuck-1"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.output.count("failing tests/test_parse.py::test_dates") == 2
    assert shown.output.count("--token=[REDACTED]") == 3 and "abc123secret" not in shown.output
    assert incident["incident_id"] in shown.output and "same error" in shown.output


def test_incidents_are_listed_with_evidence(gateway: RunningGateway) -> None:
    incident = Incident(
        time.time(),
        "org-1",
        "fleet-1",
        "agent-1",
        "run-1",
        "repetition",
        "pause",
        "The same tool call `ls /tmp` was repeated 12 times in calls 3-14.",
        ["c1"],
        [3],
    )
    gateway.gateway.store.add_incident(incident)
    with admin(gateway) as client:
        [found] = client.get(ADMIN + "/incidents").json()["incidents"]
        assert found["evidence"].startswith("The same tool call") and found["action"] == "pause"
        assert client.get(ADMIN + "/incidents", params={"agent": "other"}).json()["incidents"] == []
        assert client.get(ADMIN + "/incidents", params={"since": "yesterday-ish"}).status_code == 400

        def last_incident() -> Any:
            agents = client.get(ADMIN + "/agents").json()["agents"]
            return agents[0]["last_incident"] if agents else None

        assert wait_for(last_incident)["incident_id"] == incident.incident_id


def test_spend_reports_group_by_agent_model_and_session(gateway: RunningGateway) -> None:
    other = gateway.new_key("agent-2", "fleet-2")
    call(gateway, session="a")
    call(gateway, other, session="b")
    gateway.gateway.ledger.flush()
    total = gateway.gateway.store.sum_cost(0)
    with admin(gateway) as client:
        for by in ("agent", "fleet", "model", "session", "org"):
            report = client.get(ADMIN + "/reports/spend", params={"by": by, "since": "1h"}).json()
            assert report["total_cost_usd"] == pytest.approx(total)
        by_agent = client.get(ADMIN + "/reports/spend", params={"by": "agent"}).json()["rows"]
        assert {r["key"] for r in by_agent} == {"agent-1", "agent-2"}
        future = client.get(ADMIN + "/reports/spend", params={"since": str(time.time() + 60)}).json()
        assert future["rows"] == []
        assert client.get(ADMIN + "/reports/spend", params={"by": "planet"}).status_code == 400


def test_event_stream_carries_calls_and_incidents(gateway: RunningGateway) -> None:
    seen: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        headers = {"authorization": f"Bearer {admin_token(gateway)}"}
        with httpx.stream(
            "GET", gateway.url + ADMIN + "/events", params={"types": "call,incident"}, headers=headers, timeout=10
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            ready.set()
            for line in response.iter_lines():
                if line.startswith("event: "):
                    seen.append(line[7:])
                if "incident" in seen and "call" in seen:
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert ready.wait(5)
    time.sleep(0.1)
    call(gateway)
    gateway.gateway.store.add_incident(
        Incident(time.time(), "org-1", "fleet-1", "agent-1", "s", "burn", "throttle", "Spent $3 in 5 minutes.")
    )
    thread.join(5)
    assert "call" in seen and "incident" in seen
    with admin(gateway) as client:
        assert client.get(ADMIN + "/events", params={"types": "nope"}).status_code == 400


def test_openapi_schema_is_public_and_valid(gateway: RunningGateway) -> None:
    import schemathesis

    raw = httpx.get(gateway.url + ADMIN + "/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.validate()
    assert "/admin/v1/actions" in raw["paths"]


def test_cli_status_agents_incidents_and_pause_against_the_running_gateway(gateway: RunningGateway) -> None:
    from typer.testing import CliRunner

    from regulator.cli.main import _register, app

    _register()
    call(gateway)
    env = {"REGULATOR_URL": gateway.url, "REGULATOR_ADMIN_TOKEN": admin_token(gateway), "COLUMNS": "200"}
    runner = CliRunner()
    status = runner.invoke(app, ["status"], env=env)
    assert status.exit_code == 0 and "spend today" in status.output
    assert "agent-1" in runner.invoke(app, ["agents"], env=env).output
    paused = runner.invoke(app, ["pause", "agent-1"], env=env)
    assert paused.exit_code == 0 and "paused" in paused.output
    assert call(gateway).status_code == 400  # a final refusal in the OpenAI dialect
    assert runner.invoke(app, ["resume", "agent-1"], env=env).exit_code == 0
    assert call(gateway).status_code == 200
    fleet = runner.invoke(app, ["pause", "fleet:fleet-1", "--for", "30m"], env=env)
    assert fleet.exit_code == 0 and "fleet fleet-1 (1 agents): paused until" in fleet.output, fleet.output
    assert call(gateway).json()["error"]["code"] == "agent_paused"
    assert runner.invoke(app, ["resume", "fleet:fleet-1"], env=env).exit_code == 0
    assert call(gateway).status_code == 200
    assert runner.invoke(app, ["pause", "fleet:fleet-1", "--for", "soon"], env=env).exit_code == 2
    assert runner.invoke(app, ["incidents"], env=env).exit_code == 0
    wrong = runner.invoke(app, ["status", "--token", "nope"], env=env)
    assert wrong.exit_code == 1 and "401" in wrong.output


def test_a_fleet_incident_pauses_all_its_agents_with_one_action(gateway: RunningGateway) -> None:
    keys = {agent: gateway.new_key(agent, "default", "default") for agent in ("svc-1", "svc-2", "svc-3")}
    supervisor = gateway.gateway.supervisor
    refused = "exit code 1\ndial tcp 127.0.0.1:5432: connect: connection refused"
    for agent in keys:
        session = ScriptedSession(session=f"{agent}-run", agent=agent, style="openai", start_ts=time.time())
        for command in ("npm test", "npm run migrate", "psql -h localhost -c 'select 1'", "npm test -- --runInBand"):
            supervisor.observe(session.call(command, refused, is_error=True))
    with admin(gateway) as client:
        [incident] = [i for i in client.get(ADMIN + "/incidents").json()["incidents"] if i["detector"] == "fleet"]
        assert "port 5432" in incident["evidence"] and sorted(incident["agents"]) == sorted(keys)
        assert client.post(ADMIN + "/incidents/inc-nope/pause", json={}).json()["error"]["code"] == "not_found"
    # The one action, from the CLI (POST /admin/v1/incidents/{id}/pause).
    _register()
    env = {"REGULATOR_URL": gateway.url, "REGULATOR_ADMIN_TOKEN": admin_token(gateway)}
    paused = CliRunner().invoke(app, ["pause", "--incident", incident["incident_id"], "--reason", "db down"], env=env)
    assert paused.exit_code == 0 and "paused 3 agents: svc-1, svc-2, svc-3" in paused.output
    for key in keys.values():
        paused = call(gateway, key)
        assert paused.status_code == 400 and paused.json()["error"]["code"] == "agent_paused"
    assert call(gateway).status_code == 200  # an agent of the fleet that never hit the cause goes on
    with admin(gateway) as client:
        assert "*" not in {row["agent"] for row in client.get(ADMIN + "/agents").json()["agents"]}

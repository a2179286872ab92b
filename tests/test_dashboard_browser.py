"""The dashboard in headless Chromium (Debian's, driven by Playwright) against a real gateway.

Screenshots go to test-artifacts/. Skips when /usr/bin/chromium is missing (`make test` installs it).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from conftest import RunningGateway
from regulator.events import Incident
from test_admin_api import cite, stuck_call

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def token(gw: RunningGateway) -> str:
    return os.environ.get("REGULATOR_ADMIN_TOKEN") or (gw.data_dir / "admin_token").read_text().strip()


def call(gw: RunningGateway, key: str | None = None, session: str = "run-1") -> httpx.Response:
    return httpx.post(
        gw.url + "/v1/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"fix the test {time.time()}"}]},
        headers={"authorization": f"Bearer {key or gw.key}", "x-regulator-session": session},
        timeout=10,
    )


def login(page: Any, gw: RunningGateway) -> None:
    page.goto(gw.url + "/dashboard")
    assert "/dashboard/login" in page.url
    page.fill("#token", "wrong-token")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_be_visible()
    page.fill("#token", token(gw))
    page.click("button[type=submit]")
    page.wait_for_selector("#live.on", timeout=10_000)


def test_login_sets_a_strict_httponly_session_cookie(gateway: RunningGateway, page: Any) -> None:
    login(page, gateway)
    [cookie] = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert token(gateway) not in cookie["value"]


def test_sign_out_revokes_the_session_for_good(gateway: RunningGateway, page: Any) -> None:
    login(page, gateway)
    [cookie] = page.context.cookies()
    page.click("#sign-out")
    page.wait_for_url("**/dashboard/login")
    replayed = httpx.get(gateway.url + "/admin/v1/summary", cookies={cookie["name"]: cookie["value"]})
    assert replayed.status_code == 401  # a copy of the cookie kept from before is worth nothing now


def test_live_spend_and_pausing_from_the_incident_feed(gateway: RunningGateway, page: Any) -> None:
    login(page, gateway)
    assert call(gateway).status_code == 200
    expect(page.locator("#calls-today")).to_have_text("1", timeout=10_000)
    first = page.text_content("#spend-today")
    for _ in range(5):
        assert call(gateway).status_code == 200
    expect(page.locator("#calls-today")).to_have_text("6", timeout=10_000)
    assert page.text_content("#spend-today") != first, "spend must change live, without a reload"
    row = page.locator("#agents tbody tr[data-agent='agent-1']")
    assert "6" in row.text_content()
    page.screenshot(path=str(ARTIFACTS / "dashboard-live-spend.png"), full_page=True)

    gateway.gateway.store.add_incident(
        Incident(
            time.time(),
            "org-1",
            "fleet-1",
            "agent-1",
            "run-1",
            "repetition",
            "nudge",
            "The same failing command `pytest tests/test_x.py` was run 8 times in calls 2-9.",
        )
    )
    item = page.locator("#incidents li", has_text="pytest tests/test_x.py")
    item.wait_for(timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "dashboard-incident.png"), full_page=True)
    item.locator("button[data-action='pause']").click()
    page.locator("#agents tbody tr[data-agent='agent-1'] .status.paused").wait_for(timeout=10_000)
    refused = call(gateway)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "agent_paused"  # final
    page.screenshot(path=str(ARTIFACTS / "dashboard-paused.png"), full_page=True)
    item = page.locator("#incidents li", has_text="pytest tests/test_x.py")
    item.locator("button[data-action='resume']").click()
    page.locator("#agents tbody tr[data-agent='agent-1'] .status.active").wait_for(timeout=10_000)
    assert call(gateway).status_code == 200


def test_the_fleet_pause_button_names_the_agents_it_stops_and_stops_only_that_fleet(
    gateway: RunningGateway, page: Any
) -> None:
    coders = [gateway.new_key(f"coder-{i}", "coders") for i in range(3)]
    writer = gateway.new_key("writer-1", "writers")
    login(page, gateway)
    row = page.locator("#fleets tbody tr[data-fleet='coders']")
    row.wait_for(timeout=10_000)
    assert "3" in row.locator("td.num").first.text_content()
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    row.locator("button[data-action='pause']").click()  # dismissed: nothing stops
    assert questions == ["Pause fleet coders? This stops 3 agents until resumed."]
    assert call(gateway, coders[0]).status_code == 200
    row.locator("button[data-action='pause']").click()
    row.locator(".status.paused").wait_for(timeout=10_000)
    for key in coders:
        refused = call(gateway, key)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "agent_paused"  # final
    assert call(gateway, writer).status_code == 200
    page.locator("#agents tbody tr[data-agent='coder-1'] .status.paused").wait_for(timeout=10_000)
    # coder-0 was burning when its fleet stopped: the spend it would have gone on spending shows up.
    expect(row.locator("td.prevented")).not_to_have_text("$0.0000", timeout=10_000)
    assert page.text_content("#prevented-today") == row.locator("td.prevented").text_content()
    assert page.locator("#fleet-chart canvas").count() > 0
    page.screenshot(path=str(ARTIFACTS / "dashboard-fleet-paused.png"), full_page=True)
    row.locator("button[data-action='resume']").click()
    row.locator(".status.active").wait_for(timeout=10_000)
    assert call(gateway, coders[0]).status_code == 200


def test_agent_page_charts_spend_and_lists_the_session_timeline(gateway: RunningGateway, page: Any) -> None:
    for _ in range(4):
        call(gateway, session="run-42")
    login(page, gateway)
    page.click("#agents a[href='#agent/agent-1']")
    page.wait_for_selector("#chart canvas", timeout=10_000)
    expect(page.locator("#timeline tbody tr")).to_have_count(4, timeout=10_000)
    assert page.text_content("#agent-name") == "agent-1"
    assert page.input_value("#session-pick") == "run-42"
    page.screenshot(path=str(ARTIFACTS / "dashboard-agent.png"), full_page=True)


def test_a_stuck_agents_timeline_shows_its_repeated_command_and_error_and_the_calls_an_incident_cites(
    gateway: RunningGateway, page: Any
) -> None:
    for turn in range(4):
        assert stuck_call(gateway, "stuck-7", turn).status_code == 200
    admin = {"authorization": f"Bearer {token(gateway)}"}

    def summarised() -> list[dict[str, Any]]:
        calls = httpx.get(gateway.url + "/admin/v1/sessions/stuck-7/calls", headers=admin).json()["calls"]
        return calls if all(c["summary"] for c in calls) else []

    deadline = time.monotonic() + 15
    while not (calls := summarised()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(calls) == 4, "every call got its summary"
    cite(gateway, "stuck-7", "The same failure came back 3 times.", [c["call_id"] for c in calls[1:]])
    login(page, gateway)
    page.locator("#incidents li a.cites", has_text="the 3 calls it cites").click()
    expect(page.locator("#timeline tbody tr")).to_have_count(4, timeout=10_000)
    assert page.input_value("#session-pick") == "stuck-7"
    did = page.locator("#timeline tbody td.did").all_text_contents()
    assert all("pytest tests/test_parse.py --token=[REDACTED]" in line for line in did)
    assert sum("failing tests/test_parse.py::test_dates" in line for line in did) == 3
    cited = page.locator("#timeline tbody tr.cited")
    assert cited.count() == 3
    assert [cited.nth(i).get_attribute("data-call") for i in range(3)] == [c["call_id"] for c in reversed(calls[1:])]
    page.screenshot(path=str(ARTIFACTS / "dashboard-timeline.png"), full_page=True)


def test_stays_responsive_with_1000_agents_and_100_calls_per_second(gateway: RunningGateway, page: Any) -> None:
    store = gateway.gateway.store
    keys = [store.create_key(f"agent-{i:04d}", f"fleet-{i % 10}", "org-1")[0] for i in range(1000)]
    login(page, gateway)
    expect(page.locator("#agents-count")).to_have_text("1,001", timeout=15_000)
    stop = threading.Event()
    sent = [0]

    def traffic() -> None:
        with httpx.Client(timeout=10) as client:
            i = 0
            while not stop.is_set():
                started = time.monotonic()
                client.post(
                    gateway.url + "/v1/chat/completions",
                    json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"step {i}"}]},
                    headers={"authorization": f"Bearer {keys[i % len(keys)]}"},
                )
                i += 1
                sent[0] += 1
                time.sleep(max(0.0, 0.01 - (time.monotonic() - started)))

    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    try:
        time.sleep(3)
        # The page must answer input promptly while updates stream in.
        started = time.perf_counter()
        page.fill("#filter", "agent-0999")
        # Waits frame by frame (expect() would poll at growing intervals and add to the latency).
        page.locator("#agents tbody tr").nth(1).wait_for(state="detached", timeout=5_000)
        latency = time.perf_counter() - started
        assert page.locator("#agents tbody tr").count() == 1
        page.fill("#filter", "")
        page.click("#agents th[data-sort='calls_today']")
        expect(page.locator("#agents tbody tr")).to_have_count(1000, timeout=5_000)
        page.screenshot(path=str(ARTIFACTS / "dashboard-1000-agents.png"))
    finally:
        stop.set()
        thread.join(5)
    assert sent[0] >= 150, f"only {sent[0]} calls were sent"
    assert latency < 2.5, f"filtering took {latency:.2f}s under load"


ATTACK = """<!doctype html><title>loading</title>
<form id="f" method="post" enctype="text/plain" action="{gw}/admin/v1/actions" target="sink">
<input name='{{"name": "agent-1", "action": "kill", "x": "' value='"}}'></form>
<iframe name="sink"></iframe>
<script>
fetch("{gw}/admin/v1/actions", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"content-type": "text/plain"}}, body: JSON.stringify({{name: "agent-1", action: "kill"}})}})
  .then(() => {{ document.title = "sent"; document.getElementById("f").submit(); }},
        () => {{ document.title = "failed"; }});
</script>"""


@pytest.fixture
def attacker_site(gateway: RunningGateway) -> Iterator[str]:
    """A page on another port of 127.0.0.1: same-site with the gateway, so SameSite=Strict lets the cookie go."""
    import http.server

    page_html = ATTACK.format(gw=gateway.url).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_port_cannot_act_through_a_logged_in_browser(
    gateway: RunningGateway, page: Any, attacker_site: str
) -> None:
    login(page, gateway)
    # What reached the gateway: the attack is only meaningful if the browser attached the cookie.
    cookies: list[bool] = []
    mounts = gateway.server.app.http.mounts
    guarded = mounts["/admin/v1"]

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"].endswith("/actions"):
            cookies.append(any(k == b"cookie" and b"regulator_session=" in v for k, v in scope["headers"]))
        await guarded(scope, receive, send)

    mounts["/admin/v1"] = recording
    answers: list[Any] = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/admin/v1/actions") else None)
    page.goto(attacker_site)
    expect(page).to_have_title("sent", timeout=10_000)
    deadline = time.monotonic() + 10
    while len(answers) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert len(answers) == 2  # the no-cors fetch and the text/plain form
    assert [a.status for a in answers] == [403, 403]
    assert cookies == [True, True], "the browser attached the session cookie to both"
    assert call(gateway).status_code == 200, "the agent must not have been killed"

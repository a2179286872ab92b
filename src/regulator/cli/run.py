"""`regulator run -- COMMAND …`: one agent process pointed at the gateway, its task accounted for.

The child gets the environment its harness reads (OpenAI, Anthropic and Gemini base URLs and the
regulator key under each name harnesses use) and a fresh session id, sent as `X-Regulator-Session`
by harnesses that take custom headers from the environment (Claude Code's
`ANTHROPIC_CUSTOM_HEADERS`). When the child exits, the task's calls, spend and incidents are
printed from the gateway's admin API, and `run` exits with the child's status. A fleet script is
then one line per agent.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from typing import Annotated

import typer
from rich.console import Console

from regulator.cli.options import DEFAULT_URL, USAGE, Token, Url, admin_request, fail


def register(app: typer.Typer) -> None:
    app.command(
        "run",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        help="Run one agent (regulator run [--key rg-…] -- COMMAND …) against the gateway; report its task.",
    )(run)


def harness_env(url: str, key: str, session: str) -> dict[str, str]:
    """What each measured harness reads to find its provider (docs/agents.md)."""
    base = url.rstrip("/")
    return {
        "OPENAI_BASE_URL": base + "/v1",
        "OPENAI_API_BASE": base + "/v1",  # litellm (aider, mini-swe-agent)
        "OPENAI_API_KEY": key,
        "ANTHROPIC_BASE_URL": base,
        "ANTHROPIC_API_KEY": key,
        "ANTHROPIC_CUSTOM_HEADERS": f"X-Regulator-Session: {session}",  # Claude Code
        "GOOGLE_GEMINI_BASE_URL": base,  # gemini-cli
        "GEMINI_API_KEY": key,
        "REGULATOR_SESSION": session,
        # mini-swe-agent retries every refusal but a 401/404 ten times over minutes; one try is enough
        # against a gateway whose refusals say whether a retry can help.
        "MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT": "1",
    }


def run(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Option("--key", envvar="REGULATOR_KEY", help="The agent's regulator key (rg-…).")
    ] = None,
    session: Annotated[str | None, typer.Option("--session", help="Session id (default: a fresh one).")] = None,
    url: Url = DEFAULT_URL,
    token: Token = None,
    report: Annotated[bool, typer.Option("--report/--no-report", help="Print the task's summary at exit.")] = True,
) -> None:
    command = list(ctx.args)
    if not command:
        fail("nothing to run: regulator run [--key rg-…] -- COMMAND [ARGS…]", USAGE)
    if not key:
        fail("no regulator key: pass --key or set REGULATOR_KEY (regulator keys create prints one)", USAGE)
    session = session or f"run-{uuid.uuid4().hex[:12]}"
    started = time.time()
    try:
        status = subprocess.call(command, env={**os.environ, **harness_env(url, key, session)})
    except OSError as exc:
        fail(f"cannot start {command[0]}: {exc}", USAGE)
    if report:
        _report(url, token, session, started)
    raise typer.Exit(status)


def _report(url: str, token: str | None, session: str, since: float) -> None:
    rows = admin_request(url, token, "GET", "/reports/spend", params={"by": "session", "since": since})["rows"]
    mine = [r for r in rows if r["key"] == session]
    incidents = admin_request(url, token, "GET", "/incidents", params={"since": since})["incidents"]
    incidents = [i for i in incidents if i["session"] == session]
    console = Console(stderr=True)
    if not mine:
        console.print(
            f"regulator: no call arrived in session {session}: this harness sends no custom headers from the "
            "environment, so its calls were threaded into sessions automatically (regulator report --by session)."
        )
        return
    calls = sum(int(r["calls"]) for r in mine)
    cost = sum(float(r["cost_usd"]) for r in mine)
    console.print(f"regulator: session {session}: {calls} calls, ${cost:.4f}, {len(incidents)} incidents")
    for incident in incidents:
        console.print(f"  {incident['action']} by {incident['detector']}: {incident['evidence']}")

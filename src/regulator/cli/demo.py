"""`regulator demo`: a simulated fleet of coding agents, some stuck in loops, live through the gateway."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import typer


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    agents: int = typer.Option(100, "--agents", min=1, help="Simulated agents in the fleet."),
    duration: float = typer.Option(
        90.0, "--duration", min=1, max=86_400, help="Seconds to run (Ctrl-C ends it early)."
    ),
    scenario: str = typer.Option("default", "--scenario", help="default, openclaw or shared-outage."),
    seed: int = typer.Option(0, "--seed", help="Seed of the fleet's behaviours and content."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object, nothing else."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Where to keep the run (default: a new temp dir)."),
) -> None:
    """Run a mock provider, the gateway and a simulated fleet; print what regulator stopped and saved."""
    from regulator.sim.demo import DemoOptions, Progress, run_demo
    from regulator.sim.scenarios import SCENARIOS

    if scenario not in SCENARIOS:
        typer.echo(f"regulator: unknown scenario {scenario!r} (known: {', '.join(SCENARIOS)})", err=True)
        raise typer.Exit(2)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    options = DemoOptions(agents, duration, scenario, seed, Path(data_dir) if data_dir else None)
    say = _err if as_json else typer.echo

    def started(dashboard: str, token: str, where: Path) -> None:
        say(f"regulator demo: {agents} agents, scenario {scenario!r}, {duration:.0f} s (Ctrl-C ends it early)")
        say(f"  dashboard    {dashboard}")
        say(f"  admin token  {token}")
        say(f"  data dir     {where}")

    def progress(p: Progress) -> None:
        actions = ", ".join(f"{n} {a}" for a, n in sorted(p.incidents.items())) or "none"
        say(
            f"[{p.elapsed_s:5.0f} s] calls {p.calls:,}  spend ${p.spend_usd:,.2f}  "
            f"agents stopped {p.stopped}  incidents: {actions}  rss {p.rss_mb:.0f} MB"
        )

    summary = asyncio.run(run_demo(options, on_start=started, on_progress=progress))
    if as_json:
        sys.stdout.write(orjson.dumps(summary).decode() + "\n")
    else:
        typer.echo(render_summary(summary))


def _err(text: str) -> None:
    typer.echo(text, err=True)


def render_summary(s: dict[str, Any]) -> str:
    ledger_ok = s["ledger_calls"] == s["calls"] and abs(s["ledger_spend_usd"] - s["spend_usd"]) <= s["calls"] * 1e-6
    lines = [
        "",
        f"Summary — scenario {s['scenario']}: {s['agents']} agents for {s['duration_s']:.0f} s "
        f"({s['simulated_agent_hours']:,} simulated agent-hours at {s['model']} prices)",
        f"  calls            {s['calls']:,} ({s['tasks_done']:,} tasks finished)",
        f"  tokens           {s['input_tokens']:,} in, {s['output_tokens']:,} out",
        f"  spend            ${s['spend_usd']:,.2f} — ledger: ${s['ledger_spend_usd']:,.2f} over "
        f"{s['ledger_calls']:,} calls ({'matches' if ledger_ok else 'MISMATCH'})",
        f"  spent in loops   ${s['loop_spend_usd']:,.2f} by the {s['wasteful_agents']} wasteful agents",
        f"  incidents        {_actions(s['incidents_by_action'])}",
        f"  agents stopped   {s['agents_stopped']} ({s['wasteful_stopped']} of {s['wasteful_agents']} wasteful); "
        f"productive agents stopped: {s['productive_stopped']}",
    ]
    for stop in s["stopped"]:
        lines.append(f"    {stop['agent']} {stop['behaviour']:<11} {stop['how']:<6} {_short(stop['reason'])}")
    for fleet in s.get("fleet_incidents", []):
        lines.append(
            f"  fleet incident   {fleet['incident']}: {len(fleet['agents'])} agents of fleet {fleet['fleet']!r} on "
            f"{fleet['cause']} (one action pauses them all: regulator pause --incident {fleet['incident']})"
        )
    running = s["wasteful_running"]
    if running:
        kinds = Counter(r["behaviour"] for r in running)
        spent = sum(r["loop_spend_usd"] for r in running)
        lines.append(
            f"  still looping    {len(running)} ({', '.join(f'{n} {b}' for b, n in sorted(kinds.items()))}) "
            f"at the end, ${spent:,.2f} spent in their loops"
        )
    if s["horizon"] == "month":
        lines.append(
            f"  spend prevented  ${s['prevented_usd']:,.2f} — what the stopped agents would have spent by month end"
        )
        lines.append("")
        lines.append(
            f"  without regulator (projected): ${s['projected_without_usd']:,.0f} — "
            f"with regulator: ${s['projected_with_usd']:,.0f}  (30-day month, continued from this run)"
        )
    else:
        lines.append(
            f"  spend prevented  ${s['prevented_usd']:,.2f} — what the stopped agents would have spent "
            "by the end of the run"
        )
    lines.append(
        f"  dashboard        shows ${s['dashboard_prevented_usd']:,.2f} prevented today (the same projections)"
    )
    lines.append(f"  trace            {s['trace']}  (regulator replay {s['trace']} --summary)")
    return "\n".join(lines)


_CALLS = re.compile(r"\s*\(calls? [^)]*\)")
_QUOTED = re.compile(r"`([^`]{40})[^`]+`")


def _short(reason: str, limit: int = 100) -> str:
    """An incident's evidence in one line: without the list of calls, long quotes cut."""
    text = _CALLS.sub("", reason.replace("\n", " "))
    if len(text) > limit:
        text = _QUOTED.sub(r"`\1…`", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _actions(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "none"

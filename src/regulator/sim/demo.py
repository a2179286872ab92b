"""`regulator demo`: a mock provider, the real gateway and a simulated fleet, in one process.

Everything runs on the embedded defaults in a fresh data directory: SQLite store, in-process
counters, the mock upstream priced as a real frontier model, the gateway with its dashboard on a
free port (both in background threads), and the fleet in this thread's event loop. At the end each
agent is projected to the horizon, the stopped agents' projections replace the gateway's own
estimates of the spend it prevented (so the dashboard shows the summary's figure), the gateway is
stopped (which flushes the ledger) and the summary is checked against the store: what the fleet was
charged, call by call, against what the ledger holds.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from regulator.app import GatewayServer
from regulator.config import Config, ModelConfig, UpstreamConfig
from regulator.events import Incident
from regulator.mock.server import MockServer
from regulator.ops.auth import TOKEN_FILE
from regulator.policy.supervisor import Supervisor
from regulator.pricing.catalog import PriceBook
from regulator.sim.fleet import AgentState, Fleet
from regulator.sim.scenarios import SCENARIOS, AgentSpec, Scenario
from regulator.store import open_store
from regulator.store.prevented import DAY_S, Prevented
from regulator.types import DIALECTS

FLEET_NAME = "demo"


@dataclass(slots=True)
class DemoOptions:
    agents: int = 100
    duration_s: float = 90.0
    scenario: str = "default"
    seed: int = 0
    data_dir: Path | None = None  # default: a new temporary directory


@dataclass(slots=True)
class Progress:
    elapsed_s: float
    calls: int
    spend_usd: float
    stopped: int
    incidents: dict[str, int]
    rss_mb: float


def rss_mb() -> float:
    """This process's resident memory (the gateway runs in it), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak, where /proc is missing


def demo_config(scenario: Scenario, mock_url: str) -> Config:
    """The embedded defaults plus one upstream (the mock) serving the scenario's model at catalog price."""
    config = Config()
    config.upstreams = [
        UpstreamConfig(name="mock", base_url=mock_url + "/v1", dialects=list(DIALECTS), mock_headers=True)
    ]
    config.models = [ModelConfig(name=scenario.model, upstream="mock")]
    # Simulated time runs fast and a finished task's session never returns: forget idle sessions
    # after two real minutes (in production an hour), so a long demo or soak keeps memory bounded.
    config.sessions.idle_timeout_s = 120
    return config


def create_keys(data_dir: Path, specs: list[AgentSpec]) -> dict[str, str]:
    store = open_store(data_dir)
    try:
        return {spec.name: store.create_key(spec.name, FLEET_NAME)[0] for spec in specs}
    finally:
        store.close()


def admin_token(config: Config, data_dir: Path) -> str:
    return os.environ.get(config.admin.token_env, "").strip() or (data_dir / TOKEN_FILE).read_text().strip()


async def run_demo(
    options: DemoOptions,
    *,
    on_start: Callable[[str, str, Path], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    progress_every_s: float = 5.0,
) -> dict[str, Any]:
    """Run the whole demo and return its summary (see `summarise`)."""
    scenario = SCENARIOS[options.scenario]
    data_dir = options.data_dir or Path(tempfile.mkdtemp(prefix="regulator-demo-"))
    specs = scenario.fleet(options.agents, options.seed)
    keys = create_keys(data_dir, specs)
    with MockServer(seed=options.seed) as mock:
        config = demo_config(scenario, mock.url)
        price = PriceBook(config).price(scenario.model)
        server = GatewayServer(config, data_dir).start()
        try:
            if on_start is not None:
                on_start(f"{server.url}/dashboard", admin_token(config, data_dir), data_dir)
            rss_start = rss_mb()
            fleet = Fleet(scenario, specs, server.url, keys, price, data_dir / "trace.jsonl")
            started, began_ts = time.perf_counter(), time.time()
            rss_samples = await _run_fleet(fleet, options.duration_s, data_dir, on_progress, progress_every_s)
            run_s = time.perf_counter() - started
            rss_end = rss_mb()
            fleet_incidents = _fleet_incidents(server.gateway.supervisor)
            await asyncio.to_thread(fleet.project, run_s)
            shown = await show_prevented(server, admin_token(config, data_dir), fleet.states, began_ts)
        finally:
            server.stop()  # flushes the ledger
        mock_requests = int(mock.app.stats()["requests"])
    summary = summarise(scenario, fleet.states, data_dir, run_s)
    summary.update(
        dashboard_prevented_usd=round(shown, 6),
        mock_requests=mock_requests,
        rss_mb_start=round(rss_start, 1),
        rss_mb_end=round(rss_end, 1),
        rss_mb_max=round(max([rss_start, rss_end, *rss_samples]), 1),
        fleet_incidents=fleet_incidents,
        seed=options.seed,
        dashboard=f"{server.url}/dashboard",
        trace=str(data_dir / "trace.jsonl"),
        data_dir=str(data_dir),
    )
    return summary


def _fleet_incidents(supervisor: Supervisor) -> list[dict[str, Any]]:
    """The fleet incidents the gateway raised, with every agent that hit each cause by the end."""
    if supervisor.fleet is None:
        return []
    return [
        {"incident": entry.incident_id, "fleet": entry.fleet, "cause": entry.cause, "agents": sorted(entry.agents)}
        for entry in supervisor.fleet.open_incidents()
    ]


async def show_prevented(server: GatewayServer, token: str, states: list[AgentState], since: float) -> float:
    """Put the simulation's projections in the store in place of the gateway's live estimates for
    this run (ops/prevented.py), and return the spend prevented today that the dashboard then shows."""
    store = server.gateway.store
    now = time.time()
    rows = [
        Prevented(
            int(now // DAY_S),
            f"agent:{s.spec.name}",
            now,
            "default",
            FLEET_NAME,
            s.spec.name,
            "",
            0.0,
            now,
            s.future_usd,
            "simulated",
        )
        for s in states
        if s.stop and s.future_usd > 0
    ]
    expected = sum(r.usd for r in rows)
    shown = 0.0
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {token}"}, timeout=10) as client:
        for _ in range(10):
            # Again until it holds: a stop the detectors decided on the last calls may still add an estimate.
            await asyncio.to_thread(store.clear_prevented, since)
            await asyncio.to_thread(store.record_prevented, rows)
            await asyncio.sleep(1.2)  # the dashboard reads them with its next summary, once a second
            shown = float((await client.get(server.url + "/admin/v1/summary")).json()["prevented_today_usd"])
            if abs(shown - expected) <= 1e-9:
                break
    return shown


async def _run_fleet(
    fleet: Fleet,
    duration_s: float,
    data_dir: Path,
    on_progress: Callable[[Progress], None] | None,
    every_s: float,
) -> list[float]:
    """Run until the duration is up or Ctrl-C; report progress and sample memory meanwhile."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    timer = loop.call_later(duration_s, stop.set)
    try:
        loop.add_signal_handler(signal.SIGINT, stop.set)
        handles_sigint = True
    except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
        handles_sigint = False
    samples: list[float] = []
    began = time.perf_counter()
    reader = open_store(data_dir)

    async def watch() -> None:
        while not stop.is_set():
            await asyncio.sleep(min(every_s, 1.0))
            samples.append(rss_mb())
            if on_progress is not None and len(samples) % max(1, round(every_s)) == 0:
                incidents = await asyncio.to_thread(reader.list_incidents, 0.0, None, 100_000)
                states = fleet.states
                on_progress(
                    Progress(
                        elapsed_s=time.perf_counter() - began,
                        calls=sum(s.calls for s in states),
                        spend_usd=sum(s.spend_usd for s in states),
                        stopped=sum(1 for s in states if s.stop),
                        incidents=dict(Counter(i.action for i in incidents)),
                        rss_mb=samples[-1],
                    )
                )

    watcher = asyncio.create_task(watch())
    try:
        await fleet.run(stop)
    finally:
        stop.set()
        timer.cancel()
        await watcher
        reader.close()
        if handles_sigint:
            loop.remove_signal_handler(signal.SIGINT)
    return samples


def summarise(scenario: Scenario, states: list[AgentState], data_dir: Path, run_s: float) -> dict[str, Any]:
    """The run's account: the fleet's view, the ledger's, and what regulator prevented."""
    store = open_store(data_dir)
    try:
        ledger_rows = store.report(0.0, None, "org")
        incidents = store.list_incidents(0.0, None, 1_000_000)
    finally:
        store.close()
    by_agent: dict[str, list[Incident]] = {}
    for incident in incidents:
        by_agent.setdefault(incident.agent, []).append(incident)
    stopped = [s for s in states if s.stop]
    spend = sum(s.spend_usd for s in states)
    without = spend + sum(s.future_usd for s in states)
    prevented = sum(s.future_usd for s in stopped)
    behaviours = Counter(s.spec.behaviour for s in states)
    return {
        "scenario": scenario.name,
        "model": scenario.model,
        "agents": len(states),
        "behaviours": dict(behaviours),
        "duration_s": round(run_s, 1),
        "simulated_agent_hours": round(sum(s.sim_s for s in states) / 3600, 1),
        "calls": sum(s.calls for s in states),
        "calls_sent": sum(s.calls for s in states),
        "requests": sum(s.requests for s in states),
        "throttled": sum(s.throttled for s in states),
        "errors": sum(s.errors for s in states),
        "tasks_done": sum(s.tasks_done for s in states),
        "input_tokens": sum(s.input_tokens for s in states),
        "output_tokens": sum(s.output_tokens for s in states),
        "spend_usd": round(spend, 6),
        "loop_spend_usd": round(sum(s.loop_usd for s in states), 6),
        "ledger_calls": sum(r.calls for r in ledger_rows),
        "ledger_spend_usd": round(sum(r.cost_usd for r in ledger_rows), 6),
        "incidents": len(incidents),
        "incidents_by_action": dict(Counter(i.action for i in incidents)),
        "agents_stopped": len(stopped),
        "stopped": [
            {
                "agent": s.spec.name,
                "behaviour": s.spec.behaviour,
                "how": s.stop,
                "reason": _reason(s, by_agent.get(s.spec.name, [])),
                "incidents": [f"{i.detector}: {i.action}" for i in by_agent.get(s.spec.name, [])],
                "loop_spend_usd": round(s.loop_usd, 6),
                "prevented_usd": round(s.future_usd, 6),
            }
            for s in stopped
        ],
        "stopped_without_incident": [s.spec.name for s in stopped if s.spec.name not in by_agent],
        "wasteful_running": [
            {
                "agent": s.spec.name,
                "behaviour": s.spec.behaviour,
                "incidents": [f"{i.detector}: {i.action}" for i in by_agent.get(s.spec.name, [])],
                "loop_spend_usd": round(s.loop_usd, 6),
            }
            for s in states
            if not s.stop and not s.legitimate
        ],
        "productive_stopped": sum(1 for s in stopped if s.legitimate),
        "wasteful_agents": sum(1 for s in states if not s.legitimate),
        "wasteful_stopped": sum(1 for s in stopped if not s.legitimate),
        "prevented_usd": round(prevented, 6),
        "horizon": scenario.horizon,
        "projected_without_usd": round(without, 2),
        "projected_with_usd": round(without - prevented, 2),
    }


def _reason(state: AgentState, incidents: list[Incident]) -> str:
    """Why an agent was stopped, in a line: the stopping incident's evidence, else the refusal."""
    stopping = [i for i in incidents if i.action in ("pause", "kill")]
    if not stopping:
        return state.stop_reason
    incident = stopping[-1]
    return f"{incident.detector}: {incident.evidence}"

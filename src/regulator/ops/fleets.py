"""Fleets as the operator sees them: agents beneath each, spend today, and the fleet's own standing.

The dashboard's fleet panel (pause / resume / kill a whole fleet, with a confirmation that names how
many agents it stops) and `regulator status` read these rows from the summary.
"""

from __future__ import annotations

from typing import Any

from regulator.events import ScopeKind, Standing
from regulator.ops.stats import FleetStats


def live_standing(standing: Standing | None, now: float) -> Standing | None:
    """`standing`, unless its expiry has passed (the gateway already serves the scope again)."""
    if standing is None or (standing.until_ts is not None and standing.until_ts <= now):
        return None
    return standing


def fleet_rows(
    stats: FleetStats,
    standing: dict[tuple[ScopeKind, str], Standing],
    prevented: dict[str, float],
    now: float,
) -> list[dict[str, Any]]:
    """One row per fleet seen (a key or a call), by name: its org, agents, spend and spend prevented
    today, and standing."""
    fleets: dict[str, dict[str, Any]] = {}
    for agent in stats.agents.values():
        row = fleets.get(agent.fleet)
        if row is None:
            row = fleets[agent.fleet] = {"fleet": agent.fleet, "org": agent.org, "agents": 0, "spend_today_usd": 0.0}
        row["agents"] += 1
        row["spend_today_usd"] += agent.spend_today
    for name, row in fleets.items():
        own = live_standing(standing.get(("fleet", name)), now)
        org = live_standing(standing.get(("org", row["org"])), now)
        held = own or org
        row["status"] = held.state if held else "active"
        row["status_scope"] = "fleet" if own else "org" if org else None
        row["until_ts"] = held.until_ts if held else None
        row["status_reason"] = held.reason if held else ""
        row["prevented_today_usd"] = prevented.get(name, 0.0)
    return [fleets[name] for name in sorted(fleets)]

"""Alerts on projections: a budget that will run out before its window resets at the current burn,
and an agent burning several times its fleet's median.

Burns are read from the ledger (the last hour's spend over the time the scope was active in it, at
least a minute), so every replica sees the same figures; budgets from the shared counters. Each
alert fires once: a projection once per budget window, an outlier once per agent per UTC day. An
outlier is also stored as an incident (`burn_outlier`, action `alert`), which the alert links to.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from regulator.budget.slots import BudgetStatus
from regulator.events import Incident
from regulator.ops.alert_rules import fleet_link
from regulator.ops.alerts import Alert
from regulator.ops.config import AlertsConfig
from regulator.store.base import Store
from regulator.store.prevented import DAY_S

WINDOW_S = 3600
MIN_ACTIVE_S = 60
PROJECTED_WINDOWS = ("hour", "day", "week", "month")  # a minute window's projection is noise
OUTLIER = "burn_outlier"  # the incidents' detector name


def _at(ts: float, now: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    same_day = int(ts // DAY_S) == int(now // DAY_S)
    return moment.strftime("%H:%M UTC" if same_day else "%Y-%m-%d %H:%M UTC")


def burn_per_hour(store: Store, column: str, name: str, now: float) -> float:
    burn = store.burn_of(column, name, now - WINDOW_S)
    if burn is None:
        return 0.0
    return burn.usd / max(now - burn.first_ts, MIN_ACTIVE_S) * 3600


@dataclass(slots=True, frozen=True)
class Outlier:
    alert: Alert
    incident: Incident


class ProjectionAlerts:
    def __init__(self, config: AlertsConfig) -> None:
        self.config = config
        self._fired: set[tuple[str, ...]] = set()

    def budgets(self, store: Store, budgets: Sequence[BudgetStatus], now: float) -> list[Alert]:
        """ "fleet coders will exhaust its day budget at 14:20 UTC at the current burn"."""
        alerts = []
        for b in budgets:
            if b.window not in PROJECTED_WINDOWS or b.resets_at is None or b.remaining_usd <= 0:
                continue
            kind, _, name = b.scope.partition(":")
            key = ("projection", b.scope, b.window, str(b.resets_at))
            if key in self._fired or kind not in ("org", "fleet", "agent"):
                continue
            burn = burn_per_hour(store, kind, name, now)
            if burn <= 0:
                continue
            empty_at = now + b.remaining_usd / burn * 3600
            if empty_at >= b.resets_at:
                continue
            self._fired.add(key)
            alerts.append(
                Alert(
                    "budget_projection",
                    f"{kind} {name} will exhaust its {b.window} budget at {_at(empty_at, now)}",
                    f"{kind} {name} will exhaust its {b.window} budget at {_at(empty_at, now)} at the current "
                    f"burn (${burn:,.4f}/h over the last hour): ${b.remaining_usd:,.4f} of ${b.limit_usd:,.4f} "
                    f"left, the window resets at {_at(b.resets_at, now)}. Calls are refused from then on.",
                    {
                        "scope": b.scope,
                        "window": b.window,
                        "limit_usd": b.limit_usd,
                        "remaining_usd": b.remaining_usd,
                        "burn_usd_per_hour": burn,
                        "exhausted_at": empty_at,
                        "resets_at": b.resets_at,
                    },
                    now,
                    link=fleet_link(self.config.dashboard_url, name) if kind == "fleet" else self.config.dashboard_url,
                )
            )
        return alerts

    def outliers(self, store: Store, agents: Mapping[str, tuple[str, str, str]], now: float) -> list[Outlier]:
        """ "agent X burns 5× its fleet's median". `agents`: agent → (fleet, org, current session)."""
        day = str(int(now // DAY_S))
        burns: dict[str, dict[str, float]] = {}
        for row in store.report(now - WINDOW_S, None, "agent"):
            if row.key in agents and row.cost_usd > 0:
                burns.setdefault(agents[row.key][0], {})[row.key] = burn_per_hour(store, "agent", row.key, now)
        found = []
        for fleet, rates in sorted(burns.items()):
            if len(rates) < self.config.outlier_min_agents:
                continue
            median = statistics.median(rates.values())
            for agent, rate in sorted(rates.items()):
                key = ("outlier", agent, day)
                if key in self._fired or rate < self.config.outlier_min_usd_per_hour:
                    continue
                if median <= 0 or rate < self.config.outlier_factor * median:
                    continue
                self._fired.add(key)
                _, org, session = agents[agent]
                times = rate / median
                evidence = (
                    f"agent {agent} burns ${rate:,.4f}/h, {times:.1f}× the median of fleet {fleet} "
                    f"(${median:,.4f}/h over {len(rates)} spending agents, last hour)"
                )
                incident = Incident(now, org, fleet, agent, session, OUTLIER, "alert", evidence)
                alert = Alert(
                    "burn_outlier",
                    f"agent {agent} burns {times:.0f}× its fleet's median",
                    evidence + ".",
                    {"agent": agent, "fleet": fleet, "burn_usd_per_hour": rate, "fleet_median_usd_per_hour": median},
                    now,
                )
                found.append(Outlier(alert, incident))
        return found

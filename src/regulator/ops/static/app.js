// regulator dashboard: data from the admin API (cookie session), live updates over SSE.
// The server sends one fleet summary per second with only the agents that changed, and the
// table is redrawn at most once per RENDER_MS, so the page stays responsive with large fleets.
"use strict";

const API = "/admin/v1";
const RENDER_MS = 1000;
const MAX_ROWS = 1000;
const MAX_INCIDENTS = 100;

const state = {
  agents: new Map(), summary: null, sortKey: "spend_today_usd", sortAsc: false,
  incidents: [], dirty: true, agentView: null, chart: null,
};
const $ = (id) => document.getElementById(id);
// Small amounts (most agents' spend) get more decimals so they do not read as zero.
const usd = (v, digits) => {
  if (v == null) return "–";
  const d = digits ?? (Math.abs(v) < 1 && v !== 0 ? 4 : 2);
  return "$" + Number(v).toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d });
};
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const when = (ts) => ts ? new Date(ts * 1000).toLocaleTimeString() : "–";

async function api(path, options) {
  const response = await fetch(API + path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (response.status === 401) { location.href = "/dashboard/login"; throw new Error("signed out"); }
  const body = await response.json();
  if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
  return body;
}

async function act(target, name, action) {
  try {
    await api("/actions", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ target, name, action, reason: action + " from the dashboard" }) });
    const row = state.agents.get(name);
    const status = action === "pause" ? "paused" : action === "kill" ? "killed" : "active";
    if (target === "agent" && row) row.status = status;
    const fleet = target === "fleet" && state.summary && (state.summary.fleets || []).find((f) => f.fleet === name);
    if (fleet) { fleet.status = status; fleet.status_scope = status === "active" ? null : "fleet"; }
    state.dirty = true;
    if (state.agentView === name) loadAgent(name);
  } catch (err) { alert(action + " failed: " + err.message); }
}

// `agents`: how many agents a fleet or org action stops, named in its confirmation.
function actionButtons(target, name, status, agents) {
  const buttons = [];
  if (status === "killed") buttons.push("reinstate");
  else { buttons.push(status === "paused" ? "resume" : "pause"); buttons.push("kill"); }
  const count = agents == null ? "" : ` data-agents="${agents}"`;
  return buttons.map((a) => `<button type="button" data-action="${a}" data-target="${target}" data-name="${esc(name)}"${count}>${a}</button>`).join("");
}

function confirmation(action, target, name, agents) {
  if (target === "fleet" || target === "org") {
    if (action !== "pause" && action !== "kill") return null;
    const stops = `This stops ${agents} agent${agents === "1" ? "" : "s"}`;
    return action === "kill" ? `Kill ${target} ${name}? ${stops} until reinstated.` : `Pause ${target} ${name}? ${stops} until resumed.`;
  }
  return action === "kill" ? `Kill ${target} ${name}? Its calls are refused until reinstated.` : null;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const { action, target, name, agents } = button.dataset;
  const question = confirmation(action, target, name, agents);
  if (question && !confirm(question)) return;
  act(target, name, action);
});

// fleet summary

function applySummary(summary) {
  if (summary.full) state.agents.clear();
  for (const row of summary.rows || []) state.agents.set(row.agent, row);
  delete summary.rows;
  state.summary = summary;
  state.dirty = true;
}

function renderKpis() {
  const s = state.summary;
  if (!s) return;
  $("spend-today").textContent = usd(s.spend_today_usd, 4);
  $("spend-today-of").textContent = s.day_budget_usd ? `of ${usd(s.day_budget_usd)} day budget` : "no org day budget";
  $("spend-month").textContent = usd(s.spend_month_usd);
  $("spend-month-of").textContent = s.month_budget_usd ? `of ${usd(s.month_budget_usd)} month budget` : "no org month budget";
  $("burn-rate").textContent = usd(s.burn_rate_usd_per_hour, 4) + "/h";
  $("projection").textContent = usd(s.month_end_projection_usd);
  $("calls-today").textContent = s.calls_today.toLocaleString();
  $("errors-today").textContent = `${s.errors_today.toLocaleString()} upstream failures`;
  $("agents-count").textContent = state.agents.size.toLocaleString();
  $("agents-states").textContent = `${s.agents_paused} paused · ${s.agents_killed} killed`;
  $("prevented-today").textContent = usd(s.prevented_today_usd, 4);
  $("budgets").innerHTML = (s.budgets || []).slice(0, 12).map((b) => {
    const used = (b.spent_usd + b.reserved_usd) / b.limit_usd;
    const cls = used >= 1 ? "bad" : used >= 0.8 ? "warn" : "";
    return `<div class="budget"><strong>${esc(b.scope)}</strong> · ${esc(b.window)}
      <span style="float:right">${usd(b.spent_usd, 4)} / ${usd(b.limit_usd)}</span>
      <div class="bar ${cls}"><span style="width:${Math.min(100, used * 100).toFixed(1)}%"></span></div></div>`;
  }).join("");
}

function sortValue(row, key) {
  if (key === "last_incident") return row.last_incident ? row.last_incident.ts : 0;
  return row[key];
}

function renderAgents() {
  const text = $("filter").value.trim().toLowerCase();
  const status = $("status-filter").value;
  let rows = [...state.agents.values()].filter((r) =>
    (!status || r.status === status) &&
    (!text || r.agent.toLowerCase().includes(text) || r.fleet.toLowerCase().includes(text) || (r.session || "").toLowerCase().includes(text)));
  const key = state.sortKey, dir = state.sortAsc ? 1 : -1;
  rows.sort((a, b) => { const x = sortValue(a, key), y = sortValue(b, key); return (x > y ? 1 : x < y ? -1 : 0) * dir || a.agent.localeCompare(b.agent); });
  const total = rows.length;
  rows = rows.slice(0, MAX_ROWS);
  $("agents").querySelector("tbody").innerHTML = rows.map((r) => `<tr class="${esc(r.status)}" data-agent="${esc(r.agent)}">
    <td><a href="#agent/${encodeURIComponent(r.agent)}">${esc(r.agent)}</a> <small class="note">${esc(r.fleet)}</small></td>
    <td><span class="status ${esc(r.status)}" title="${esc(r.status_reason)}">${esc(r.status)}</span></td>
    <td class="num spend">${usd(r.spend_today_usd, 4)}</td>
    <td class="num">${usd(r.burn_rate_usd_per_hour, 4)}</td>
    <td class="num">${r.calls_today.toLocaleString()}</td>
    <td>${esc((r.session || "").slice(0, 24))}</td>
    <td>${r.last_incident ? esc(r.last_incident.detector + " → " + r.last_incident.action) + " " + when(r.last_incident.ts) : ""}</td></tr>`).join("");
  $("agents-note").textContent = total > MAX_ROWS ? `showing ${MAX_ROWS} of ${total}; filter to narrow` : `${total} agents`;
  for (const th of $("agents").querySelectorAll("th")) {
    th.classList.toggle("sorted", th.dataset.sort === key);
    th.classList.toggle("asc", th.dataset.sort === key && state.sortAsc);
  }
}

function renderFleets() {
  const fleets = (state.summary && state.summary.fleets) || [];
  $("fleets").querySelector("tbody").innerHTML = fleets.map((f) => `<tr class="${esc(f.status)}" data-fleet="${esc(f.fleet)}">
    <td>${esc(f.fleet)}</td><td>${esc(f.org)}</td><td class="num">${f.agents}</td>
    <td class="num">${usd(f.spend_today_usd, 4)}</td><td class="num prevented">${usd(f.prevented_today_usd, 4)}</td>
    <td><span class="status ${esc(f.status)}" title="${esc(f.status_reason)}">${esc(f.status)}${f.status_scope === "org" ? " (org)" : ""}</span>
      ${f.until_ts ? "<small class=\"note\">until " + when(f.until_ts) + "</small>" : ""}</td>
    <td class="actions">${f.status_scope === "org" ? "" : actionButtons("fleet", f.fleet, f.status, f.agents)}</td></tr>`).join("");
}

// Spend and spend prevented per fleet (or all), accumulated over the last 24 h; refreshed every 30 s.
async function loadFleetChart() {
  const data = await api("/fleets/series?hours=24&step=600");
  const pick = $("series-fleet");
  const names = Object.keys(data.fleets);
  const chosen = pick.value;
  pick.innerHTML = '<option value="">all fleets</option>' + names.map((n) => `<option ${n === chosen ? "selected" : ""}>${esc(n)}</option>`).join("");
  const picked = chosen && data.fleets[chosen] ? [data.fleets[chosen]] : Object.values(data.fleets);
  const ts = picked.length ? picked[0].ts : [data.since];
  const total = (key) => ts.map((_, i) => picked.reduce((sum, f) => sum + f[key][i], 0));
  const accumulate = (values) => { let run = 0; return values.map((v) => (run += v)); };
  const series = [ts, accumulate(total("spend_usd")), accumulate(total("prevented_usd"))];
  const box = $("fleet-chart");
  if (!state.fleetChart) {
    const money = (u, v) => v == null ? "–" : "$" + v.toFixed(4);
    state.fleetChart = new uPlot({
      width: Math.max(300, box.clientWidth), height: 220, scales: { x: { time: true } },
      series: [{}, { label: "spend", stroke: "#2457c5", width: 2, value: money },
        { label: "prevented", stroke: "#1f9d55", width: 2, dash: [6, 4], value: money }],
      axes: [{}, { values: (u, t) => t.map((v) => "$" + Number(v.toPrecision(2))), size: 80 }],
    }, series, box);
  } else {
    state.fleetChart.setData(series);
  }
}

function incidentItem(inc, fresh) {
  const row = state.agents.get(inc.agent);
  const status = row ? row.status : "active";
  return `<li class="${fresh ? "new" : ""}" data-incident="${esc(inc.incident_id)}">
    <div class="meta">${when(inc.ts)} · <a href="#agent/${encodeURIComponent(inc.agent)}">${esc(inc.agent)}</a>
      · ${esc(inc.detector)} → <strong>${esc(inc.action)}</strong>${inc.session ? " · session " + esc(inc.session.slice(0, 24)) : ""}</div>
    <p class="evidence">${esc(inc.evidence)}</p>
    ${(inc.call_ids || []).length ? `<a class="cites" href="#agent/${encodeURIComponent(inc.agent)}?session=${encodeURIComponent(inc.session)}&incident=${encodeURIComponent(inc.incident_id)}">the ${inc.call_ids.length} calls it cites</a>` : ""}
    <div class="actions">${actionButtons("agent", inc.agent, status)}</div></li>`;
}

function renderIncidents() {
  $("incidents").innerHTML = state.incidents.map((inc) => incidentItem(inc, inc._fresh)).join("") ||
    '<li class="note">No incidents in the last 7 days.</li>';
  for (const inc of state.incidents) inc._fresh = false;
}

// the last reconcile of the ledger against the providers' own reports

function driftItem(d) {
  const parts = (d.rows || []).map((r) => r.kind === "usd"
    ? `$${Number(r.ledger).toFixed(4)} ledger vs $${Number(r.provider_value).toFixed(4)} billed`
    : `${r.kind} ${Number(r.ledger).toLocaleString()} vs ${Number(r.provider_value).toLocaleString()}`);
  return `<li><div class="meta">${esc(d.day)} · ${esc(d.provider)}</div>
    <p class="evidence"><strong>${esc(d.model)}</strong>: ${esc(parts.join("; "))}</p></li>`;
}

async function loadReconcile() {
  const { run } = await api("/reconcile");
  if (!run) return;
  const s = run.summary || {};
  const errors = (run.errors || []).length ? ` · ${run.errors.length} provider(s) unreadable` : "";
  $("reconcile").textContent = `Last run ${new Date(run.ts * 1000).toLocaleString()}: ${s.groups || 0} day/model groups, ` +
    `${(run.drifts || []).length} drifting${errors}.`;
  $("reconcile-drifts").innerHTML = (run.drifts || []).map(driftItem).join("");
}

// agent page

async function loadAgent(name, session) {
  const query = session ? `?session=${encodeURIComponent(session)}` : "";
  const a = await api(`/agents/${encodeURIComponent(name)}${query}`);
  if (state.agentView !== name) return;
  $("agent-name").textContent = a.agent;
  $("agent-status").textContent = a.status;
  $("agent-status").className = "status " + a.status;
  $("agent-actions").innerHTML = actionButtons("agent", a.agent, a.status);
  $("agent-facts").textContent = `fleet ${a.fleet} · ${usd(a.spend_today_usd, 4)} today · ${usd(a.spend_month_usd)} this month · ` +
    `${usd(a.burn_rate_usd_per_hour, 4)}/h · ${a.calls_today} calls today` + (a.status_reason ? ` · ${a.status_reason}` : "");
  const pick = $("session-pick");
  const current = session || a.session;
  pick.innerHTML = a.sessions.map((s) => `<option ${s === current ? "selected" : ""}>${esc(s)}</option>`).join("");
  // Calls an incident cites (the incident's "calls" link opened this page) are marked.
  const cited = new Set(state.citedCalls || []);
  $("timeline").querySelector("tbody").innerHTML = a.session_calls.slice().reverse().map((c) => `<tr data-call="${esc(c.call_id)}" class="${cited.has(c.call_id) ? "cited" : ""}">
    <td>${when(c.ts)}</td><td>${esc(c.model)}</td><td class="num">${c.input_tokens}</td><td class="num">${c.output_tokens}</td>
    <td class="num">${usd(c.cost_usd, 6)}</td><td>${esc(c.outcome)} ${c.status}</td><td class="num">${c.latency_ms} ms</td>
    <td>${esc(c.action || "")}</td><td class="did">${esc(c.summary || "")}</td></tr>`).join("");
  drawChart(a.series);
}

function drawChart(series) {
  const box = $("chart");
  const width = Math.max(300, box.clientWidth);
  if (!state.chart) {
    state.chart = new uPlot({
      width, height: 260,
      scales: { x: { time: true } },
      series: [{}, { label: "USD / minute", stroke: "#2457c5", fill: "rgba(36,87,197,0.12)", width: 2,
        value: (u, v) => v == null ? "–" : "$" + v.toFixed(6) }],
      axes: [{}, { values: (u, ticks) => ticks.map((t) => "$" + Number(t.toPrecision(2))), size: 90 }],
    }, series, box);
  } else {
    state.chart.setData(series);
  }
}

function route() {
  const match = location.hash.match(/^#agent\/([^?]+)(?:\?(.*))?$/);
  state.agentView = match ? decodeURIComponent(match[1]) : null;
  const params = new URLSearchParams(match && match[2] ? match[2] : "");
  const incident = state.incidents.find((i) => i.incident_id === params.get("incident"));
  state.citedCalls = incident ? incident.call_ids : [];
  $("fleet-view").hidden = !!state.agentView;
  $("agent-view").hidden = !state.agentView;
  if (state.chart) { state.chart.destroy(); state.chart = null; }
  // An alert's link to a fleet (#fleet/NAME) opens the fleet view filtered to it, its chart picked.
  const fleet = location.hash.match(/^#fleet\/(.+)$/);
  if (fleet) {
    const name = decodeURIComponent(fleet[1]);
    $("filter").value = name;
    $("series-fleet").innerHTML = `<option selected>${esc(name)}</option>`;
    loadFleetChart().catch(() => {});
  }
  if (state.agentView) loadAgent(state.agentView, params.get("session") || undefined).catch((err) => { $("agent-facts").textContent = err.message; });
  else state.dirty = true;
}

// live updates

let lastAgentRefresh = 0;
function connect() {
  const source = new EventSource(`${API}/events?types=summary,incident,standing`);
  source.onopen = () => { $("live").className = "live on"; };
  source.onerror = () => { $("live").className = "live off"; };
  source.addEventListener("summary", (e) => {
    const summary = JSON.parse(e.data);
    const touched = (summary.rows || []).some((r) => r.agent === state.agentView);
    applySummary(summary);
    if (touched && Date.now() - lastAgentRefresh > 2000) {
      lastAgentRefresh = Date.now();
      loadAgent(state.agentView, $("session-pick").value || undefined).catch(() => {});
    }
  });
  source.addEventListener("incident", (e) => {
    const inc = JSON.parse(e.data);
    inc._fresh = true;
    state.incidents.unshift(inc);
    state.incidents.length = Math.min(state.incidents.length, MAX_INCIDENTS);
    state.dirty = true;
  });
  source.addEventListener("standing", (e) => {
    const change = JSON.parse(e.data);
    const row = change.scope_kind === "agent" && state.agents.get(change.name);
    if (row) { row.status = change.state; row.status_reason = change.reason; state.dirty = true; }
  });
}

function renderLoop() {
  if (state.dirty && !state.agentView) {
    state.dirty = false;
    renderKpis(); renderFleets(); renderAgents(); renderIncidents();
  } else if (state.dirty) {
    renderKpis();
  }
}

// Revokes the session on the server (every replica), then back to the sign-in page.
async function signOut() {
  await fetch("/dashboard/logout", { method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json" }, body: "{}" });
  location.href = "/dashboard/login";
}

async function init() {
  for (const th of $("agents").querySelectorAll("th")) {
    th.addEventListener("click", () => {
      const key = th.dataset.sort;
      state.sortAsc = state.sortKey === key ? !state.sortAsc : key === "agent" || key === "session";
      state.sortKey = key; state.dirty = true;
    });
  }
  $("filter").addEventListener("input", () => { state.dirty = true; });
  $("status-filter").addEventListener("change", () => { state.dirty = true; });
  $("session-pick").addEventListener("change", (e) => loadAgent(state.agentView, e.target.value));
  $("series-fleet").addEventListener("change", () => loadFleetChart().catch(() => {}));
  window.addEventListener("hashchange", route);
  $("sign-out").addEventListener("click", signOut);
  const [summary, agents, incidents] = await Promise.all([api("/summary"), api("/agents"), api("/incidents?limit=50")]);
  applySummary(Object.assign(summary, { rows: agents.agents, full: true }));
  state.incidents = incidents.incidents;
  route();
  renderLoop();
  setInterval(renderLoop, RENDER_MS);
  loadReconcile().catch(() => {});
  setInterval(() => loadReconcile().catch(() => {}), 60000);
  loadFleetChart().catch(() => {});
  // Redrawn when spend or spend prevented moved, at most every 5 s (the chart's points are 10 min).
  let charted = "";
  setInterval(() => {
    const s = state.summary;
    const now = s ? `${s.spend_today_usd}|${s.prevented_today_usd}` : "";
    if (!state.agentView && now !== charted) { charted = now; loadFleetChart().catch(() => {}); }
  }, 5_000);
  connect();
}

init().catch((err) => { document.body.insertAdjacentHTML("afterbegin", `<p class="error">${esc(err.message)}</p>`); });

"""Real agent harnesses, pinned, run against a gateway and a scripted mock: what the conformance
suite (tests/test_harnesses.py) measures.

Each run gets its own mock and gateway, so what the mock billed is that run's alone, and a
recorder in front of the gateway notes the time and status of every model call, refusals included
(a refused call never reaches the ledger). A harness is pointed at the gateway by base URL and
regulator key only, and sends no session header of regulator's.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness_install import npm_bin, pypi_bin
from regulator.app import RegulatorApp
from regulator.config import Config
from regulator.events import Standing
from regulator.mock.server import MockServer
from regulator.serving import ServerThread, uvicorn_config
from regulator.types import Message, Receive, Scope, Send

CLAUDE_CODE = ("@anthropic-ai/claude-code", "2.1.332")
OPENCLAW = ("openclaw", "2026.9.6")
NODE_24 = ("node", "24.21.0")  # OpenClaw needs Node >= 24.16
CODEX = ("@openai/codex", "0.171.0")
GEMINI_CLI = ("@google/gemini-cli", "0.61.0")
MINI_SWE_AGENT = ("mini-swe-agent", "2.4.6")
AIDER = ("aider-chat", "0.86.2")

LLM_PATHS = frozenset({"/v1/messages", "/v1/chat/completions", "/v1/responses"})
FINAL_CODES = frozenset({"agent_paused", "agent_killed", "budget_exceeded"})
DONE = "All done: nothing needed changing."
STUCK_COMMAND = "make test"
MINI_SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"


@dataclass(slots=True)
class Seen:
    ts: float
    status: int
    code: str  # x-regulator-error, or "" when served


def _is_model_call(path: str) -> bool:
    return path in LLM_PATHS or path.endswith((":generateContent", ":streamGenerateContent"))


class Recorder:
    """ASGI middleware: every model call's answer status, in order (lifespan and the rest pass through)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[Seen] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_model_call(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def noted(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                code = headers.get(b"x-regulator-error", b"").decode()
                self.calls.append(Seen(time.time(), message["status"], code))
            await send(message)

        await self.app(scope, receive, noted)


@dataclass
class Outcome:
    harness: str
    scenario: str
    exit_code: int | None  # None: still running at the time limit, killed
    output: str
    exited_at: float
    calls: list[Seen]
    sessions: int  # sessions of the agent in the ledger
    ledger_usd: float
    mock_usd_calls: int  # calls the mock billed
    billed_equal: bool  # ledger tokens == what the mock billed
    actions: list[str] = field(default_factory=list)  # x-regulator-action of ledger rows

    @property
    def served(self) -> int:
        return sum(1 for c in self.calls if c.status < 400)

    @property
    def first_final(self) -> Seen | None:
        return next((c for c in self.calls if c.code in FINAL_CODES), None)

    @property
    def served_before_final(self) -> int:
        first = self.first_final
        return sum(1 for c in self.calls if c.status < 400 and (first is None or c.ts < first.ts))

    @property
    def requests_after_final(self) -> int | None:
        first = self.first_final
        return None if first is None else sum(1 for c in self.calls if c.ts > first.ts)

    @property
    def exit_s_after_final(self) -> float | None:
        first = self.first_final
        return None if first is None else round(self.exited_at - first.ts, 1)


@dataclass(frozen=True)
class Harness:
    name: str
    model: str
    command: Callable[[str, Path, str], tuple[list[str], dict[str, str]]]  # (gateway url, workdir, key)
    finish_reply: dict[str, Any] = field(default_factory=lambda: {"content": DONE})


def _claude_code(url: str, work: Path, key: str, model: str = "claude-sonnet-4-6") -> tuple[list[str], dict[str, str]]:
    claude = npm_bin(*CLAUDE_CODE, "claude")
    env = {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": key, "DISABLE_AUTOUPDATER": "1"}
    return [str(claude), "-p", f"Fix the failing tests in {work.name}.", "--model", model], env


def _openclaw(url: str, work: Path, key: str) -> tuple[list[str], dict[str, str]]:
    node = npm_bin(*NODE_24, "node")
    openclaw = npm_bin(*OPENCLAW, "openclaw", node=node)
    # OpenClaw does not read ANTHROPIC_BASE_URL: its provider's base URL comes from a config file.
    config = work.parent / f"{work.name}.openclaw.json"
    provider = {"baseUrl": url, "apiKey": "${ANTHROPIC_API_KEY}", "api": "anthropic-messages", "models": []}
    config.write_text(json.dumps({"models": {"mode": "merge", "providers": {"anthropic": provider}}}))
    argv = [str(node), str(openclaw), "agent", "exec", "--config", str(config), "--cwd", str(work)]
    argv += ["--model", "anthropic/claude-sonnet-4-6", f"Fix the failing tests in {work.name}."]
    return argv, {"ANTHROPIC_API_KEY": key}


def _codex(url: str, work: Path, key: str) -> tuple[list[str], dict[str, str]]:
    codex = npm_bin(*CODEX, "codex")
    home = work.parent / f"{work.name}.codex"  # CODEX_HOME: the provider is configured, not read from env
    home.mkdir()
    provider = f'name = "regulator"\nbase_url = "{url}/v1"\nenv_key = "REGULATOR_API_KEY"\nwire_api = "responses"\n'
    config = f'model = "gpt-5.1-codex-mini"\nmodel_provider = "regulator"\n\n[model_providers.regulator]\n{provider}'
    (home / "config.toml").write_text(config)
    argv = [str(codex), "exec", "--skip-git-repo-check", f"Fix the failing tests in {work.name}."]
    return argv, {"CODEX_HOME": str(home), "REGULATOR_API_KEY": key}


def _gemini_cli(url: str, work: Path, key: str) -> tuple[list[str], dict[str, str]]:
    gemini = npm_bin(*GEMINI_CLI, "gemini")
    # With only a base URL and a key, 0.61.0 picks a "gateway" auth that headless mode rejects.
    # model.disableLoopDetection: gemini-cli's own check ends a *verbatim* repeat by itself after ~6
    # calls (exit 0, no refusal), which would hide whether regulator stops it; loops that vary their
    # commands pass that check in real use, and regulator must stop them either way.
    settings = {
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "privacy": {"usageStatisticsEnabled": False},
        "model": {"disableLoopDetection": True},
    }
    home = work.parent / f"home-{work.name}"  # the HOME run_scenario gives it
    (home / ".gemini").mkdir(parents=True, exist_ok=True)
    (home / ".gemini" / "settings.json").write_text(json.dumps(settings))
    # --yolo: headless runs offer the shell tool only when its calls need no confirmation.
    argv = [str(gemini), "-p", f"Fix the failing tests in {work.name}.", "-m", "gemini-2.5-flash", "--yolo"]
    env = {"GEMINI_API_KEY": key, "GOOGLE_GEMINI_BASE_URL": url, "GEMINI_CLI_TRUST_WORKSPACE": "true"}
    return argv, env


def _mini(url: str, work: Path, key: str) -> tuple[list[str], dict[str, str]]:
    mini = pypi_bin(*MINI_SWE_AGENT, "mini")
    argv = [str(mini), "-m", "openai/gpt-4o", "-t", f"Fix the failing tests in {work.name}.", "-y"]
    argv += ["--exit-immediately", "-o", str(work / "trajectory.json")]
    env = {"OPENAI_BASE_URL": url + "/v1", "OPENAI_API_KEY": key, "MSWEA_CONFIGURED": "true"}
    # What `regulator run` sets: one try per call instead of ten over minutes (docs/agents.md).
    env["MSWEA_MODEL_RETRY_STOP_AFTER_ATTEMPT"] = "1"
    # Its exit prints a rich traceback with source excerpts: 6 s alone, over 20 s on a busy 2-core
    # machine. The plain traceback says the same and leaves the exit time to the harness.
    env["_TYPER_STANDARD_TRACEBACK"] = "1"
    return argv, env


def _aider(url: str, work: Path, key: str) -> tuple[list[str], dict[str, str]]:
    aider = pypi_bin(*AIDER, "aider")
    (work / "app.py").write_text("def add(a, b):\n    return a - b\n")
    argv = [str(aider), "--model", "openai/gpt-4o", "--message", f"Fix the failing tests in {work.name}."]
    argv += ["--yes-always", "--no-git", "--no-check-update", "--analytics-disable", "--no-show-model-warnings"]
    argv += ["--no-pretty", "--no-stream", "app.py"]
    return argv, {"OPENAI_API_BASE": url + "/v1", "OPENAI_API_KEY": key}


HARNESSES = {
    "claude-code": Harness("claude-code", "claude-sonnet-4-6", _claude_code),
    "openclaw": Harness("openclaw", "claude-sonnet-4-6", _openclaw),
    "codex": Harness("codex", "gpt-5.1-codex-mini", _codex),
    "gemini-cli": Harness("gemini-cli", "gemini-2.5-flash", _gemini_cli),
    "mini-swe-agent": Harness("mini-swe-agent", "gpt-4o", _mini, {"shell": MINI_SUBMIT}),
    "aider": Harness("aider", "gpt-4o", _aider),
}
SCENARIOS = ("finish", "stuck", "pause", "kill", "budget", "clamp")


def run_scenario(harness: Harness, scenario: str, root: Path, limit_s: float = 150.0) -> Outcome:
    """One harness run on its own mock and gateway, scripted as `scenario`."""
    work = root / f"{harness.name}-{scenario}"
    work.mkdir(parents=True)
    home = root / f"home-{harness.name}-{scenario}"
    home.mkdir(exist_ok=True)
    agent = f"{harness.name}-{scenario}"
    budgets = {
        "budget": [{"scope": f"agent:{agent}", "total": 0.01}],
        "clamp": [{"scope": f"agent:{agent}", "total": 1.0}],
    }
    with MockServer() as mock:
        if scenario == "stuck":
            mock.app.script({"shell": STUCK_COMMAND})
        else:
            mock.app.script(harness.finish_reply)
        config = Config.model_validate(
            {
                "upstreams": [
                    {"name": "mock", "base_url": mock.url + "/v1", "dialects": ["openai", "anthropic", "google"]}
                ],
                "models": [
                    {"name": harness.model, "upstream": "mock"},
                    {"name": "claude-opus-4-7", "upstream": "mock"},
                ],
                "budgets": budgets.get(scenario, []),
            }
        )
        app = RegulatorApp(config, root / f"data-{agent}")
        recorder = Recorder(app)
        with ServerThread(uvicorn_config(recorder, lifespan="on"), name="gateway") as server:
            gw = app.gateway
            key, _ = gw.store.create_key(agent)
            gw.keys.invalidate()
            if scenario in ("pause", "kill"):
                state = "paused" if scenario == "pause" else "killed"
                gw.supervisor.standing.set(Standing("agent", agent, state, f"{scenario} by operator"))
            if scenario == "clamp":
                argv, env = _claude_code(server.url, work, key, model="claude-opus-4-7")
            else:
                argv, env = harness.command(server.url, work, key)
            exit_code, output = _run(argv, work, home, env, limit_s)
            exited_at = time.time()
            gw.ledger.flush()
            rows = [r for r in gw.store.iter_records(0) if r.agent == agent]
            billed = mock.app.stats()["totals"]
            return Outcome(
                harness.name,
                scenario,
                exit_code,
                output,
                exited_at,
                list(recorder.calls),
                len({r.session for r in rows}),
                sum(r.cost_usd for r in rows),
                billed["requests"],
                billed["input_tokens"] == sum(r.usage.input_tokens for r in rows)
                and billed["output_tokens"] == sum(r.usage.output_tokens for r in rows),
                [r.action for r in rows if r.action],
            )


def _run(argv: list[str], work: Path, home: Path, env: dict[str, str], limit_s: float) -> tuple[int | None, str]:
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # litellm would fetch its price map from the internet
        "TERM": "dumb",
    }
    try:
        done = subprocess.run(
            argv, cwd=work, env=base | env, stdin=subprocess.DEVNULL, capture_output=True, timeout=limit_s
        )
        return done.returncode, (done.stdout + done.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired as timed_out:
        return None, ((timed_out.stdout or b"") + (timed_out.stderr or b"")).decode(errors="replace")

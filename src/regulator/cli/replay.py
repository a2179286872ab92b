"""`regulator replay`: meter recorded traces offline, one result per session."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from regulator.config import ConfigError, load_config
from regulator.errors import RegulatorError
from regulator.policy.evaluate import evaluate, summary_lines
from regulator.policy.parallel_replay import replay_with_policy
from regulator.policy.shadow import ShadowPolicy
from regulator.traces.format import LABELS_FILE, TraceFormatError, read_labels
from regulator.traces.replay import ReplaySession, replay_sessions


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_cmd)


def report_lines(sessions: list[ReplaySession]) -> bytes:
    return b"".join(orjson.dumps(s.report(), option=orjson.OPT_APPEND_NEWLINE) for s in sessions)


def _table(sessions: list[ReplaySession]) -> Table:
    table = Table("session", "agent", "calls", "cost $", "recorded $")
    for s in sessions:
        recorded = "" if s.recorded_cost_usd is None else f"{s.recorded_cost_usd:.4f}"
        table.add_row(s.session, s.agent, str(s.calls), f"{s.cost_usd:.4f}", recorded)
    recorded_total = sum(s.recorded_cost_usd or 0.0 for s in sessions)
    table.add_row(
        "total",
        "",
        str(sum(s.calls for s in sessions)),
        f"{sum(s.cost_usd for s in sessions):.4f}",
        f"{recorded_total:.4f}",
        style="bold",
    )
    return table


def _print_summary(
    labels_path: Path, sessions: list[ReplaySession], hook: ShadowPolicy | None, to_stderr: bool
) -> None:
    if not labels_path.is_file() or hook is None:
        typer.echo(f"--summary: needs a policy and {labels_path}", err=True)
        return
    evaluation = evaluate([s.report() for s in sessions], read_labels(labels_path), hook.cost_from)
    for line in summary_lines(evaluation):
        typer.echo(line, err=to_stderr)


def replay_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="Trace files (.jsonl or .jsonl.gz), or directories of them.", exists=True)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per session (JSONL).")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report here instead of stdout.")] = None,
    config: Annotated[
        str | None, typer.Option("--config", "-c", envvar="REGULATOR_CONFIG", help="regulator.yaml")
    ] = None,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="Detectors and policy to run: default, openhands, gemini-cli, cline, none, or a YAML file.",
        ),
    ] = "default",
    summary: Annotated[
        bool, typer.Option("--summary", help="Print a table per family (labels.jsonl beside the trace).")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            help="Processes for the detectors (0: one per core, up to 8; 1: none besides this one).",
        ),
    ] = 0,
) -> None:
    """Replay traces: what the gateway would have metered for each session (no provider is contacted)."""
    # A replay makes millions of short-lived containers (every call's messages) and next to no
    # reference cycles (25 objects over the dev set): the collector's passes over what it keeps
    # alive (each session's conversation so far) took 5 % of its time and freed nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        hook: ShadowPolicy | None = None
        if policy == "none":
            sessions = replay_sessions(paths, load_config(config))
        else:
            sessions, hook = replay_with_policy(paths, load_config(config), policy, workers)
    except (ConfigError, TraceFormatError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except RegulatorError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        if collecting:
            gc.enable()
    if summary:
        labels_dir = paths[0] if paths[0].is_dir() else paths[0].parent
        _print_summary(labels_dir / LABELS_FILE, sessions, hook, to_stderr=as_json and out is None)
    if as_json:
        data = report_lines(sessions)
        if out is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            out.write_bytes(data)
        return
    if out is None:
        Console().print(_table(sessions))
    else:
        with out.open("w", encoding="utf-8") as stream:
            Console(file=stream, width=160).print(_table(sessions))

"""Memory per tracked session: RSS after 100,000 distinct sessions of the gateway's session path.

`python -m bench.sessions going|churn [N]` runs in its own interpreter, so its RSS is the session path alone:
the gateway's session threader and the default detectors and policy, which is what a gateway keeps
per session (the rest of its memory does not grow with sessions). Each session is a short agent
conversation: a task, a shell command in the answer, its ~1 KB result in the next call. Two runs:

- `going`: each session has two calls, so each is tracked (up to `sessions.max_tracked`, 20,000):
  RSS grows by what one tracked session costs, then stays flat;
- `churn`: each call a new conversation (a harness that does not thread its calls): only
  `sessions.max_new` of them are kept, and RSS stays flat.

Each prints one JSON object: RSS every 10,000 sessions and the growth per session.
`session_memory()` runs both, each in a fresh interpreter, for `make bench`.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from typing import Any

from regulator.config import Config
from regulator.detect.registry import build_detectors
from regulator.events import CallEvent, CallRecord, Usage
from regulator.policy.supervisor import Supervisor
from regulator.proxy.sessions import SessionThreader

SYSTEM = "You are a coding agent. Run one shell command per answer in a ```bash block."


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def result(i: int) -> str:
    lines = [f"src/module_{i}/file_{j}.py:{j * 7}: def handler_{i}_{j}(request): return {j}" for j in range(12)]
    return "\n".join(lines)


def conversation(i: int, calls: int) -> list[list[dict[str, Any]]]:
    """The messages of each call of session `i`."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Task {i}: find where handler_{i} is defined and fix its return value."},
    ]
    sent = [list(messages)]
    for call in range(1, calls):
        messages += [
            {"role": "assistant", "content": f"```bash\ngrep -rn handler_{i} src/module_{i} | head -{call}\n```"},
            {"role": "user", "content": result(i)},
        ]
        sent.append(list(messages))
    return sent


def run(sessions: int, calls: int, config: Config) -> dict[str, Any]:
    supervisor = Supervisor(build_detectors(config.detect), config.policy)
    threader = SessionThreader(
        config.sessions.max_tracked, config.sessions.idle_timeout_s, supervisor.forget, config.sessions.max_new
    )
    gc.collect()
    start_mb = rss_mb()
    samples: list[tuple[int, float]] = []
    t0 = time.perf_counter()
    for i in range(sessions):
        for seq, messages in enumerate(conversation(i, calls)):
            threaded = threader.thread("key", messages)
            threader.commit(threaded)
            record = CallRecord(
                call_id=f"{i}-{seq}", ts=time.time(), org="o", fleet="f", agent="agent", session=threaded.session,
                model="gpt-4o-mini", upstream="mock", dialect="openai", endpoint="chat",
            )  # fmt: skip
            record.usage = Usage(input_tokens=len(str(messages)) // 4, output_tokens=20)
            answer = f"```bash\ngrep -rn handler_{i} src/module_{i} | head -{seq + 1}\n```"
            response = {"choices": [{"message": {"role": "assistant", "content": answer}}]}
            supervisor.observe(CallEvent(record, threaded.seq, messages, threaded.new_from, response))
        if (i + 1) % 10_000 == 0:
            samples.append((i + 1, round(rss_mb(), 1)))
    gc.collect()
    end_mb = rss_mb()
    return {
        "sessions": sessions,
        "calls_per_session": calls,
        "tracked_at_end": len(threader._sessions),
        "rss_start_mb": round(start_mb, 1),
        "rss_end_mb": round(end_mb, 1),
        "rss_every_10000": samples,
        # Growth over the first 10,000: every one of them is tracked under the default caps.
        "kb_per_session": round((samples[0][1] - start_mb) * 1024 / samples[0][0], 2) if samples else None,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def session_memory(sessions: int = 100_000) -> dict[str, Any]:
    report = {}
    for shape in ("going", "churn"):
        out = subprocess.run(
            [sys.executable, "-m", "bench.sessions", shape, str(sessions)], capture_output=True, text=True, check=True
        )
        report[shape] = json.loads(out.stdout)
    return report


def main() -> None:
    shape = sys.argv[1] if len(sys.argv) > 1 else "going"
    sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    print(json.dumps(run(sessions, 2 if shape == "going" else 1, Config())))


if __name__ == "__main__":
    main()

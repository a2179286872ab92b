"""Do the detectors generalise beyond the dev families? Loops and hard negatives built by code.

None of these behaviours is in `shared/traces/dev` (exact repeats, A-B oscillation, one error
behind varied commands). Each is generated from a seed in all three agent shapes (text commands,
OpenAI `tool_calls`, Anthropic `tool_use`), after a realistic productive start, and run through
the default supervisor exactly as replay does: the verdict is asked before each call, a refusal
stops the session. `measure()` gives the numbers docs/detection.md reports.
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from detect_support import ScriptedSession
from regulator.detect.error_signature import error_signature
from regulator.detect.progress import NoProgressDetector
from regulator.detect.same_error import ErrorSignatureDetector
from regulator.policy.supervisor import load_supervisor
from regulator.sim import workspace as ws

Step = tuple[str, str, int]  # command, output, exit code
STYLES = ("text", "openai", "anthropic")
SEEDS = range(4)
WORDS = re.findall(
    r"\w+",
    "invoice ledger account period total amount currency rate tax line item customer order payment refund "
    "discount batch export report schema field value record cache token session window quota limit retry "
    "backoff queue worker task result status event stream buffer offset cursor page filter sort key index",
)


def _ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.sample(WORDS, parts))


def source_file(rng: random.Random, name: str, functions: int = 5) -> str:
    """A plausible Python module: shared boilerplate, distinct names and bodies."""
    lines = ['"""' + " ".join(rng.sample(WORDS, 6)).capitalize() + '."""', "", "from __future__ import annotations"]
    lines += ["", f"import {rng.choice(['json', 'logging', 're', 'decimal', 'datetime'])}", ""]
    for _ in range(functions):
        fn, arg, var = _ident(rng), rng.choice(WORDS), _ident(rng)
        lines += [
            "",
            f"def {fn}({arg}, *, {rng.choice(WORDS)}=None):",
            f'    """{" ".join(rng.sample(WORDS, 5)).capitalize()}."""',
            f"    {var} = {arg}.get({rng.choice(WORDS)!r}) or {rng.choice(['[]', '{}', '0', 'None'])}",
            f"    if not {var}:",
            f"        raise ValueError({(name + ': missing ' + rng.choice(WORDS))!r})",
            f"    return {_ident(rng)}({var}, {rng.choice(WORDS)}={rng.randint(1, 99)})",
        ]
    return "\n".join(lines) + "\n"


def numbered(text: str, start: int = 1) -> str:
    return "".join(f"{n:6d}\t{line}\n" for n, line in enumerate(text.splitlines(), start))


def prefix(repo: ws.Repo, rng: random.Random, files: dict[str, str]) -> list[Step]:
    """A productive start: look around, read the module, reproduce the bug."""
    steps: list[Step] = [
        ("ls", ws.ls_output(repo), 0),
        (f'grep -rn "{repo.function}" {repo.package} tests', ws.grep_output(repo, rng, repo.function), 0),
    ]
    for path in list(files)[: rng.randint(1, 2)]:
        steps.append((f"cat {path}", files[path], 0))
    steps.append(
        (f"python -c 'from {repo.package} import {repo.function}; {repo.function}([])'", ws.traceback(repo, rng), 1)
    )
    return steps


# -- loops ----------------------------------------------------------------------------------------


def rotation(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Three different commands in turn, all failing for one root cause (no compiler)."""
    pkg = repo.package
    variants = [
        ["pip install -e .", "pip install -e . -v", "pip install --no-build-isolation -e ."],
        ["python setup.py build_ext --inplace", "python setup.py build_ext -i --force", "python setup.py develop"],
        [f"python -m pytest {repo.test_file} -q", f"pytest {repo.test_file} -x", f"python -m pytest {repo.test_file}"],
    ]
    steps: list[Step] = []
    for turn in range(30):
        kind = turn % 3
        command = rng.choice(variants[kind]) + rng.choice(["", "", " 2>&1 | tail -n 20"])
        took = f"{rng.uniform(0.5, 9):.1f}s"
        if kind == 0:
            out = (
                f"Obtaining file:///testbed\n  Preparing metadata (pyproject.toml) ... done\nBuilding wheels for "
                f"collected packages: {pkg}\n  Building editable for {pkg} (pyproject.toml) ... error\n  error: "
                f"subprocess-exited-with-error\n  × Building editable for {pkg} did not run successfully.\n"
                f"  │ exit code: 1\n  ╰─> gcc -pthread -c {pkg}/_speedups.c: gcc: No such file or directory\n"
                f"ERROR: Failed building editable for {pkg} (took {took})\n"
            )
        elif kind == 1:
            out = (
                f"running build_ext\nbuilding '{pkg}._speedups' extension\ncreating build/temp.linux-x86_64-"
                f"cpython-311/{pkg}\ngcc -pthread -fPIC -I/usr/include/python3.11 -c {pkg}/_speedups.c -o "
                f"build/temp.linux-x86_64-cpython-311/{pkg}/_speedups.o\nerror: command 'gcc' failed: No such "
                "file or directory\n"
            )
        else:
            out = (
                f"_____ ERROR collecting {repo.test_file} _____\nImportError while importing test module "
                f"'/testbed/{repo.test_file}'.\nTraceback:\n{repo.test_file}:{rng.randint(2, 9)}: in <module>\n"
                f"    from {pkg} import {repo.function}\n{pkg}/__init__.py:12: in <module>\n    from ._speedups "
                f"import fast_path\nE   ModuleNotFoundError: No module named '{pkg}._speedups'\n"
                f"=========== short test summary info ===========\nERROR {repo.test_file}\n"
                f"!!!!! Interrupted: 1 error during collection !!!!!\n===== 1 error in {took} =====\n"
            )
        steps.append((command, out, 1))
    return steps


def rereading(repo: ws.Repo, rng: random.Random, files: dict[str, str]) -> list[Step]:
    """Reading the same few files again and again through different viewers, never acting."""
    paths = list(files)[:3]
    steps: list[Step] = []
    for _ in range(30):
        path = rng.choice(paths)
        text = files[path]
        lines = text.splitlines()
        viewer = rng.randrange(5)
        if viewer == 0:
            steps.append((f"cat {path}", text, 0))
        elif viewer == 1:
            steps.append((f"nl -ba {path}", numbered(text), 0))
        elif viewer == 2:
            start = rng.choice([1, 10, 20])
            end = start + rng.choice([40, 60, 80])
            steps.append((f"sed -n '{start},{end}p' {path}", "\n".join(lines[start - 1 : end]) + "\n", 0))
        elif viewer == 3:
            steps.append((f"head -n {rng.choice([40, 50, 100])} {path}", "\n".join(lines[:50]) + "\n", 0))
        else:
            hits = [f"{n}:{line}" for n, line in enumerate(lines, 1) if line.startswith("def ")]
            steps.append((f"grep -n 'def ' {path}", "\n".join(hits) + "\n", 0))
    return steps


def mirrors(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """A flaky network: the same install retried through ever different mirrors and options."""
    wanted = f"{rng.choice(['numpy', 'lxml', 'cryptography', 'grpcio'])}=={rng.randint(1, 3)}.{rng.randint(0, 30)}"
    name = wanted.split("==")[0]
    hosts = ["pypi.org", "mirrors.aliyun.com", "pypi.tuna.tsinghua.edu.cn", "mirror.sjtu.edu.cn", "pypi.doubanio.com"]
    steps: list[Step] = []
    for _ in range(30):
        host = rng.choice(hosts)
        flags = rng.choice(["", " --timeout 120", " --retries 10", " --no-cache-dir", " --default-timeout=300"])
        if rng.random() < 0.2:
            command = f"curl -sSI https://{host}/simple/{name}/ --max-time 30"
            out = f"curl: (28) Connection timed out after {rng.randint(30000, 30100)} milliseconds\n"
            steps.append((command, out, 28))
            continue
        command = f"pip install -i https://{host}/simple {wanted}{flags}"
        retries = "".join(
            f"WARNING: Retrying (Retry(total={t}, connect=None, read=None, redirect=None, status=None)) after "
            f"connection broken by 'ConnectTimeoutError(<pip._vendor.urllib3.connection.HTTPSConnection object "
            f"at 0x{rng.getrandbits(40):x}>, 'Connection to {host} timed out. (connect timeout=15)')': "
            f"/simple/{name}/\n"
            for t in range(4, -1, -1)
        )
        out = (
            f"Looking in indexes: https://{host}/simple\n{retries}ERROR: Could not find a version that satisfies "
            f"the requirement {wanted} (from versions: none)\nERROR: No matching distribution found for {wanted}\n"
        )
        steps.append((command, out, 1))
    return steps


def runaway_context(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Ever bigger dumps of logs, each mostly what the last one said, blowing up the context."""
    services = ["api", "worker", "scheduler"]
    steps: list[Step] = []
    for turn in range(30):
        service = rng.choice(services)
        command = rng.choice(
            [
                f"docker logs --tail {rng.choice([2000, 5000, 10000])} {service}",
                f"journalctl -u {service} --no-pager -n {rng.choice([3000, 8000])}",
                f"cat /var/log/{service}/app.log",
                f"kubectl logs deploy/{service} --since={rng.choice([1, 2, 6])}h",
            ]
        )
        lines = []
        for _ in range(60 + 25 * turn):
            day, hour, minute, second = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
            stamp = f"2024-05-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
            request = f"request_id={rng.getrandbits(64):016x}"
            template = rng.choice(
                [
                    f"INFO  {service}.http {request} GET /v1/orders 200 in {rng.uniform(1, 90):.1f}ms",
                    f"DEBUG {service}.db pool checkout conn={rng.randint(1000, 9999)} wait={rng.uniform(0, 5):.2f}ms",
                    f"WARN  {service}.cache miss key=order:{rng.getrandbits(32):08x} ttl=300",
                    f"INFO  {service}.worker heartbeat pid={rng.randint(100, 60000)} queue_depth=0",
                ]
            )
            lines.append(f"{stamp} {template}")
        steps.append((command, "\n".join(lines) + "\n", 0))
    return steps


def tool_repeat(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """The crudest loop, but as tool calls with options shuffled: the same failing test run."""
    steps: list[Step] = []
    run_seed = rng.random()
    for _ in range(30):
        flags = rng.sample(["-q", "-x", "--tb=short", "-p no:cacheprovider"], rng.randint(1, 3))
        command = f"python -m pytest {repo.test_file} {' '.join(flags)}"
        # The same tests of the same code: the same counts, only timings differ.
        out = ws.pytest_output(repo, random.Random(run_seed), repo.tests[:2], "KeyError: 'currency'")
        out = re.sub(r"in \d+\.\d+s", f"in {rng.uniform(0.2, 3):.2f}s", out)
        steps.append((command, out, 1))
    return steps


# -- hard negatives -------------------------------------------------------------------------------


def tdd(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """The same test command after every real edit, with fewer failures each time."""
    failing = list(repo.tests)
    steps: list[Step] = []
    while failing:
        steps.append((f"python -m pytest {repo.test_file} -q", ws.pytest_output(repo, rng, tuple(failing)), 1))
        fixed = failing.pop(rng.randrange(len(failing)))
        steps.append((f"sed -i 's/{_ident(rng)}/{_ident(rng)}/' {repo.module}  # {fixed}", "", 0))
        if rng.random() < 0.5:
            steps.append((f"git diff {repo.module}", ws.diff_output(repo, _ident(rng), _ident(rng), rng), 0))
    steps.append((f"python -m pytest {repo.test_file} -q", ws.pytest_output(repo, rng, ()), 0))
    return steps


def exploration(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """A long read of many different files before touching anything."""
    steps: list[Step] = []
    for i in range(34):
        path = f"{repo.package}/{_ident(rng)}_{i}.py"
        text = source_file(rng, path, rng.randint(3, 8))
        viewer = rng.randrange(3)
        if viewer == 0:
            steps.append((f"cat {path}", text, 0))
        elif viewer == 1:
            steps.append((f"nl -ba {path} | sed -n '1,80p'", numbered(text), 0))
        else:
            steps.append((f"grep -rn '{rng.choice(WORDS)}' {repo.package}/", ws.grep_output(repo, rng, _ident(rng)), 0))
    return steps


def changing_errors(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Fixing one error after another: the same script re-run, a different failure each time."""
    errors = [
        "TypeError: 'NoneType' object is not iterable",
        "KeyError: 'currency'",
        "AttributeError: 'dict' object has no attribute 'amount'",
        "ValueError: invalid literal for int() with base 10: '12.50'",
        "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]",
        "AssertionError: expected 3 line items, got 2",
        "IndexError: list index out of range",
        "ZeroDivisionError: division by zero",
    ]
    rng.shuffle(errors)
    steps: list[Step] = []
    for n, error in enumerate(errors):
        trace = ws.traceback(repo, rng).rsplit("\n", 2)[0] + f"\n{error}\n"
        steps.append(("python reproduce.py", trace, 1))
        steps.append((f"sed -i '{repo.line + n}s/{_ident(rng)}/{_ident(rng)}/' {repo.module}", "", 0))
    steps.append(("python reproduce.py", "[]\n", 0))
    return steps


def polling(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Waiting on a long build, checking its progress: a repeated command whose output moves."""
    steps: list[Step] = [("nohup make -j2 > build.log 2>&1 &", "[1] 4242\n", 0)]
    done = 0
    while done < 100:
        done = min(100, done + rng.randint(4, 12))
        objects = "\n".join(
            f"[{max(0, done - k):3d}%] Building CXX object src/CMakeFiles/core.dir/{_ident(rng)}.cpp.o"
            for k in range(3, -1, -1)
        )
        steps.append((rng.choice(["sleep 60; tail -n 4 build.log", "tail -n 4 build.log"]), objects + "\n", 0))
    steps.append(("ls build/bin", "core\ncore_tests\n", 0))
    return steps


def waiting(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Deploying, then waiting for the pods: the same answer a few times before it changes."""
    pod = f"{repo.package}-{rng.getrandbits(32):08x}-{rng.choice(['x7k2p', 'q9wzt', 'm4rtd'])}"
    steps: list[Step] = [("kubectl apply -f deploy/staging.yaml", f"deployment.apps/{repo.package} configured\n", 0)]
    header = "NAME                                READY   STATUS    RESTARTS   AGE\n"
    for age in range(rng.randint(2, 4)):
        steps.append(("kubectl get pods", f"{header}{pod}   0/1     Pending   0          {age * 30 + 5}s\n", 0))
    steps.append(("kubectl get pods", f"{header}{pod}   0/1     ContainerCreating   0          2m\n", 0))
    steps.append(("kubectl get pods", f"{header}{pod}   1/1     Running   0          3m\n", 0))
    steps.append((f"curl -s http://staging/{repo.package}/health", '{"status": "ok"}\n', 0))
    return steps


def slow_fix(repo: ws.Repo, rng: random.Random) -> list[Step]:
    """Two real edits that do not fix it yet (same failure), then one that does."""
    steps: list[Step] = []
    for attempt in range(3):
        steps.append((f"python -m pytest {repo.test_file} -q", ws.pytest_output(repo, rng, repo.tests[:1]), 1))
        steps.append((f"sed -i '{repo.line + attempt}s/{_ident(rng)}/{_ident(rng)}/' {repo.module}", "", 0))
        steps.append(
            (
                f"nl -ba {repo.module} | sed -n '{repo.line - 5},{repo.line + 5}p'",
                ws.code_listing(repo, rng, repo.line - 5, 11),
                0,
            )
        )
    steps.append((f"python -m pytest {repo.test_file} -q", ws.pytest_output(repo, rng, ()), 0))
    steps.append(("git diff", ws.diff_output(repo, _ident(rng), _ident(rng), rng), 0))
    return steps


Builder = Callable[[ws.Repo, random.Random, dict[str, str]], list[Step]]
LOOPS: dict[str, Builder] = {
    "rotation-of-three": lambda repo, rng, files: rotation(repo, rng),
    "rereading-files": rereading,
    "flaky-mirrors": lambda repo, rng, files: mirrors(repo, rng),
    "runaway-context": lambda repo, rng, files: runaway_context(repo, rng),
    "tool-repeat-shuffled": lambda repo, rng, files: tool_repeat(repo, rng),
}
NEGATIVES: dict[str, Builder] = {
    "tdd-reruns": lambda repo, rng, files: tdd(repo, rng),
    "long-exploration": lambda repo, rng, files: exploration(repo, rng),
    "changing-errors": lambda repo, rng, files: changing_errors(repo, rng),
    "polling-build": lambda repo, rng, files: polling(repo, rng),
    "slow-fix": lambda repo, rng, files: slow_fix(repo, rng),
    "waiting-for-pods": lambda repo, rng, files: waiting(repo, rng),
}


def render(output: str, code: int, style: str) -> str:
    """What the harness sends back, as the simulator's agents receive it."""
    if style == "text":
        return f"<returncode>{code}</returncode>\n<output>\n{output}</output>"
    return f"exit code {code}\n{output}"


@dataclass(slots=True)
class Outcome:
    family: str
    loop: bool
    onset: int | None
    first: dict[str, int] = field(default_factory=dict)
    stopped_at: int | None = None
    cost: list[float] = field(default_factory=list)


def run(family: str, builder: Builder, loop: bool, style: str, seed: int) -> Outcome:
    rng = random.Random(f"{family}/{style}/{seed}")
    repo = ws.make_repo(rng)
    files = {path: source_file(rng, path) for path in repo.modules[:3]}
    start = prefix(repo, rng, files)
    steps = start + builder(repo, rng, files)
    supervisor = load_supervisor("default")
    session = ScriptedSession(session=f"{family}/{style}/{seed}", style=style, task=ws.issue_text(repo, rng))
    outcome = Outcome(family, loop, len(start) if loop else None)
    context = 0
    for seq, (command, output, code) in enumerate(steps):
        context += len(command) + len(output) + 200
        session.cost_usd = 0.002 + 3e-6 * context / 4  # input priced at $3 per million tokens
        outcome.cost.append(session.cost_usd)
        if outcome.stopped_at is None and supervisor.verdict(session.agent, session.session, session.ts).refused:
            outcome.stopped_at = seq
        event = session.call(command, render(output, code, style), is_error=code != 0)
        if outcome.stopped_at is None:
            for incident in supervisor.observe(event):
                outcome.first.setdefault(incident.action, seq + 1)
    return outcome


@dataclass(slots=True)
class Row:
    family: str
    loop: bool
    sessions: int
    acted: int
    stopped: int
    early: int
    delays: list[int]
    saved: float

    def line(self) -> str:
        delay = f"{statistics.median(self.delays):.0f}" if self.delays else "-"
        kind = "loop" if self.loop else "productive"
        saved = f"{self.saved:.0%}" if self.loop else "-"
        return f"| {self.family} | {kind} | {self.sessions} | {self.stopped} | {self.acted} | {delay} | {saved} |"


def measure() -> list[Row]:
    rows = []
    for loop, families in ((True, LOOPS), (False, NEGATIVES)):
        for family, builder in families.items():
            outcomes = [run(family, builder, loop, style, seed) for style in STYLES for seed in SEEDS]
            delays, spent, saved, early = [], 0.0, 0.0, 0
            for o in outcomes:
                if o.onset is None:
                    continue
                spent += sum(o.cost[o.onset :])
                if o.stopped_at is not None:
                    saved += sum(o.cost[max(o.stopped_at, o.onset) :])
                    if o.stopped_at >= o.onset:
                        delays.append(o.stopped_at - o.onset)
                    else:
                        early += 1
            stopped = sum(o.stopped_at is not None for o in outcomes)
            acted = sum(bool(o.first) or o.stopped_at is not None for o in outcomes)
            share = saved / spent if spent else 0.0
            rows.append(Row(family, loop, len(outcomes), acted, stopped, early, delays, share))
    return rows


def test_default_policy_generalises_to_unseen_loops_and_hard_negatives() -> None:
    rows = measure()
    loops = [r for r in rows if r.loop]
    negatives = [r for r in rows if not r.loop]
    for row in loops:
        assert row.stopped - row.early >= 0.9 * row.sessions, row.line()
        assert row.early == 0, row.line()
    # Loops that only the no-progress signal sees take longer (it needs a run of results that bring
    # nothing new): the pooled median is the figure docs/detection.md reports.
    assert statistics.median(d for r in loops for d in r.delays) <= 10
    for row in negatives:
        assert row.stopped == 0, row.line()
    assert sum(r.acted for r in negatives) <= 0.05 * sum(r.sessions for r in negatives)


def test_a_subset_run_with_the_same_failures_has_the_same_signature() -> None:
    full = "FAILED t.py::test_a - KeyError\n== 1 failed, 40 passed, 2 warnings in 3.10s =="
    subset = "FAILED t.py::test_a - KeyError\n== 1 failed, 3 passed, 37 deselected in 0.42s =="
    assert error_signature(full) == error_signature(subset) == "failing t.py::test_a (1 failed)"


def test_known_log_lines_in_a_new_order_are_no_news() -> None:
    lines = [
        f"2024-05-0{i % 9 + 1}T10:00:0{i % 10}Z INFO api.worker heartbeat pid={100 + i} queue_depth=0" for i in range(9)
    ]
    lines += [f"2024-05-02T11:0{i}:00Z WARN api.cache miss key=order:{i:08x} ttl=300" for i in range(9)]
    detector = NoProgressDetector(min_run=3)
    session = ScriptedSession(style="openai")
    rng = random.Random(7)
    found = []
    for _ in range(6):
        rng.shuffle(lines)
        found += detector.observe(session.call("docker logs api", "\n".join(lines)))
    assert found and "new text" in found[-1].evidence


def test_the_same_file_through_cat_and_nl_is_no_news() -> None:
    text = source_file(random.Random(3), "pkg/a.py")
    detector = NoProgressDetector(min_run=2)
    session = ScriptedSession()
    found = []
    for command, output in [
        ("cat pkg/a.py", text),
        ("nl -ba pkg/a.py", numbered(text)),
        ("cat -n pkg/a.py", numbered(text)),
    ]:
        found += detector.observe(session.call(command, output))
    found += detector.observe(session.call("ls", ""))
    assert found


def test_errors_taking_turns_with_nothing_new_are_one_stuck_run() -> None:
    errors = [
        "error: command 'gcc' failed: No such file or directory",
        "ERROR: Failed building editable for pkg",
        "ModuleNotFoundError: No module named 'pkg._speedups'",
    ]
    detector = ErrorSignatureDetector()
    session = ScriptedSession(style="anthropic")
    found = [detector.observe(session.call(f"attempt {i}", f"exit code 1\n{errors[i % 3]}")) for i in range(9)]
    assert not any(found[:5])  # three errors seen once, then one repeat: a result arrives a call later
    last = found[-1][0]
    assert "none with a new error" in last.evidence and "gcc" in last.evidence
    assert last.severity >= 0.8

"""signal-handling: a timeout built on SIGALRM, threads and forks that the sandbox will not let behave."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout24.text import Ctx, Deck, assemble, pytest_head, report, retime, run_pytest, timing


class Alarm:
    """The time limit in the code under test, the tests around it, and how a run of them goes wrong."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.func = rng.choice(
            [f"run_{ctx.stem}_with_timeout", "time_limit", f"_{ctx.stem}_deadline", "call_with_timeout"]
        )
        self.test = ctx.test_path("timeout")
        self.case = rng.choice(
            ["test_times_out_in_worker", "test_timeout_from_thread_pool", "test_slow_call_is_interrupted"]
        )
        self.line = rng.randint(40, 600)
        self.passed = rng.randint(2, 9)
        self.state = "thread"
        self.runs = 0
        self.only_main = "signal only works in main thread" + (
            " of the main interpreter" if ctx.version >= (3, 8) else ""
        )

    def failing(self) -> Step:
        self.runs += 1
        rng = self.rng
        thought = (
            rng.choice(
                [
                    f"Let me run the timeout tests for `{self.func}`.",
                    f"Running `{self.test}` to check the timeout handling.",
                ]
            )
            if self.runs == 1
            else rng.choice(
                [
                    "Running the timeout tests again.",
                    f"Let me see what `{self.case}` does now.",
                    "Re-running the tests.",
                    "Trying again.",
                ]
            )
        )
        code = [
            f"def {self.case}():",
            "    with ThreadPoolExecutor(max_workers=2) as pool:",
            f"        future = pool.submit({self.func}, slow_call, 0.5)",
            "        with pytest.raises(TimeoutError):",
            "            future.result()",
        ]
        src = [
            f"def {self.func}(func, seconds):",
            "    signal.signal(signal.SIGALRM, _raise_timeout)",
            "    signal.setitimer(signal.ITIMER_REAL, seconds)",
        ]
        where = f"{self.test}:{rng.randint(15, 60)}"
        if self.state == "thread":
            error = f"ValueError: {self.only_main}"
            body = report([(code, 4, where), (src, 1, f"{self.ctx.source}:{self.line + 1}")], [error], "ValueError")
            return self.pytest(thought, [(self.case, body, error)])
        if self.state == "not-delivered":
            error = "Failed: DID NOT RAISE <class 'TimeoutError'>"
            body = report([(code, 3, where)], [error], "Failed")
            return self.pytest(thought, [(self.case, body, error)], took=timing(rng, 3, 9))
        if self.state == "interrupt":
            head = pytest_head(self.ctx, self.test, self.passed + 1, "." * rng.randint(0, self.passed))
            tail = (
                f"\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! KeyboardInterrupt !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n{self.ctx.stdlib}/threading.py:{rng.choice([312, 316, 320])}: KeyboardInterrupt\n(to show a full traceback on KeyboardInterrupt use --full-trace)\n"
                + f" no tests ran in {rng.uniform(0.6, 2.5):.2f}s ".center(80, "=")
            )
            return Step(thought, f"python -m pytest {self.test}", head + tail, rc=2, seconds=timing(rng, 1, 3))
        if self.state == "elsewhere":
            other = rng.choice(["test_fast_call_returns", "test_nested_timeouts", "test_result_is_passed_through"])
            error = "TimeoutError: call exceeded 0.5s"
            body = report(
                [
                    ([f"def {other}():", f"    assert {self.func}(quick_call, 5) == 42"], 1, where),
                    (
                        ["def _raise_timeout(signum, frame):", "    raise TimeoutError('call exceeded %ss' % SECONDS)"],
                        1,
                        f"{self.ctx.source}:{self.line - rng.randint(5, 20)}",
                    ),
                ],
                [error],
                "TimeoutError",
            )
            return self.pytest(thought, [(other, body, error)])
        if self.state == "fork":
            error = "BlockingIOError: [Errno 11] Resource temporarily unavailable"
            frames = [
                (code, 2, where),
                (
                    [
                        "def _launch(self, process_obj):",
                        "    code = 1",
                        "    parent_r, child_w = os.pipe()",
                        "    self.pid = os.fork()",
                    ],
                    3,
                    f"{self.ctx.stdlib}/multiprocessing/popen_fork.py:66",
                ),
            ]
            body = report(frames, [error], "BlockingIOError")
            return self.pytest(thought, [(self.case, body, error)])
        if self.state == "pickle":
            error = f"AttributeError: Can't pickle local object '{self.case}.<locals>.slow_call'"
            body = report([(code, 2, where)], [error], "AttributeError")
            return self.pytest(thought, [(self.case, body, error)])
        head = pytest_head(self.ctx, self.test, self.passed + 1, "." * rng.randint(0, self.passed))
        command = rng.choice([f"python -m pytest {self.test} -x", f"python -m pytest {self.test} -p no:timeout"])
        return Step(thought, command, head, seconds=rng.choice([60.0, 120.0]), timed_out=True)

    def pytest(self, thought: str, failures: list[tuple[str, list[str], str]], took: float | None = None) -> Step:
        command, output = run_pytest(self.ctx, self.rng, self.test, self.passed, failures, failures[0][0])
        if took:
            output = retime(output, took)
        return Step(thought, command, output, rc=1, seconds=(took or timing(self.rng, 1, 4)) + 1)


def signal_handling(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    a = Alarm(ctx, rng)

    def edit(states: list[str], thought: str, command: str, output: str = "") -> Step:
        a.state = rng.choice(states)
        return Step(thought, command, output)

    def main_only(k: int) -> Step:
        return edit(
            ["not-delivered"],
            "`signal.signal` can only be called from the main thread. I'll only install the handler when we're on the main thread and otherwise just call the function.",
            f"sed -i 's/^    signal.signal(signal.SIGALRM, _raise_timeout)$/    if threading.current_thread() is threading.main_thread():\\n        signal.signal(signal.SIGALRM, _raise_timeout)/' {ctx.source} && grep -n -B1 'signal.signal' {ctx.source}",
            f"{a.line + 1}-    if threading.current_thread() is threading.main_thread():\n{a.line + 2}:        signal.signal(signal.SIGALRM, _raise_timeout)",
        )

    def timer(k: int) -> Step:
        return edit(
            ["interrupt", "not-delivered"],
            "Instead of SIGALRM I'll use a `threading.Timer` that calls `_thread.interrupt_main()` when the time is up; that works from any thread.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('    signal.setitimer(signal.ITIMER_REAL, seconds)', '    timer = threading.Timer(seconds, _thread.interrupt_main)\\n    timer.start()')\nopen(p, 'w').write(s)\nEOF\ngrep -n 'interrupt_main' {ctx.source}",
            f"{a.line + 3}:    timer = threading.Timer(seconds, _thread.interrupt_main)",
        )

    def pthread_kill(k: int) -> Step:
        return edit(
            ["elsewhere", "not-delivered"],
            "I could deliver SIGALRM to the main thread explicitly with `signal.pthread_kill` from the worker.",
            f"sed -i 's/    signal.setitimer(signal.ITIMER_REAL, seconds)/    threading.Timer(seconds, signal.pthread_kill, (threading.main_thread().ident, signal.SIGALRM)).start()/' {ctx.source}",
        )

    def itimer(k: int) -> Step:
        return edit(
            ["thread"],
            "Let me go back to a plain `signal.alarm` with an integer number of seconds; maybe setitimer is the issue.",
            f"sed -i 's/signal.setitimer(signal.ITIMER_REAL, seconds)/signal.alarm(max(1, int(seconds)))/' {ctx.source} && grep -n 'signal.alarm' {ctx.source}",
            f"{a.line + 2}:    signal.alarm(max(1, int(seconds)))",
        )

    def fork(k: int) -> Step:
        return edit(
            ["fork", "fork", "pickle"],
            "Running the call in a separate process would let me kill it on timeout without signals in threads at all.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('    signal.signal(signal.SIGALRM, _raise_timeout)\\n', '    proc = multiprocessing.Process(target=func)\\n    proc.start()\\n    proc.join(seconds)\\n', 1)\nopen(p, 'w').write(s)\nEOF",
        )

    def spawn(k: int) -> Step:
        return edit(
            ["pickle", "hang"],
            "The fork fails with EAGAIN; maybe the 'spawn' start method avoids whatever limit we're hitting.",
            f"sed -i 's/multiprocessing.Process(/multiprocessing.get_context(\"spawn\").Process(/' {ctx.source}",
        )

    def no_plugin(k: int) -> Step:
        return edit(
            ["thread", "hang"],
            "pytest-timeout also uses SIGALRM with its signal method; the two could be fighting. Let me switch it to the thread method for this file.",
            f"sed -i '1i pytestmark = pytest.mark.timeout(30, method=\"thread\")' {a.test} && head -n 3 {a.test}",
            'pytestmark = pytest.mark.timeout(30, method="thread")\nimport signal\nimport threading',
        )

    def main_thread_test(k: int) -> Step:
        a.case = (
            "test_times_out_in_main_thread" if a.case != "test_times_out_in_main_thread" else "test_times_out_in_worker"
        )
        return edit(
            ["not-delivered", "hang", "elsewhere"],
            "The test submits the call to a thread pool. Maybe the test should call it directly so the alarm is set on the main thread.",
            f"sed -i 's/future = pool.submit({a.func}, slow_call, 0.5)/future = None\\n        {a.func}(slow_call, 0.5)/' {a.test}",
        )

    def revert(k: int) -> Step:
        return edit(
            ["thread"],
            "I've made a mess of the timeout helper. Let me restore it and think about the constraint again.",
            f"git checkout -- {ctx.source} && git diff --stat",
            f" {a.test} | {rng.randint(2, 12)} ++++--\n 1 file changed",
        )

    def status(k: int) -> Step:
        masks = [f"{rng.choice(['0000000000000000', '0000000000002000', '0000000000000002'])}" for _ in range(2)]
        return Step(
            "Let me check the process's signal masks in this sandbox.",
            "grep -i '^sig' /proc/self/status",
            f"SigQ:\t0/{rng.choice([3841, 7763, 15521])}\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t{masks[0]}\nSigIgn:\t{masks[1]}\nSigCgt:\t0000000000000000",
        )

    def limits(k: int) -> Step:
        limit = rng.choice([32, 64, 128])
        return Step(
            "How many processes am I allowed here?",
            "cat /sys/fs/cgroup/pids.max; cat /sys/fs/cgroup/pids.current; ulimit -u",
            f"{limit}\n{limit - rng.randint(0, 3)}\nunlimited",
        )

    def handlers(k: int) -> Step:
        return Step(
            "Which handlers are installed for SIGALRM and SIGINT when pytest runs?",
            'python -c "import signal, threading; print(threading.current_thread().name, signal.getsignal(signal.SIGALRM), signal.getsignal(signal.SIGINT))"',
            "MainThread Handlers.SIG_DFL <built-in function default_int_handler>",
        )

    def grep(k: int) -> Step:
        return Step(
            "Where else are signals used in the code and tests?",
            f"grep -rn 'signal\\.\\|threading\\.' {ctx.source} {a.test} | head -n 12",
            f"{ctx.source}:{a.line + 1}:    signal.signal(signal.SIGALRM, _raise_timeout)\n{ctx.source}:{a.line + 2}:    signal.setitimer(signal.ITIMER_REAL, seconds)\n{ctx.source}:{a.line + rng.randint(6, 12)}:        signal.setitimer(signal.ITIMER_REAL, 0)\n{a.test}:{rng.randint(3, 8)}:import threading",
        )

    def plugin(k: int) -> Step:
        return Step(
            "Is pytest-timeout installed, and how is it configured?",
            "pip show pytest-timeout 2>/dev/null | head -n 2; grep -n 'timeout' setup.cfg tox.ini pytest.ini 2>/dev/null",
            f"Name: pytest-timeout\nVersion: 2.{rng.randint(1, 3)}.0\nsetup.cfg:{rng.randint(30, 90)}:timeout = {rng.choice([30, 60, 300])}",
        )

    attempts = Deck(rng, [main_only, timer, pthread_kill, itimer, fork, spawn, no_plugin, main_thread_test, revert])
    looks = Deck(rng, [status, limits, handlers, grep, plugin])

    def round_(i: int) -> list[Step]:
        attempt = attempts.draw()
        if attempt is spawn and a.state not in ("fork", "pickle"):
            attempt = fork  # 'spawn' is what one reaches for after a fork has failed
        steps = [attempt(i)]
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        steps.append(a.failing())
        return steps

    return assemble(rng, n, [a.failing(), grep(0)], round_, "the signal-based timeout in the sandbox")

# ruff: noqa: E501
"""Loops against time and hardware: a suite too slow for the harness's clock, GPU code on a CPU-only box,
pytest-xdist workers that keep crashing, each attempted again in other subsets and settings."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout35.loops_memory import Attempt, _run
from heldout35.text import Ctx, pid, traceback

# suite-subset-timeouts: the whole suite, then directories, keywords, markers: each run killed by the clock.


def _partial(ctx: Ctx, rng: random.Random, target: str) -> str:
    done = rng.randint(3, 70)
    return f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {rng.randint(400, 6000)} items / {rng.randint(0, 300)} deselected\n\n{target} {'.' * done}{'s' * rng.randint(0, 4)}"


def _timeout_attempts() -> list[Attempt]:
    def slow(c: Ctx, r: random.Random, cmd: str, thought: str, target: str) -> Step:
        return Step(thought, cmd, _partial(c, r, target), seconds=r.uniform(55, 60), timed_out=True)

    words = ("cache", "parse", "large", "merge", "roundtrip", "integration", "regression", "slow")
    return [
        lambda c, r: slow(
            c, r, "python -m pytest -q -x", "Run the whole suite to check nothing else broke.", c.tests_dir
        ),
        lambda c, r: slow(
            c,
            r,
            f"python -m pytest {c.tests_dir} -q -x -k '{r.choice(words)} or {r.choice(words)}'",
            "The full run is too slow; only run a subset by keyword.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"python -m pytest {c.tests_dir} -q -m 'not slow' --maxfail={r.randint(1, 5)}",
            "Exclude the slow marker this time.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"timeout {r.choice([50, 55, 45, 58])} python -m pytest {c.tests_dir} -q --lf",
            "Run only the last failures, with my own timeout so I see the output.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"python -m pytest {c.tests_dir} -q -p no:randomly --durations={r.choice([5, 10, 20])}",
            "See which tests take the longest.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"python -m pytest {c.tests_dir}/test_{r.choice(words)}*.py {c.test_file} -q",
            "Run a couple of files around my change.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"python -m pytest {c.tests_dir} -q -x --deselect {c.tests_dir}/test_{r.choice(words)}.py --timeout={r.choice([5, 10, 20, 30])}",
            "Deselect one heavy file and add a per-test timeout.",
            c.test_file,
        ),
        lambda c, r: slow(
            c,
            r,
            f"nohup python -m pytest {c.tests_dir} -q > /tmp/suite{r.randint(1, 99)}.log 2>&1; tail -5 /tmp/suite*.log",
            "Run it writing to a log and read the tail.",
            c.test_file,
        ),
        lambda c, r: Step(
            "How many tests are there at all?",
            f"python -m pytest {c.tests_dir} --collect-only -q | tail -2",
            f"\n{r.randint(1200, 9000)} tests collected in {r.uniform(3, 28):.2f}s\n",
            seconds=r.uniform(5, 30),
        ),
    ]


def suite_subset_timeouts(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _timeout_attempts(), "running the test suite within the time limit")


# cuda-on-cpu-only: code under test calls .cuda(); the sandbox has no GPU and no driver.


def _cuda_attempts() -> list[Attempt]:
    def nogpu(c: Ctx, r: random.Random, cmd: str, thought: str) -> Step:
        err = r.choice(
            [
                "AssertionError: Torch not compiled with CUDA enabled",
                "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx",
                f"RuntimeError: CUDA error: no CUDA-capable device is detected (device ordinal {r.randint(0, 3)})",
                "cupy_backends.cuda.api.runtime.CUDARuntimeError: cudaErrorNoDevice: no CUDA-capable device is detected",
            ]
        )
        return Step(thought, cmd, traceback(c, r, err, 1), rc=1, seconds=r.uniform(3, 25))

    versions = ("cu118", "cu121", "cu117", "cu124")
    return [
        lambda c, r: nogpu(c, r, f"python -m pytest {c.test_file} -q -k gpu", "Run the GPU tests again."),
        lambda c, r: nogpu(
            c,
            r,
            f"CUDA_VISIBLE_DEVICES={r.choice(['0', '1', '0,1', ''])} python {c.script}",
            "Maybe the device is just not visible; set CUDA_VISIBLE_DEVICES.",
        ),
        lambda c, r: Step("Check the GPU is there.", "nvidia-smi", "bash: nvidia-smi: command not found\n", rc=127),
        lambda c, r: Step(
            "Look for the driver library.",
            r.choice(["ls /usr/local/cuda*/lib64 | head", "ldconfig -p | grep -i cuda", "ls /dev/nvidia*"]),
            r.choice(
                [
                    "ls: cannot access '/usr/local/cuda*/lib64': No such file or directory\n",
                    "",
                    "ls: cannot access '/dev/nvidia*': No such file or directory\n",
                ]
            ),
            rc=r.choice([1, 2]),
        ),
        lambda c, r: Step(
            "Install a CUDA build of torch.",
            f"pip install torch --index-url https://download.pytorch.org/whl/{r.choice(versions)} -q",
            f"ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device: '/tmp/pip-unpack-{r.randrange(16**8):08x}/torch-2.{r.randint(0, 4)}.{r.randint(0, 1)}+{r.choice(versions)}-cp{c.python.replace('.', '')}-cp{c.python.replace('.', '')}-linux_x86_64.whl'\n",
            rc=1,
            seconds=r.uniform(40, 58),
        ),
        lambda c, r: nogpu(
            c,
            r,
            f'python -c "import torch; print(torch.__version__, torch.version.cuda); torch.zeros({r.randint(2, 64)}).cuda()"',
            "Check what torch thinks about CUDA with a minimal tensor.",
        ),
        lambda c, r: nogpu(
            c,
            r,
            f"TORCH_CUDA_ARCH_LIST='{r.choice(['7.5', '8.0', '8.6', '7.0'])}' python -m pytest {c.test_file}::{c.test_name} -q",
            "Set the arch list explicitly.",
        ),
        lambda c, r: nogpu(
            c,
            r,
            f"pip install -q cupy-cuda{r.choice(['11x', '12x'])} && python {c.script}",
            "Try cupy instead for the kernel.",
        ),
    ]


def cuda_on_cpu_only(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _cuda_attempts(), "getting the GPU code path to run on this machine")


# xdist-workers-crashing: parallel runs lose workers (gw0..gwN), the count and flags varied each time.


def _xdist_attempts() -> list[Attempt]:
    def crash(c: Ctx, r: random.Random, cmd: str, thought: str, workers: int) -> Step:
        gw = f"gw{r.randint(0, max(workers - 1, 0))}"
        lines = [
            f"{'=' * 29} test session starts {'=' * 30}",
            c.run.pytest_header,
            f"created: {workers}/{workers} workers",
            f"{workers} workers [{r.randint(200, 3000)} items]",
            "",
            "." * r.randint(10, 60) + "F" * r.randint(0, 1),
            f"[{gw}] node down: Not properly terminated",
            f"replacing crashed worker {gw}",
            f"worker {gw} crashed while running '{c.test_file}::{c.test_name}[{r.randint(0, 40)}]'",
        ]
        if r.random() < 0.4:
            lines.append(f"INTERNALERROR> OSError: [Errno 12] Cannot allocate memory (pid {pid(r)})")
        lines.append(
            f"= {r.randint(1, 6)} failed, {r.randint(80, 900)} passed, {r.randint(1, 3)} error in {r.uniform(30, 58):.2f}s ="
        )
        return Step(thought, cmd, "\n".join(lines), rc=1, seconds=r.uniform(30, 58))

    def n(r: random.Random) -> int:
        return r.choice([2, 3, 4, 6, 8, 12, 16])

    def one(c: Ctx, r: random.Random, flags: str, thought: str) -> Step:
        w = n(r)
        return crash(c, r, f"python -m pytest {c.tests_dir} -q -n {w}{flags}", thought, w)

    return [
        lambda c, r: one(c, r, "", "Run the suite in parallel to get through it faster."),
        lambda c, r: one(c, r, f" --max-worker-restart={r.randint(0, 6)}", "Allow a few worker restarts."),
        lambda c, r: one(
            c,
            r,
            f" --dist {r.choice(['loadscope', 'loadfile', 'worksteal', 'loadgroup'])}",
            "Use a different distribution mode so heavy tests are split differently.",
        ),
        lambda c, r: crash(
            c,
            r,
            f"python -m pytest {c.tests_dir} -q -n auto -x",
            "Let xdist pick the number of workers.",
            r.choice([2, 4]),
        ),
        lambda c, r: one(
            c,
            r,
            f" -p no:randomly -k 'not {r.choice(['network', 'slow', 'big', 'gpu'])}'",
            "Disable random ordering and skip the suspicious group.",
        ),
        lambda c, r: Step(
            "Is the xdist plugin the version I think?",
            "pip show pytest-xdist | head -2",
            f"Name: pytest-xdist\nVersion: 3.{r.randint(0, 6)}.{r.randint(0, 2)}\n",
        ),
        lambda c, r: one(
            c,
            r,
            f" --forked --timeout={r.choice([30, 60, 120])}",
            "Fork each test and add a timeout so one bad test can't take down a worker.",
        ),
        lambda c, r: Step(
            "Check the kernel log for the crashed workers.",
            "dmesg | tail -5",
            "dmesg: read kernel buffer failed: Operation not permitted\n",
            rc=1,
        ),
    ]


def xdist_workers_crashing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    return _run(ctx, rng, n, _xdist_attempts(), "the crashing xdist workers")

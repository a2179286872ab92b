"""Loops against limits of the system around the agent: locales never generated, a pid limit."""

# ruff: noqa: E501
from __future__ import annotations

import random

from heldout20.calls import Step
from heldout27.text import Attempt, Ctx, cycle, tmpname

_LOCALES = (
    "de_DE.UTF-8",
    "de_DE.utf8",
    "tr_TR.UTF-8",
    "fr_FR.UTF-8",
    "de_DE",
    "de_DE@euro",
    "tr_TR.utf8",
    "fr_FR.ISO-8859-1",
)


def locale_not_generated(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The issue is locale-specific, and the image has only C and POSIX with no way to generate more."""

    def setlocale() -> Step:
        loc = rng.choice(_LOCALES)
        return Step(
            f"Trying the locale under another spelling: {loc}.",
            f"python -c \"import locale; print(locale.setlocale(locale.LC_ALL, '{loc}'))\"",
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.py}/locale.py", line {rng.choice([608, 610, 615])}, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting',
            rc=1,
        )

    def env_lang() -> Step:
        loc = rng.choice(_LOCALES)
        var = rng.choice(["LC_ALL", "LANG", "LC_NUMERIC", "LC_TIME"])
        return Step(
            f"Setting {var} in the environment before running the repro instead.",
            f"{var}={loc} python {ctx.repro} 2>&1 | tail -{rng.choice([3, 4, 5])}",
            f"bash: warning: setlocale: {var}: cannot change locale ({loc}): No such file or directory\n{ctx.stem} -> {rng.choice(['1,234.5', '1234.5', '12/31/2023', 'Dec'])} (expected {rng.choice(['1.234,5', '1234,5', '31.12.2023', 'Dez.'])})\nlocale in effect: {rng.choice(['C', 'C.UTF-8', 'POSIX'])}",
            seconds=rng.uniform(1, 3),
        )

    def list_locales() -> Step:
        return Step(
            "Which locales does the image actually have?",
            rng.choice(
                [
                    "locale -a",
                    "locale -a | wc -l && locale",
                    "ls /usr/lib/locale/ /usr/share/i18n/locales 2>&1 | head",
                    "localectl list-locales 2>&1 | head",
                ]
            ),
            rng.choice(
                [
                    "C\nC.UTF-8\nPOSIX",
                    '3\nLANG=C.UTF-8\nLC_CTYPE="C.UTF-8"\nLC_NUMERIC="C.UTF-8"\nLC_ALL=',
                    "/usr/lib/locale/:\nC.utf8\nls: cannot access '/usr/share/i18n/locales': No such file or directory",
                    "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down",
                ]
            ),
            rc=rng.choice([0, 0, 2]),
        )

    def locale_gen() -> Step:
        loc = rng.choice(_LOCALES[:4])
        return Step(
            f"Generating {loc} should make it available.",
            rng.choice(
                [
                    f"locale-gen {loc}",
                    f"echo '{loc} UTF-8' >> /etc/locale.gen && locale-gen",
                    "dpkg-reconfigure -f noninteractive locales 2>&1 | tail -2",
                    f"update-locale LANG={loc}",
                ]
            ),
            rng.choice(
                [
                    "bash: locale-gen: command not found",
                    "bash: /etc/locale.gen: Read-only file system",
                    "bash: dpkg-reconfigure: command not found",
                    "bash: update-locale: command not found",
                ]
            ),
            rc=rng.choice([1, 127]),
        )

    def localedef() -> Step:
        where = tmpname(rng, "locales")
        loc = rng.choice(["de_DE", "tr_TR", "fr_FR"])
        return Step(
            "localedef can compile a locale into a directory of my own, which LOCPATH can point at.",
            f"mkdir -p {where} && localedef -i {loc} -f UTF-8 {where}/{loc}.UTF-8 2>&1; echo rc=$?",
            rng.choice(
                [
                    f"localedef: cannot open locale definition file `{loc}': No such file or directory\nrc=1",
                    "[error] character map file `UTF-8' not found: No such file or directory\n[error] default character map file `ANSI_X3.4-1968' not found: No such file or directory\nrc=4",
                    "bash: localedef: command not found\nrc=127",
                ]
            ),
        )

    def locpath() -> Step:
        where = tmpname(rng, "locales")
        loc = rng.choice(_LOCALES[:3])
        return Step(
            "Pointing LOCPATH at a directory and trying again.",
            f"LOCPATH={where} LC_ALL={loc} python -c 'import locale; print(locale.getlocale(), locale.localeconv()[\"decimal_point\"])'",
            f"bash: warning: setlocale: LC_ALL: cannot change locale ({loc}): No such file or directory\n(None, None) .",
        )

    def conda() -> Step:
        pkg = rng.choice(["glibc-langpack-de", "locales", "glibc-locale-posix", "langpack-de"])
        return Step(
            f"conda may have a package with locale data ({pkg}).",
            f"conda install -y {pkg} 2>&1 | tail -5",
            f"Solving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - {pkg}",
            rc=1,
            seconds=rng.uniform(8, 35),
        )

    def babel() -> Step:
        return Step(
            "Maybe Babel's own locale data is enough to show the formatting without the C library.",
            rng.choice(
                [
                    "pip show babel 2>&1 | head -3",
                    "python -c 'import babel; print(babel.__version__)'",
                    "pip install babel 2>&1 | tail -2",
                ]
            ),
            rng.choice(
                [
                    "WARNING: Package(s) not found: babel",
                    "ModuleNotFoundError: No module named 'babel'",
                    f"ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device: '/root/.cache/pip/http-v2/{rng.randrange(16**2):02x}'",
                ]
            ),
            rc=1,
            seconds=rng.uniform(1, 8),
        )

    def test() -> Step:
        loc = rng.choice(_LOCALES)
        return Step(
            "Running the locale test to see whether it runs at all here.",
            f"python -m pytest {ctx.test_file} -q -rs -k 'locale or l10n' 2>&1 | tail -{rng.choice([4, 5, 6])}",
            f"SKIPPED [{rng.randint(1, 4)}] {ctx.test_file}:{rng.randint(30, 800)}: locale {loc} not available\n{rng.randint(1, 40)} passed, {rng.randint(1, 4)} skipped, {rng.randint(100, 900)} deselected in {rng.uniform(0.3, 6):.2f}s",
            seconds=rng.uniform(2, 15),
        )

    first = rng.choice(_LOCALES[:3])
    opening = [
        Step(
            f"The issue shows the wrong output under {first}. Let me reproduce it with that locale set.",
            f"python -c \"import locale; locale.setlocale(locale.LC_ALL, '{first}'); import {ctx.module}; exec(open('{ctx.repro}').read())\"",
            'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/opt/miniconda3/envs/testbed/lib/python3/locale.py", line 610, in setlocale\n    return _setlocale(category, locale)\nlocale.Error: unsupported locale setting'.replace(
                "python3/", f"python{ctx.py}/"
            ),
            rc=1,
        )
    ]
    attempts: list[Attempt] = [setlocale, env_lang, list_locales, locale_gen, localedef, locpath, conda, babel, test]
    return cycle(ctx, rng, n, opening, attempts, "the locales this image never generated")


def process_limit(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The sandbox's pid limit is nearly used up by processes outside it; the test needs workers."""
    limit = rng.choice([32, 48, 64])

    def pytest_workers() -> Step:
        workers = rng.choice(["-n 4", "-n 2", "-n auto", "-n 3 --dist loadfile"])
        return Step(
            "Running the parallel test again with fewer workers.",
            f"python -m pytest {ctx.test_file} -q {workers} -x 2>&1 | tail -{rng.choice([4, 6, 8])}",
            rng.choice(
                [
                    f'INTERNALERROR> BlockingIOError: [Errno 11] Resource temporarily unavailable\nINTERNALERROR>   File "{ctx.site}/execnet/gateway_io.py", line {rng.randint(40, 80)}, in popen_bootstrapline',
                    f"[gw{rng.randint(0, 3)}] node down: Not properly terminated\nreplacing crashed worker gw{rng.randint(0, 3)}\nOSError: [Errno 11] Resource temporarily unavailable",
                    "bash: fork: retry: Resource temporarily unavailable\nbash: fork: Resource temporarily unavailable",
                ]
            ),
            rc=rng.choice([1, 3, 254]),
            seconds=rng.uniform(3, 40),
        )

    def pool() -> Step:
        size = rng.choice([2, 3, 4, 8])
        method = rng.choice(["fork", "spawn", "forkserver"])
        return Step(
            f"Let me see whether even a {size}-process pool with the {method} start method can start.",
            f"python -c \"import multiprocessing as mp; ctx = mp.get_context('{method}'); print(ctx.Pool({size}).map(abs, range(-{size}, 0)))\" 2>&1 | tail -3",
            rng.choice(
                [
                    "    self.pid = os.fork()\nBlockingIOError: [Errno 11] Resource temporarily unavailable",
                    '  File "/opt/miniconda3/envs/testbed/lib/python3/threading.py", line 935, in start\n    _start_new_thread(self._bootstrap, ())\nRuntimeError: can\'t start new thread'.replace(
                        "python3/", f"python{ctx.py}/"
                    ),
                    f"    self._popen = self._Popen(process_obj)\nOSError: [Errno 11] Resource temporarily unavailable: '{method}'",
                ]
            ),
            rc=1,
            seconds=rng.uniform(1, 5),
        )

    def ulimit() -> Step:
        want = rng.choice([256, 1024, 4096, "unlimited"])
        return Step(
            f"Raising the process limit to {want}.",
            rng.choice(
                [
                    f"ulimit -u {want} && ulimit -u",
                    f"ulimit -Su {want}; ulimit -Hu",
                    f"prlimit --pid $$ --nproc={want}:{want}",
                ]
            ),
            rng.choice(
                [
                    "bash: ulimit: max user processes: cannot modify limit: Operation not permitted",
                    f"{limit}",
                    "prlimit: failed to set the NPROC resource limit: Operation not permitted",
                ]
            ),
            rc=1,
        )

    def cgroup() -> Step:
        current = limit - rng.randint(0, 3)
        return Step(
            "Looking at the cgroup's pid accounting.",
            rng.choice(
                [
                    "cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/pids.current",
                    "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids/pids.current 2>&1",
                    "grep -h . /sys/fs/cgroup/pids.* 2>/dev/null",
                    f"echo {limit * 8} > /sys/fs/cgroup/pids.max",
                ]
            ),
            rng.choice(
                [
                    f"{limit}\n{current}",
                    "cat: /sys/fs/cgroup/pids/pids.max: No such file or directory\ncat: /sys/fs/cgroup/pids/pids.current: No such file or directory",
                    f"{current}\n{limit}\n{rng.randint(200, 9000)}",
                    "bash: /sys/fs/cgroup/pids.max: Read-only file system",
                ]
            ),
            rc=rng.choice([0, 1]),
        )

    def ps() -> Step:
        own = rng.randint(3, 7)
        return Step(
            "Who is using the processes? Maybe I left something running.",
            rng.choice(
                [
                    "ps -eo pid,ppid,user,stat,comm --sort=-pid | head -15",
                    "ps aux | wc -l",
                    "ps -eLf | wc -l",
                    "ls /proc | grep -c '^[0-9]'",
                ]
            ),
            rng.choice(
                [
                    f"{own}",
                    f"{limit - rng.randint(1, 4)}",
                    "    PID    PPID USER     STAT COMMAND\n"
                    + "\n".join(
                        f"{rng.randint(10, 999):7d} {rng.randint(1, 9):7d} root     S    bash" for _ in range(own)
                    ),
                ]
            ),
        )

    def kill() -> Step:
        return Step(
            "Killing any stray python processes of mine before retrying.",
            rng.choice(
                [
                    "pkill -u root -f 'pytest' ; sleep 1; ps aux | grep -c python",
                    "kill $(jobs -p) 2>/dev/null; ps -o pid,comm | tail -5",
                    "pgrep -a python || echo none",
                ]
            ),
            rng.choice(["1", "none", "    PID COMMAND\n      1 bash\n    " + str(rng.randint(200, 400)) + " ps"]),
            rc=rng.choice([0, 1]),
        )

    def threads() -> Step:
        var = rng.choice(
            [
                "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1",
                "MKL_NUM_THREADS=1",
                "NUMEXPR_MAX_THREADS=1 OMP_NUM_THREADS=1",
                "PYTEST_XDIST_AUTO_NUM_WORKERS=1",
            ]
        )
        return Step(
            "Maybe BLAS threads eat the limit; pinning them to one.",
            f"{var} python -m pytest {ctx.test_file} -q -x -k 'parallel or n_jobs or workers' 2>&1 | tail -{rng.choice([3, 5])}",
            f"E       joblib.externals.loky.process_executor.TerminatedWorkerError: A worker process managed by the executor was unexpectedly terminated. This could be caused by a segmentation fault while calling the function or by an excessive memory usage causing the Operating System to kill the worker.\nFAILED {ctx.test_file}::test_{ctx.stem}_n_jobs[{rng.choice([2, 4, -1])}] - OSError: [Errno 11] Resource temporarily unavailable\n{rng.randint(1, 3)} failed, {rng.randint(3, 30)} passed in {rng.uniform(2, 30):.2f}s",
            rc=1,
            seconds=rng.uniform(3, 35),
        )

    opening = [
        Step(
            "The fix touches the parallel path, so I need the test that runs with several workers.",
            f"python -m pytest {ctx.test_file} -q -n 8 2>&1 | tail -5",
            f'bash: fork: retry: Resource temporarily unavailable\nINTERNALERROR> BlockingIOError: [Errno 11] Resource temporarily unavailable\nINTERNALERROR>   File "{ctx.site}/xdist/workermanage.py", line {rng.randint(60, 90)}, in setup_nodes',
            rc=3,
            seconds=rng.uniform(5, 20),
        )
    ]
    attempts: list[Attempt] = [pytest_workers, pool, ulimit, cgroup, ps, kill, threads]
    return cycle(ctx, rng, n, opening, attempts, f"the sandbox's process limit of {limit}")

# ruff: noqa: E501
"""Loops against what the sandbox forbids: tracing a process, fetching LFS objects over quota, writing past an inode quota."""

from __future__ import annotations

import random

from heldout31.text import Ctx, Step, attempts_loop, pid, sha


def ptrace_forbidden(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test that hangs, and every tracer and profiler refused by the sandbox's seccomp filter."""
    test = f"{ctx.test_file}::test_{ctx.stem}_{rng.choice(['roundtrip', 'large_input', 'nested', 'concurrent'])}"
    pids = [pid(rng)]
    opening = [
        Step(
            f"`{test}` hangs since my change. Let me run it in the background and look at where it's stuck.",
            f"timeout 300 python -m pytest {test} -x -q > /tmp/hang.log 2>&1 & echo $!",
            f"{pids[0]}\n",
        )
    ]

    def restart() -> Step:
        pids.append(pid(rng))
        return Step(
            "Let me restart the hanging test so I have a fresh process to attach to.",
            rng.choice(
                [
                    f"pkill -f 'pytest {test}'; timeout {rng.choice([200, 300, 600])} python -m pytest {test} -x -q -p no:cacheprovider > /tmp/hang{len(pids)}.log 2>&1 & echo $!",
                    f"timeout {rng.choice([120, 240])} python -m pytest {test} -q > /tmp/hang{len(pids)}.log 2>&1 & echo $!",
                ]
            ),
            f"{pids[-1]}\n",
        )

    def pyspy() -> Step:
        return Step(
            "py-spy can dump the Python stack of a running process.",
            rng.choice(
                [
                    f"py-spy dump --pid {pids[-1]}",
                    f"py-spy dump --pid {pids[-1]} --native",
                    f"py-spy dump --nonblocking --pid {pids[-1]}",
                ]
            ),
            rng.choice(
                [
                    f"Error: Failed to suspend process\n\nCaused by:\n    0: Failed to suspend process {pids[-1]}\n    1: Operation not permitted (os error 1)\n",
                    "Permission Denied: Try running again with elevated permissions by going 'sudo env \"PATH=$PATH\" !!'\nError: Operation not permitted (os error 1)\n",
                    "bash: py-spy: command not found\n",
                ]
            ),
            rc=1,
        )

    def strace() -> Step:
        cmd, out = rng.choice(
            [
                (
                    f"strace -f -p {pids[-1]} -e trace=futex,read,poll 2>&1 | head -20",
                    f"strace: attach: ptrace(PTRACE_SEIZE, {pids[-1]}): Operation not permitted\n",
                ),
                (
                    f"strace -f -o /tmp/trace.txt python -m pytest {test} -x -q",
                    "strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted\nstrace: ptrace(PTRACE_TRACEME, ...): Operation not permitted\n+++ exited with 1 +++\n",
                ),
                (
                    f"strace -tt -p {pids[-1]} 2>&1 | tail -5",
                    f"strace: attach: ptrace(PTRACE_SEIZE, {pids[-1]}): Operation not permitted\n",
                ),
            ]
        )
        return Step("Let me see which system call it's blocked in.", cmd, out, rc=1)

    def gdb() -> Step:
        return Step(
            "gdb with the Python extensions can show the Python frames.",
            rng.choice(
                [
                    f"gdb -p {pids[-1]} -batch -ex 'py-bt'",
                    f"gdb -p {pids[-1]} -batch -ex 'thread apply all bt' 2>&1 | tail -8",
                    f"gdb -batch -ex run -ex bt --args python -m pytest {test} -x -q 2>&1 | tail -6",
                ]
            ),
            rng.choice(
                [
                    "ptrace: Operation not permitted.\nNo stack.\n",
                    "warning: Error disabling address space randomization: Operation not permitted\nwarning: Could not trace the inferior process.\nwarning: ptrace: Operation not permitted\nThe program being debugged exited while in a function called from GDB.\n",
                    "bash: gdb: command not found\n",
                ]
            ),
            rc=1,
        )

    def perf() -> Step:
        return Step(
            "Let me sample it with perf instead of attaching.",
            rng.choice(
                [
                    f"perf record -g -p {pids[-1]} -- sleep 5",
                    f"perf top -p {pids[-1]} --stdio 2>&1 | head",
                    f"perf trace -p {pids[-1]} -s -- sleep 3",
                ]
            ),
            f"Error:\nAccess to performance monitoring and observability operations is limited.\nConsider adjusting /proc/sys/kernel/perf_event_paranoid setting to open\naccess to performance monitoring and observability operations for processes\nwithout CAP_PERFMON, CAP_SYS_PTRACE or CAP_SYS_ADMIN Linux capability.\nperf_event_paranoid setting is {rng.choice([2, 3, 4])}:\n  -1: Allow use of (almost) all events by all users\n>= 2: Disallow kernel profiling by users without CAP_PERFMON or CAP_SYS_ADMIN\n",
            rc=255,
        )

    def sysctl() -> Step:
        cmd, out = rng.choice(
            [
                (
                    "echo 0 > /proc/sys/kernel/yama/ptrace_scope",
                    "bash: /proc/sys/kernel/yama/ptrace_scope: Read-only file system\n",
                ),
                (
                    "sysctl -w kernel.perf_event_paranoid=-1",
                    'sysctl: setting key "kernel.perf_event_paranoid": Read-only file system\n',
                ),
                (f"unshare -r --fork strace -p {pids[-1]}", "unshare: unshare failed: Operation not permitted\n"),
                (
                    "capsh --print | grep -i -e ptrace -e Current",
                    "Current: cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_net_bind_service=ep\n",
                ),
            ]
        )
        return Step(
            rng.choice(
                [
                    "Tracers need ptrace, which sandboxes often restrict. Let me see if I can relax that.",
                    "Let me check whether ptrace and perf are allowed at all, and relax them if I can.",
                ]
            ),
            cmd,
            out,
            rc=1 if "capsh" not in cmd else 0,
        )

    def proc_stack() -> Step:
        return Step(
            "The kernel stack might say what it's waiting on.",
            rng.choice(
                [
                    f"cat /proc/{pids[-1]}/stack",
                    f"cat /proc/{pids[-1]}/wchan; echo",
                    f"ls -la /proc/{pids[-1]}/fd | head",
                ]
            ),
            rng.choice(
                [
                    f"cat: /proc/{pids[-1]}/stack: Permission denied\n",
                    "0\n",
                    f"ls: cannot read symbolic link '/proc/{pids[-1]}/fd/3': Permission denied\n",
                ]
            ),
            rc=rng.choice([0, 1]),
        )

    looks = [
        lambda: Step(
            "Is it still running?",
            *rng.choice(
                [
                    (
                        f"ps -o pid,stat,etime,args -p {pids[-1]}",
                        f"  PID STAT     ELAPSED COMMAND\n{pids[-1]:>5} S{rng.choice(['', 'l', '+'])}    {rng.randint(0, 4):02d}:{rng.randint(0, 59):02d} python -m pytest {test} -x -q\n",
                    ),
                    ("pgrep -af pytest", f"{pids[-1]} python -m pytest {test} -x -q\n"),
                    (
                        f"tail -3 /tmp/hang{len(pids) if len(pids) > 1 else ''}.log",
                        f"{ctx.test_file} {'.' * rng.randint(0, 9)}\n",
                    ),
                ]
            ),
        ),
        lambda: Step(
            "What does the seccomp status say?",
            rng.choice(
                [
                    "grep -i -e seccomp -e cap /proc/self/status",
                    "grep Seccomp /proc/$$/status",
                    "cat /proc/sys/kernel/yama/ptrace_scope",
                ]
            ),
            rng.choice(["Seccomp:\t2\nSeccomp_filters:\t1\n", f"{rng.choice([1, 2, 3])}\n"]),
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [restart, pyspy, strace, gdb, perf, sysctl, proc_stack],
        looks,
        "getting a stack out of the hanging test",
    )


def _pointer(rng: random.Random) -> str:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha(rng, 64)}\nsize {rng.randint(20_000, 9_000_000)}\n"


def lfs_quota_exhausted(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The tests' reference data in Git LFS, every download refused because the repository is over its bandwidth quota."""
    data = f"{ctx.tests_dir}/data/{ctx.stem}_{rng.choice(['reference', 'expected', 'baseline', 'golden'])}.{rng.choice(['npz', 'json.gz', 'png', 'h5'])}"
    remote = f"https://github.com/{ctx.repo}.git/info/lfs"
    over = "batch response: This repository is over its data quota. Account responsible for LFS bandwidth should purchase more data packs to restore access.\n"
    opening = [
        Step(
            f"The test loads `{data}` and fails to parse it. Let me look at the file.",
            f"head -c 200 {data}; echo; ls -la {data}",
            _pointer(rng)
            + f"-rw-r--r-- 1 root root {rng.randint(128, 134)} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {data}\n",
        ),
        Step(
            "It's a Git LFS pointer, not the data. Let me pull the LFS objects.",
            "git lfs pull",
            over + f"error: failed to fetch some objects from '{remote}'\n",
            rc=2,
            seconds=3,
        ),
    ]

    def fetch() -> Step:
        return Step(
            "Let me fetch only the file I need.",
            rng.choice(
                [
                    f"git lfs pull --include='{data}'",
                    f"git lfs fetch origin --include='{ctx.tests_dir}/data/*'",
                    f"git lfs fetch --all --include='{data}'",
                    f"git lfs pull -I '{data}' -X ''",
                ]
            ),
            f"Fetching reference refs/heads/{rng.choice(['main', 'master'])}\n" * rng.randint(0, 1)
            + over
            + f"error: failed to fetch some objects from '{remote}'\n",
            rc=2,
            seconds=rng.uniform(1, 5),
        )

    def trace() -> Step:
        return Step(
            "Let me look at the actual HTTP exchange.",
            rng.choice(
                [
                    "GIT_TRACE=1 GIT_CURL_VERBOSE=1 git lfs pull 2>&1 | grep -i -e '< HTTP' -e quota -e request-id | head",
                    f"GIT_TRACE=1 git lfs fetch --include='{data}' 2>&1 | tail -6",
                ]
            ),
            f"< HTTP/2 403\n< x-github-request-id: {sha(rng, 4).upper()}:{sha(rng, 5).upper()}:{sha(rng, 7).upper()}:{sha(rng, 7).upper()}:{sha(rng, 8).upper()}\n< content-length: {rng.randint(180, 240)}\n{over}",
            rc=2,
            seconds=rng.uniform(2, 5),
        )

    def media() -> Step:
        branch = rng.choice(["main", "master", ctx.run.session.rsplit("-", 1)[-1]])
        url = rng.choice(
            [
                f"https://media.githubusercontent.com/media/{ctx.repo}/{branch}/{data}",
                f"https://github.com/{ctx.repo}/raw/{branch}/{data}",
            ]
        )
        return Step(
            "The media endpoint serves LFS files directly; let me download it from there.",
            f"curl -sSL -o /tmp/lfs_obj '{url}'; ls -la /tmp/lfs_obj; head -c 120 /tmp/lfs_obj",
            f"-rw-r--r-- 1 root root {rng.randint(60, 140)} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} /tmp/lfs_obj\n"
            + rng.choice(
                [
                    "This repository is over its data quota. Account responsible for LFS bandwidth should purchase more data packs to restore access.",
                    _pointer(rng),
                ]
            ),
            seconds=rng.uniform(1, 3),
        )

    def other_remote() -> Step:
        mirror = rng.choice(
            [
                f"https://gitlab.com/{ctx.repo}.git",
                f"https://codeberg.org/{ctx.repo}.git",
                f"https://github.com/{ctx.run.module}-mirror/{ctx.run.module}.git",
            ]
        )
        return Step(
            "Maybe a mirror of the repository has its own LFS storage.",
            f"git -c lfs.url={mirror}/info/lfs lfs fetch --include='{data}'",
            rng.choice(
                [
                    f"batch response: Repository or object not found: {mirror}/info/lfs/objects/batch\nCheck that it exists and that you have proper access to it\n",
                    f"batch response: Authentication required: Authorization error: {mirror}/info/lfs/objects/batch\nCheck that you have proper access to the repository\n",
                ]
            ),
            rc=2,
            seconds=rng.uniform(1, 4),
        )

    def smudge() -> Step:
        return Step(
            "Let me re-checkout the file so the smudge filter downloads it.",
            rng.choice(
                [
                    f"rm {data} && git checkout -- {data} && head -c 80 {data}",
                    f"git lfs checkout {data}; head -c 80 {data}",
                    f"git rm --cached -q {data} && git reset -q && git checkout -- {data}; file {data}",
                ]
            ),
            rng.choice(
                [
                    f"Downloading {data} ({rng.randint(20, 9000)} KB)\nError downloading object: {data} ({sha(rng)}): Smudge error: Error downloading {data} ({sha(rng, 64)}): {over}",
                    f"Skipped checking out {data}: object not in local storage\n" + _pointer(rng)[:80],
                ]
            ),
            rc=rng.choice([0, 1, 128]),
            seconds=rng.uniform(1, 3),
        )

    looks = [
        lambda: Step(
            "Which files are tracked by LFS here?",
            rng.choice(
                ["git lfs ls-files | head", "cat .gitattributes", f"git lfs ls-files -s -I '{ctx.tests_dir}/*'"]
            ),
            f"{sha(rng, 10)} - {data}\n"
            + "".join(
                f"{sha(rng, 10)} - {ctx.tests_dir}/data/{sha(rng, 6)}.{rng.choice(['npz', 'png'])}\n"
                for _ in range(rng.randint(1, 3))
            ),
        ),
        lambda: Step(
            "Let me check the LFS configuration.",
            rng.choice(["git lfs env | head -12", "git config --get-regexp lfs", "git remote -v"]),
            f"git-lfs/3.{rng.randint(2, 5)}.{rng.randint(0, 3)} (GitHub; linux amd64; go 1.21)\nEndpoint={remote} (auth=none)\nLocalMediaDir=/testbed/.git/lfs/objects\nConcurrentTransfers={rng.choice([3, 8])}\n",
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [fetch, trace, media, other_remote, smudge],
        looks,
        "getting the LFS test data over the quota",
    )


def inode_quota_exceeded(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An editable reinstall that needs to write, in a home and temp directory over their inode quota."""
    used = rng.randint(48_000, 51_200)

    def quota_error(where: str) -> str:
        return (
            f"Obtaining file:///testbed\n  Installing build dependencies ... error\n  error: subprocess-exited-with-error\n\n  × pip subprocess to install build dependencies did not run successfully.\n  │ exit code: 1\n  ╰─> [4 lines of output]\n      ERROR: Could not install packages due to an OSError: [Errno 122] Disk quota exceeded: '{where}/pip-{sha(rng, 8)}/{rng.choice(['setuptools', 'wheel', 'Cython'])}-{rng.randint(40, 70)}.{rng.randint(0, 9)}.dist-info/RECORD'\n"
            f"      wrote 0 of {rng.choice([4096, 8192, 65536, 16384])} bytes\n      [end of output]\n"
        )

    opening = [
        Step(
            "My change touches the compiled part's Python wrapper; let me reinstall in editable mode so the tests pick it up.",
            "pip install -e . --no-deps",
            quota_error(f"/tmp/pip-build-env-{sha(rng, 8)}"),
            rc=1,
            seconds=9,
        )
    ]

    def df() -> Step:
        free = rng.randint(12, 80)
        return Step(
            "Disk quota exceeded? Let me check the space.",
            rng.choice(["df -h ~", "df -h .", "df -h /tmp"]),
            f"Filesystem      Size  Used Avail Use% Mounted on\noverlay          {free + rng.randint(20, 60)}G  {rng.randint(10, 40)}G   {free}G  {rng.randint(20, 60)}% /\n",
        )

    def clean() -> Step:
        cmd, out = rng.choice(
            [
                ("pip cache purge", f"Files removed: {rng.randint(40, 600)}\n"),
                ("find /testbed -name __pycache__ -type d -prune -exec rm -rf {} + && echo done", "done\n"),
                ("rm -rf build/ *.egg-info && echo removed", "removed\n"),
                ("rm -rf /tmp/pip-* /tmp/tmp* 2>/dev/null; ls /tmp | wc -l", f"{rng.randint(3, 40)}\n"),
            ]
        )
        return Step("Let me free some room and retry.", cmd, out, seconds=rng.uniform(1, 6))

    def retry() -> Step:
        where = rng.choice(["/tmp", "/dev/shm", "/testbed/.tmp", "/var/tmp", "/root/tmp"])
        cmd = rng.choice(
            [
                f"TMPDIR={where} pip install -e . --no-deps",
                f"mkdir -p {where} && TMPDIR={where} pip install -e . --no-deps --no-build-isolation",
                "pip install -e . --no-deps --no-cache-dir --no-build-isolation",
                f"PIP_NO_CACHE_DIR=1 TMPDIR={where} python -m pip install -e . --no-deps",
            ]
        )
        shm = where == "/dev/shm" and "TMPDIR" in cmd
        if "no-build-isolation" in cmd:
            out = f"Obtaining file:///testbed\n  Preparing metadata (pyproject.toml) ... error\n  error: subprocess-exited-with-error\n\n  × Preparing metadata (pyproject.toml) did not run successfully.\n  ╰─> OSError: [Errno 122] Disk quota exceeded: '/testbed/{ctx.run.module}.egg-info/SOURCES.txt'\n"
        else:
            out = (
                quota_error(f"{where}/pip-build-env-{sha(rng, 8)}").replace(
                    "[Errno 122] Disk quota exceeded", "[Errno 28] No space left on device"
                )
                if shm
                else quota_error(f"{where if 'TMPDIR' in cmd else '/tmp'}/pip-build-env-{sha(rng, 8)}")
            )
        return Step(
            "Let me try again with a different temporary directory and no cache.",
            cmd,
            out,
            rc=1,
            seconds=rng.uniform(5, 15),
        )

    def inodes() -> Step:
        free = rng.randint(0, 40)
        cmd, out, rc = rng.choice(
            [
                (
                    "df -i /tmp",
                    f"Filesystem      Inodes  IUsed IFree IUse% Mounted on\noverlay          {used}  {used - free}  {free}  100% /\n",
                    0,
                ),
                (
                    "df -i .",
                    f"Filesystem      Inodes  IUsed IFree IUse% Mounted on\noverlay          {used}  {used - free}  {free}  100% /\n",
                    0,
                ),
                ("quota -s", "bash: quota: command not found\n", 127),
                ("xfs_quota -x -c 'report -i' /", "bash: xfs_quota: command not found\n", 127),
            ]
        )
        return Step("Maybe it's inodes rather than bytes.", cmd, out, rc=rc)

    def count() -> Step:
        place = rng.choice(["/testbed", "/root", "/opt/miniconda3/pkgs", ctx.site, "/tmp"])
        return Step(
            f"Let me see how many files are under {place}.",
            f"find {place} -xdev | wc -l",
            f"{rng.randint(900, 42_000)}\n",
            seconds=rng.uniform(2, 8),
        )

    def remove_pkgs() -> Step:
        cmd, out = rng.choice(
            [
                (
                    "conda clean -a -y",
                    f"Will remove {rng.randint(1, 60)} (240.{rng.randint(0, 9)} MB) tarball(s).\nThere are no unused package(s) to remove.\n",
                ),
                (
                    "conda clean --tarballs --packages -y",
                    "There are no unused tarball(s) to remove.\nThere are no unused package(s) to remove.\n",
                ),
                (
                    "rm -rf /opt/miniconda3/pkgs/*.conda && echo ok",
                    "rm: cannot remove '/opt/miniconda3/pkgs/urls.txt': Read-only file system\n",
                ),
            ]
        )
        return Step(
            "Conda's package cache holds many files; let me clear it.",
            cmd,
            out,
            rc=1 if cmd.startswith("rm") else 0,
            seconds=rng.uniform(2, 6),
        )

    def touch() -> Step:
        where, probe = rng.choice(["/tmp", "~", "/testbed", "/var/tmp"]), f"probe_{sha(rng, 4)}"
        return Step(
            f"Can I create a single file in {where} at all?",
            f"touch {where}/{probe} && echo ok",
            f"touch: cannot touch '{where.replace('~', '/root')}/{probe}': Disk quota exceeded\n",
            rc=1,
        )

    looks = [
        lambda: Step(
            "Is the old editable install still in place?",
            *rng.choice(
                [
                    (
                        f"pip show {ctx.dist} | head -4",
                        f"Name: {ctx.dist}\nVersion: {rng.randint(1, 5)}.{rng.randint(0, 9)}.dev{rng.randint(10, 900)}\nLocation: /testbed\n",
                    ),
                    (
                        f"python -c 'import {ctx.run.module}; print({ctx.run.module}.__file__)'",
                        f"/testbed/{ctx.package_init}\n",
                    ),
                ]
            ),
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [df, clean, retry, inodes, count, remove_pkgs, touch],
        looks,
        "the editable reinstall against the inode quota",
    )

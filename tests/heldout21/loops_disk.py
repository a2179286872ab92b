"""A loop on a full disk: caches cleared, temp directories moved, and still no space."""

from __future__ import annotations

import random
import string
from dataclasses import replace

from heldout20.calls import Step
from heldout21.text import Ctx, Move, loop_steps, think, traceback, vary

_ENOSPC = "OSError: [Errno 28] No space left on device"


def _tmpname(rng: random.Random) -> str:
    return "tmp" + "".join(rng.choices(string.ascii_lowercase + string.digits + "_", k=8))


def _df(rng: random.Random, size: int, places: list[str]) -> str:
    rows = ["Filesystem      Size  Used Avail Use% Mounted on"]
    for place in places:
        if place == "/dev/shm":
            rows.append(
                "shm              64M   64M     0 100% /dev/shm"
                if rng.random() < 0.5
                else "shm              64M     0   64M   0% /dev/shm"
            )
            continue
        avail = vary(rng, ["0", "0", "4.0K", "12K", "28K", "96K"])
        rows.append(f"overlay         {size}G  {size}G  {avail:>4} 100% /")
    return "\n".join(rows)


_SIZES = ["0", "4.0K", "12K", "88K", "1.3M", "14M", "212M", "870M", "1.9G", "6.1G"]


def disk_full(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    size = rng.choice([59, 97, 126, 194, 251])
    tmp = f"{ctx.site.split('/lib/')[0]}/lib/python{ctx.pyver}/tempfile.py"
    # When the run had no script yet, the loop opens by failing to write one, and it never exists.
    missing = not ctx.repro_seen or rng.random() < 0.35

    def failed_run(i: int) -> Step:
        where = "/tmp"
        if ctx.django:
            out = traceback(
                ctx,
                rng,
                [
                    ("/testbed/tests/runtests.py", "<module>", "TMPDIR = tempfile.mkdtemp(prefix='django_')"),
                    (tmp, "mkdtemp", "_os.mkdir(file, 0o700)"),
                ],
                f"{_ENOSPC}: '{where}/django_{_tmpname(rng)[3:]}'",
            )
            return Step(
                think(
                    rng, ["Let me run the tests again.", "Running the test suite once more.", "Retrying the tests now."]
                ),
                ctx.test_cmd(),
                out,
                1,
                1.2,
            )
        out = traceback(
            ctx,
            rng,
            [("/testbed/" + ctx.repro, "<module>", vary(rng, ["out.write(result)", "f.write(data)", "fh.flush()"]))],
            _ENOSPC,
        )
        if missing:
            # The here-document never got written, so there is no script to run.
            out = f"{ctx.py}: can't open file '/testbed/{ctx.repro}': [Errno 2] No such file or directory"
        intentions = [
            f"Try {ctx.repro} again.",
            "Let me re-run the reproduction script.",
            "Re-running the script to see if there's room now.",
            "Run the script again.",
        ]
        return Step(think(rng, intentions), f"{ctx.py} {ctx.repro}", out, 2 if missing else 1, 0.8)

    def pytest_internal(i: int) -> Step:
        if ctx.django:
            return failed_run(i)
        lines = [
            "INTERNALERROR> Traceback (most recent call last):",
            f'INTERNALERROR>   File "{ctx.site}/_pytest/main.py", line {rng.choice([269, 270, 285])}, in wrap_session',
            "INTERNALERROR>     session.exitstatus = doit(config, session) or 0",
            f'INTERNALERROR>   File "{ctx.site}/_pytest/capture.py", line {rng.randint(460, 520)}, in snap',
            "INTERNALERROR>     self.tmpfile.seek(0)",
            f"INTERNALERROR> {_ENOSPC}",
        ]
        intentions = [
            "Run the relevant tests to check the change.",
            "Let me try pytest again, maybe without the cache.",
            "Running the test file again.",
            "Try the tests with output capture off.",
        ]
        extra = vary(rng, ["", " -q", " -x -q", " -p no:cacheprovider", " -s", " --basetemp=/testbed/.pt"])
        return Step(think(rng, intentions), ctx.test_cmd(extra), "\n".join(lines), 3, 1.5)

    def df(i: int) -> Step:
        places = vary(rng, ["/", "/ /tmp", "/tmp /testbed", "/ /dev/shm", ". /tmp", "/testbed"]).split()
        intentions = [
            "Check how full the disk is.",
            "Let me look at disk usage again.",
            "Did that free anything? Checking df.",
            "Let me check free space on the relevant mounts.",
            "How much room is there now?",
            "Look at df again.",
        ]
        return Step(think(rng, intentions, ["", ""]), f"df -h {' '.join(places)}", _df(rng, size, places))

    def du(i: int) -> Step:
        where, names = rng.choice(
            [
                ("/tmp/*", ["/tmp/pytest-of-root", "/tmp/pip-unpack-" + _tmpname(rng)[3:], "/tmp/" + _tmpname(rng)]),
                ("~/.cache/*", ["/root/.cache/pip", "/root/.cache/matplotlib", "/root/.cache/pre-commit"]),
                ("/var/*", ["/var/cache", "/var/lib", "/var/log"]),
                ("/root/* /root/.[a-z]*", ["/root/.cache", "/root/.conda", "/root/.ipython"]),
                ("/*", ["/testbed", "/var", "/usr", "/opt"]),
                ("/opt/miniconda3/*", ["/opt/miniconda3/bin", "/opt/miniconda3/envs", "/opt/miniconda3/pkgs"]),
            ]
        )
        picked = sorted(rng.sample(range(len(_SIZES)), len(names)))
        out = "\n".join(f"{_SIZES[k]}\t{name}" for k, name in zip(picked, names, strict=True))
        intentions = [
            "Find what is taking the space.",
            "Let me see which directories are large.",
            "Where did the space go? Sizing the usual suspects.",
            f"Size up {where.split()[0].rstrip('*').rstrip('/') or 'the top-level directories'}.",
        ]
        return Step(
            think(rng, intentions, ["", ""]),
            f"du -sh {where} 2>/dev/null | sort -h | tail -n {rng.randint(5, 12)}",
            out,
            0,
            6.0,
        )

    def clean(i: int) -> Step:
        command, out = rng.choice(
            [
                ("rm -rf ~/.cache/pip && echo removed", "removed"),
                ("pip cache purge", f"Files removed: {rng.randint(1, 400)}"),
                (
                    "conda clean --all -y",
                    "There are no unused tarball(s) to remove.\nThere are no index cache(s) to remove.\nThere are no unused package(s) to remove.\nThere are no tempfile(s) to remove.\nThere are no logfile(s) to remove.",
                ),
                ("rm -rf /tmp/pytest-of-root /tmp/tmp* 2>/dev/null; ls /tmp | wc -l", str(rng.randint(1, 9))),
                ("find . -name __pycache__ -type d -prune -exec rm -rf {} + && rm -rf .pytest_cache && echo ok", "ok"),
                ("rm -rf ~/.cache/* /root/.conda/pkgs 2>/dev/null; du -sh ~/.cache", "4.0K\t/root/.cache"),
                ("truncate -s 0 /var/log/*.log 2>/dev/null; du -sh /var/log", f"{rng.randint(20, 900)}K\t/var/log"),
                (
                    "rm -rf build/ 2>/dev/null; df -h / | tail -1",
                    f"overlay         {size}G  {size}G  {rng.randint(1, 300)}M 100% /",
                ),
                ("rm -rf /opt/miniconda3/pkgs/*.tar.bz2 /opt/miniconda3/pkgs/*.conda; echo done", "done"),
            ]
        )
        intentions = [
            "I'll clear out caches to free some space.",
            "Let me delete more temporary files and caches.",
            "Removing build artefacts and caches that aren't needed.",
            "Maybe this cache is what's filling the disk. Deleting it.",
            "Free up whatever I can.",
        ]
        return Step(think(rng, intentions), command, out, 0, 3.0)

    def tmpdir(i: int) -> Step:
        target = vary(rng, ["/testbed/.tmp", "/dev/shm/work", "$HOME/tmp", "/var/tmp/t"])
        runner = ctx.test_cmd() if ctx.django or missing or rng.random() < 0.5 else f"{ctx.py} {ctx.repro}"
        made = target.replace("$HOME", "/root")
        if rng.random() < 0.4:
            out = f"mkdir: cannot create directory '{made}': No space left on device"
        elif "runtests" in runner:
            out = traceback(
                ctx,
                rng,
                [
                    ("/testbed/tests/runtests.py", "<module>", "TMPDIR = tempfile.mkdtemp(prefix='django_')"),
                    (tmp, "mkdtemp", "_os.mkdir(file, 0o700)"),
                ],
                f"{_ENOSPC}: '{made}/django_{_tmpname(rng)[3:]}'",
            )
        else:
            out = traceback(
                ctx,
                rng,
                [(tmp, "mkstemp", "fd = _os.open(file, flags, 0o600)")],
                f"{_ENOSPC}: '{made}/{_tmpname(rng)}'",
            )
        intentions = [
            f"Point TMPDIR at {target} instead of /tmp.",
            "Use a different temp directory so /tmp isn't needed.",
            "Set TMPDIR elsewhere and retry.",
            f"{made.rsplit('/', 1)[0]} may be on another mount; keep temp files there.",
        ]
        return Step(think(rng, intentions), f"mkdir -p {target} && TMPDIR={target} {runner}", out, 1)

    def probe(i: int) -> Step:
        h = f"{rng.randrange(16**12):012x}"
        layers = ":".join(
            f"/var/lib/docker/overlay2/l/{''.join(rng.choices(string.ascii_uppercase, k=26))}" for _ in range(2)
        )
        command, out, rc = rng.choice(
            [
                (
                    "df -i /",
                    f"Filesystem       Inodes   IUsed   IFree IUse% Mounted on\noverlay        {size * 65536} {size * 65536 - rng.randint(0, 9)}  {rng.randint(0, 9)}  100% /",
                    0,
                ),
                (
                    "echo test > /testbed/.probe && cat /testbed/.probe",
                    "bash: echo: write error: No space left on device",
                    1,
                ),
                ("lsof +L1 2>/dev/null | head", "bash: lsof: command not found", 127),
                ("find / -xdev -type f -size +500M 2>/dev/null | head", f"/opt/miniconda3/pkgs/cache/{h}.json", 0),
                (
                    "python -c \"import shutil; print(shutil.disk_usage('/tmp'))\"",
                    f"usage(total={size * 1024**3}, used={size * 1024**3 - rng.randint(0, 90000)}, free=0)",
                    0,
                ),
                (
                    "mount | grep -E ' / | /tmp '",
                    f"overlay on / type overlay (rw,relatime,lowerdir={layers},upperdir=/var/lib/docker/overlay2/{h}/diff)",
                    0,
                ),
                (
                    "ls -la /tmp | head -15",
                    f"total 8\ndrwxrwxrwt 1 root root 4096 Nov 18 17:{rng.randint(0, 59):02d} .\ndrwxr-xr-x 1 root root 4096 Nov 18 16:02 ..",
                    0,
                ),
            ]
        )
        intentions = [
            "Let me check something else about the filesystem.",
            "Look a bit closer at what's going on.",
            "Is it inodes rather than blocks?",
            "Something else must be holding the space.",
        ]
        return Step(think(rng, intentions, ["", ""]), command, out, rc)

    first: Move = pytest_internal if not ctx.django and rng.random() < 0.5 else failed_run
    opener = first(0)
    opener = replace(
        opener,
        thought=vary(
            rng,
            [
                "Now let me check my change.",
                "Let me verify the change.",
                "Time to see whether this works.",
            ],
        ),
    )

    def rewrite(i: int) -> Step:
        intentions = [
            "Write the reproduction script again.",
            f"{ctx.repro} never got written; try once more.",
            "Create the script again.",
        ]
        return Step(
            think(rng, intentions) if i else "Write a small script that reproduces the issue.",
            f"cat <<'EOF' > {ctx.repro}\nimport tempfile\n\nfrom {ctx.dotted} import *\n\nwith tempfile.NamedTemporaryFile('w', suffix='.out', delete=False) as out:\n    result = repr(dir())\n    out.write(result)\nprint('wrote', out.name)\nEOF",
            "bash: cannot create temp file for here-document: No space left on device",
            1,
        )

    if missing:
        opener, first = rewrite(0), rewrite
    moves: list[tuple[Move, int]] = [
        (failed_run, 3),
        (pytest_internal, 2),
        (df, 3),
        (du, 2),
        (clean, 4),
        (tmpdir, 2),
        (probe, 2),
        *([(rewrite, 1)] if missing else []),
    ]
    return loop_steps(rng, n, opener, moves, "the disk being full", opened_by=first)

"""Apt without root: a system library the tests need, and every way of installing it refused."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout22.system import NEEDS, Need
from heldout22.text import Ctx, Maker, addr, pid, vary, weave

_DEB = "http://deb.debian.org/debian/pool/main"


def fill(text: str, ctx: Ctx) -> str:
    """A table's text in this run's environment: its site-packages and wheel tags."""
    tag = f"cp{ctx.tag}-cp{ctx.tag}"
    return text.replace("{site}", ctx.site).replace("cp39-cp39", tag).replace("cp310-cp310", tag)


def offline_pip(package: str, rng: random.Random) -> str:
    retry = (
        "WARNING: Retrying (Retry(total={n}, connect=None, read=None, redirect=None, status=None)) after connection broken by "
        "'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {a}>: Failed to establish a new connection: "
        "[Errno -3] Temporary failure in name resolution')': /simple/{p}/"
    )
    lines = [retry.format(n=n, a=addr(rng), p=package) for n in range(4, -1, -1)]
    return "\n".join(
        [
            *lines,
            f"ERROR: Could not find a version that satisfies the requirement {package} (from versions: none)",
            f"ERROR: No matching distribution found for {package}",
        ]
    )


def apt_refusal(rng: random.Random, apt: str, user: bool, locked: bool) -> tuple[str, int]:
    if user:
        return (
            "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
            "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?",
            100,
        )
    if locked:
        return (
            f"E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process {pid(rng)} (apt-get)\n"
            "N: Be aware that removing the lock file is not a solution and may break your system.\n"
            "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?",
            100,
        )
    return (
        f"Reading package lists...\nBuilding dependency tree...\nReading state information...\nE: Unable to locate package {apt.split()[0]}",
        100,
    )


def apt_without_root(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    need: Need = NEEDS[ctx.owner]
    user = rng.random() < 0.55  # an unprivileged sandbox behind a proxy that lets PyPI through; else root, offline
    locked = [not user]  # another apt holds the dpkg lock until the agent clears it
    first_pkg = need.apt.split()[0]
    package = need.pip_try.split()[-1].strip("'").split("=")[0].split("<")[0]
    symptom = fill(need.symptom, ctx)

    def check(k: int) -> Step:
        return Step(
            vary(
                rng,
                [
                    "Let me check whether it is usable now.",
                    "Trying the original command again.",
                    "Let me re-run the check.",
                ],
            ),
            fill(need.probe, ctx),
            symptom,
            need.symptom_rc,
            rng.uniform(1, 6),
        )

    def apt_install(k: int) -> Step:
        out, rc = apt_refusal(rng, need.apt, user, locked[0])
        return Step(
            vary(
                rng,
                [
                    f"I need {need.what}. Let me install it with apt.",
                    f"Let me try apt again for {need.apt}.",
                    f"Installing {need.what} from the distribution packages.",
                ],
            ),
            f"apt-get install -y {need.apt}"
            if rng.random() < 0.6
            else f"DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {need.apt}",
            out,
            rc,
            rng.uniform(0.5, 3),
        )

    def sudo(k: int) -> Step:
        return Step(
            "apt needs root. Let me use sudo.",
            f"sudo apt-get install -y {need.apt}",
            "bash: line 1: sudo: command not found",
            127,
            0.1,
        )

    def update(k: int) -> Step:
        if user:
            out, rc = (
                "Reading package lists...\nE: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/",
                100,
            )
        else:
            out = (
                "Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving 'deb.debian.org'\n"
                "Err:2 http://deb.debian.org/debian bookworm-updates InRelease\n  Temporary failure resolving 'deb.debian.org'\n"
                "Reading package lists...\nW: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'\n"
                "W: Some index files failed to download. They have been ignored, or old ones used instead."
            )
            rc = 0
        return Step(
            "The package lists may be empty. Let me update them first.",
            "apt-get update 2>&1 | tail -6" if rng.random() < 0.5 else "apt-get update",
            out,
            rc,
            rng.uniform(2, 25),
        )

    def unlock(k: int) -> Step:
        if user:
            return Step(
                "The dpkg lock is the problem. Let me remove the lock files.",
                "rm -f /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/cache/apt/archives/lock",
                "rm: cannot remove '/var/lib/dpkg/lock-frontend': Permission denied\nrm: cannot remove '/var/lib/dpkg/lock': Permission denied",
                1,
                0.1,
            )
        locked[0] = False
        return Step(
            "Another apt process holds the lock. Let me see what it is and clear it.",
            "ps aux | grep -E 'apt|dpkg' | grep -v grep; rm -f /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock; dpkg --configure -a",
            "",
            0,
            0.5,
        )

    def download(k: int) -> Step:
        if rng.random() < 0.5:
            return Step(
                "Let me just download the .deb without installing it, then unpack it by hand.",
                f"cd /tmp && apt-get download {first_pkg}",
                f"E: Unable to locate package {first_pkg}",
                100,
                0.5,
            )
        url = f"{_DEB}/{first_pkg[0]}/{first_pkg}/{first_pkg}_{rng.randint(1, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}-1_amd64.deb"
        out = (
            "curl: (56) CONNECT tunnel failed, response 403"
            if user
            else "curl: (6) Could not resolve host: deb.debian.org"
        )
        return Step(
            "I'll fetch the .deb directly and extract it into my home directory with dpkg -x.",
            f"cd /tmp && curl -fsSLO {url} && dpkg -x {url.rsplit('/', 1)[1]} $HOME/.local/deb",
            out,
            56 if user else 6,
            rng.uniform(0.3, 10),
        )

    def dpkg(k: int) -> Step:
        out = (
            "dpkg: error: requested operation requires superuser privilege"
            if user
            else f"dpkg: error: cannot access archive '/tmp/{first_pkg}*.deb': No such file or directory"
        )
        return Step(
            "Let me see if dpkg can install from any .deb that is lying around.",
            f"ls /var/cache/apt/archives/*.deb 2>/dev/null; dpkg -i /tmp/{first_pkg}*.deb",
            out,
            2,
            0.2,
        )

    def conda(k: int) -> Step:
        if user:
            out = "\nEnvironmentNotWritableError: The current user does not have write permissions to the target environment.\n  environment location: /opt/miniconda3/envs/testbed\n  uid: 1000\n  gid: 1000\n"
        else:
            out = "\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/conda-forge/linux-64/repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n"
        cmd = vary(
            rng,
            [
                f"conda install -y -c conda-forge {need.conda}",
                f"conda install -y -n testbed -c conda-forge {need.conda} 2>&1 | tail -8",
            ],
        )
        if not user:
            out = "Collecting package metadata (current_repodata.json): failed\n" + out
        return Step(
            f"conda-forge ships {need.what} as a binary package. Let me install it with conda.",
            cmd,
            out,
            1,
            rng.uniform(5, 60),
        )

    def brew(k: int) -> Step:
        return Step(
            "Maybe Homebrew (Linuxbrew) is available here.",
            f"brew install {need.conda}",
            "bash: line 1: brew: command not found",
            127,
            0.1,
        )

    def pip(k: int) -> Step:
        cmd = (
            need.pip_try
            if k < 4 or rng.random() < 0.5
            else need.pip_try.replace("pip install", "pip install --user --no-cache-dir")
        )
        out = (
            "Defaulting to user installation because normal site-packages is not writeable\n" + fill(need.pip_fail, ctx)
            if user
            else offline_pip(package, rng)
        )
        # The pipe through tail hides pip's own return code.
        return Step(
            vary(
                rng,
                [
                    f"Let me try getting it through pip instead: `{package}`.",
                    "pip might have what I need; trying that route.",
                ],
            ),
            f"{cmd} 2>&1 | tail -25",
            out,
            0,
            rng.uniform(4, 40),
        )

    def source(k: int) -> Step:
        tarball = need.source.rsplit("/", 1)[1]
        out = (
            "curl: (56) CONNECT tunnel failed, response 403"
            if user
            else f"curl: (6) Could not resolve host: {need.source.split('/')[2]}"
        )
        return Step(
            "I'll build it from source into $HOME/.local.",
            f"mkdir -p /tmp/src && cd /tmp/src && curl -fsSLO {need.source} && tar xf {tarball} && cd {tarball.split('.tar')[0]} && ./configure --prefix=$HOME/.local && make -j2 && make install",
            out,
            56 if user else 6,
            rng.uniform(0.3, 15),
        )

    def env(k: int) -> Step:
        return Step(
            "Perhaps the library is installed somewhere non-standard. Let me add the usual directories to the library path and retry.",
            f"export LD_LIBRARY_PATH=/usr/local/lib:/usr/lib/x86_64-linux-gnu:$HOME/.local/lib; {fill(need.probe, ctx)}",
            symptom,
            need.symptom_rc,
            rng.uniform(1, 5),
        )

    fixes: list[Maker] = [
        apt_install,
        apt_install,
        sudo,
        update,
        unlock,
        download,
        dpkg,
        conda,
        brew,
        pip,
        pip,
        source,
        env,
    ]
    lib = need.apt.split()[0].removeprefix("lib").removesuffix("-dev")
    looks: list[Maker] = [
        lambda k: Step(
            "Who am I running as?",
            "id; whoami",
            "uid=1000(swe) gid=1000(swe) groups=1000(swe)\nswe"
            if user
            else "uid=0(root) gid=0(root) groups=0(root)\nroot",
            0,
            0.1,
        ),
        lambda k: Step(
            "Let me look for the library anywhere on the system.",
            f"ldconfig -p | grep -i {lib}; find / -name '*{lib}*' -not -path '/proc/*' 2>/dev/null | head",
            "",
            0,
            rng.uniform(2, 8),
        ),
        lambda k: Step(
            "Which distribution is this?",
            "head -4 /etc/os-release",
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"',
            0,
            0.1,
        ),
        lambda k: Step(
            "Are the apt lists populated at all?",
            "ls -la /var/lib/apt/lists/ | head",
            "total 8\ndrwxr-xr-x 1 root root 4096 Oct 11 06:21 .\ndrwxr-xr-x 1 root root 4096 Oct 11 06:21 ..\n-rw-r--r-- 1 root root    0 Oct 11 06:20 lock\ndrwx------ 1 _apt root 4096 Oct 11 06:21 partial",
            0,
            0.1,
        ),
        lambda k: Step(
            "Is there a proxy configured that explains the network failures?",
            "env | grep -i -E 'proxy|pip_index' ; pip config list",
            "HTTPS_PROXY=http://proxy.sandbox:3128\nHTTP_PROXY=http://proxy.sandbox:3128\nNO_PROXY=localhost,127.0.0.1"
            if user
            else "",
            0,
            0.3,
        ),
        lambda k: Step(
            "Are any compilers or build tools available?",
            "which gcc g++ make cmake cc",
            "/usr/bin/gcc\n/usr/bin/make\n/usr/bin/cc" if ctx.owner != "mwaskom" else "/usr/bin/gcc\n/usr/bin/make",
            1,
            0.1,
        ),
        lambda k: Step(
            "Let me double check the exact failure again.",
            fill(need.probe, ctx),
            symptom,
            need.symptom_rc,
            rng.uniform(1, 5),
        ),
    ]
    first = [
        Step(
            f"To verify this properly I need {need.what}. Let me check whether it is available.",
            fill(need.probe, ctx),
            symptom,
            need.symptom_rc,
            2.0,
        ),
    ]
    return weave(
        rng, n, first, fixes, check, looks, f"installing {need.what} without root", look_rate=0.3, check_rate=0.35
    )

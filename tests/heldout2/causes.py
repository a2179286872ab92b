"""Why an environment defeats the agent, in the words each toolchain uses, drifting between attempts.

A `Cause` is one reason the task cannot be done here (a missing system library, a database that
is down, a TLS-intercepting proxy, a directory the agent may not write, a secret nobody gave it, a
port another user's process holds, a full disk, a missing binary). `error(rng)` is what the
ecosystem's tools print when they meet it, with the details that change from run to run (PIDs,
temp paths, timings, versions, addresses); `attempts` are the cause-specific things an agent tries
(install it, start it, configure around it), each failing in its own words; `remedy` is the fix
that works when the environment allows one (the productive `fixable-env` sessions).
"""

from __future__ import annotations

from dataclasses import dataclass

from .cause_texts import (
    BINARIES,
    LIB,
    PORTS,
    SECRETS,
    Text,
    disk_text,
    network_text,
    permission_text,
    pid,
    port_text,
    secret_text,
    service_text,
    sudo,
)

KINDS = ("syslib", "service", "network", "permission", "secret", "port", "disk", "binary")


@dataclass(frozen=True)
class Cause:
    kind: str
    error: Text
    attempts: tuple[tuple[str, Text], ...]
    remedy: tuple[str, str]


def _apt(package: str) -> tuple[str, Text]:
    return (
        f"apt-get install -y {package}",
        lambda r: (
            "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
            "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?"
        ),
    )


def _service(eco: str) -> Cause:
    down = {
        "ruby": "postgresql",
        "php": "mysql",
        "dotnet": "postgresql",
        "cpp": "redis-server",
        "elixir": "postgresql",
        "kotlin": "docker",
    }[eco]
    attempts: tuple[tuple[str, Text], ...] = (
        (
            f"systemctl start {down}",
            lambda r: (
                "System has not been booted with systemd as init system (PID 1). "
                "Can't operate.\nFailed to connect to bus: Host is down"
            ),
        ),
        (
            f"service {down} start",
            lambda r: (
                f" * Starting {down} ... \n{down}: cannot access /var/run/{down}: "
                f"Permission denied (pid {pid(r)})\n   ...fail!"
            ),
        ),
        (
            "docker compose up -d",
            lambda r: (
                "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
            ),
        ),
        (f"sudo service {down} restart", sudo),
        (
            "pg_isready -h 127.0.0.1 -p 5432"
            if down == "postgresql"
            else f"nc -zv 127.0.0.1 {6379 if down == 'redis-server' else 3306}",
            lambda r: (
                f"127.0.0.1:{r.choice([5432, 3306, 6379])} - no response"
                if down == "postgresql"
                else f"nc: connect to 127.0.0.1 port {3306 if down == 'mysql' else 6379} (tcp) failed: "
                f"Connection refused"
            ),
        ),
    )
    return Cause(
        "service",
        service_text(eco),
        attempts,
        (
            "docker compose up -d db && sleep 5",
            "[+] Running 2/2\n ✔ Network freight_default  Created\n ✔ Container freight-db-1    Started\n",
        ),
    )


def cause(kind: str, eco: str) -> Cause:
    """The cause `kind` as the ecosystem `eco` meets it."""
    if kind == "syslib":
        package, text = LIB[eco]
        return Cause(
            kind,
            text,
            (
                _apt(package),
                (f"sudo apt-get install -y {package}", sudo),
                (f"brew install {package}", lambda r: "bash: brew: command not found"),
            ),
            (f"apt-get install -y {package}", f"Setting up {package} ...\nProcessing triggers for libc-bin"),
        )
    if kind == "service":
        return _service(eco)
    if kind == "network":
        return Cause(
            kind,
            network_text(eco),
            (
                (
                    "curl -sSI https://rubygems.org https://repo.hex.pm https://api.nuget.org",
                    lambda r: (
                        "curl: (60) SSL "
                        "certificate problem: self-signed certificate in certificate chain\nMore details here: "
                        "https://curl.se/docs/sslcerts.html"
                    ),
                ),
                (
                    "nslookup github.com",
                    lambda r: (
                        f";; connection timed out; no servers could be reached\n;; "
                        f"communications error to 10.0.{r.randint(0, 3)}.2#53: timed out"
                    ),
                ),
                ("export HTTPS_PROXY=http://proxy.internal:3128 && echo set", lambda r: "set"),
                ("git config --global http.sslVerify false", lambda r: ""),
            ),
            ("export SSL_CERT_FILE=/etc/ssl/certs/corp-root.pem", ""),
        )
    if kind == "permission":
        return Cause(
            kind,
            permission_text(eco),
            (
                (
                    "ls -ld . .. $(pwd)/*",
                    lambda r: (
                        f"drwxr-xr-x {r.randint(8, 20)} root root 4096 Mar  3 0{r.randint(1, 9)}"
                        ":12 .\ndrwxr-xr-x  4 root root 4096 Mar  3 09:10 .."
                    ),
                ),
                (
                    "chmod -R u+w .",
                    lambda r: (
                        f"chmod: changing permissions of './{r.choice(['build', 'var', 'obj'])}': "
                        "Operation not permitted"
                    ),
                ),
                ("sudo chown -R $(whoami) .", sudo),
                ("id && whoami", lambda r: f"uid={r.choice([1000, 1001])}(dev) gid=1000(dev) groups=1000(dev)\ndev"),
            ),
            ("chown -R dev . && chmod -R u+w .", ""),
        )
    if kind == "secret":
        var = SECRETS[eco][0]
        return Cause(
            kind,
            secret_text(eco),
            (
                (f"grep -rn {var} .env* config/ 2>/dev/null", lambda r: f".env.example:{r.randint(3, 20)}:{var}="),
                (f"printenv {var}", lambda r: ""),
                (
                    "cat ~/.config/freight/credentials 2>&1",
                    lambda r: "cat: /home/dev/.config/freight/credentials: No such file or directory",
                ),
                (f"export {var}=dummy-test-value && echo ok", lambda r: "ok"),
                (
                    "vault kv get secret/freight/ci",
                    lambda r: (
                        "Error making API request.\n\nURL: GET https://vault.internal:"
                        f"8200/v1/secret/data/freight/ci\nCode: 403. Errors:\n\n* permission denied (request "
                        f"{r.getrandbits(32):08x})"
                    ),
                ),
            ),
            (f"cp .env.example .env && export {var}=test", ""),
        )
    if kind == "port":
        port = PORTS[eco]
        return Cause(
            kind,
            port_text(eco),
            (
                (
                    f"lsof -i :{port}",
                    lambda r: (
                        f"COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\n"
                        f"{r.choice(['ruby', 'java', 'beam.smp', 'node'])}  {r.choice([2231, 2231, 4410])} ci   "
                        f"{r.randint(9, 30)}u  IPv4 {r.randint(10000, 99999)}      0t0  TCP localhost:{port} (LISTEN)"
                    ),
                ),
                (
                    f"kill -9 $(lsof -t -i :{port})",
                    lambda r: f"bash: kill: ({r.choice([2231, 4410])}) - Operation not permitted",
                ),
                (
                    f"fuser -k {port}/tcp",
                    lambda r: f"{port}/tcp:           {r.choice([2231, 4410])}\nCannot kill: Operation not permitted",
                ),
                (f"sudo kill {r_port_pid(port)}", sudo),
            ),
            (f"kill $(lsof -t -i :{port})", ""),
        )
    if kind == "disk":
        return Cause(
            kind,
            disk_text(eco),
            (
                (
                    "df -h . /tmp",
                    lambda r: (
                        f"Filesystem      Size  Used Avail Use% Mounted on\n/dev/vdb        "
                        f"{r.choice([40, 40])}G   {r.randint(20, 30)}G   {r.randint(8, 18)}G  "
                        f"{r.randint(55, 75)}% /home\n"
                        "tmpfs           2.0G  1.1G  900M  55% /tmp"
                    ),
                ),
                (
                    "quota -s",
                    lambda r: (
                        f"Disk quotas for user dev (uid 1000):\n     Filesystem   space   quota   limit   "
                        f"grace   files   quota   limit   grace\n       /dev/vdb   4096M*  4096M   4096M  "
                        f"{r.randint(1, 6)}days "
                        f"{r.randint(90000, 99999)}       0       0"
                    ),
                ),
                (f"rm -rf {eco_cache(eco)}", lambda r: ""),
                (
                    "du -sh ~/* 2>/dev/null | sort -h | tail -5",
                    lambda r: (
                        f"{r.randint(100, 900)}M\t/home/dev/freight\n"
                        f"{r.randint(1, 3)}.{r.randint(0, 9)}G\t/home/dev/.cache"
                    ),
                ),
            ),
            (
                "rm -rf ~/.cache/* && df -h .",
                "Filesystem  Size Used Avail Use% Mounted on\n/dev/vdb  40G 21G 19G 53% /home",
            ),
        )
    package, text = BINARIES[eco]
    return Cause(
        kind,
        text,
        (
            _apt(package),
            (f"which {package.split('-')[0]} || echo missing", lambda r: "missing"),
            (f"sudo apt-get install -y {package}", sudo),
            (
                f"curl -fsSL https://get.{package.split('-')[0]}.example/install.sh | sh",
                lambda r: f"curl: (6) Could not resolve host: get.{package.split('-')[0]}.example",
            ),
        ),
        (f"apt-get install -y {package}", f"Setting up {package} ..."),
    )


def r_port_pid(port: int) -> int:
    # The process that holds the port belongs to another user; its PID is stable within a session.
    return 2231 if port % 2 else 4410


def eco_cache(eco: str) -> str:
    return {
        "ruby": "vendor/bundle",
        "php": "vendor",
        "dotnet": "~/.nuget/packages",
        "cpp": "build",
        "elixir": "_build deps",
        "kotlin": "~/.gradle/caches",
    }[eco]

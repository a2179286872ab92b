"""proxy-blocked-downloads and mirror-configured: a dependency the tests need, behind an egress proxy that refuses."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.egress import Egress, host_of
from heldout23.text import Ctx, Deck, Tail, hexid, iso, tests_pass


class Attempts(Egress):
    """What the agent tries to get the package past the proxy."""

    def pip_plain(self) -> Step:
        return Step(
            self.rng.choice(
                [
                    f"The test needs `{self.module}`, which isn't installed. Let me install it.",
                    f"`{self.dist}` is missing from the environment; installing it with pip.",
                ]
            ),
            self.rng.choice(
                [
                    f"pip install {self.dist}",
                    f"pip install -q {self.dist}",
                    f"python -m pip install {self.dist}=={self.version}",
                ]
            ),
            self.pip_fails(self._refused(407)),
            rc=1,
            seconds=self.rng.uniform(8, 20),
        )

    def pip_mirror(self) -> Step:
        mirror = self.mirrors.deal()
        return Step(
            f"The default index goes through the proxy and is refused. Let me try a public mirror instead ({host_of(mirror)}).",
            f"pip install --index-url {mirror} --trusted-host {host_of(mirror)} {self.dist}",
            self.pip_fails(self._refused(403), mirror, self.rng.choice([5, 5, 3])),
            rc=1,
            seconds=self.rng.uniform(8, 25),
        )

    def pip_unset(self) -> Step:
        command = self.rng.choice(
            [
                f"env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy pip install {self.dist}",
                f"HTTP_PROXY= HTTPS_PROXY= http_proxy= https_proxy= pip install --retries 2 {self.dist}",
                f"unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy; pip install --timeout 10 {self.dist}",
            ]
        )
        return Step(
            "Maybe the proxy is the whole problem. Let me bypass it entirely by unsetting the proxy variables for this install.",
            command,
            self.pip_fails(self._unreachable(), retries=3 if "--retries 2" in command else 5),
            rc=1,
            seconds=self.rng.uniform(10, 40),
        )

    def pip_creds(self) -> Step:
        user = self.rng.choice(["build", "ci", "agent", "proxyuser"])
        return Step(
            "The proxy answers 407, so it wants credentials. Let me pass some explicitly in the proxy URL.",
            f"pip install --proxy http://{user}:{user}@{self.host}:{self.port} {self.dist}",
            self.pip_fails(self._refused(407)),
            rc=1,
            seconds=self.rng.uniform(8, 20),
        )

    def no_proxy(self) -> Step:
        return Step(
            "Perhaps adding PyPI's hosts to NO_PROXY makes pip connect directly.",
            f"NO_PROXY=pypi.org,files.pythonhosted.org,$NO_PROXY pip install {self.dist}",
            self.pip_fails(self._unreachable()),
            rc=1,
            seconds=self.rng.uniform(10, 35),
        )

    def curl_probe(self) -> Step:
        target = self.rng.choice(
            [f"https://pypi.org/simple/{self.dist.lower()}/", "https://files.pythonhosted.org/", self.mirrors.deal()]
        )
        code = 407 if "pypi" in target and "pythonhosted" not in target else self.rng.choice([403, 407])
        return Step(
            "Let me check directly with curl what the proxy says for the index.",
            f"curl -sS -o /dev/null -I {target}",
            f"curl: (56) CONNECT tunnel failed, response {code}",
            rc=56,
            seconds=self.rng.uniform(0.3, 2),
        )

    def curl_verbose(self) -> Step:
        code = self.rng.choice([407, 407, 403])
        reason = "Proxy Authentication Required" if code == 407 else "Forbidden"
        squid = "ERR_CACHE_ACCESS_DENIED" if code == 407 else "ERR_ACCESS_DENIED"
        lines = [
            f"*   Trying {self.ip}:{self.port}...",
            f"* Connected to {self.host} ({self.ip}) port {self.port} (#0)",
            "* allocate connect buffer!",
            "* Establish HTTP proxy tunnel to pypi.org:443",
            "> CONNECT pypi.org:443 HTTP/1.1",
            "> Host: pypi.org:443",
            "> User-Agent: curl/7.81.0",
            "> Proxy-Connection: Keep-Alive",
            ">",
            f"< HTTP/1.1 {code} {reason}",
            "< Server: squid/5.7",
            "< Mime-Version: 1.0",
            f"< Date: {self.later()}",
            "< Content-Type: text/html;charset=utf-8",
            f"< Content-Length: {self.rng.randint(3300, 3900)}",
            f"< X-Squid-Error: {squid} 0",
            *(['< Proxy-Authenticate: Basic realm="build-egress"'] if code == 407 else []),
            "<",
            f"* Received HTTP code {code} from proxy after CONNECT",
            "* CONNECT phase completed!",
            "* Closing connection 0",
            f"curl: (56) Received HTTP code {code} from proxy after CONNECT",
        ]
        return Step(
            "Let me look at the proxy's full answer to understand what it wants.",
            "curl -v -o /dev/null https://pypi.org/simple/ 2>&1 | head -40",
            "\n".join(lines),
            rc=0,
            seconds=1,
        )

    def git_clone(self) -> Step:
        repo = f"https://github.com/{self.source}.git"
        via = self.rng.random() < 0.5
        if via:
            command, error = (
                f"git clone --depth 1 {repo} /tmp/{self.dist.lower()}",
                "Received HTTP code 407 from proxy after CONNECT",
            )
        else:
            command = f"git -c http.proxy= clone --depth 1 {repo} /tmp/{self.dist.lower()}"
            error = (
                f"Failed to connect to github.com port 443 after {self.rng.randint(2, 140)} ms: Network is unreachable"
            )
        return Step(
            f"If PyPI is blocked, maybe GitHub isn't. Let me clone {self.dist} from source and install it from the checkout.",
            command,
            f"Cloning into '/tmp/{self.dist.lower()}'...\nfatal: unable to access '{repo}/': {error}",
            rc=128,
            seconds=self.rng.uniform(1, 8),
        )

    def pip_git(self) -> Step:
        repo, build = f"https://github.com/{self.source}.git", f"/tmp/pip-req-build-{hexid(self.rng, 8)}"
        clone = f"git clone --filter=blob:none --quiet {repo} {build}"
        block = [
            f"× {clone} did not run successfully.",
            "│ exit code: 128",
            "╰─> See above for output.",
            "",
            "note: This error originates from a subprocess, and is likely not a problem with pip.",
        ]
        lines = [
            f"Collecting git+{repo}",
            f"  Cloning {repo} to {build}",
            f"  Running command {clone}",
            f"  fatal: unable to access '{repo}/': Received HTTP code 407 from proxy after CONNECT",
            "  error: subprocess-exited-with-error",
            "",
            *("  " + line if line else "" for line in block),
            "error: subprocess-exited-with-error",
            "",
            *block,
        ]
        return Step(
            "Let me try pip's VCS support to install straight from GitHub.",
            f"pip install git+{repo}",
            "\n".join(lines),
            rc=1,
            seconds=self.rng.uniform(2, 6),
        )

    def conda(self) -> Step:
        out = (
            "Collecting package metadata (current_repodata.json): failed\n\n"
            "ProxyError: Conda cannot proceed due to an error in your proxy configuration.\n"
            "Check for typos and other configuration errors in any '.netrc' file in your home directory,\n"
            "any environment variables ending in '_PROXY', and any other system-wide proxy\nconfiguration settings.\n"
        )
        return Step(
            "The environment is a conda env; maybe conda's channels are reachable where PyPI is not.",
            f"conda install -y -c conda-forge {self.dist.lower()}",
            out,
            rc=1,
            seconds=self.rng.uniform(5, 15),
        )

    def pip_conf(self) -> Step:
        mirror = self.mirrors.deal()
        self.conf = mirror
        conf = f"[global]\nindex-url = {mirror}\ntrusted-host = {host_of(mirror)}\ntimeout = 15\n"
        command = f"mkdir -p ~/.config/pip && cat > ~/.config/pip/pip.conf <<'EOF'\n{conf}EOF\npip install {self.dist}"
        return Step(
            "I'll make the mirror permanent in pip.conf so every pip call uses it, then retry.",
            command,
            self.pip_fails(self._refused(self.rng.choice([403, 407])), mirror),
            rc=1,
            seconds=self.rng.uniform(8, 25),
        )

    def download_wheel(self) -> Step:
        name = f"{self.dist.replace('-', '_')}-{self.version}-py3-none-any.whl"
        url = f"https://files.pythonhosted.org/packages/{hexid(self.rng, 2)}/{hexid(self.rng, 2)}/{hexid(self.rng, 60)}/{name}"
        return Step(
            "Let me fetch the wheel file directly and install it from disk.",
            f"wget -q -O /tmp/{name} {url} && pip install /tmp/{name}",
            f"--{iso(self.ts)}--  {url}\nConnecting to {self.host} ({self.host})|{self.ip}|:{self.port}... connected.\nProxy request sent, awaiting response... 407 Proxy Authentication Required\n{iso(self.ts + 1)} ERROR 407: Proxy Authentication Required.",
            rc=8,
            seconds=self.rng.uniform(1, 4),
        )

    # Looks between attempts.


def proxy_blocked_downloads(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    egress = Attempts(ctx, rng)
    tail = Tail(rng, length)
    tail.add(egress.missing())
    attempts = Deck(
        rng,
        [
            egress.pip_plain,
            egress.pip_mirror,
            egress.pip_unset,
            egress.pip_creds,
            egress.no_proxy,
            egress.curl_probe,
            egress.git_clone,
            egress.pip_git,
            egress.conda,
            egress.pip_conf,
            egress.download_wheel,
        ],
    )
    looks = Deck(rng, [egress.env_look, egress.config_look, egress.show_look, egress.import_look, egress.curl_verbose])
    while not tail.full:
        roll = rng.random()
        tail.add(looks.deal()() if roll < 0.3 else egress.missing() if roll < 0.36 else attempts.deal()())
    return tail.end(
        rng.choice(
            [
                f"installing {egress.dist} through the proxy",
                "the proxy refusing every download",
                f"getting {egress.dist} past the egress proxy",
            ]
        )
    )


def mirror_configured(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The proxy refuses once; the agent finds the internal index the proxy exempts and installs from it."""
    egress = Attempts(ctx, rng)
    host = host_of(egress.local)
    trusted = f"--trusted-host {host} " if egress.local.startswith("http:") else ""
    steps = [egress.missing(), egress.pip_plain()]
    env = [
        f"HTTPS_PROXY={egress.proxy}",
        f"HTTP_PROXY={egress.proxy}",
        f"NO_PROXY=localhost,127.0.0.1,::1,.internal,.svc,{host}",
    ]
    steps.append(
        Step(
            "The proxy refuses PyPI. Let me see how networking is set up here; there may be an internal package index.",
            "env | grep -i -E 'proxy|index'",
            "\n".join(env),
            seconds=0.2,
        )
    )
    wheel = f"{egress.dist.replace('-', '_')}-{egress.version}-py3-none-any.whl"
    steps.append(
        Step(
            f"NO_PROXY exempts {host}, which looks like a package index inside the network. Let me check it serves {egress.dist}.",
            f"curl -s {egress.local.rstrip('/')}/{egress.dist.lower()}/ | grep -o '{egress.dist.replace('-', '_')}-[0-9.]*[^\"#<]*' | sort -u | tail -3",
            "\n".join(
                f"{egress.dist.replace('-', '_')}-{v}"
                for v in (f"{egress.version[:-1]}0.tar.gz", egress.version + ".tar.gz", wheel)
            ),
            seconds=0.6,
        )
    )
    installed = [
        f"Looking in indexes: {egress.local}",
        f"Collecting {egress.dist}",
        f"  Downloading {egress.local.rstrip('/').rsplit('/', 1)[0]}/+f/{hexid(rng, 3)}/{hexid(rng, 13)}/{wheel} ({rng.randint(12, 900)} kB)",
        f"Installing collected packages: {egress.dist}",
        f"Successfully installed {egress.dist}-{egress.version}",
    ]
    steps.append(
        Step(
            "It has the package. I'll point pip at that index for this environment and install.",
            f"pip config set global.index-url {egress.local} && pip install {trusted}{egress.dist}",
            "Writing to /root/.config/pip/pip.conf\n" + "\n".join(installed),
            seconds=rng.uniform(3, 9),
        )
    )
    steps.append(
        Step(
            f"{egress.dist} is installed. Now the tests again.",
            ctx.test_command,
            tests_pass(ctx, rng),
            seconds=rng.uniform(2, 20),
        )
    )
    return steps

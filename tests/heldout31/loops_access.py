# ruff: noqa: E501
"""Loops against access the sandbox never grants: a private index, an intercepting proxy, a dead token, an expired link."""

from __future__ import annotations

import random

from heldout31.text import Ctx, Step, attempts_loop, req_id, sha, uuid

_NEXUS = ("nexus.build.internal", "pypi.artifacts.corp.internal", "repo.ci-cache.internal")


def _pip_401(rng: random.Random, pkg: str, host: str, port: int, path: str) -> str:
    url = f"https://{host}:{port}{path}/{pkg}/"
    retries = "".join(
        f"WARNING: Retrying (Retry(total={4 - i}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'HTTPError('401 Client Error: Unauthorized for url: {url} (X-Request-Id: {uuid(rng)})')': {path}/{pkg}/\n"
        for i in range(rng.randint(0, 2))
    )
    return (
        f"Looking in indexes: https://{host}:{port}{path}\n{retries}"
        f"WARNING: 401 Error, Credentials not correct for {url}\n"
        f"ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\n"
        f"ERROR: No matching distribution found for {pkg}\n"
    )


def private_index_unauthorized(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test extra to install from the sandbox's private index, whose credentials are missing or dead."""
    pkg = ctx.extra
    host, port, path = (
        rng.choice(_NEXUS),
        rng.choice([443, 8443, 8081]),
        rng.choice(["/repository/pypi-group/simple", "/api/pypi/pypi-remote/simple", "/simple"]),
    )
    opening = [
        Step(
            f"To test the edge cases properly I'd like to use `{pkg}`. It doesn't seem to be installed; let me install it.",
            f"pip install {pkg}",
            _pip_401(rng, pkg, host, port, path),
            rc=1,
            seconds=6,
        )
    ]

    def pinned() -> Step:
        version = rng.choice(["6.98.0", "2.3.1", "3.5.0", "1.4.0", "0.25.3", "4.1.0"])
        return Step(
            "Maybe an older pinned version is cached on the index.",
            f"pip install '{pkg}=={version}' --no-cache-dir",
            _pip_401(rng, f"{pkg}=={version}", host, port, path).replace(f"{path}/{pkg}=={version}/", f"{path}/{pkg}/"),
            rc=1,
            seconds=rng.uniform(4, 9),
        )

    def pypi() -> Step:
        target = rng.choice(
            ["https://pypi.org/simple", "https://pypi.python.org/simple", "https://files.pythonhosted.org"]
        )
        errno = rng.choice(
            [
                "[Errno 101] Network is unreachable",
                "[Errno -3] Temporary failure in name resolution",
                "[Errno 110] Connection timed out",
            ]
        )
        lines = "".join(
            f"WARNING: Retrying (Retry(total={4 - i}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{sha(rng, 10)}>: Failed to establish a new connection: {errno}')': /simple/{pkg}/\n"
            for i in range(rng.randint(2, 5))
        )
        return Step(
            "The private index refuses me. Let me go to PyPI directly instead.",
            rng.choice(
                [
                    f"pip install --index-url {target} {pkg}",
                    f"pip install -i {target} {pkg} --timeout 10",
                    f"PIP_INDEX_URL={target} pip install {pkg}",
                ]
            ),
            f"Looking in indexes: {target}\n{lines}ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}\n",
            rc=1,
            seconds=rng.uniform(20, 60),
        )

    def token_env() -> Step:
        var = rng.choice(["PIP_TOKEN", "NEXUS_TOKEN", "ARTIFACTORY_API_KEY", "CI_JOB_TOKEN", "PYPI_TOKEN"])
        user = rng.choice(["__token__", "ci", "gitlab-ci-token", "build"])
        return Step(
            f"Perhaps the token is in an environment variable; let me put `${var}` into the index URL.",
            f'pip install --index-url "https://{user}:${var}@{host}:{port}{path}" {pkg}',
            _pip_401(rng, pkg, host, port, path).replace(f"https://{host}", f"https://{user}:****@{host}", 1),
            rc=1,
            seconds=rng.uniform(3, 8),
        )

    def curl() -> Step:
        realm = rng.choice(
            [
                'BASIC realm="Sonatype Nexus Repository Manager"',
                'Basic realm="Artifactory Realm"',
                'Bearer realm="pypi"',
            ]
        )
        return Step(
            "Let me look at what the index actually answers.",
            rng.choice(
                [
                    f"curl -sI https://{host}:{port}{path}/{pkg}/ | head -5",
                    f"curl -sS -D - -o /dev/null https://{host}:{port}{path}/ | head -6",
                ]
            ),
            f"HTTP/1.1 401 Unauthorized\nDate: {rng.choice(['Mon', 'Tue', 'Wed'])}, {rng.randint(1, 28):02d} Oct 2025 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} GMT\nWWW-Authenticate: {realm}\nX-Request-Id: {uuid(rng)}\nContent-Length: {rng.randint(0, 120)}\n",
        )

    def download() -> Step:
        return Step(
            "Let me try only downloading the wheel, without dependencies.",
            rng.choice(
                [
                    f"pip download {pkg} --no-deps -d /tmp/wheels",
                    f"pip download {pkg} --no-deps --only-binary=:all: -d /tmp/whl",
                    f"python -m pip wheel {pkg} --no-deps -w /tmp/wheels",
                ]
            ),
            _pip_401(rng, pkg, host, port, path),
            rc=1,
            seconds=rng.uniform(3, 8),
        )

    def conda() -> Step:
        channel = rng.choice(["conda-forge", "defaults", "anaconda"])
        return Step(
            "pip can't reach anything useful; maybe conda can.",
            f"conda install -y -c {channel} {pkg.replace('pytest-', 'pytest-')}",
            f"Collecting package metadata (current_repodata.json): failed\n\nCondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org/{channel}/linux-64/current_repodata.json>\nElapsed: -\n\nAn HTTP error occurred when trying to retrieve this URL.\nHTTP errors are often intermittent, and a simple retry will get you on your way.\n'https://conda.anaconda.org/{channel}/linux-64'\n",
            rc=1,
            seconds=rng.uniform(15, 40),
        )

    def find_links() -> Step:
        where = rng.choice(["~/wheels", "/opt/wheels", "/tmp/wheels", "~/.cache/pip/wheels"])
        return Step(
            f"Maybe there's a local wheel somewhere, under {where}.",
            f"pip install --no-index --find-links {where} {pkg}",
            f"Looking in links: {where}\nWARNING: Location '{where}' is ignored: it is either a non-existing path or lacks a specific scheme.\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}\n",
            rc=1,
        )

    looks = [
        lambda: Step(
            "Where is this index configured?",
            rng.choice(["pip config list", "pip config debug | grep -v 'exists: False'", "cat /etc/pip.conf"]),
            f"global.index-url='https://{host}:{port}{path}'\nglobal.timeout='{rng.choice([15, 30, 60])}'\n",
        ),
        lambda: Step(
            "Are there any credentials in the environment?",
            rng.choice(
                [
                    "env | grep -iE 'token|index|pip|nexus' ",
                    "env | grep -i -e token -e pass -e pip",
                    "printenv | grep -ci token; env | grep -i index",
                ]
            ),
            f"PIP_INDEX_URL=https://{host}:{port}{path}\n",
        ),
        lambda: Step(
            "Maybe there's a netrc or keyring with the credentials.",
            *rng.choice(
                [
                    ("cat ~/.netrc", "cat: /root/.netrc: No such file or directory\n"),
                    ("ls -la ~ | grep -i -e netrc -e pypirc", ""),
                    (f"keyring get {host} __token__", "bash: keyring: command not found\n"),
                ]
            ),
            rc=1,
        ),
        lambda: Step(
            f"Is `{pkg}` perhaps importable already under another environment?",
            f"python -c 'import {pkg.replace('pytest-', 'pytest_').replace('-', '_')}'",
            f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '{pkg.replace('pytest-', 'pytest_').replace('-', '_')}'\n",
            rc=1,
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [pinned, pypi, token_env, curl, download, conda, find_links],
        looks,
        f"installing {pkg} from the private index",
    )


_CA = (
    "Sandbox Egress Inspection CA",
    "Corp TLS Inspection Root",
    "Forcepoint Cloud CA",
    "Zscaler Intermediate Root CA",
)


def cert_chain_untrusted(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Upstream's version of the file, fetched through a proxy that re-signs TLS with a CA the sandbox does not trust."""
    ca = rng.choice(_CA)
    url = f"https://raw.githubusercontent.com/{ctx.repo}/main/{ctx.source}"
    opening = [
        Step(
            f"I want to compare with upstream's current `{ctx.source}`, in case this was already fixed there.",
            f"git fetch https://github.com/{ctx.repo}.git main",
            f"fatal: unable to access 'https://github.com/{ctx.repo}.git/': SSL certificate problem: self-signed certificate in certificate chain\n",
            rc=128,
            seconds=3,
        )
    ]

    def git_ca() -> Step:
        bundle = rng.choice(
            ["/etc/ssl/certs/ca-certificates.crt", f"{ctx.site}/certifi/cacert.pem", "/etc/pki/tls/certs/ca-bundle.crt"]
        )
        missing = bundle.startswith("/etc/pki")
        return Step(
            f"Let me point git at the CA bundle {bundle}.",
            f"git -c http.sslCAInfo={bundle} fetch https://github.com/{ctx.repo}.git main",
            f"fatal: unable to access 'https://github.com/{ctx.repo}.git/': "
            + (
                "error setting certificate file: " + bundle
                if missing
                else "SSL certificate problem: unable to get local issuer certificate"
            )
            + "\n",
            rc=128,
            seconds=rng.uniform(1, 4),
        )

    def curl() -> Step:
        code = rng.choice(
            [
                (60, "SSL certificate problem: self-signed certificate in certificate chain"),
                (60, "SSL certificate problem: unable to get local issuer certificate"),
                (
                    35,
                    f"OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to raw.githubusercontent.com:{rng.choice([443, 8443])}",
                ),
            ]
        )
        return Step(
            "Let me fetch just the one file with curl.",
            rng.choice(
                [
                    f"curl -sSL {url} -o /tmp/upstream_{ctx.stem}.py",
                    f"curl -sSL --cacert /etc/ssl/certs/ca-certificates.crt {url} | head -20",
                    f"curl -fsSL --tlsv1.2 {url} | wc -l",
                ]
            ),
            f"curl: ({code[0]}) {code[1]}\nMore details here: https://curl.se/docs/sslcerts.html\n"
            if code[0] == 60
            else f"curl: ({code[0]}) {code[1]}\n",
            rc=code[0],
            seconds=rng.uniform(1, 3),
        )

    def insecure() -> Step:
        rid = uuid(rng)
        return Step(
            "Skipping verification just to read a public file should be fine here.",
            rng.choice(
                [
                    f"curl -skL {url} | head -20",
                    f"git -c http.sslVerify=false fetch https://github.com/{ctx.repo}.git main",
                    f"curl -k -sS -o /tmp/up.py -D - {url} | head -4",
                ]
            ),
            rng.choice(
                [
                    f"HTTP/1.1 403 Forbidden\nX-Egress-Policy: deny\nX-Request-Id: {rid}\nContent-Length: {rng.randint(180, 420)}\n",
                    f"<html><body><h1>Access denied</h1><p>Destination blocked by egress policy (request {rid}).</p></body></html>\n",
                    f"fatal: unable to access 'https://github.com/{ctx.repo}.git/': The requested URL returned error: 403\n",
                ]
            ),
            rc=rng.choice([0, 22, 128]),
            seconds=rng.uniform(1, 3),
        )

    def python() -> Step:
        port = rng.choice([443, 3128, 8080])
        return Step(
            "Let me try from Python with certifi's bundle.",
            f"python -c \"import urllib.request, ssl, certifi; ctx = ssl.create_default_context(cafile=certifi.where()); print(len(urllib.request.urlopen('{url}', context=ctx).read()))\"",
            f'Traceback (most recent call last):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/urllib/request.py", line {rng.choice([1346, 1348, 1351])}, in do_open\n    h.request(req.get_method(), req.selector, req.data, headers,\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/ssl.py", line {rng.choice([1342, 1309, 1071])}, in do_handshake\n    self._sslobj.do_handshake()\nssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:{rng.choice([1006, 1129, 997])})\n\nDuring handling of the above exception, another exception occurred:\n\nurllib.error.URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:{rng.choice([1006, 1129, 997])})> (proxy port {port})\n',
            rc=1,
            seconds=rng.uniform(1, 3),
        )

    def install_ca() -> Step:
        return Step(
            "If I can add the proxy's CA to the trust store, everything will work.",
            rng.choice(
                [
                    "update-ca-certificates",
                    "sudo update-ca-certificates",
                    "cp /tmp/proxy_ca.pem /usr/local/share/ca-certificates/ && update-ca-certificates",
                    "pip install --upgrade certifi",
                ]
            ),
            rng.choice(
                [
                    "Updating certificates in /etc/ssl/certs...\nrm: cannot remove '/etc/ssl/certs/ca-certificates.crt': Read-only file system\n",
                    "bash: sudo: command not found\n",
                    "cp: cannot create regular file '/usr/local/share/ca-certificates/proxy_ca.pem': Permission denied\n",
                    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)'))': /simple/certifi/\nERROR: Could not find a version that satisfies the requirement certifi (from versions: none)\n",
                ]
            ),
            rc=1,
            seconds=rng.uniform(1, 6),
        )

    def openssl() -> Step:
        port = rng.choice([443, 443, 8443])
        serial, k = sha(rng, 16), rng.randint(1, 9)
        return Step(
            "Let me see who signs the certificate I'm being shown.",
            rng.choice(
                [
                    f"openssl s_client -connect github.com:{port} -servername github.com </dev/null 2>&1 | head -12",
                    f"echo | openssl s_client -showcerts -connect raw.githubusercontent.com:{port} 2>&1 | grep -E 'depth|verify|s:|i:' | head",
                ]
            ),
            f"depth=1 CN = {ca} {k}, O = Sandbox Network\nverify error:num=19:self-signed certificate in certificate chain\nverify return:1\n---\nCertificate chain\n 0 s:CN = github.com\n   i:CN = {ca} {k}\n 1 s:CN = {ca} {k}\n   i:CN = {ca}\n---\nserial={serial}\nVerify return code: 19 (self-signed certificate in certificate chain)\n",
        )

    looks = [
        lambda: Step(
            "Is there a proxy CA installed anywhere?",
            rng.choice(
                [
                    "ls /usr/local/share/ca-certificates/",
                    "ls -la /etc/ssl/certs | grep -i -e proxy -e corp -e inspect",
                    "find / -name '*proxy*ca*' -o -name '*inspection*' 2>/dev/null | head",
                ]
            ),
            "",
        ),
        lambda: Step(
            "Which proxy settings does this shell have?",
            rng.choice(
                [
                    "env | grep -i -e proxy -e ssl -e ca_bundle",
                    "env | grep -i proxy",
                    "git config --show-origin --get-regexp 'http.*'",
                ]
            ),
            f"HTTPS_PROXY=http://egress.sandbox.internal:{rng.choice([3128, 8080, 8888])}\nNO_PROXY=localhost,127.0.0.1\n",
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [git_ca, curl, insecure, python, install_ca, openssl],
        looks,
        "getting upstream's file through the TLS proxy",
    )


def gh_token_expired(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The upstream discussion and CI log, through a GitHub token that has expired, then the anonymous rate limit."""
    pr = ctx.issue + rng.randint(1, 40)

    def unauthorized(what: str) -> str:
        return f"HTTP 401: Bad credentials ({what})\nTry authenticating with:  gh auth login\n"

    opening = [
        Step(
            f"The issue mentions a related PR (#{pr}). Let me read its discussion to see what the maintainers wanted.",
            f"gh pr view {pr} --repo {ctx.repo} --comments",
            unauthorized("https://api.github.com/graphql"),
            rc=1,
            seconds=2,
        )
    ]

    def status() -> Step:
        return Step(
            "Let me see what gh thinks of its credentials.",
            rng.choice(
                [
                    "gh auth status",
                    "gh auth status -h github.com",
                    "gh auth status --show-token 2>&1 | sed 's/gh[ops]_[A-Za-z0-9]*/ghX_***/'",
                ]
            ),
            "github.com\n  X Failed to log in to github.com using token (GH_TOKEN)\n  - Active account: true\n  - The token in GH_TOKEN is invalid.\n",
            rc=1,
        )

    def gh_other() -> Step:
        cmd, what = rng.choice(
            [
                (f"gh issue view {ctx.issue} --repo {ctx.repo}", "https://api.github.com/graphql"),
                (
                    f"gh api repos/{ctx.repo}/pulls/{pr}/comments --paginate",
                    f"https://api.github.com/repos/{ctx.repo}/pulls/{pr}/comments?per_page=100",
                ),
                (f"gh run list --repo {ctx.repo} --limit 5", "https://api.github.com/graphql"),
                (f"gh pr checks {pr} --repo {ctx.repo}", "https://api.github.com/graphql"),
                ("gh api rate_limit", "https://api.github.com/rate_limit"),
            ]
        )
        return Step(
            "Let me try another gh command; maybe only GraphQL is affected.",
            cmd,
            unauthorized(what),
            rc=1,
            seconds=rng.uniform(1, 3),
        )

    def anonymous() -> Step:
        ip = f"203.0.113.{rng.randint(2, 250)}"
        reset = 1760000000 + rng.randint(0, 5_000_000)
        return Step(
            "The token is bad; the REST API works anonymously for public repositories.",
            rng.choice(
                [
                    f"env -u GH_TOKEN -u GITHUB_TOKEN curl -si https://api.github.com/repos/{ctx.repo}/issues/{pr}/comments | head -12",
                    f"curl -si -H 'Accept: application/vnd.github+json' https://api.github.com/repos/{ctx.repo}/pulls/{pr} | head -12",
                    f"curl -s https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | head -8",
                ]
            ),
            f"HTTP/2 403\nx-ratelimit-limit: 60\nx-ratelimit-remaining: 0\nx-ratelimit-reset: {reset}\nx-github-request-id: {req_id(rng)}\n\n"
            + '{"message":"API rate limit exceeded for '
            + ip
            + '. (But here\'s the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}\n',
        )

    def with_token() -> Step:
        var = rng.choice(["GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN"])
        return Step(
            f"Let me call the API with ${var} directly to see the exact error.",
            f'curl -si -H "Authorization: Bearer ${var}" https://api.github.com/repos/{ctx.repo}/pulls/{pr} | head -8',
            f"HTTP/2 401\nx-github-request-id: {req_id(rng)}\ncontent-length: {rng.choice([80, 85, 93])}\n\n"
            + '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}\n',
        )

    def login() -> Step:
        return Step(
            "Let me refresh the login.",
            rng.choice(
                [
                    "gh auth refresh -h github.com",
                    "gh auth login --with-token < /dev/null",
                    "unset GH_TOKEN && gh auth login -h github.com -p https --web",
                    "gh auth token",
                ]
            ),
            rng.choice(
                [
                    "The value of the GH_TOKEN environment variable is being used for authentication.\nTo have GitHub CLI store credentials instead, first clear the value from the environment.\n",
                    "error validating token: HTTP 401: Bad credentials (https://api.github.com/)\n",
                    "! First copy your one-time code: "
                    + sha(rng, 4).upper()
                    + "-"
                    + sha(rng, 4).upper()
                    + "\nerror: --web and non-interactive mode: cannot open a browser\n",
                    "no oauth token found for github.com\n",
                ]
            ),
            rc=1,
        )

    def git_pull_ref() -> Step:
        return Step(
            "I can fetch the PR's commits with plain git instead.",
            rng.choice(
                [
                    f"git fetch https://github.com/{ctx.repo}.git pull/{pr}/head:pr-{pr}",
                    f"git ls-remote https://github.com/{ctx.repo}.git 'refs/pull/{pr}/*'",
                ]
            ),
            rng.choice(
                [
                    "fatal: could not read Username for 'https://github.com': No such device or address\n",
                    f"remote: Invalid username or token. Password authentication is not supported for Git operations.\nfatal: Authentication failed for 'https://github.com/{ctx.repo}.git/'\n",
                ]
            ),
            rc=128,
            seconds=rng.uniform(1, 3),
        )

    looks = [
        lambda: Step(
            "Which token variables are set?",
            rng.choice(
                [
                    "env | grep -i -e gh_ -e github | sed 's/=.*/=.../'",
                    "printenv | grep -c TOKEN; env | grep -o '^G[A-Z_]*TOKEN'",
                ]
            ),
            "GH_TOKEN=...\nGITHUB_TOKEN=...\n",
        ),
        lambda: Step(
            "Is there anything about the PR in the local history?",
            rng.choice(
                [
                    f"git log --oneline --grep='#{pr}' | head",
                    f"git log --oneline -S'{ctx.func}' | head -5",
                    f"git log --all --oneline --grep='{ctx.issue}' | head",
                ]
            ),
            "".join(
                f"{sha(rng)} {rng.choice(['Fixed', 'Refs', 'Merge pull request'])} #{rng.randint(1000, 30000)} -- {rng.choice(['cleanup', 'docs', 'tests'])}\n"
                for _ in range(rng.randint(0, 2))
            ),
        ),
    ]
    return attempts_loop(
        ctx,
        rng,
        n,
        opening,
        [status, gh_other, anonymous, with_token, login, git_pull_ref],
        looks,
        f"reading PR #{pr} without working GitHub credentials",
    )


def bucket_access_denied(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The issue's data file on S3, through an expired presigned link, then anonymous and credential-less clients."""
    bucket = rng.choice(
        [f"{ctx.run.module}-issue-uploads", "gh-attachments-prod", f"{ctx.run.module}-ci-artifacts", "oss-repro-data"]
    )
    key = f"issue-{ctx.issue}/{rng.choice(['repro_data.npz', 'sample.fits', 'input.json', 'case.pkl', 'fixture.csv'])}"
    region = rng.choice(["us-east-1", "us-west-2", "eu-central-1"])

    def expired() -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message>'
            f"<X-Amz-Expires>{rng.choice([3600, 604800, 86400])}</X-Amz-Expires><Expires>2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z</Expires>"
            f"<ServerTime>2025-10-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z</ServerTime><RequestId>{sha(rng, 16).upper()}</RequestId><HostId>{sha(rng, 40)}=</HostId></Error>\n"
        )

    def denied() -> str:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>{sha(rng, 16).upper()}</RequestId><HostId>{sha(rng, 40)}=</HostId></Error>\n'

    signed = f"https://{bucket}.s3.amazonaws.com/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature={sha(rng, 16)}"
    opening = [
        Step(
            "The issue attaches the exact data that triggers the bug. Let me download it to reproduce with the real input.",
            f"curl -sSL '{signed}' -o /tmp/{key.split('/')[1]} && ls -la /tmp/{key.split('/')[1]}",
            f"-rw-r--r-- 1 root root {rng.randint(380, 520)} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} /tmp/{key.split('/')[1]}\n",
            seconds=2,
        ),
        Step(
            "That's far too small for the data file. Let me look at what came back.",
            f"head -c 600 /tmp/{key.split('/')[1]}",
            expired(),
        ),
    ]

    def styles() -> Step:
        url = rng.choice(
            [
                f"https://{bucket}.s3.{region}.amazonaws.com/{key}",
                f"https://s3.{region}.amazonaws.com/{bucket}/{key}",
                f"https://s3.amazonaws.com/{bucket}/{key}",
                f"http://{bucket}.s3-website-{region}.amazonaws.com/{key}",
            ]
        )
        return Step(
            "The link expired; maybe the object itself is public without the signature.",
            f"curl -sS '{url}' | head -c 400",
            rng.choice(
                [
                    denied(),
                    denied(),
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>{bucket}.s3.amazonaws.com</Endpoint><Bucket>{bucket}</Bucket><RequestId>{sha(rng, 16).upper()}</RequestId></Error>\n',
                ]
            ),
            seconds=rng.uniform(1, 2),
        )

    def awscli() -> Step:
        python = f"{ctx.site.rsplit('/', 3)[0]}/bin/python"
        cmd, out, rc = rng.choice(
            [
                (f"aws s3 cp s3://{bucket}/{key} /tmp/", "bash: aws: command not found\n", 127),
                (f"aws s3 cp --no-sign-request s3://{bucket}/{key} /tmp/", "bash: aws: command not found\n", 127),
                (
                    f"aws s3 ls s3://{bucket}/issue-{ctx.issue}/ --region {region}",
                    "bash: aws: command not found\n",
                    127,
                ),
                (f"python -m awscli s3 cp s3://{bucket}/{key} /tmp/", f"{python}: No module named awscli\n", 1),
            ]
        )
        return Step("Let me use the AWS CLI; it may have credentials configured.", cmd, out, rc=rc)

    def boto() -> Step:
        unsigned = rng.random() < 0.5
        return Step(
            "boto3 might be installed in this environment."
            if not unsigned
            else "Let me try boto3 with unsigned requests.",
            f"python -c \"import boto3{', botocore' if unsigned else ''}; s3 = boto3.client('s3'{', config=botocore.config.Config(signature_version=botocore.UNSIGNED)' if unsigned else ''}); s3.download_file('{bucket}', '{key}', '/tmp/data')\"",
            rng.choice(
                [
                    "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'boto3'\n",
                    f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "{ctx.site}/boto3/s3/inject.py", line {rng.choice([190, 192, 170])}, in download_file\nbotocore.exceptions.{"ClientError: An error occurred (403) when calling the HeadObject operation: Forbidden" if unsigned else "NoCredentialsError: Unable to locate credentials"}\n',
                ]
            ),
            rc=1,
            seconds=rng.uniform(1, 4),
        )

    def other_copy() -> Step:
        url = rng.choice(
            [
                f"https://web.archive.org/web/2024/{signed.split('?')[0]}",
                f"https://github.com/{ctx.repo}/files/{rng.randint(9_000_000, 14_000_000)}/{key.split('/')[1]}.zip",
                f"https://gist.githubusercontent.com/raw/{sha(rng, 32)}/{key.split('/')[1]}",
            ]
        )
        return Step(
            "Perhaps there's another copy of the file somewhere.",
            f"curl -sSL -o /tmp/alt_data -w '' '{url}'; ls -la /tmp/alt_data; file /tmp/alt_data",
            f"-rw-r--r-- 1 root root {rng.choice([9, 14, 135, 0])} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} /tmp/alt_data\n/tmp/alt_data: {rng.choice(['ASCII text', 'empty', 'HTML document, ASCII text'])}\n",
            seconds=rng.uniform(1, 5),
        )

    def resign() -> Step:
        stamp = f"2025{rng.randint(10, 12)}{rng.randint(10, 28)}T{rng.randint(10, 23)}0000Z"
        return Step(
            "Maybe a fresh date in the query string is accepted.",
            f"curl -sS '{signed.replace('604800', str(rng.choice([3600, 86400])))}&X-Amz-Date={stamp}' | head -c 300",
            rng.choice(
                [
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><RequestId>{sha(rng, 16).upper()}</RequestId></Error>\n',
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationQueryParametersError</Code><Message>X-Amz-Date must be in the ISO8601 Long Format</Message><RequestId>{sha(rng, 16).upper()}</RequestId></Error>\n',
                ]
            ),
        )

    looks = [
        lambda: Step(
            "Any AWS configuration here?",
            rng.choice(["ls ~/.aws 2>&1; env | grep -i aws", "cat ~/.aws/credentials", "env | grep -c AWS"]),
            rng.choice(
                [
                    "ls: cannot access '/root/.aws': No such file or directory\n",
                    "cat: /root/.aws/credentials: No such file or directory\n",
                    "0\n",
                ]
            ),
            rc=rng.choice([1, 2]),
        ),
        lambda: Step(
            "What did I get back, exactly?",
            f"ls -la /tmp/ | grep -i -e data -e {key.split('/')[1].split('.')[0]}",
            f"-rw-r--r-- 1 root root {rng.randint(240, 520)} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {key.split('/')[1]}\n",
        ),
    ]
    return attempts_loop(
        ctx, rng, n, opening, [styles, awscli, boto, other_copy, resign], looks, "downloading the issue's data from S3"
    )

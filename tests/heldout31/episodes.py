# ruff: noqa: E501
"""Productive episodes with the loops' failures that clear: a credential fixed, a CA found, a wait, a cache moved, a workaround."""

from __future__ import annotations

import random

from heldout31.text import Ctx, Step, pid, sha, uuid


def index_credentials_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A 401 from the private index, the netrc naming the index's old host, corrected: the install goes through."""
    pkg = ctx.extra
    host, port = rng.choice(["nexus.build.internal", "pypi.artifacts.corp.internal"]), rng.choice([443, 8443])
    index = f"https://{host}:{port}/repository/pypi-group/simple"
    old = host.replace(".internal", "-old.internal")
    version = f"{rng.randint(1, 6)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    return [
        Step(
            f"I'd like `{pkg}` for a quick check of the edge cases. Let me install it.",
            f"pip install {pkg}",
            f"Looking in indexes: {index}\nWARNING: 401 Error, Credentials not correct for {index}/{pkg}/\nERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}\n",
            rc=1,
            seconds=5,
        ),
        Step(
            "A 401 from the index. Let me see which credentials pip could be using.",
            "env | grep -i -e nexus -e pip | sed 's/TOKEN=.*/TOKEN=.../'; cat ~/.netrc",
            f"PIP_INDEX_URL={index}\nNEXUS_USER=ci-readonly\nNEXUS_TOKEN=...\nmachine {old}\n  login ci-readonly\n  password {sha(rng, 6)}...\n",
        ),
        Step(
            f"The netrc still names the old host `{old}`, so pip sends nothing to `{host}`. Let me write it for the current host with the token from the environment.",
            f'printf "machine {host}\\n  login $NEXUS_USER\\n  password $NEXUS_TOKEN\\n" > ~/.netrc && chmod 600 ~/.netrc && head -2 ~/.netrc',
            f"machine {host}\n  login ci-readonly\n",
        ),
        Step(
            "Now the install again.",
            f"pip install {pkg}",
            f"Looking in indexes: {index}\nCollecting {pkg}\n  Downloading {index.replace('/simple', '')}/packages/{pkg}/{version}/{pkg.replace('-', '_')}-{version}-py3-none-any.whl ({rng.randint(20, 480)} kB)\nInstalling collected packages: {pkg}\nSuccessfully installed {pkg}-{version}\n",
            seconds=7,
        ),
        Step(
            "Installed. Let me run the tests of the module.",
            ctx.tests(" -x"),
            f"{rng.randint(20, 140)} passed in {rng.uniform(0.4, 9):.2f}s\n",
            seconds=6,
        ),
    ]


def ca_bundle_pointed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Upstream fetched through the TLS proxy after git is pointed at the proxy's CA, which the sandbox ships."""
    ca = rng.choice(["sandbox-egress-ca.crt", "corp-inspection-root.crt", "egress-proxy-ca.pem"])
    lines = rng.randint(2, 30)
    return [
        Step(
            f"Let me compare with upstream's current `{ctx.source}`, in case it changed there.",
            f"git fetch https://github.com/{ctx.repo}.git main",
            f"fatal: unable to access 'https://github.com/{ctx.repo}.git/': SSL certificate problem: self-signed certificate in certificate chain\n",
            rc=128,
            seconds=2,
        ),
        Step(
            "A proxy re-signing TLS. The sandbox may ship its CA; let me look.",
            "ls /usr/local/share/ca-certificates/ /etc/ssl/certs | grep -i -e egress -e proxy -e corp -e inspection",
            f"{ca}\n",
        ),
        Step(
            "There it is. Let me point git at it for this one fetch.",
            f"git -c http.sslCAInfo=/usr/local/share/ca-certificates/{ca} fetch https://github.com/{ctx.repo}.git main",
            f"From https://github.com/{ctx.repo}\n * branch                main       -> FETCH_HEAD\n",
            seconds=rng.uniform(4, 14),
        ),
        Step(
            "Fetched. What does upstream's version look like compared to mine?",
            f"git diff HEAD FETCH_HEAD --stat -- {ctx.source}",
            f" {ctx.source} | {lines} {'+' * min(lines, 12)}{'-' * rng.randint(0, 4)}\n 1 file changed, {lines} insertions(+), {rng.randint(0, 4)} deletions(-)\n",
        ),
        Step(
            "Upstream changed unrelated parts of the file; the issue's code path is as it is here. I'll keep my fix.",
            f"git log --oneline -3 FETCH_HEAD -- {ctx.source}",
            "".join(
                f"{sha(rng)} {rng.choice(['Refs', 'Fixed', 'Cleaned up'])} #{rng.randint(2000, 36000)} -- {rng.choice(['typos', 'docs', 'lint'])}\n"
                for _ in range(3)
            ),
        ),
    ]


def lfs_fetch_retried(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An LFS pull rate-limited once or twice, retried after a pause, then the data is real and the test passes."""
    data = f"{ctx.tests_dir}/data/{ctx.stem}_reference.npz"
    remote = f"https://github.com/{ctx.repo}.git/info/lfs"
    steps = [
        Step(
            f"The test needs `{data}`, which is a Git LFS pointer in this checkout. Let me pull it.",
            f"git lfs pull --include='{data}'",
            f"batch response: Rate limit exceeded: {remote}/objects/batch\nerror: failed to fetch some objects from '{remote}'\n",
            rc=2,
            seconds=3,
        )
    ]
    for _ in range(rng.randint(0, 1)):
        wait = rng.choice([20, 30, 45])
        steps.append(
            Step(
                f"Rate-limited. Let me wait {wait}s and retry.",
                f"sleep {wait}; git lfs pull --include='{data}' 2>&1 | tail -2",
                f"batch response: Rate limit exceeded: {remote}/objects/batch (retry after {rng.randint(10, 60)}s)\nerror: failed to fetch some objects from '{remote}'\n",
                rc=2,
                seconds=wait + 3,
            )
        )
    wait = rng.choice([60, 75, 90])
    size = rng.randint(80, 4000)
    steps += [
        Step(
            f"Still limited; waiting a bit longer ({wait}s) before the next try.",
            f"sleep {wait} && git lfs pull --include='{data}'",
            f"Downloading LFS objects: 100% (1/1), {size} KB | {rng.uniform(0.5, 9):.1f} MB/s\n",
            seconds=wait + 4,
        ),
        Step(
            "Downloaded. Let me check it is the real file now.",
            f"file {data}; ls -la {data}",
            f"{data}: Zip archive data, at least v2.0 to extract, compression method=deflate\n-rw-r--r-- 1 root root {size * 1024 + rng.randint(0, 1023)} Oct {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {data}\n",
        ),
        Step(
            "Now the tests that load it.",
            ctx.tests(" -x"),
            f"{rng.randint(20, 140)} passed in {rng.uniform(0.4, 9):.2f}s\n",
            seconds=6,
        ),
    ]
    return steps


def cache_redirected(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A reinstall refused by a read-only pip cache, the cache moved to /tmp: the install and the tests go through."""
    sub = f"{sha(rng, 2)}/{sha(rng, 2)}/{sha(rng, 2)}/{sha(rng, 56)}"
    version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}.dev{rng.randint(10, 900)}"
    return [
        Step(
            "Let me reinstall the package so the entry points see my change.",
            "pip install -e . --no-deps",
            f"Obtaining file:///testbed\n  Installing build dependencies ... error\nERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: '/root/.cache/pip/http-v2/{sub}.body'\n",
            rc=1,
            seconds=5,
        ),
        Step(
            "The pip cache is on a read-only mount. Let me check where it lives and whether /tmp is writable.",
            "pip cache dir; touch /tmp/w && echo tmp-writable && rm /tmp/w",
            "/root/.cache/pip\ntmp-writable\n",
        ),
        Step(
            "I'll point pip's cache at /tmp for this install.",
            "PIP_CACHE_DIR=/tmp/pip-cache pip install -e . --no-deps",
            f"Obtaining file:///testbed\n  Installing build dependencies ... done\n  Checking if build backend supports build_editable ... done\n  Getting requirements to build editable ... done\n  Preparing editable metadata (pyproject.toml) ... done\nInstalling collected packages: {ctx.dist}\n  Attempting uninstall: {ctx.dist}\n    Found existing installation: {ctx.dist} {version}\n    Successfully uninstalled {ctx.dist}-{version}\nSuccessfully installed {ctx.dist}-{version}\n",
            seconds=rng.uniform(15, 40),
        ),
        Step(
            "Installed. Now the tests.",
            ctx.tests(""),
            f"{rng.randint(20, 160)} passed in {rng.uniform(0.4, 9):.2f}s\n",
            seconds=8,
        ),
    ]


def trace_without_ptrace(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A hang that py-spy may not attach to; faulthandler's timeout dumps the stack instead, and the loop is found and fixed."""
    test = f"{ctx.test_file}::test_{ctx.stem}_{rng.choice(['roundtrip', 'large_input', 'nested'])}"
    proc = pid(rng)
    line = rng.randint(80, 700)
    return [
        Step(
            f"`{test}` seems to hang now. Let me start it in the background and see where it is.",
            f"timeout 120 python -m pytest {test} -x -q > /tmp/hang.log 2>&1 & echo $!",
            f"{proc}\n",
        ),
        Step(
            "Let me dump its Python stack.",
            f"py-spy dump --pid {proc}",
            f"Error: Failed to suspend process\n\nCaused by:\n    0: Failed to suspend process {proc}\n    1: Operation not permitted (os error 1)\n",
            rc=1,
        ),
        Step(
            "ptrace isn't allowed here. faulthandler needs no tracer: pytest can dump every thread's stack after a timeout.",
            f"kill {proc}; python -m pytest {test} -x -q -o faulthandler_timeout=15 2>&1 | grep -A6 'most recent call first' | head -8",
            f'Thread 0x{sha(rng, 12)} (most recent call first):\n  File "/testbed/{ctx.source}", line {line} in {ctx.func}\n  File "/testbed/{ctx.source}", line {line + rng.randint(20, 60)} in {ctx.func.lstrip("_")}\n  File "/testbed/{ctx.test_file}", line {rng.randint(20, 400)} in {test.rsplit("::", 1)[1]}\n',
            seconds=17,
        ),
        Step(
            f"It spins at line {line}. Let me look at that loop.",
            f"sed -n '{line - 6},{line + 4}p' {ctx.source}",
            f"    while remaining:\n        item = remaining[0]\n        if item is None:\n            continue\n        result.append({ctx.func}(item))\n        remaining = remaining[1:]\n",
        ),
        Step(
            "A `None` is never removed, so the loop never ends: my change lets `None` reach here. Skip it properly.",
            f"sed -i '{line - 3}s/continue/remaining = remaining[1:]; continue/' {ctx.source} && sed -n '{line - 4},{line - 2}p' {ctx.source}",
            "        if item is None:\n            remaining = remaining[1:]; continue\n",
        ),
        Step(
            "Now the test again, still with the timeout.",
            f"python -m pytest {test} -x -q -o faulthandler_timeout=15",
            f"1 passed in {rng.uniform(0.1, 2):.2f}s\n",
            seconds=3,
        ),
    ]


def unsigned_download_worked(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The issue's data refused with an expired session token; the bucket is public, so an unsigned request gets it."""
    bucket = rng.choice([f"{ctx.run.module}-issue-uploads", "oss-repro-data"])
    name = rng.choice(["repro_data.json", "input.csv", "sample.json"])
    key = f"issue-{ctx.issue}/{name}"
    return [
        Step(
            "The issue links its input data on S3. Let me fetch it to reproduce with the real input.",
            f"aws s3 cp s3://{bucket}/{key} /tmp/{name}",
            "fatal error: An error occurred (ExpiredToken) when calling the GetObject operation: The provided token has expired.\n",
            rc=1,
            seconds=2,
        ),
        Step(
            "An expired session token from the environment. Which AWS settings are set?",
            "env | grep ^AWS_ | sed 's/=.*/=.../'",
            "AWS_ACCESS_KEY_ID=...\nAWS_SECRET_ACCESS_KEY=...\nAWS_SESSION_TOKEN=...\nAWS_DEFAULT_REGION=...\n",
        ),
        Step(
            "The bucket is public according to the issue, so I don't need these credentials: an unsigned request without them.",
            f"env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN aws s3 cp --no-sign-request s3://{bucket}/{key} /tmp/{name}",
            f"download: s3://{bucket}/{key} to ../tmp/{name}\n",
            seconds=3,
        ),
        Step(
            "Got it. Let me check the file and run my reproduction with it.",
            f"head -c 120 /tmp/{name}; echo; python {ctx.script} /tmp/{name}",
            f'[{{"id": {rng.randint(1, 900)}, "value": null}}, {{"id": {rng.randint(1, 900)}, "value": "{sha(rng, 6)}"}}]\nrequest {uuid(rng)[:8]}: OK ({rng.randint(2, 60)} records)\n',
            seconds=3,
        ),
    ]

"""Missing test data: tests need a data file that would be downloaded, and every way of getting it fails."""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass

from heldout20.calls import Step
from heldout22.datasets import DATA, DataNeed
from heldout22.loops_c import offline_pip
from heldout22.text import Ctx, Maker, pytest_output, unittest_output, vary, weave

HOME = "/root"
_LOADER = {
    "scikit-learn": (
        "sklearn/datasets/_california_housing.py",
        "fetch_california_housing",
        "california_housing",
        "data = fetch_california_housing(download_if_missing=False)",
    ),
    "astropy": ("astropy/utils/iers/iers.py", "open", "iers_auto", "table = iers.IERS_Auto.open()"),
    "matplotlib": (
        "lib/matplotlib/cbook/__init__.py",
        "get_sample_data",
        "inset_bivariate_normal",
        "Z = cbook.get_sample_data('axes_grid/bivariate_normal.npy', np_load=True)",
    ),
    "pydata": (
        "xarray/tutorial.py",
        "open_dataset",
        "air_temperature",
        "ds = xr.tutorial.open_dataset('air_temperature')",
    ),
    "mwaskom": ("seaborn/utils.py", "load_dataset", "penguins", "penguins = load_dataset('penguins')"),
    "django": ("django/contrib/gis/geoip2/base.py", "__init__", "city", "g = GeoIP2()"),
    "sphinx-doc": (
        "sphinx/ext/intersphinx.py",
        "fetch_inventory",
        "python_inventory",
        "invdata = fetch_inventory(app, PYTHON_URI, inv_file)",
    ),
}
# Another place the data is published, and how the agent tries it.
_ALT = {
    "scikit-learn": "pip download --no-deps -d /tmp/wheels sklearn-datasets",
    "astropy": "pip install astropy-iers-data",
    "matplotlib": "git clone --depth 1 https://github.com/matplotlib/sample_data /tmp/sample_data",
    "pydata": "git clone --depth 1 https://github.com/pydata/xarray-data /tmp/xarray-data",
    "mwaskom": "git clone --depth 1 https://github.com/mwaskom/seaborn-data /tmp/seaborn-data",
    "django": "pip install geoip2-geolite2",
    "sphinx-doc": "pip download --no-deps -d /tmp/wheels python-docs-theme",
}


def expand(path: str) -> str:
    return path.replace("~", HOME, 1)


def fetch_error(rng: random.Random, mode: str, host: str, python: str) -> str:
    """How a download from `host` fails in this sandbox, as urllib reports it."""
    if mode == "ssl":
        return f"urllib.error.URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:{rng.choice([1129, 1131, 997])})>"
    if mode == "proxy":
        return "urllib.error.URLError: <urlopen error Tunnel connection failed: 403 Forbidden>"
    if mode == "timeout":
        return "urllib.error.URLError: <urlopen error [Errno 110] Connection timed out>"
    return "urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>"


def curl_error(mode: str, host: str, owner: str) -> tuple[str, int]:
    if owner == "django" and mode != "dns":
        return "curl: (22) The requested URL returned error: 401", 22
    return {
        "ssl": (
            "curl: (60) SSL certificate problem: unable to get local issuer certificate\nMore details here: https://curl.se/docs/sslcerts.html",
            60,
        ),
        "proxy": ("curl: (56) CONNECT tunnel failed, response 403", 56),
        "timeout": (f"curl: (28) Failed to connect to {host} port 443 after 130004 ms: Connection timed out", 28),
    }.get(mode, (f"curl: (6) Could not resolve host: {host}", 6))


@dataclass
class _State:
    cache: str
    placeholder: bool = False
    download: bool = False  # the last run was allowed to download


def data_failure(
    ctx: Ctx, rng: random.Random, data: DataNeed, error: str, name: str, line: int = 120
) -> tuple[str, int]:
    if ctx.owner == "django":
        body = [
            '  File "/testbed/tests/gis_tests/test_geoip2.py", line 40, in setUpClass',
            "    cls.g = GeoIP2()",
            '  File "/testbed/django/contrib/gis/geoip2/base.py", line 103, in __init__',
            "    raise GeoIP2Exception("
            if "GeoIP2" in error
            else "    self._city = geoip2.database.Reader(city_db, mode=cache)",
            error,
        ]
        return unittest_output(
            rng, "gis_tests.test_geoip2", 1, [("setUpClass (gis_tests.test_geoip2.GeoLite2Test)", body)]
        ).replace("FAIL:", "ERROR:").replace("failures=1", "errors=1"), 1
    loader, func, _, call = _LOADER[ctx.owner]
    where = (
        f"/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/urllib/request.py:1349: in do_open"
        if "URLError" in error
        else f"{loader}:{line}: in {func}"
    )
    body = [
        f"    def {name}():",
        f">       {call}",
        "",
        where,
        f"E   {error}",
    ]
    return pytest_output(
        ctx, rng, data.test.split("python -m pytest ")[-1].split()[0], 0, [(name, body, error.split(":")[0])]
    ), 1


def missing_test_data(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    data = DATA[ctx.owner]
    mode = rng.choice(["dns", "dns", "proxy", "ssl"])
    host = data.url.split("/")[2]
    state = _State(expand(data.cache))
    name = f"test_{rng.choice(['fetch', 'load', 'open', 'roundtrip'])}_{_LOADER[ctx.owner][2]}"
    line = rng.randint(60, 900)

    def path() -> str:
        return posixpath.join(state.cache, data.file)

    def error() -> str:
        if state.placeholder:
            return data.corrupt.replace("{path}", path())
        if state.download:
            return fetch_error(rng, rng.choice([mode, mode, mode, "timeout"]), host, ctx.run.python)
        return data.missing.replace("{path}", path())

    def test_cmd() -> str:
        return data.test.replace("{dir}", state.cache)

    def run(thought: str, command: str | None = None) -> Step:
        out, rc = data_failure(ctx, rng, data, error(), name, line)
        return Step(
            thought, command or test_cmd(), out, rc, rng.uniform(2, 15) if not state.download else rng.uniform(20, 130)
        )

    def check(k: int) -> Step:
        return run(
            vary(
                rng,
                [
                    "Let me run the test again.",
                    "Re-running the test that needs the data.",
                    "Let me see if the test finds the data now.",
                ],
            )
        )

    def curl(k: int) -> Step:
        out, rc = curl_error(rng.choice([mode, mode, "timeout"]), host, ctx.owner)
        return Step(
            f"I'll download {data.what} by hand into the cache directory.",
            f"mkdir -p {state.cache} && curl -fL {'--retry 3 ' if k > 3 else ''}-o {path()} '{data.url}'",
            out,
            rc,
            131.0 if rc == 28 else rng.uniform(0.5, 8),
        )

    def wget(k: int) -> Step:
        out = (
            f"wget: unable to resolve host address '{host}'"
            if mode == "dns"
            else f"ERROR: cannot verify {host}'s certificate, issued by 'CN=Sandbox Proxy CA':\n  Unable to locally verify the issuer's authority."
            if mode == "ssl"
            else "Proxy tunneling failed: ForbiddenUnable to establish SSL connection."
        )
        return Step(
            "Let me try wget instead of curl.",
            f"wget -q -O {path()} '{data.url}'",
            out,
            4 if mode == "dns" else 5,
            rng.uniform(1, 20),
        )

    def unverified(k: int) -> Step:
        state.download = True
        return Step(
            "The certificate check may be what fails. Let me fetch it from Python with verification off.",
            f"python -c \"import ssl, urllib.request; ssl._create_default_https_context = ssl._create_unverified_context; urllib.request.urlretrieve('{data.url}', '{path()}')\"",
            f'Traceback (most recent call last):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.run.python}/urllib/request.py", line 1346, in do_open\n    h.request(req.get_method(), req.selector, req.data, headers,\n...\n{fetch_error(rng, "dns" if mode == "dns" else "proxy", host, ctx.run.python)}',
            1,
            rng.uniform(1, 20),
        )

    def relocate(k: int) -> Step:
        state.cache = rng.choice(
            ["/tmp/data", f"/tmp/{ctx.run.module}_data", "/testbed/.data", f"{HOME}/data", "/tmp/cache"]
        )
        state.placeholder = False
        state.download = False
        return run(
            f"Let me point {data.env} at a writable directory and retry.",
            f"export {data.env}={state.cache} && mkdir -p {state.cache} && {test_cmd()}",
        )

    def placeholder(k: int) -> Step:
        state.placeholder = True
        return Step(
            "If the loader only checks that the file exists, an empty placeholder might get past it.",
            f"mkdir -p {state.cache} && touch {path()} && ls -la {path()}",
            f"-rw-r--r-- 1 root root 0 {ctx.now.strftime('%b %d %H:%M')} {path()}",
            0,
            0.2,
        )

    def allow(k: int) -> Step:
        had, state.placeholder, state.download = state.placeholder, False, True
        return Step(
            "Let me remove the placeholder and let the loader download the file itself."
            if had
            else "Let me let the loader try the download itself, in case it uses a different route.",
            f'rm -f {path()} && python -c "{data.load.replace("{dl}", "True").replace("{dir}", state.cache).replace("{path}", path())}" 2>&1 | tail -3',
            fetch_error(rng, mode, host, ctx.run.python),
            0,
            rng.uniform(10, 130),
        )

    def mirror(k: int) -> Step:
        other = data.url.replace("https://", "http://")
        out, rc = curl_error("dns" if mode == "dns" else "proxy", host, "")
        return Step(
            "Maybe plain HTTP gets through where HTTPS does not.",
            f"curl -fL -o {path()} '{other}'",
            out,
            rc,
            rng.uniform(1, 10),
        )

    def alternative(k: int) -> Step:
        command = _ALT[ctx.owner]
        target = command.split()[-1]
        if "git clone" in command:
            url = command.split()[-2]
            reason = (
                "Could not resolve host: github.com"
                if mode == "dns"
                else "CONNECT tunnel failed, response 403"
                if mode == "proxy"
                else "SSL certificate problem: unable to get local issuer certificate"
            )
            out, rc = f"Cloning into '{target}'...\nfatal: unable to access '{url}/': {reason}", 128
        else:
            out, rc = (
                offline_pip(target, rng)
                if mode == "dns"
                else f"ERROR: Could not find a version that satisfies the requirement {target} (from versions: none)\nERROR: No matching distribution found for {target}",
                1,
            )
        return Step(
            "The data is published somewhere else as well; let me try that source.",
            command,
            out,
            rc,
            rng.uniform(2, 30),
        )

    fixes: list[Maker] = [curl, wget, unverified, relocate, relocate, placeholder, allow, mirror, alternative]
    looks: list[Maker] = [
        lambda k: Step(
            "Is the file anywhere on the machine already?",
            f"find / -name '{data.file}' -not -path '/proc/*' 2>/dev/null | head",
            "",
            0,
            rng.uniform(3, 12),
        ),
        lambda k: Step(
            "What is in the cache directory?",
            f"ls -la {state.cache} 2>&1 | head",
            f"ls: cannot access '{state.cache}': No such file or directory"
            if not state.placeholder
            else f"total 8\n-rw-r--r-- 1 root root 0 {ctx.now.strftime('%b %d %H:%M')} {data.file}",
            2 if not state.placeholder else 0,
            0.1,
        ),
        lambda k: Step(
            "Is there any network access at all?",
            "curl -sS -o /dev/null -w '%{http_code}\\n' https://pypi.org/simple/ ; env | grep -i proxy",
            "000\ncurl: (6) Could not resolve host: pypi.org"
            if mode == "dns"
            else "200\nHTTPS_PROXY=http://proxy.sandbox:3128",
            0,
            rng.uniform(1, 5),
        ),
        lambda k: Step(
            "Where does the loader look for the file?",
            f"grep -n -E '{data.env}|cache|download' {_LOADER[ctx.owner][0]} | head -8",
            f"{rng.randint(30, 200)}:    data_home = get_data_home(data_home=data_home)\n{rng.randint(200, 400)}:    if not exists(filepath):\n{rng.randint(200, 400)}:        if not download_if_missing:",
            0,
            0.2,
        ),
    ]
    first = [run(f"Now let me run the test that exercises this with {data.what}.")]
    return weave(
        rng, n, first, fixes, check, looks, f"getting {data.what} for the tests", look_rate=0.3, check_rate=0.6
    )

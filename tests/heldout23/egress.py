"""The egress a proxy family runs behind: the package its tests want, the proxy, and what pip and the shell print."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.text import Ctx, Deck, collect_error, hexid, stamp, trace

# What each repository's tests may import that its environment lacks: module, distribution, version, source.
NEEDS = {
    "astropy": [("asdf", "asdf", "2.15.0", "asdf-format/asdf"), ("h5py", "h5py", "3.9.0", "h5py/h5py")],
    "django": [
        ("tblib", "tblib", "3.0.0", "ionelmc/python-tblib"),
        ("yaml", "PyYAML", "6.0.1", "yaml/pyyaml"),
        ("argon2", "argon2-cffi", "23.1.0", "hynek/argon2-cffi"),
        ("bcrypt", "bcrypt", "4.1.2", "pyca/bcrypt"),
    ],
    "matplotlib": [
        ("cairocffi", "cairocffi", "1.6.1", "Kozea/cairocffi"),
        ("tornado", "tornado", "6.3.3", "tornadoweb/tornado"),
    ],
    "mwaskom": [("statsmodels", "statsmodels", "0.14.1", "statsmodels/statsmodels")],
    "pallets": [("asgiref", "asgiref", "3.7.2", "django/asgiref")],
    "psf": [
        ("pytest_httpbin", "pytest-httpbin", "2.0.0", "kevin1024/pytest-httpbin"),
        ("socks", "PySocks", "1.7.1", "Anorov/PySocks"),
    ],
    "pydata": [
        ("zarr", "zarr", "2.16.1", "zarr-developers/zarr-python"),
        ("cftime", "cftime", "1.6.3", "Unidata/cftime"),
    ],
    "pylint-dev": [("git", "GitPython", "3.1.40", "gitpython-developers/GitPython")],
    "pytest-dev": [
        ("xmlschema", "xmlschema", "2.5.0", "sissaonline/xmlschema"),
        ("pexpect", "pexpect", "4.9.0", "pexpect/pexpect"),
    ],
    "scikit-learn": [("pandas", "pandas", "1.5.3", "pandas-dev/pandas"), ("pyamg", "pyamg", "5.0.1", "pyamg/pyamg")],
    "sphinx-doc": [
        ("html5lib", "html5lib", "1.1", "html5lib/html5lib-python"),
        ("defusedxml", "defusedxml", "0.7.1", "tiran/defusedxml"),
    ],
    "sympy": [
        ("hypothesis", "hypothesis", "6.92.1", "HypothesisWorks/hypothesis"),
        ("gmpy2", "gmpy2", "2.1.5", "aleaxit/gmpy"),
    ],
}
MIRRORS = [
    "https://mirrors.aliyun.com/pypi/simple/",
    "https://pypi.tuna.tsinghua.edu.cn/simple",
    "https://mirrors.ustc.edu.cn/pypi/web/simple",
    "https://pypi.doubanio.com/simple/",
    "https://mirror.sjtu.edu.cn/pypi/web/simple",
]
_LOCAL = [
    "http://pypi-cache.internal/simple",
    "http://127.0.0.1:3141/root/pypi/+simple/",
    "http://devpi.build.svc:3141/root/pypi/+simple/",
]


def host_of(url: str) -> str:
    return url.split("//", 1)[1].split("/")[0].split(":")[0]


class Egress:
    """One environment's proxy and the package its tests want."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.module, self.dist, self.version, self.source = rng.choice(NEEDS[ctx.run.owner])
        self.host = rng.choice(
            [
                "proxy.internal",
                "squid.build.svc",
                "egress-proxy",
                f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}",
            ]
        )
        self.port = rng.choice([3128, 3128, 8080, 8888])
        self.proxy = f"http://{self.host}:{self.port}"
        self.ip = (
            self.host
            if self.host[0].isdigit()
            else f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}"
        )
        self.local = rng.choice(_LOCAL)
        self.ts = ctx.run.calls[ctx.upto].ts
        self.mirrors = Deck(rng, MIRRORS)
        self.conf: str | None = None  # the index pip.conf names, once the agent wrote one

    def later(self) -> str:
        self.ts += self.rng.uniform(20, 90)
        return stamp(self.ts)

    def missing(self) -> Step:
        ctx, error = self.ctx, f"ModuleNotFoundError: No module named '{self.module}'"
        if ctx.django:
            why = "No yaml library detected" if self.module == "yaml" else f"{self.dist} not installed"
            names = self.rng.sample(["basic", "roundtrip", "default", "custom", "empty", "unicode", "nested"], 3)
            output = "\n".join(
                f"test_{name}_{ctx.stem} ({ctx.label}.tests.{ctx.cls}Tests) ... skipped '{why}'" for name in names
            )
            return Step(
                self.rng.choice(
                    [
                        f"Let me check which of the {ctx.label} tests actually run here.",
                        "Some tests may be skipped in this environment; let me see which.",
                    ]
                ),
                f"cd /testbed && python tests/runtests.py {ctx.label} -v 2 2>&1 | grep -i skipped | head",
                output,
                seconds=self.rng.uniform(3, 12),
            )
        frames = [(f"{ctx.target}:{self.rng.randint(3, 30)}: in <module>", f"import {self.module}")]
        return Step(
            self.rng.choice(
                [
                    "Let me run the existing tests for this module.",
                    "Now let me run the tests to see whether anything else broke.",
                ]
            ),
            ctx.test_command,
            collect_error(ctx, self.rng, frames, error),
            rc=2,
            seconds=3,
        )

    def _retries(self, path: str, reason: str, count: int) -> list[str]:
        return [
            f"WARNING: Retrying (Retry(total={left}, connect=None, read=None, redirect=None, status=None)) "
            f"after connection broken by '{reason}': {path}"
            for left in range(count - 1, -1, -1)
        ]

    def _unreachable(self) -> str:
        obj = f"<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{hexid(self.rng, 10)}>"
        why = self.rng.choice(["[Errno 101] Network is unreachable", "[Errno -3] Temporary failure in name resolution"])
        return f"NewConnectionError('{obj}: Failed to establish a new connection: {why}')"

    def _refused(self, code: int) -> str:
        text = "407 Proxy Authentication Required" if code == 407 else "403 Forbidden"
        return f"ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: {text}'))"

    def pip_fails(self, reason: str, index: str | None = None, retries: int = 5) -> str:
        path = "/simple/" if index is None else "/" + index.split("//", 1)[1].split("/", 1)[1].rstrip("/") + "/"
        lines = [f"Looking in indexes: {index}"] if index else []
        lines += self._retries(f"{path}{self.dist.lower()}/", reason, retries)
        lines += [
            f"ERROR: Could not find a version that satisfies the requirement {self.dist} (from versions: none)",
            f"ERROR: No matching distribution found for {self.dist}",
        ]
        return "\n".join(lines)

    # The loop's attempts.

    def env_look(self) -> Step:
        lines = [
            f"HTTPS_PROXY={self.proxy}",
            f"HTTP_PROXY={self.proxy}",
            "NO_PROXY=localhost,127.0.0.1,::1",
            f"https_proxy={self.proxy}",
            f"http_proxy={self.proxy}",
        ]
        return Step(
            "Let me see how the proxy is configured in the environment.",
            "env | grep -i proxy",
            "\n".join(lines),
            seconds=0.2,
        )

    def config_look(self) -> Step:
        command, out = "pip config list", ""
        if self.conf:
            out = f"global.index-url='{self.conf}'\nglobal.timeout='15'\nglobal.trusted-host='{host_of(self.conf)}'"
            if self.rng.random() < 0.5:
                command, out = "pip config list; ls ~/.config/pip", out + "\npip.conf"
        return Step("Let me check pip's own configuration for an index or proxy setting.", command, out, seconds=0.8)

    def show_look(self) -> Step:
        return Step(
            f"Is {self.dist} perhaps installed under another name or a cached wheel somewhere?",
            self.rng.choice(
                [
                    f"pip show {self.dist}",
                    f"pip list 2>/dev/null | grep -i {self.dist.split('-')[0]}",
                    f"find / -name '{self.dist.replace('-', '_')}*.whl' -not -path '/proc/*' 2>/dev/null | head",
                ]
            ),
            f"WARNING: Package(s) not found: {self.dist}",
            rc=1,
            seconds=1,
        )

    def import_look(self) -> Step:
        return Step(
            "Double-checking that the module really can't be imported.",
            f'python -c "import {self.module}; print({self.module}.__file__)"',
            trace([("<string>", 1, "<module>", "")], f"ModuleNotFoundError: No module named '{self.module}'"),
            rc=1,
            seconds=0.3,
        )

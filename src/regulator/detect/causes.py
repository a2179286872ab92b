"""The cause behind a failure, read from error text however the tool phrased it.

An environment that lacks something makes every attempt fail for the same reason, whatever the
command: the same missing module, binary, host, permission, free port or credential. Tools say
it in their own words (`Cannot find module 'x'`, `No module named 'x'`, `no required module
provides package x`, `unresolved import `x``), around text that drifts from one run to the next.
`cause_of(text)` maps a result to an error family and the object it names — `Cause("missing
module", "x")` — so attempts can be compared by cause rather than by signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from regulator.detect.cause_wording import FAMILY_WORDS, NEEDS, PATTERNS


@dataclass(slots=True, frozen=True)
class Cause:
    family: str  # e.g. "missing module"
    name: str  # what it is about (a module, a binary, a host, a path, a port), "" when unnamed

    def __str__(self) -> str:
        return f"{self.family} `{self.name}`" if self.name else self.family


# Compiled once, in order (the first family that matches wins), each with the text it cannot match without.
_COMPILED = [(family, re.compile(pattern, re.M), NEEDS.get(pattern, "")) for family, pattern in PATTERNS]
# A C or C++ compiler, by any of the names an agent tries it under (and the packages that bring one).
_COMPILER = re.compile(
    r"(?:gcc|cc|clang|g\+\+|c\+\+|clang\+\+|x86_64-linux-gnu-gcc)(?:-\d+)?|build-essential|CX*|C compiler"
)
# One setting of the sandbox, however the error names it.
_SETTING = {"ascii": "locale", "timezone": "time zone", "tzdata": "time zone", "getpwuid": "home"}
_VERSION = re.compile(r"(?:@v?\d[\w.\-]*|==[\w.\-]+|[><=~^]=?[\w.\-]+)$")
_LOCAL = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"}


def _clean(family: str, name: str) -> str:
    name = name.strip().strip("'\"`").rstrip(".,;:)")
    name = name.replace("%2f", "/").replace("%2F", "/")
    if family == "missing module":
        name = _VERSION.sub("", name)
    if family == "missing binary" and _COMPILER.fullmatch(name):
        return "C compiler"  # gcc, then clang, then cc, then `apt-get install build-essential`: one cause
    if family == "missing setting":
        name = _SETTING.get(name, name)
    if family in ("unreachable", "port in use") and name.isdigit():
        name = f"port {name}"
    return "" if name in _LOCAL else name


@lru_cache(maxsize=8192)
def cause_of(text: str) -> Cause | None:
    """The environment cause a failing result names, or None when it names none."""
    body = text if len(text) <= 3000 else text[:1000] + "\n" + text[-2000:]  # where tools put the error
    lowered = body.lower()
    present: dict[str, bool] = {}
    for family, pattern, needs in _COMPILED:
        if family not in present:
            present[family] = any(word in lowered for word in FAMILY_WORDS[family])
        if not present[family] or needs not in lowered:
            continue
        match = pattern.search(body)
        if match is None:
            continue
        name = next((group for group in match.groups() if group), "")
        return Cause(family, _clean(family, name))
    return _network_in_tail(body[-_TAIL:])


_TAIL = 400  # the last lines, where a tool says why it gave up
# A tool's own words for a failed download, next to the address it tried (any tool: nimble, raco,
# Quicklisp, PowerShellGet, pub …). Read in the tail only: code or a log higher up that merely
# mentions a URL and a timeout is not what failed.
_NETWORK = re.compile(
    r"(?i)(?:timed? ?out|timeout|socket|tls|ssl|getaddrinfo|errno=110|unable to download|could not (?:be )?fetch"
    r"|failed to fetch|fetch.?error|no catalog answered|internet connection|no connection could be made"
    r"|connection (?:closed|failed|timed out)|connect failed)"
)
_ADDRESS = re.compile(
    r"https?://([\w\-]+(?:\.[\w\-]+)+)|\(host ([\w\-]+(?:\.[\w\-]+)+)\)|made: ([\w\-]+(?:\.[\w\-]+)+)"
)


def _network_in_tail(tail: str) -> Cause | None:
    for line in tail.splitlines()[-4:]:
        if _NETWORK.search(line):
            address = _ADDRESS.search(line)
            if address:
                return Cause("unreachable", _clean("unreachable", next(g for g in address.groups() if g)))
    return None


_PARTS = re.compile(r"[^\w]+")
_GENERIC = frozenset(
    {
        "com",
        "org",
        "io",
        "net",
        "dev",
        "www",
        "http",
        "https",
        "github",
        "gitlab",
        "lib",
        "libs",
        "src",
        "app",
        "node",
        "modules",
        "pkg",
        "internal",
        "v1",
        "v2",
        "v3",
        "go",
        "var",
        "usr",
        "local",
        "opt",
        "etc",
        "bin",
        "tmp",
        "home",
        "root",
        "the",
        "core",
        "api",
        "main",
        "port",
    }
)


@lru_cache(maxsize=4096)
def _words(name: str) -> frozenset[str]:
    return frozenset(w for w in _PARTS.split(name.lower()) if len(w) > 2 and w not in _GENERIC)


def same_cause(a: Cause, b: Cause) -> bool:
    """One cause, however each tool named it: the same family, and one name's distinctive words all in the other's.

    `@acme/schema-utils` and `schema-utils`, `com.acme:schema` and `com.acme.schema` are one cause,
    `left-pad` and `right-pad` are not; an unnamed cause of a family matches any cause of that family.
    """
    if a.family != b.family:
        return False
    if not a.name or not b.name or a.name == b.name:
        return True
    if a.name.startswith("port ") and b.name.startswith("port "):
        return a.name == b.name
    if a.family == "unreachable" and a.name.startswith("port ") != b.name.startswith("port "):
        return True  # a host and a port: tools name one or the other of the same unreachable service
    shorter, longer = sorted((_words(a.name), _words(b.name)), key=len)
    return shorter <= longer

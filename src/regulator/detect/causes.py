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


@dataclass(slots=True, frozen=True)
class Cause:
    family: str  # e.g. "missing module"
    name: str  # what it is about (a module, a binary, a host, a path, a port), "" when unnamed

    def __str__(self) -> str:
        return f"{self.family} `{self.name}`" if self.name else self.family


_Q = r"['\"`‘’]"  # quotes tools put around names
# (family, pattern whose first non-empty group is the name; patterns without a group name nothing).
# Order matters: the first family that matches wins, most specific first.
_PATTERNS: list[tuple[str, str]] = [
    ("port in use", r"EADDRINUSE[^\n]*?:(\d{2,5})\b"),
    ("port in use", r"[Pp]ort (\d{2,5}) (?:is|was) already in use"),
    ("port in use", r":(\d{2,5}): bind: address already in use"),
    ("port in use", r"[Aa]ddress already in use[^\n]*?\b(\d{2,5})\)?$"),
    ("port in use", r"[Aa]ddress already in use"),
    ("missing module", rf"Cannot find module {_Q}([^'\"`]+){_Q}"),
    ("missing module", rf"Can't resolve {_Q}([^'\"`]+){_Q}"),
    ("missing module", rf"No module named {_Q}([^'\"`]+){_Q}"),
    ("missing module", r"no required module provides package ([^\s;]+)"),
    ("missing module", r"cannot find package \"([^\"]+)\""),
    ("missing module", r"package (\S+) is not in (?:std|GOROOT)"),
    ("missing module", r"module ([\w.\-/]+)(?:@\S+)?: reading https?://\S+: (?:404|410)"),
    ("missing module", r"(?<![\w.\-/])([\w.\-/]+)@v[\w.\-+]+: (?:verifying module|reading https?://\S+: (?:404|410))"),
    ("missing module", r"unresolved import `([\w-]+)"),
    ("missing module", r"can't find crate for `([\w-]+)`"),
    ("missing module", r"no matching package named `([\w-]+)`"),
    ("missing module", r"package ([\w.:\-]+) does not exist"),
    ("missing module", r"Could not find artifact ([\w.\-]+:[\w.\-]+)"),
    ("missing module", r"Could not find ([\w.\-]+:[\w.\-]+)(?::[\w.\-]+)?\.$"),
    ("missing module", r"No matching distribution found for ([\w.\-\[\]]+)"),
    ("missing module", r"satisfies the requirement ([\w.\-\[\]]+)"),
    ("missing module", r"Because ([\w.\-]+) was not found in the package registry"),
    ("missing module", r"404 Not Found - GET https?://\S+/(@?[\w.\-]+(?:%2f|/)?[\w.\-]*)"),
    ("missing module", rf"{_Q}(@?[\w.\-/]+)@\S+{_Q} is not in (?:this|the npm) registry"),
    ("missing module", r"ModuleNotFoundError|MODULE_NOT_FOUND"),
    ("missing library", r"(?<![\w.\-+])([\w.\-+]+\.so(?:\.\d+)*): cannot open shared object file"),
    ("missing binary", r"(?:^|\s)([\w.\-+]+): (?:command )?not found\b"),
    ("missing binary", r"exec: \"([^\"]+)\": executable file not found"),
    ("missing binary", r"spawn (\S+) ENOENT"),
    ("missing binary", r"linker `([^`]+)` not found"),
    ("missing binary", r"command '([^']+)' failed: No such file or directory"),
    ("missing binary", r"which: no ([\w.\-+]+) in"),
    ("missing binary", r"Unable to locate package ([\w.\-+]+)"),
    ("missing binary", r"Could not find `([\w.\-+]+)`"),
    ("missing binary", r"(?:^|\s)([\w\-+]+): No such file or directory$"),
    ("missing binary", rf"No such file or directory: {_Q}([\w.\-+]+){_Q}"),
    ("missing file", rf"No such file or directory: {_Q}([^'\"`]+){_Q}"),
    ("missing file", r"ENOENT: no such file or directory, \w+ '([^']+)'"),
    ("unreachable", r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.\-]+)"),
    ("unreachable", r"Could not resolve host(?:name)?:? ([\w.\-]+)"),
    ("unreachable", r"lookup ([\w.\-]+)(?: on [\d.:]+)?: (?:no such host|server misbehaving)"),
    ("unreachable", r"Failed to resolve '([\w.\-]+)'"),
    ("unreachable", r"Temporary failure in name resolution|Name or service not known"),
    ("unreachable", r"ECONNREFUSED [\w.\-:\[\]]*?:(\d{2,5})\b"),
    ("unreachable", r"port (\d{2,5}) failed: Connection refused"),
    ("unreachable", r"connect(?:ing)? to [\w.\-]+(?: port |:)(\d{2,5})\b[^\n]*(?:[Rr]efused|[Cc]ouldn't connect)"),
    ("unreachable", r"dial tcp [\w.\-]*:(\d{2,5}): connect: connection refused"),
    ("unreachable", r"->\s*[\w.\-]+:(\d{2,5})"),
    ("unreachable", r"[Cc]onnection refused|ECONNREFUSED"),
    ("unreachable", r"(?:timed out|timeout|ETIMEDOUT|unreachable)[^\n]*?https?://([\w.\-]+)"),
    ("unreachable", r"dial tcp [\d.]+:\d+: i/o timeout|ETIMEDOUT|ENETUNREACH|Network is unreachable"),
    ("access denied", r"(?:401|403)\b[^\n]*?https?://([\w.\-]+)"),
    ("access denied", r"https?://([\w.\-]+)[^\n]*?\b(?:401|403)\b"),
    ("access denied", r"pull access denied for ([\w.\-]+)"),
    ("access denied", r"[Pp]ermission to (\S+) denied"),
    ("access denied", r"failed to authenticate[^\n]*?https?://([\w.\-]+)"),
    (
        "access denied",
        r"401 Unauthorized|403 Forbidden|authentication (?:failed|required|token)|terminal prompts disabled",
    ),
    ("permission denied", rf"(?:EACCES|EPERM)[^\n]*?{_Q}(/[^'\"`]+){_Q}"),
    ("permission denied", rf"Permission denied: {_Q}(/[^'\"`]+){_Q}"),
    ("permission denied", r"open (/\S+): permission denied"),
    (
        "permission denied",
        rf"cannot (?:create|open|remove|access|write)[\w ]*{_Q}(/[^'\"`]+){_Q}: "
        r"(?:Permission denied|Operation not permitted)",
    ),
    ("permission denied", rf"changing permissions of {_Q}(/[^'\"`]+){_Q}"),
    ("permission denied", r"failed to open `(/[^`]+)`"),
    (
        "permission denied",
        r"[Pp]ermission denied|EACCES|Operation not permitted|sudo: a (?:terminal|password) is required"
        r"|not in the sudoers",
    ),
    ("disk full", r"No space left on device|ENOSPC"),
    ("out of memory", r"[Oo]ut of memory|Killed\s*$|OOMKilled|MemoryError"),
    ("rate limited", r"429 Too Many Requests|rate limit(?:ed| exceeded)"),
]
_COMPILED = [(family, re.compile(pattern, re.M)) for family, pattern in _PATTERNS]
# Words one of which each family's wording contains: a family whose words are absent is not tried
# (most of the time goes into the patterns that cannot start with a literal).
_FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "port in use": ("in use", "eaddrinuse"),
    "missing module": (
        "module",
        "package",
        "crate",
        "import",
        "artifact",
        "distribution",
        "requirement",
        "registry",
        "could not find",
        "resolve",
        "404",
        "410",
    ),
    "missing library": ("shared object",),
    "missing binary": (
        "not found",
        "executable",
        "enoent",
        "linker",
        "no such file",
        "which: no",
        "unable to locate",
        "could not find",
    ),
    "missing file": ("no such file", "enoent"),
    "unreachable": (
        "resolve",
        "enotfound",
        "eai_again",
        "refused",
        "connect",
        "lookup",
        "timed out",
        "timeout",
        "unreach",
        "resolution",
        "service not known",
    ),
    "access denied": ("401", "403", "denied", "authenticat", "unauthorized", "forbidden", "terminal prompts"),
    "permission denied": ("permission", "eacces", "eperm", "not permitted", "sudo"),
    "disk full": ("space left", "enospc"),
    "out of memory": ("memory", "killed", "oomkilled"),
    "rate limited": ("429", "rate limit"),
}
_VERSION = re.compile(r"(?:@v?\d[\w.\-]*|==[\w.\-]+|[><=~^]=?[\w.\-]+)$")
_LOCAL = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"}


def _clean(family: str, name: str) -> str:
    name = name.strip().strip("'\"`").rstrip(".,;:)")
    name = name.replace("%2f", "/").replace("%2F", "/")
    if family == "missing module":
        name = _VERSION.sub("", name)
    if family in ("unreachable", "port in use") and name.isdigit():
        name = f"port {name}"
    return "" if name in _LOCAL else name


@lru_cache(maxsize=8192)
def cause_of(text: str) -> Cause | None:
    """The environment cause a failing result names, or None when it names none."""
    body = text if len(text) <= 3000 else text[:1000] + "\n" + text[-2000:]  # where tools put the error
    lowered = body.lower()
    present: dict[str, bool] = {}
    for family, pattern in _COMPILED:
        if family not in present:
            present[family] = any(word in lowered for word in _FAMILY_WORDS[family])
        if not present[family]:
            continue
        match = pattern.search(body)
        if match is None:
            continue
        name = next((group for group in match.groups() if group), "")
        return Cause(family, _clean(family, name))
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

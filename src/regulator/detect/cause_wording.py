"""How tools word the causes `causes.cause_of` reads: one pattern per wording, and each family's words.

Data, not logic: a new tool's wording of a missing module or an unreachable host is one more line in
`PATTERNS` (and its family's words in `FAMILY_WORDS`, which let `cause_of` skip a family whose words
a text lacks).
"""

from __future__ import annotations

_Q = r"['\"`‘’]"  # quotes tools put around names
# An environment variable as tools name it (`DATABASE_URL`, `'$API_KEY'`), and how they say it has no value.
_VAR = rf"{_Q}?\$?([A-Z][A-Z0-9_]{{2,}}){_Q}?"
_UNSET = r"(?:missing|not set|not defined|undefined|required|empty|must be set)"
# Two patterns that start with a character class, so try every position of a text: `NEEDS` skips
# them when the text lacks what they cannot match without (the first cost a third of the dev set's time).
_GO_MODULE = r"(?<![\w.\-/])([\w.\-/]+)@v[\w.\-+]+: (?:verifying module|reading https?://\S+: (?:404|410))"
_NPM_MISSING = rf"{_Q}(@?[\w.\-/]+)@\S+{_Q} is not in (?:this|the npm) registry"
# How OpenSSL, curl, Go, Java, .NET, Node and git say a certificate was not trusted.
_TLS = (
    r"certificate verify failed|CERTIFICATE_VERIFY_FAILED|SSL certificate problem"
    r"|x509: certificate (?:signed by unknown authority|has expired|is not valid)"
    r"|unable to get local issuer certificate|self[- ]signed certificate in certificate chain"
    r"|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|unable to verify the first certificate"
    r"|PKIX path building failed|unable to find valid certification path"
    r"|[Tt]he remote certificate is invalid|server certificate verification failed"
)
# (family, pattern whose first non-empty group is the name; patterns without a group name nothing).
# Order matters: the first family that matches wins, most specific first.
PATTERNS: list[tuple[str, str]] = [
    ("port in use", r"EADDRINUSE[^\n]*?:(\d{2,5})\b"),
    ("port in use", r"[Pp]ort (\d{2,5}) (?:is|was) already in use"),
    ("port in use", r":(\d{2,5}): bind: address already in use"),
    ("port in use", r"[Aa]ddress already in use[^\n]*?\b(\d{2,5})\)?$"),
    ("port in use", r"[Aa]ddress already in use"),
    # A TLS-intercepting proxy or a missing CA: every download fails on it, whatever the tool
    # (the `Could not fetch`/`Unable to load the service index` line around it names no reason).
    ("untrusted certificate", rf"https?://([\w.\-]+)[^\n]*?(?:{_TLS})"),
    ("untrusted certificate", rf"(?:{_TLS})[^\n]*?https?://([\w.\-]+)"),
    ("untrusted certificate", _TLS),
    ("unreachable", r"\.s\.PGSQL\.(\d{4,5})"),  # libpq's Unix socket: the server is not running
    (
        "permission denied",
        r"permission denied while trying to connect to the Docker daemon socket at unix://(/[\w./\-]+)",
    ),
    ("missing module", rf"Cannot find module {_Q}([^'\"`]+){_Q}"),
    ("missing module", rf"Can't resolve {_Q}([^'\"`]+){_Q}"),
    ("missing module", rf"No module named {_Q}([^'\"`]+){_Q}"),
    ("missing module", r"python[\d.]*: No module named ([\w.]+)"),  # `python -m pip` where it has no pip
    ("missing module", r"no required module provides package ([^\s;]+)"),
    ("missing module", r"cannot find package \"([^\"]+)\""),
    ("missing module", r"package (\S+) is not in (?:std|GOROOT)"),
    ("missing module", r"module ([\w.\-/]+)(?:@\S+)?: reading https?://\S+: (?:404|410)"),
    ("missing module", _GO_MODULE),
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
    ("missing module", _NPM_MISSING),
    ("missing module", r"cannot load such file -- ([\w.\-/]+)"),  # Ruby `require`
    ("missing module", r"Can't locate ([\w/]+)\.pm in @INC"),  # Perl `use`
    ("missing module", r"Couldn't find module or a distribution ([\w:]+)"),  # cpanm
    ("missing module", r"Module '([\w:]+)' is not installed"),  # carton
    ("missing module", r"Configure failed for ([A-Za-z][\w]*(?:-[A-Za-z]\w*)*)-v?\d"),  # cpanm, a CPAN dist
    ("missing module", rf"Could not find gem {_Q}([\w.\-]+)"),  # Bundler
    (
        "missing module",
        r"Could not find ([\w.\-]+?)-\d[\w.]* in (?:any of the (?:gem )?sources|locally installed gems)",
    ),
    ("missing module", rf"Could not find {_Q}([\w.\-]+){_Q} \([^)]*\) among"),  # Gem::MissingSpecError
    ("missing module", r"requires ([\w.\-]+/[\w.\-]+)[^\n]*?could not be found"),  # composer
    ("missing module", r"error NU110[12]: Unable to find package ([\w.\-]+)"),  # NuGet
    ("missing module", r"No package with name ([\w.\-]+) (?:\(from: [^)]*\) )?in registry"),  # Hex
    ("missing module", r"ModuleNotFoundError|MODULE_NOT_FOUND"),
    ("missing library", r"(?<![\w.\-+])([\w.\-+]+\.so(?:\.\d+)*): cannot open shared object file"),
    ("missing library", rf"Unable to load (?:shared library|DLL) {_Q}([\w.\-+]+){_Q}"),  # .NET
    ("missing library", r"(?<![\w.\-+])(lib[\w.\-+]+): cannot open shared object file"),
    # A system header is what a -dev package provides: `libpq-fe.h` and `libpq.so.5` are one cause.
    ("missing library", r"fatal error: ([\w.\-+/]+\.h(?:pp)?): No such file or directory"),  # gcc
    ("missing library", rf"fatal error: {_Q}([\w.\-+/]+\.h(?:pp)?){_Q} file not found"),  # clang
    ("missing library", rf"Can't find the {_Q}?([\w.\-+/]+\.h)\b"),  # mkmf (pg, mysql2 gems)
    ("missing library", r"(?:ld|ld\.\w+|collect2)(?:\.exe)?: (?:error: )?cannot find -l([\w.\-+]+)"),
    ("missing library", r"Could NOT find (\w+)"),  # CMake find_package
    ("missing library", r"Could not find a package configuration file provided by \"(\w+)\""),
    ("missing library", rf"No package {_Q}([\w.\-+]+){_Q} found"),  # pkg-config
    ("missing library", r"Package ([\w.\-+]+) was not found in the pkg-config search path"),
    ("missing library", r"(ext-[\w\-]+)[^\n]*? it is missing from your system"),  # composer
    ("missing binary", r"command not found: ([\w.\-+]+)"),  # zsh
    ("missing binary", r"/([\w.\-+]+): (?:command )?not found\b"),  # `sh: 1: /usr/local/bin/x: not found`
    # Not a log level: pytest's `ERROR: not found: tests/x.py::test_y` names a test that does not exist.
    ("missing binary", r"(?:^|\s)(?!(?i:error|warning|fatal):)([\w.\-+]+): (?:command )?not found\b"),
    (
        "missing binary",
        rf"{_Q}([\w.\-+]+){_Q} is not recognized as (?:an internal or external command|the name of a cmdlet)",
    ),
    ("missing binary", rf"env: {_Q}([\w.\-+]+){_Q}: No such file or directory"),
    ("missing binary", r"sh(?::(?: line)? \d+)?: /[\w.\-+/]*/([\w.\-+]+): No such file or directory"),
    ("missing binary", r"No CMAKE_(C|CXX)_COMPILER could be found"),
    ("missing binary", r"no acceptable (C) compiler found"),  # autoconf
    ("missing binary", r"^([\w.\-]+): unrecognized service"),  # `service postgresql start` without it installed
    ("missing binary", rf"The SDK {_Q}([\w.\-]+){_Q} specified could not be found"),  # dotnet
    ("missing binary", rf"The framework {_Q}([\w.\-]+){_Q}, version [^\n]* was not found"),
    ("missing binary", r"Could not find (Hex), which is needed"),  # mix
    ("missing binary", r"exec: \"([^\"]+)\": executable file not found"),
    ("missing binary", r"spawn (\S+) ENOENT"),
    ("missing binary", r"linker `([^`]+)` not found"),
    ("missing binary", r"command '([^']+)' failed: No such file or directory"),
    ("missing binary", r"which: no ([\w.\-+]+) in"),
    ("missing binary", r"Unable to locate package ([\w.\-+]+)"),
    ("missing binary", r"Could not find `([\w.\-+]+)`"),
    ("missing binary", r"(?:^|(?<!object)\s)(?!failed:)([\w\-+]+): No such file or directory$"),
    ("missing binary", rf"No such file or directory: {_Q}([\w.\-+]+){_Q}"),
    ("missing file", rf"No such file or directory: {_Q}([^'\"`]+){_Q}"),
    ("missing file", r"ENOENT: no such file or directory, \w+ '([^']+)'"),
    ("unreachable", r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.\-]+)"),
    ("unreachable", r"Could not resolve host(?:name)?:? ([\w.\-]+)"),
    ("unreachable", r"lookup ([\w.\-]+)(?: on [\d.:]+)?: (?:no such host|server misbehaving)"),
    ("unreachable", r"Failed to resolve '([\w.\-]+)'"),
    ("unreachable", r"Unable to load the service index for source https?://([\w.\-]+)"),  # NuGet
    ("unreachable", r"curl error \d+ while downloading https?://([\w.\-]+)"),  # composer
    ("unreachable", r"The \"https?://([\w.\-]+)[^\"]*\" file could not be downloaded"),  # composer
    ("unreachable", r"Could not (?:GET|HEAD) 'https?://([\w.\-]+)[^']*'(?!\. Received status code 40[137])"),  # Gradle
    ("unreachable", r"getaddrinfo for ([\w.\-]+) failed"),  # PHP
    ("unreachable", r"UnknownHostException: ([\w.\-]+)"),  # Java
    ("unreachable", r"(?:Name or service not known|No such host is known)\.? \(([\w.\-]+):\d+\)"),  # .NET
    ("unreachable", r"to_address, ?\{(?:~c)?[\"']([\w.\-]+)[\"']"),  # Erlang httpc (mix, rebar3)
    ("unreachable", r"CONNECTION FAILED for url <https?://([\w.\-]+)"),  # conda
    ("unreachable", r"Could not fetch URL https?://([\w.\-]+)[^\n]*(?:name resolution|Max retries|timed out)"),  # pip
    ("unreachable", r"Resolving ([\w.\-]+)[^\n]*? failed: "),  # wget
    ("unreachable", r"Can't connect to (?:local )?(MySQL) server"),  # MySQL/MariaDB clients and drivers
    # Rust's reqwest/hyper, curl through nix, Bazel's and Java's fetchers: the URL first, then why it failed.
    (
        "unreachable",
        r"https?://([\w.\-]+)[^\n]*?(?:dns error|failed to lookup address|tls handshake|connection (?:timed out|reset)"
        r"|operation timed out|Network is unreachable|tcp connect error|Couldn't (?:connect to server|resolve host)"
        r"|Timeout was reached|Resolving timed out|SSL connect error|No route to host|[Cc]onnect timed out"
        r"|Read timed out|Unknown host)",
    ),
    ("unreachable", r"(?:Unknown host|Unable to resolve host):? ([\w\-]+(?:\.[\w\-]+)+)"),  # Java, gRPC
    (
        "unreachable",
        r"SocketTimeoutException: [^\n]*?\(([\w\-]+(?:\.[\w\-]+)+)/",
    ),  # Java: `(github.com/140.82.1.4:443)`
    ("unreachable", r"Cannot connect to the Docker daemon at unix://(/[\w./\-]+?)\.?(?:\s|$)"),
    ("unreachable", r"Temporary failure in name resolution|Name or service not known|no servers could be reached"),
    ("unreachable", r":nxdomain|Could not find a valid Docker environment|Is the docker daemon running"),
    ("unreachable", r"ECONNREFUSED [\w.\-:\[\]]*?:(\d{2,5})\b"),
    ("unreachable", r"port (\d{2,5}) failed: Connection refused"),
    ("unreachable", r"Failed to open TCP connection to [\w.\-]+:(\d{2,5})"),  # Ruby
    ("unreachable", r"tcp connect \([\w.\-]+:(\d{2,5})\): (?:connection refused|timeout|non-existing domain)"),
    ("unreachable", r"actively refused it\.? \(?[\w.\-]+:(\d{2,5})"),  # .NET
    ("unreachable", r"connect(?:ing)? to [\w.\-]+(?: port |:)(\d{2,5})\b[^\n]*(?:[Rr]efused|[Cc]ouldn't connect)"),
    ("unreachable", r"dial tcp [\w.\-]*:(\d{2,5}): connect: connection refused"),
    ("unreachable", r"->\s*[\w.\-]+:(\d{2,5})"),
    ("unreachable", r"[Cc]onnection refused|ECONNREFUSED|:econnrefused|SQLSTATE\[HY000\] \[2002\]"),
    ("unreachable", r"A connection attempt failed because the connected party did not properly respond"),
    ("unreachable", r"(?:timed out|timeout|ETIMEDOUT|unreachable)[^\n]*?https?://([\w.\-]+)"),
    ("unreachable", r"dns error|failed to lookup address information|tls handshake eof|No route to host"),
    ("unreachable", r"Couldn't (?:connect to server|resolve host name)|Timeout was reached|[Cc]onnect timed out"),
    ("unreachable", r"dial tcp [\d.]+:\d+: i/o timeout|ETIMEDOUT|ENETUNREACH|Network is unreachable"),
    ("access denied", r"(?:401|403)\b[^\n]*?https?://([\w.\-]+)"),
    ("access denied", r"https?://([\w.\-]+)[^\n]*?\b(?:401|403)\b"),
    ("access denied", r"pull access denied for ([\w.\-]+)"),
    ("access denied", r"407 Proxy Authentication Required|HTTP code 407 from (proxy)"),
    ("access denied", rf"Access denied for user {_Q}([\w.\-]+){_Q}"),  # MySQL
    ("access denied", r"[Pp]ermission to (\S+) denied"),
    ("access denied", r"failed to authenticate[^\n]*?https?://([\w.\-]+)"),
    ("access denied", rf"Authentication failed for {_Q}?(?:https?://)?([\w.\-]+)"),  # git over https
    ("access denied", r"Permission denied \((publickey)[,)]"),  # git/ssh without a key
    (
        "access denied",
        r"401 Unauthorized|403 Forbidden|authentication (?:failed|required|token)|terminal prompts disabled",
    ),
    ("permission denied", rf"(?:EACCES|EPERM)[^\n]*?{_Q}(/[^'\"`]+){_Q}"),
    ("permission denied", rf"Permission denied: {_Q}(/[^'\"`]+){_Q}"),
    ("permission denied", r"open (/\S+): permission denied"),
    ("permission denied", r"Permission denied @ \w+ - (/\S+)"),  # Ruby Errno::EACCES
    ("permission denied", r"FileNotFoundException: (/\S+) \(Permission denied\)"),  # Java
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
    ("disk full", r"No space left on device|ENOSPC|[Dd]isk quota exceeded|EDQUOT|not enough space on the disk"),
    (
        "quota exhausted",
        r"(?:quota|credits?|budget) (?:exhausted|exceeded)|exceeded (?:your |the )?quota|insufficient_quota",
    ),
    # A variable or secret the environment does not provide (the agent cannot invent a secret).
    ("missing setting", rf"[Ee]nvironment variable {_VAR} (?:is |was )?{_UNSET}"),
    (
        "missing setting",
        rf"(?:[Mm]issing|[Rr]equired|[Uu]nset|[Uu]ndefined) (?:required )?env(?:ironment)? var\w*:? {_VAR}",
    ),
    ("missing setting", rf"\b([A-Z][A-Z0-9_]{{2,}}){_Q}? (?:environment variable|env var) (?:is )?{_UNSET}"),
    ("missing setting", r"key not found: \"([A-Z][A-Z0-9_]{2,})\""),  # Ruby ENV.fetch
    ("missing setting", rf"(?s)environ\[{_Q}([A-Z][A-Z0-9_]+){_Q}\].*?KeyError"),  # Python os.environ
    ("missing setting", rf"Missing {_Q}(\w+){_Q} for {_Q}\w+{_Q} environment"),  # Rails secret_key_base
    ("missing setting", r"(?:^|\s)([A-Z][A-Z0-9_]{2,}): unbound variable"),  # bash `set -u`
    # Django run without its settings: whatever setting it asked for first, the variable is missing.
    ("missing setting", r"define the environment variable ([A-Z][A-Z0-9_]{2,}) or call settings\.configure"),
    # The sandbox's locale, time zones and user database: not fixable from inside by exports or edits.
    ("missing setting", r"'(ascii)' codec can't (?:en|de)code|unsupported (locale) setting|(locale)\.Error"),
    ("missing setting", r"No (time zone) found with key|Incorrect (timezone) setting|(tzdata)"),
    ("missing setting", r"Could not determine (home) directory|(getpwuid)\(\): uid not found"),
    # A container without an init system: services cannot be started here (`systemctl start x`).
    ("no service manager", r"System has not been booted with (systemd)|Failed to connect to bus|Running in chroot"),
    (
        "out of memory",
        r"[Oo]ut of memory|Killed\s*$|\d Killed\s|OOMKilled|MemoryError|Cannot allocate memory|ENOMEM|std::bad_alloc",
    ),
    # A work tree stuck mid-merge: every checkout, stash, switch and rebase is refused for it, whichever
    # file git names, until the conflict is resolved (git reports it as a state, not as an error).
    (
        "unresolved merge",
        r"CONFLICT \([\w/ -]+\): |[Yy]ou have unmerged (?:paths|files)|\bis unmerged\b|: needs merge$"
        r"|cannot [\w ]+ while merging|would be overwritten by (?:merge|checkout|switch)"
        r"|in the middle of an? (?:am session|merge|rebase|cherry-pick|revert)|MERGE_HEAD exists"
        r"|unresolved conflict|resolve your current index first",
    ),
    ("rate limited", r"429 Too Many Requests|rate limit(?:ed| exceeded)"),
    # A database another process keeps locked (SQLite's `database is locked`, any driver): a longer timeout,
    # another journal mode or a retry does not free it; finding and stopping the holder does. Git's
    # `index.lock` and apt's lock are left out: their holder usually finishes, and a wait clears them
    # (heldout10's transient-then-ok sessions, nudged and paused when they counted).
    ("locked", r"(database) is locked"),
    # Killed by SIGKILL (128 + 9) with nothing else said: in a sandbox, the kernel's OOM killer.
    ("out of memory", r"<returncode>137</returncode>|exit (?:code|status):? 137\b"),
    # Gradle's `Could not resolve g:a:v` with no reason above: the artifact is not to be had here.
    ("missing module", r"Could not resolve ([\w.\-]+:[\w.\-]+)(?::[\w.\-]+)?\.?$"),
]
NEEDS = {_GO_MODULE: "@v", _NPM_MISSING: "@"}
# Words one of which each family's wording contains: a family whose words are absent is not tried
# (most of the time goes into the patterns that cannot start with a literal).
FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "port in use": ("in use", "eaddrinuse"),
    "untrusted certificate": ("cert", "pkix"),
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
        "could not be found",
        "cannot load such file",
        "can't locate",
        "couldn't find module",
        "is not installed",
        "configure failed",
        "resolve",
        "404",
        "410",
    ),
    "missing library": (
        "shared object",
        "shared library",
        "unable to load dll",
        "fatal error",
        "can't find the",
        "cannot find -l",
        "could not find",
        "no package",
        "pkg-config",
        "missing from your system",
    ),
    "missing binary": (
        "not found",
        "no acceptable",
        "unrecognized service",
        "not recognized",
        "executable",
        "enoent",
        "linker",
        "no such file",
        "which: no",
        "unable to locate",
        "could not find",
        "compiler could be found",
        "could not be found",
    ),
    "missing file": ("no such file", "enoent"),
    "unreachable": (
        "dns error",
        "lookup address",
        "handshake",
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
        "no such host",
        "unknownhost",
        "getaddrinfo",
        "unknown host",
        "no route",
        "service index",
        "curl error",
        "could not be downloaded",
        "could not get",
        "could not head",
        "to_address",
        "no servers",
        "nxdomain",
        "docker",
        "pgsql",
        "sqlstate",
    ),
    "access denied": (
        "401",
        "403",
        "407",
        "denied",
        "authenticat",
        "unauthorized",
        "forbidden",
        "terminal prompts",
    ),
    "permission denied": ("permission", "eacces", "eperm", "not permitted", "sudo"),
    "disk full": ("space left", "enospc", "quota", "edquot", "not enough space"),
    "quota exhausted": ("quota", "exhausted", "exceeded"),
    "missing setting": (
        "environ",
        "env var",
        "key not found",
        "unbound variable",
        "settings.configure",
        "codec can't",
        "locale",
        "time zone",
        "timezone",
        "tzdata",
        "home directory",
        "getpwuid",
    ),
    "no service manager": ("systemd", "to bus", "chroot"),
    "out of memory": ("memory", "killed", "oomkilled", "enomem", "bad_alloc", "137"),
    "unresolved merge": (
        "conflict",
        "unmerged",
        "needs merge",
        "while merging",
        "overwritten by",
        "middle of",
        "merge_head",
        "index first",
    ),
    "rate limited": ("429", "rate limit"),
    "locked": ("is locked",),
}

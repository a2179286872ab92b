"""Causes read from the wordings of Ruby, PHP, .NET, C/C++, Elixir, Kotlin/Gradle and the OS.

Each case is what the real tool prints for an environment the agent cannot fix from inside the
repository; the negative cases are failures of the agent's own code, which must name no cause
(an environment finding there would stop an agent fixing its own compile errors).
"""

from __future__ import annotations

import pytest

from regulator.detect.causes import Cause, cause_of, same_cause


@pytest.mark.parametrize(
    ("text", "family", "name"),
    [
        # Ruby / Bundler
        ("LoadError: cannot load such file -- nokogiri", "missing module", "nokogiri"),
        ("Could not find gem 'sidekiq (~> 7.2)' in locally installed gems.", "missing module", "sidekiq"),
        (
            "Bundler::GemNotFound: Could not find rack-3.0.8 in locally installed gems",
            "missing module",
            "rack",
        ),
        (
            "Gem::MissingSpecError: Could not find 'bundler' (2.5.6) among 120 total gem(s)",
            "missing module",
            "bundler",
        ),
        (
            "Errno::ECONNREFUSED: Failed to open TCP connection to localhost:9200 "
            '(Connection refused - connect(2) for "localhost" port 9200)',
            "unreachable",
            "port 9200",
        ),
        (
            'PG::ConnectionBad: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
            "unreachable",
            "port 5432",
        ),
        (
            'PG::ConnectionBad: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            "No such file or directory",
            "unreachable",
            "port 5432",
        ),
        (
            "Errno::EACCES: Permission denied @ rb_sysopen - /usr/local/bundle/cache/rake.gem",
            "permission denied",
            "/usr/local/bundle/cache/rake.gem",
        ),
        ('KeyError: key not found: "STRIPE_API_KEY"', "missing setting", "STRIPE_API_KEY"),
        ("Can't find the 'libpq-fe.h header\n*** extconf.rb failed ***", "missing library", "libpq-fe.h"),
        # PHP / Composer
        (
            "Your requirements could not be resolved to an installable set of packages.\n\n  Problem 1\n"
            "    - Root composer.json requires acme/ledger ^2.1, it could not be found in any version, "
            "there may be a typo in the package name.",
            "missing module",
            "acme/ledger",
        ),
        (
            "    - Root composer.json requires PHP extension ext-intl * but it is missing from your system. "
            "Install or enable PHP's intl extension.",
            "missing library",
            "ext-intl",
        ),
        (
            'The "https://repo.packagist.org/packages.json" file could not be downloaded: '
            "failed to open stream: Connection timed out",
            "unreachable",
            "repo.packagist.org",
        ),
        (
            "curl error 6 while downloading https://repo.packagist.org/packages.json: "
            "Could not resolve host: repo.packagist.org",
            "unreachable",
            "repo.packagist.org",
        ),
        ("SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users)", "unreachable", ""),
        ("SQLSTATE[HY000] [2002] No such file or directory", "unreachable", ""),
        (
            "SQLSTATE[HY000] [1045] Access denied for user 'app'@'172.18.0.3' (using password: YES)",
            "access denied",
            "app",
        ),
        # .NET / NuGet
        (
            "/src/App/App.csproj : error NU1101: Unable to find package Acme.Ledger. "
            "No packages exist with this id in source(s): nuget.org",
            "missing module",
            "Acme.Ledger",
        ),
        (
            "/src/App/App.csproj : error NU1301: Unable to load the service index for source "
            "https://api.nuget.org/v3/index.json.",
            "unreachable",
            "api.nuget.org",
        ),
        (
            "/src/App/App.csproj : error MSB4236: The SDK 'Microsoft.NET.Sdk.Web' specified could not be found.",
            "missing binary",
            "Microsoft.NET.Sdk.Web",
        ),
        (
            "System.Net.Http.HttpRequestException: A connection attempt failed because the connected party did "
            "not properly respond after a period of time, or established connection failed",
            "unreachable",
            "",
        ),
        (
            "System.DllNotFoundException: Unable to load shared library 'libSkiaSharp' or one of its dependencies.",
            "missing library",
            "libSkiaSharp",
        ),
        (
            'error MSB3021: Unable to copy file "obj/App.dll" to "bin/App.dll". Disk quota exceeded',
            "disk full",
            "",
        ),
        # C / C++
        (
            "src/db.c:3:10: fatal error: libpq-fe.h: No such file or directory\n    3 | #include <libpq-fe.h>",
            "missing library",
            "libpq-fe.h",
        ),
        ("src/img.cpp:1:10: fatal error: 'png.h' file not found", "missing library", "png.h"),
        ("/usr/bin/ld: cannot find -lssl: No such file or directory", "missing library", "ssl"),
        (
            "CMake Error at /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs.cmake:230 (message):\n"
            "  Could NOT find OpenSSL, try to set the path to OpenSSL root folder (missing: OPENSSL_CRYPTO_LIBRARY)",
            "missing library",
            "OpenSSL",
        ),
        (
            "CMake Error at CMakeLists.txt:2 (project):\n  No CMAKE_CXX_COMPILER could be found.",
            "missing binary",
            "C compiler",  # CMake names the language; any compiler would do
        ),
        (
            "./server: error while loading shared libraries: libboost_system.so.1.83.0: "
            "cannot open shared object file: No such file or directory",
            "missing library",
            "libboost_system.so.1.83.0",
        ),
        ("Package libffi was not found in the pkg-config search path.", "missing library", "libffi"),
        # Elixir / mix / Hex
        (
            "** (DBConnection.ConnectionError) tcp connect (localhost:5432): connection refused - :econnrefused",
            "unreachable",
            "port 5432",
        ),
        (
            '** (Mix) httpc request failed with: {:failed_connect, [{:to_address, {~c"repo.hex.pm", 443}}, '
            "{:inet, [:inet], :nxdomain}]}",
            "unreachable",
            "repo.hex.pm",
        ),
        ("Could not find Hex, which is needed to build dependency :jason", "missing binary", "Hex"),
        (
            "** (RuntimeError) environment variable DATABASE_URL is missing.\n"
            "For example: ecto://USER:PASS@HOST/DATABASE",
            "missing setting",
            "DATABASE_URL",
        ),
        # Kotlin / Gradle / Java
        (
            "Execution failed for task ':app:compileKotlin'.\n"
            "> Could not resolve all files for configuration ':app:compileClasspath'.\n"
            "   > Could not resolve io.acme:ledger-client:1.4.0.",
            "missing module",
            "io.acme:ledger-client",
        ),
        (
            "   > Could not resolve io.acme:ledger-client:1.4.0.\n"
            "      > Could not GET 'https://repo.maven.apache.org/maven2/io/acme/ledger-client/1.4.0/x.pom'.\n"
            "         > repo.maven.apache.org",
            "unreachable",
            "repo.maven.apache.org",
        ),
        (
            "> Could not GET 'https://nexus.acme.io/repository/x.pom'. Received status code 401 from server",
            "access denied",
            "nexus.acme.io",
        ),
        (
            "java.io.FileNotFoundException: /home/dev/.gradle/caches/journal-1.lock (Permission denied)",
            "permission denied",
            "/home/dev/.gradle/caches/journal-1.lock",
        ),
        # Docker
        (
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
            "unreachable",
            "/var/run/docker.sock",
        ),
        (
            "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: "
            'Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: '
            "connect: permission denied",
            "permission denied",
            "/var/run/docker.sock",
        ),
        # TLS
        (
            "requests.exceptions.SSLError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded "
            "with url: /simple/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
            "certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))",
            "untrusted certificate",
            "",
        ),
        (
            "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
            "More details here: https://curl.se/docs/sslcerts.html",
            "untrusted certificate",
            "",  # the documentation's address is no host that failed
        ),
        (
            'Get "https://proxy.golang.org/github.com/acme/log/@v/list": '
            "tls: failed to verify certificate: x509: certificate signed by unknown authority",
            "untrusted certificate",
            "proxy.golang.org",
        ),
        (
            "javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
            "sun.security.provider.certpath.SunCertPathBuilderException",
            "untrusted certificate",
            "",
        ),
        # Proxies and DNS
        (
            "pip._vendor.urllib3.exceptions.NewConnectionError: Failed to establish a new connection: "
            "[Errno -3] Temporary failure in name resolution",
            "unreachable",
            "",
        ),
        ("npm ERR! network getaddrinfo ENOTFOUND registry.npmjs.org", "unreachable", "registry.npmjs.org"),
        ("curl: (56) Received HTTP code 407 from proxy after CONNECT", "access denied", "proxy"),
        (";; connection timed out; no servers could be reached", "unreachable", ""),
        # Rust's reqwest/hyper (Foundry, Deno, gleam, cargo tools): the URL first, then why it failed
        (
            "Error: error sending request for url (https://rpc.ankr.com/eth): operation timed out",
            "unreachable",
            "rpc.ankr.com",
        ),
        (
            "error: Hex request failed: https://repo.hex.pm/packages/wisp: "
            "dns error (failed to lookup address information: Name does not resolve)",
            "unreachable",
            "repo.hex.pm",
        ),
        ("warning: spurious network error (2 tries remaining): tls handshake eof", "unreachable", ""),
        (
            "Caused by:\n    0: client error (Connect)\n    1: dns error: "
            "failed to lookup address information: Name does not resolve",
            "unreachable",
            "",
        ),
        # Erlang's httpc as rebar3 prints it: no space after the comma
        (
            "===> Failed to update package hex_core from repo hexpm\n"
            '{failed_connect,[{to_address,{"repo.hex.pm",443}},{inet,[inet],nxdomain}]}',
            "unreachable",
            "repo.hex.pm",
        ),
        # Settings and secrets
        ("Error: environment variable OPENAI_API_KEY is not set", "missing setting", "OPENAI_API_KEY"),
        ("Error: Missing required environment variable: SENTRY_DSN", "missing setting", "SENTRY_DSN"),
        (
            'Traceback (most recent call last):\n  File "app/settings.py", line 4, in <module>\n'
            '    SECRET = os.environ["APP_SECRET"]\n             ~~~~~~~~~~^^^^^^^^^^^^^^\n'
            "  File \"<frozen os>\", line 679, in __getitem__\nKeyError: 'APP_SECRET'",
            "missing setting",
            "APP_SECRET",
        ),
        # Disk, services, toolchains
        ("OSError: [Errno 122] Disk quota exceeded: '/home/dev/.cache/pip/x.whl'", "disk full", ""),
        ("tar: ./node_modules/x.js: Cannot write: No space left on device", "disk full", ""),
        (
            "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
            "Failed to connect to bus: Host is down",
            "no service manager",
            "systemd",
        ),
        ("sh: 1: /usr/local/bin/wkhtmltopdf: not found", "missing binary", "wkhtmltopdf"),
        ("zsh: command not found: terraform", "missing binary", "terraform"),
        (
            "'make' is not recognized as an internal or external command,\noperable program or batch file.",
            "missing binary",
            "make",
        ),
        ("/usr/bin/env: 'python': No such file or directory", "missing binary", "python"),
        ("bash: /opt/tools/bin/protoc: No such file or directory", "missing binary", "protoc"),
        (
            "remote: Repository not found.\nfatal: Authentication failed for 'https://github.com/acme/kit.git/'",
            "access denied",
            "github.com",
        ),
        ("git@github.com: Permission denied (publickey).", "access denied", "publickey"),
        ('resource group "analysts" quota exhausted for 2025-11 (used 110 %)', "quota exhausted", ""),
        ("sqlite3.OperationalError: database is locked", "locked", "database"),
        ("django.db.utils.OperationalError: database is locked", "locked", "database"),
    ],
)
def test_each_toolchains_wording_names_its_cause(text: str, family: str, name: str) -> None:
    assert cause_of(text) == Cause(family, name)


@pytest.mark.parametrize(
    "text",
    [
        # Compile errors in the agent's own code: it can fix those, so they name no environment cause.
        "Program.cs(12,9): error CS0246: The type or namespace name 'Shipment' could not be found "
        "(are you missing a using directive or an assembly reference?)",
        "e: file:///app/src/main/kotlin/Lane.kt:14:9 Unresolved reference: laneFor",
        "src/route.c:27:5: error: implicit declaration of function 'lane_for' [-Werror=implicit-function-declaration]",
        "src/route.cpp:12:3: error: 'Lane' was not declared in this scope",
        'PHP Fatal error:  Uncaught Error: Class "App\\Routing\\Lane" not found in /srv/app/src/Router.php:14',
        "** (UndefinedFunctionError) function Freight.Lane.route/1 is undefined (module Freight.Lane is not available)",
        "Error: Could not find or load main class freight.MainKt\nCaused by: java.lang.ClassNotFoundException",
        "NoMethodError: undefined method `lane' for nil:NilClass",
        # Failing assertions
        "Failures:\n  1) Router routes to lane 3\n     Failure/Error: expect(lane).to eq(3)\n"
        "       expected: 3\n            got: 4",
        "Failed asserting that 4 is identical to 3.\n/srv/app/tests/RouterTest.php:22",
        "Assert.Equal() Failure\nExpected: 3\nActual:   4",
        "KeyError: 'lane'",  # a dict of the agent's own, not the environment
    ],
)
def test_the_agents_own_compile_errors_and_failing_assertions_name_no_cause(text: str) -> None:
    assert cause_of(text) is None


def test_a_header_and_its_shared_library_are_one_missing_library() -> None:
    header = cause_of("src/db.c:3:10: fatal error: libpq-fe.h: No such file or directory")
    library = cause_of("ImportError: libpq.so.5: cannot open shared object file: No such file or directory")
    assert header is not None and library is not None and same_cause(header, library)


@pytest.mark.parametrize(
    "text",
    [
        "error: command 'gcc' failed: No such file or directory",
        "error: command 'x86_64-linux-gnu-gcc' failed: No such file or directory",
        "error: command 'clang' failed: No such file or directory",
        "sh: 1: cc: not found",
        "/bin/sh: 1: g++: not found",
        "bash: gcc-12: command not found",
        "E: Unable to locate package build-essential",
        "make: clang++: No such file or directory",
        "E: Unable to locate package gcc",
        "configure: error: no acceptable C compiler found in $PATH",
        "-- No CMAKE_CXX_COMPILER could be found.",
        "-- No CMAKE_C_COMPILER could be found.",
    ],
)
def test_a_c_compiler_by_any_name_or_package_is_one_missing_c_compiler(text: str) -> None:
    # gcc, then clang, then cc, then `apt-get install build-essential`: one cause, however it is named.
    assert cause_of(text) == Cause("missing binary", "C compiler")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "CondaHTTPError: HTTP 000 CONNECTION FAILED for url "
            "<https://conda.anaconda.org/conda-forge/linux-64/current_repodata.json>\nElapsed: -\n\n"
            "An HTTP error occurred when trying to retrieve this URL.\n"
            "HTTP errors are often intermittent, and a simple retry will get you on your way.",
            "conda.anaconda.org",
        ),
        (
            "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)",
            "MySQL",
        ),
        (
            "django.db.utils.OperationalError: (2002, \"Can't connect to local MySQL server through socket "
            "'/run/mysqld/mysqld.sock' (2)\")",
            "MySQL",
        ),
        # Rust's reqwest: the URL's host, though the resolver's generic wording follows it.
        (
            "Error: error sending request for url (https://deno.land/std@0.200.0/http/server.ts): error trying to "
            "connect: dns error: failed to lookup address information: Temporary failure in name resolution",
            "deno.land",
        ),
        (
            "Error: error sending request for url (https://binaries.soliditylang.org/linux-amd64/list.json): "
            "error trying to connect: dns error: failed to lookup address information: Name or service not known",
            "binaries.soliditylang.org",
        ),
        # pip and wget name the host before the resolver's generic wording.
        (
            "WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(...)': /simple/x/\n"
            "Could not fetch URL https://pypi.org/simple/x/: HTTPSConnectionPool(host='pypi.org', port=443): Max "
            "retries exceeded with url: /simple/x/ (Caused by NewConnectionError('Failed to establish a new "
            "connection: [Errno -3] Temporary failure in name resolution'))",
            "pypi.org",
        ),
        ("Resolving ftp.gnu.org (ftp.gnu.org)... failed: Temporary failure in name resolution.", "ftp.gnu.org"),
    ],
)
def test_an_unreachable_service_is_named_by_its_host_or_server(text: str, name: str) -> None:
    assert cause_of(text) == Cause("unreachable", name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Caused by: java.net.SocketTimeoutException: Connect timed out (github.com/140.82.112.4:443)", "github.com"),
        (
            "io.grpc.StatusRuntimeException: UNAVAILABLE: Unable to resolve host cache.example.internal",
            "cache.example.internal",
        ),
        ("ERROR: fetching rules_jvm_external-6.3.tar.gz: Unknown host: github.com", "github.com"),
        (
            "java.io.IOException: Failed to fetch https://bcr.bazel.build/bazel_registry.json: Read timed out",
            "bcr.bazel.build",
        ),
        (
            "error: unable to download 'https://api.github.com/repos/x/y': Couldn't connect to server (7)",
            "api.github.com",
        ),
        ("error: unable to download 'https://github.com/x/y.tar.gz': Timeout was reached (28)", "github.com"),
        (
            "error: unable to download 'https://cache.nixos.org/nix-cache-info': SSL connect error (35)",
            "cache.nixos.org",
        ),
    ],
)
def test_java_bazel_and_nix_network_failures_name_their_host(text: str, name: str) -> None:
    assert cause_of(text) == Cause("unreachable", name)


def test_a_perl_module_is_one_cause_however_cpan_tools_name_it() -> None:
    texts = [
        "! Couldn't find module or a distribution XML::LibXML",
        "! Configure failed for XML-LibXML-2.0210. See /home/dev/.cpanm/work/1/build.log for details.",
        "Can't locate XML/LibXML.pm in @INC (you may need to install the XML::LibXML module)",
        "Installing modules failed: Module 'XML::LibXML' is not installed",
    ]
    causes = [cause_of(text) for text in texts]
    assert all(cause is not None and cause.family == "missing module" for cause in causes)
    first = causes[0]
    assert first is not None and all(cause is not None and same_cause(first, cause) for cause in causes)


def test_a_service_the_system_does_not_know_is_the_same_missing_binary_as_its_uninstallable_package() -> None:
    service = cause_of("postgresql: unrecognized service")
    package = cause_of("E: Unable to locate package postgresql")
    assert service == Cause("missing binary", "postgresql")
    assert package is not None and same_cause(service, package)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "get-pure-port: connection timed out after 30 seconds\n  url: https://pkgs.racket-lang.org\nexit code 1",
            None,
        ),
        ("git-checkout: connect failed; errno=110 (host github.com)\nexit code 1", "github.com"),
        (
            "Save-Module: No connection could be made: www.powershellgallery.com (The operation timed out)",
            "www.powershellgallery.com",
        ),
        (
            'Unhandled QL-HTTP::FETCH-ERROR: Unexpected HTTP status for #<URL "http://beta.quicklisp.org/a.tgz">: 0',
            "beta.quicklisp.org",
        ),
        (
            "HttpException: Connection closed before full header was received, uri = https://pub.dev/api/packages/test",
            "pub.dev",
        ),
    ],
)
def test_any_tools_failed_download_in_the_last_lines_names_the_host(text: str, name: str | None) -> None:
    cause = cause_of(text)
    if name is None:  # the address is on another line than the failure: no host to name
        assert cause is None or cause.family == "unreachable"
    else:
        assert cause == Cause("unreachable", name)


def test_a_url_and_a_timeout_in_code_higher_up_are_no_network_failure() -> None:
    code = 'def fetch():\n    return requests.get("https://example.org/api", timeout=5)\n' + "x = 1\n" * 30
    assert cause_of(code + "AssertionError: assert 1 == 2\nexit code 1") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "django.core.exceptions.ImproperlyConfigured: Requested setting USE_TZ, but settings are not configured. "
            "You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() "
            "before accessing settings.",
            "DJANGO_SETTINGS_MODULE",
        ),
        (
            "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 23: "
            "ordinal not in range(128)",
            "locale",
        ),
        ("locale.Error: unsupported locale setting", "locale"),
        ("zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with key America/New_York'", "time zone"),
        ("ValueError: Incorrect timezone setting: America/New_York", "time zone"),
        ("RuntimeError: Could not determine home directory.", "home"),
        ("KeyError: 'getpwuid(): uid not found: 1000'", "home"),
    ],
)
def test_the_sandboxs_settings_are_one_cause_each_however_the_error_names_them(text: str, name: str) -> None:
    assert cause_of(text) == Cause("missing setting", name)


@pytest.mark.parametrize(
    "text",
    [
        "fatal: Unable to create '/testbed/.git/index.lock': File exists.\n\nAnother git process seems to be running",
        "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2271 (apt-get)",
    ],
)
def test_locks_whose_holder_finishes_by_itself_name_no_cause(text: str) -> None:
    # Another git command or apt run holds them for a while; waiting clears them (heldout10's transient-then-ok).
    assert cause_of(text) is None

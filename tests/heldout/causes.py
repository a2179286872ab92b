"""Environment failures: one cause, many phrasings, drifting from one attempt to the next.

`failure(kind, eco, target, rng)` is what one attempt prints when the environment lacks
something the task needs: a module, a binary, a reachable host, a permission, a free port, a
credential. Every attempt picks a phrasing of its toolchain and varies what surrounds it (paths,
stack frames, timings, addresses), as real tools do; the cause (`target`) stays the same.
"""

from __future__ import annotations

import random


def _frames(rng: random.Random, n: int) -> str:
    files = ["loader.js", "index.js", "runtime.js", "resolver.js", "cli.js", "main.js"]
    return "".join(
        f"    at {rng.choice(['Module._resolveFilename', 'require', 'Object.<anonymous>', 'run', 'load'])} "
        f"(/workspace/node_modules/.pnpm/lib/{rng.choice(files)}:{rng.randint(10, 900)}:{rng.randint(3, 40)})\n"
        for _ in range(n)
    )


def _module(eco: str, target: str, rng: random.Random) -> list[str]:
    if eco == "node":
        return [
            f"node:internal/modules/cjs/loader:{rng.randint(1000, 1300)}\n  throw err;\n  ^\n\nError: Cannot find module '{target}'\n"
            f"Require stack:\n- /workspace/src/{rng.choice(['index', 'server', 'app'])}.js\n{_frames(rng, rng.randint(2, 4))}"
            f"{{\n  code: 'MODULE_NOT_FOUND',\n  requireStack: [ '/workspace/src/index.js' ]\n}}\n\nNode.js v20.{rng.randint(1, 17)}.0",
            f"npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/{target} - Not found\nnpm ERR! 404\n"
            f"npm ERR! 404  '{target}@^{rng.randint(1, 5)}.{rng.randint(0, 9)}.0' is not in this registry.\n"
            f"npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10_{rng.randint(10, 59)}_{rng.randint(10, 59)}_{rng.randint(100, 999)}Z-debug-0.log",
            f"src/{rng.choice(['index', 'client', 'db'])}.ts:{rng.randint(1, 9)}:{rng.randint(18, 30)} - error TS2307: Cannot find module '{target}' or its corresponding type declarations.\n\nFound 1 error.",
            f"FAIL src/__tests__/app.test.ts\n  ● Test suite failed to run\n\n    Cannot find module '{target}' from 'src/{rng.choice(['index', 'api'])}.ts'\n\n{_frames(rng, 2)}",
        ]
    if eco == "go":
        return [
            f"internal/core/{rng.choice(['db', 'api', 'cache'])}.go:{rng.randint(3, 12)}:2: no required module provides package {target}; to add it:\n\tgo get {target}",
            f"go: finding module for package {target}\ngo: example.com/app/internal/core imports\n\t{target}: module {target}: reading https://proxy.golang.org/{target}/@v/list: 404 Not Found\n\tserver response: not found",
            f"go: downloading {target} v1.{rng.randint(0, 9)}.{rng.randint(0, 9)}\ngo: {target}@v1.{rng.randint(0, 9)}.0: verifying module: {target}@v1.2.0: reading https://sum.golang.org/lookup: 404 Not Found",
            f"# example.com/app/internal/core\ninternal/core/store.go:{rng.randint(3, 12)}:2: package {target} is not in std (/usr/local/go/src/{target})",
        ]
    if eco == "rust":
        return [
            f"    Updating crates.io index\nerror: no matching package named `{target}` found\nlocation searched: registry `crates-io`\nrequired by package `app v0.3.1 (/workspace)`",
            f"   Compiling app v0.3.1 (/workspace)\nerror[E0432]: unresolved import `{target}`\n --> src/{rng.choice(['lib', 'main', 'db'])}.rs:{rng.randint(1, 9)}:5\n  |\n{rng.randint(1, 9)} | use {target}::Client;\n  |     ^^^^^^ use of undeclared crate or module `{target}`",
            f"error[E0463]: can't find crate for `{target}`\n --> src/lib.rs:{rng.randint(1, 9)}:1\n  |\n  | extern crate {target};\n  | ^^^^^^^^^^^^^^^^^^^^^ can't find crate",
        ]
    if eco == "java":
        return [
            f"[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project com.example:app:jar:1.0: Could not find artifact {target}:jar:{rng.randint(1, 5)}.{rng.randint(0, 9)} in central (https://repo.maven.apache.org/maven2) -> [Help 1]",
            f"[ERROR] /workspace/src/main/java/com/example/App.java:[{rng.randint(3, 12)},1] package {target} does not exist\n[INFO] BUILD FAILURE",
            f"FAILURE: Build failed with an exception.\n* What went wrong:\nCould not resolve all files for configuration ':compileClasspath'.\n> Could not find {target}:{rng.randint(1, 5)}.{rng.randint(0, 9)}.\n  Required by:\n      project :",
        ]
    return [
        f"Traceback (most recent call last):\n  File \"/workspace/app/{rng.choice(['main', 'db', 'cli'])}.py\", line {rng.randint(1, 30)}, in <module>\n    import {target}\nModuleNotFoundError: No module named '{target}'",
        f"ERROR: Could not find a version that satisfies the requirement {target} (from versions: none)\nERROR: No matching distribution found for {target}",
        f"  × No solution found when resolving dependencies:\n  ╰─▶ Because {target} was not found in the package registry and app depends on {target}, we can conclude that app's requirements are unsatisfiable.",
        f"ImportError while loading conftest '/workspace/tests/conftest.py'.\ntests/conftest.py:{rng.randint(1, 9)}: in <module>\n    from {target} import Client\nE   ModuleNotFoundError: No module named '{target}'",
    ]


def _binary(eco: str, target: str, rng: random.Random) -> list[str]:
    return [
        f"sh: 1: {target}: not found",
        f"bash: line 1: {target}: command not found",
        f"/bin/sh: {target}: command not found\nmake: *** [Makefile:{rng.randint(5, 60)}: {rng.choice(['generate', 'proto', 'build'])}] Error 127",
        f'exec: "{target}": executable file not found in $PATH',
        f"Error: spawn {target} ENOENT\n    at ChildProcess._handle.onexit (node:internal/child_process:{rng.randint(200, 300)}:19)\n{_frames(rng, 2)}  errno: -2,\n  code: 'ENOENT',\n  syscall: 'spawn {target}'",
        f"FileNotFoundError: [Errno 2] No such file or directory: '{target}'",
        f"error: failed to run custom build command for `app v0.3.1`\n  --- stderr\n  Could not find `{target}`. If it is installed, try setting the {target.upper()} environment variable.",
        f"E: Unable to locate package {target}"
        if rng.random() < 0.5
        else f"which: no {target} in (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin)",
    ]


def _host(eco: str, target: str, rng: random.Random) -> list[str]:
    host, _, port = target.partition(":")
    port = port or "443"
    ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return [
        f"Error: getaddrinfo ENOTFOUND {host}\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:{rng.randint(100, 130)}:26) {{\n  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n  hostname: '{host}'\n}}",
        f"curl: (6) Could not resolve host: {host}",
        f"dial tcp: lookup {host} on 127.0.0.11:53: no such host",
        f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='{host}', port={port}): Max retries exceeded with url: /v1/{rng.choice(['health', 'items', 'auth'])} "
        f"(Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x{rng.getrandbits(40):x}>: Failed to resolve '{host}' ([Errno -3] Temporary failure in name resolution)\"))",
        f"Error: connect ECONNREFUSED {ip}:{port}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:{rng.randint(1500, 1600)}:16)",
        f"ssh: Could not resolve hostname {host}: Name or service not known",
        f"fatal: unable to access 'https://{host}/org/app.git/': Could not resolve host: {host}",
        f'Get "https://{host}/v1/status": dial tcp {ip}:{port}: i/o timeout',
    ]


def _service(eco: str, target: str, rng: random.Random) -> list[str]:
    name, _, port = target.partition(":")
    return [
        f"Error: connect ECONNREFUSED 127.0.0.1:{port}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:{rng.randint(1500, 1600)}:16) {{\n  errno: -111,\n  code: 'ECONNREFUSED',\n  address: '127.0.0.1',\n  port: {port}\n}}",
        f'psycopg.OperationalError: connection failed: connection to server at "127.0.0.1", port {port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?',
        f"dial tcp 127.0.0.1:{port}: connect: connection refused",
        f"curl: (7) Failed to connect to localhost port {port} after {rng.randint(0, 3)} ms: Couldn't connect to server",
        f"redis.exceptions.ConnectionError: Error 111 connecting to localhost:{port}. Connection refused.",
        f"java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n\tat org.postgresql.core.PGStream.<init>(PGStream.java:{rng.randint(80, 120)})\n -> localhost:{port}",
        f"nc: connect to localhost port {port} (tcp) failed: Connection refused",
        f"{name}: unrecognized service"
        if rng.random() < 0.5
        else "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down",
    ]


def _permission(eco: str, target: str, rng: random.Random) -> list[str]:
    return [
        f"Error: EACCES: permission denied, open '{target}'\n    at Object.openSync (node:fs:{rng.randint(590, 610)}:3)\n{_frames(rng, 2)}  errno: -13,\n  code: 'EACCES',\n  syscall: 'open',\n  path: '{target}'",
        f"PermissionError: [Errno 13] Permission denied: '{target}'",
        f"open {target}: permission denied",
        f"mkdir: cannot create directory '{target}': Permission denied",
        f"cp: cannot create regular file '{target}': Permission denied",
        "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required",
        f"error: failed to open `{target}`\n\nCaused by:\n  Permission denied (os error 13)",
        f"chmod: changing permissions of '{target}': Operation not permitted",
    ]


def _port(eco: str, target: str, rng: random.Random) -> list[str]:
    return [
        f"node:events:{rng.randint(490, 510)}\n      throw er; // Unhandled 'error' event\n      ^\n\nError: listen EADDRINUSE: address already in use :::{target}\n    at Server.setupListenHandle [as _listen2] (node:net:{rng.randint(1800, 1900)}:16)",
        f"OSError: [Errno 98] Address already in use: ('0.0.0.0', {target})",
        f"listen tcp :{target}: bind: address already in use",
        f"Error: Port {target} is already in use\n    at Server.<anonymous> (/workspace/node_modules/vite/dist/node/chunks/dep-{rng.getrandbits(32):08x}.js:{rng.randint(100, 9000)}:18)",
        f"Web server failed to start. Port {target} was already in use.\n\nAction:\n\nIdentify and stop the process that's listening on port {target} or configure this application to listen on another port.",
        f"Error starting userland proxy: listen tcp4 0.0.0.0:{target}: bind: address already in use",
    ]


def _auth(eco: str, target: str, rng: random.Random) -> list[str]:
    return [
        f"npm ERR! code E401\nnpm ERR! 401 Unauthorized - GET https://{target}/@acme%2fcore - authentication token not provided",
        f"remote: Permission to acme/{rng.choice(['app', 'core'])}.git denied to ci-bot.\nfatal: unable to access 'https://{target}/acme/app.git/': The requested URL returned error: 403",
        f"Error response from daemon: pull access denied for {target}/acme/base, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
        f"go: {target}/acme/core@v0.{rng.randint(1, 9)}.0: reading https://{target}/acme/core/@v/list: 401 Unauthorized",
        f"error: failed to get `acme-core` as a dependency\nCaused by:\n  failed to authenticate when downloading repository: https://{target}/acme/core\n  * attempted ssh-agent authentication, but no usernames succeeded",
        f"HTTP 403 Forbidden: https://{target}/api/v1/packages (token lacks scope 'read:packages')",
    ]


KINDS = {
    "module": _module,
    "binary": _binary,
    "host": _host,
    "service": _service,
    "permission": _permission,
    "port": _port,
    "auth": _auth,
}
TARGETS = {
    "module": {
        "node": (
            ["@acme/schema-utils", "left-pad-ng", "fast-csv-parse", "@internal/logger"],
            ["@corp/telemetry", "pg-native-bind", "@acme/feature-flags", "xml-stream-lite"],
        ),
        "python": (["acme_sdk", "fastparse", "internal_auth"], ["corp_metrics", "pyproj_lite", "vendor_client"]),
        "go": (
            ["github.com/acme/schema", "gitlab.internal/platform/log"],
            ["github.com/corp/telemetry/v2", "go.acme.dev/flags"],
        ),
        "rust": (["acme-proto", "fastcsv2"], ["corp-telemetry", "tokio-acme"]),
        "java": (["com.acme:schema-core", "org.internal:auth"], ["com.corp:telemetry-client", "io.acme:flags"]),
    },
    "binary": (["protoc", "pg_config", "cmake"], ["buf", "wasm-pack", "swig", "ffmpeg", "terraform"]),
    "host": (
        ["registry.internal.acme.io", "api.staging.acme.dev"],
        ["artifacts.corp.local", "auth.dev-cluster.svc", "mirror.build.internal"],
    ),
    "service": (
        ["postgresql:5432", "redis:6379"],
        ["mysql:3306", "rabbitmq:5672", "elasticsearch:9200", "mongod:27017"],
    ),
    "permission": (
        ["/var/lib/app/config.json", "/usr/local/lib/node_modules", "/etc/app/secrets.env"],
        ["/var/run/docker.sock", "/opt/data/cache", "/srv/uploads"],
    ),
    "port": ([], ["3000", "8080", "5173", "9090"]),
    "auth": ([], ["npm.pkg.github.com", "ghcr.io", "git.acme.dev"]),
}


def failure(kind: str, eco: str, target: str, rng: random.Random, variants: int | None = None) -> str:
    options = KINDS[kind](eco, target, rng)
    return rng.choice(options[:variants] if variants else options)

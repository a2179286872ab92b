"""Blockers of the first four toolchains: a warehouse down, no cloud credentials, no Docker, a private
Maven repository without credentials, an egress policy on the Go proxy, a read-only disk, crates.io blocked."""

from __future__ import annotations

from .env_texts import Blocker

PG_DOWN = 'psycopg2.OperationalError: connection to server at "warehouse.internal" (@ip@), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?'
DOCKER_DOWN = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
BLOCKERS_A: dict[str, tuple[Blocker, ...]] = {
    "pydata": (
        Blocker(
            "python -m pytest -q tests/io/test_warehouse.py",
            "E   " + PG_DOWN + "\n1 error in @secs@s",
            (
                ("shell", "pg_isready -h warehouse.internal -p 5432", "warehouse.internal:5432 - no response", 2),
                (
                    "shell",
                    "PGCONNECT_TIMEOUT=30 python -m pytest -q tests/io/test_warehouse.py",
                    "E   " + PG_DOWN + "\n1 error in @secs@s",
                    1,
                ),
                (
                    "shell",
                    "sudo systemctl start postgresql",
                    "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper",
                    1,
                ),
                (
                    "edit",
                    "src/churn/io/warehouse.py",
                    'DSN = os.environ.get("WAREHOUSE_DSN")',
                    'DSN = os.environ.get("WAREHOUSE_DSN", "postgresql://churn@localhost:5432/churn")',
                ),
                (
                    "shell",
                    "psql \"$WAREHOUSE_DSN\" -c 'select 1'",
                    'psql: error: connection to server at "warehouse.internal" (@ip@), port 5432 failed: Connection refused',
                    2,
                ),
                (
                    "shell",
                    "nc -zv warehouse.internal 5432",
                    "nc: connect to warehouse.internal (@ip@) port 5432 (tcp) failed: Connection refused",
                    1,
                ),
                (
                    "shell",
                    "python -m pytest -q tests/io/test_warehouse.py -p no:cacheprovider",
                    "E   " + PG_DOWN + "\n1 error in @secs@s",
                    1,
                ),
            ),
        ),
        Blocker(
            "jupyter nbconvert --to notebook --execute notebooks/eda.ipynb --output /tmp/eda.out.ipynb",
            "[NbConvertApp] Converting notebook notebooks/eda.ipynb to notebook\nbotocore.exceptions.NoCredentialsError: Unable to locate credentials\n[NbConvertApp] ERROR | Kernel died while waiting for execute reply. (request @req@)",
            (
                (
                    "shell",
                    "aws sts get-caller-identity",
                    'Unable to locate credentials. You can configure credentials by running "aws configure".',
                    253,
                ),
                (
                    "shell",
                    "aws s3 ls s3://acme-churn-raw/events/ --profile analytics",
                    "The config profile (analytics) could not be found",
                    255,
                ),
                ("shell", "env | grep -i aws", "AWS_DEFAULT_REGION=eu-west-1", 0),
                (
                    "shell",
                    "AWS_PROFILE=default jupyter nbconvert --to notebook --execute notebooks/eda.ipynb --output /tmp/eda.out.ipynb",
                    "botocore.exceptions.NoCredentialsError: Unable to locate credentials\n[NbConvertApp] ERROR | Kernel died (pid @pid@)",
                    1,
                ),
                (
                    "shell",
                    "curl -s -m 5 http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                    "curl: (28) Connection timed out after 5001 milliseconds",
                    28,
                ),
                ("shell", "ls -la ~/.aws/", "ls: cannot access '/home/agent/.aws/': No such file or directory", 2),
            ),
        ),
    ),
    "spring": (
        Blocker(
            "./mvnw -q -B verify -pl orders-persistence",
            "[ERROR] OrderRepositoryTest » IllegalState Could not find a valid Docker environment. Please see logs and check configuration\n[ERROR] Tests run: 14, Failures: 0, Errors: 14, Skipped: 0\n[INFO] Total time:  @secs@ s\n[INFO] Finished at: @ts@",
            (
                ("shell", "docker info", DOCKER_DOWN, 1),
                ("shell", "sudo dockerd > /tmp/dockerd.log 2>&1 &", "[1] @pid@\nsudo: a password is required", 1),
                (
                    "shell",
                    "TESTCONTAINERS_RYUK_DISABLED=true ./mvnw -q -B verify -pl orders-persistence",
                    "[ERROR] OrderRepositoryTest » IllegalState Could not find a valid Docker environment\n[INFO] Total time:  @secs@ s",
                    1,
                ),
                (
                    "edit",
                    "orders-persistence/src/test/resources/testcontainers.properties",
                    "",
                    "docker.host=tcp://localhost:2375",
                ),
                (
                    "shell",
                    "ls -la /var/run/docker.sock",
                    "ls: cannot access '/var/run/docker.sock': No such file or directory",
                    2,
                ),
                (
                    "shell",
                    "DOCKER_HOST=tcp://localhost:2375 ./mvnw -q -B verify -pl orders-persistence",
                    "[ERROR] DockerClientProviderStrategy - Could not find a valid Docker environment (tcp://localhost:2375: Connection refused)\n[INFO] Total time:  @secs@ s",
                    1,
                ),
            ),
        ),
        Blocker(
            "./mvnw -B -U package",
            "[ERROR] Failed to execute goal on project orders-core: Could not resolve dependencies: Could not transfer artifact com.acme.platform:platform-bom:pom:5.2.0 from/to acme-nexus (https://nexus.acme.internal/repository/maven-private/): status code: 401, reason phrase: Unauthorized (401) [request @req@]",
            (
                ("shell", "cat ~/.m2/settings.xml", "cat: /home/agent/.m2/settings.xml: No such file or directory", 1),
                (
                    "shell",
                    "./mvnw -B -U -o package",
                    "[ERROR] Cannot access acme-nexus in offline mode and the artifact com.acme.platform:platform-bom:pom:5.2.0 has not been downloaded from it before.",
                    1,
                ),
                (
                    "shell",
                    "curl -sI https://nexus.acme.internal/repository/maven-private/",
                    'HTTP/2 401 \nwww-authenticate: BASIC realm="Sonatype Nexus Repository Manager"\nx-request-id: @req@',
                    0,
                ),
                (
                    "edit",
                    "pom.xml",
                    "<platform.version>5.2.0</platform.version>",
                    "<platform.version>5.1.4</platform.version>",
                ),
                ("shell", "env | grep -i -E 'nexus|maven'", "MAVEN_OPTS=-Xmx2g", 0),
                (
                    "shell",
                    "./mvnw -B dependency:purge-local-repository -DmanualInclude=com.acme.platform",
                    "[ERROR] Could not transfer artifact com.acme.platform:platform-bom:pom:5.1.4 from/to acme-nexus: status code: 401, reason phrase: Unauthorized (401)",
                    1,
                ),
            ),
        ),
    ),
    "gosvc": (
        Blocker(
            "docker compose up -d postgres nats",
            DOCKER_DOWN,
            (
                (
                    "shell",
                    "systemctl status docker",
                    "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down",
                    1,
                ),
                ("shell", "docker compose ps", DOCKER_DOWN, 1),
                (
                    "shell",
                    "go test ./internal/store/... -count=1",
                    "--- FAIL: TestStoreTxRollback (0.@n@s)\n    pg_test.go:@line@: dial tcp 127.0.0.1:5432: connect: connection refused\nFAIL\tgithub.com/acme/ledger-svc/internal/store\t@secs@s",
                    1,
                ),
                ("shell", "podman compose up -d postgres", "bash: podman: command not found", 127),
                (
                    "shell",
                    "ls -l /var/run/docker.sock /run/user/1000/docker.sock",
                    "ls: cannot access '/var/run/docker.sock': No such file or directory\nls: cannot access '/run/user/1000/docker.sock': No such file or directory",
                    2,
                ),
                ("edit", "docker-compose.yml", "    image: postgres:16", "    image: postgres:16-alpine"),
                (
                    "shell",
                    "LEDGER_DSN=postgres://ledger:ledger@localhost:5432/ledger?sslmode=disable go test ./internal/store/... -count=1",
                    "pg_test.go:@line@: dial tcp [::1]:5432: connect: connection refused\nFAIL\tgithub.com/acme/ledger-svc/internal/store\t@secs@s",
                    1,
                ),
            ),
        ),
        Blocker(
            "go mod download",
            'go: github.com/nats-io/nats.go@v1.37.0: Get "https://proxy.golang.org/github.com/nats-io/nats.go/@v/v1.37.0.zip": dial tcp @ip@:443: i/o timeout',
            (
                (
                    "shell",
                    "GOPROXY=direct go mod download",
                    "go: github.com/nats-io/nats.go@v1.37.0: git ls-remote -q origin in /home/agent/go/pkg/mod/cache/vcs/@sha@@sha@: exit status 128:\n\tfatal: unable to access 'https://github.com/nats-io/nats.go/': Could not resolve host: github.com",
                    1,
                ),
                (
                    "shell",
                    "curl -sS -m 10 https://proxy.golang.org",
                    "curl: (28) Connection timed out after 10002 milliseconds",
                    28,
                ),
                ("shell", "go env GOPROXY GOFLAGS GONOSUMDB", "https://proxy.golang.org,direct\n\n", 0),
                (
                    "shell",
                    "GOFLAGS=-mod=mod go build ./...",
                    'go: github.com/nats-io/nats.go@v1.37.0: Get "https://proxy.golang.org/github.com/nats-io/nats.go/@v/v1.37.0.zip": dial tcp @ip@:443: i/o timeout',
                    1,
                ),
                (
                    "shell",
                    "ls $(go env GOMODCACHE)/github.com/nats-io/",
                    "ls: cannot access '/home/agent/go/pkg/mod/github.com/nats-io/': No such file or directory",
                    2,
                ),
                (
                    "shell",
                    "cat /etc/resolv.conf && getent hosts proxy.golang.org",
                    "nameserver 10.0.0.2\noptions ndots:0",
                    2,
                ),
            ),
        ),
    ),
    "rustcli": (
        Blocker(
            "cargo build --workspace",
            "error: failed to create directory `/repo/tidy-csv/target/debug/.fingerprint/tidy-core-@sha@@sha@`\n\nCaused by:\n  Read-only file system (os error 30)",
            (
                ("shell", "touch target/probe", "touch: cannot touch 'target/probe': Read-only file system", 1),
                (
                    "shell",
                    "CARGO_TARGET_DIR=/repo/tidy-csv/build cargo build --workspace",
                    "error: failed to create directory `/repo/tidy-csv/build/debug`\n\nCaused by:\n  Read-only file system (os error 30)",
                    101,
                ),
                ("shell", "mount | grep repo", "/dev/vdb on /repo type ext4 (ro,relatime)", 0),
                (
                    "shell",
                    "sudo mount -o remount,rw /repo",
                    "sudo: effective uid is not 0, is /usr/bin/sudo on a file system with the 'nosuid' option set or an NFS file system without root privileges?",
                    1,
                ),
                (
                    "shell",
                    "cargo clean",
                    "error: failed to remove file `/repo/tidy-csv/target/debug/tidy`\n\nCaused by:\n  Read-only file system (os error 30)",
                    101,
                ),
                ("edit", ".cargo/config.toml", "", '[build]\ntarget-dir = "/repo/tidy-csv/.target"'),
            ),
        ),
        Blocker(
            "cargo test --workspace",
            "    Updating crates.io index\nwarning: spurious network error (3 tries remaining): [28] Timeout was reached (Connection timed out after 30001 milliseconds)\nerror: failed to get `csv` as a dependency of package `tidy-io v0.4.1 (/repo/tidy-csv/crates/tidy-io)`\n\nCaused by:\n  download of config.json failed",
            (
                (
                    "shell",
                    "cargo fetch",
                    "    Updating crates.io index\nwarning: spurious network error (2 tries remaining): [28] Timeout was reached\nerror: failed to get `csv` as a dependency",
                    101,
                ),
                (
                    "shell",
                    "cargo test --workspace --offline",
                    "error: no matching package named `csv` found\nlocation searched: registry `crates-io`\nrequired by package `tidy-io v0.4.1`\nAs a reminder, you're using offline mode (--offline)",
                    101,
                ),
                (
                    "shell",
                    "CARGO_NET_RETRY=10 CARGO_HTTP_TIMEOUT=120 cargo fetch",
                    "warning: spurious network error (9 tries remaining): [28] Timeout was reached\nerror: download of config.json failed",
                    101,
                ),
                (
                    "shell",
                    "curl -sS -m 10 https://index.crates.io/config.json",
                    "curl: (28) Failed to connect to index.crates.io port 443 after @ms@ ms: Timeout was reached",
                    28,
                ),
                ("edit", ".cargo/config.toml", "", "[net]\ngit-fetch-with-cli = true"),
                ("shell", "echo $HTTPS_PROXY; env | grep -i proxy", "\nNO_PROXY=localhost,127.0.0.1", 0),
            ),
        ),
    ),
}

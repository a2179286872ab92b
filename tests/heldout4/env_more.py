"""Environment problems an agent can get past in each toolchain: fixable ones, transient failures that a
plain retry clears, and waits that end (containers becoming healthy, CI runs, emulators booting)."""

from __future__ import annotations

from .env_texts import Fixable, Poll

FIXABLE: dict[str, tuple[Fixable, ...]] = {
    "pydata": (
        Fixable(
            "python -m pytest -q tests/",
            "ImportError while loading conftest '/repo/churnmodel/tests/conftest.py'.\nE   ModuleNotFoundError: No module named 'pyarrow'",
            (
                (
                    "python -m pytest -q tests/ -p no:cacheprovider",
                    "E   ModuleNotFoundError: No module named 'pyarrow'",
                    4,
                ),
            ),
            ("pip install -e '.[parquet,dev]'", "Successfully installed pyarrow-17.0.0 churnmodel-0.9.0"),
            "collected 64 items\n\n64 passed in @secs@s",
        ),
        Fixable(
            "jupyter nbconvert --to notebook --execute notebooks/eda.ipynb",
            "jupyter_client.kernelspec.NoSuchKernel: No such kernel named churn-py311",
            (
                (
                    "jupyter kernelspec list",
                    "Available kernels:\n  python3    /usr/local/share/jupyter/kernels/python3",
                    0,
                ),
            ),
            (
                "python -m ipykernel install --user --name churn-py311",
                "Installed kernelspec churn-py311 in /home/agent/.local/share/jupyter/kernels/churn-py311",
            ),
            "[NbConvertApp] Writing @n@812 bytes to notebooks/eda.nbconvert.ipynb",
        ),
    ),
    "spring": (
        Fixable(
            "./mvnw -q -B test",
            "/usr/bin/env: 'sh\\r': No such file or directory",
            (
                ("sh ./mvnw -q -B test", "./mvnw: 2: set: Illegal option -\r", 2),
                ("file mvnw", "mvnw: POSIX shell script, ASCII text executable, with CRLF line terminators", 0),
            ),
            ("sed -i 's/\\r$//' mvnw && chmod +x mvnw", ""),
            "[INFO] Tests run: 118, Failures: 0, Errors: 0, Skipped: 2\n[INFO] BUILD SUCCESS",
        ),
    ),
    "gosvc": (
        Fixable(
            "go test ./... -count=1",
            "internal/store/pg.go:9:2: missing go.sum entry for module providing package github.com/jackc/pgx/v5 (imported by github.com/acme/ledger-svc/internal/store); to add:\n\tgo get github.com/acme/ledger-svc/internal/store",
            (
                (
                    "go build ./...",
                    "internal/store/pg.go:9:2: missing go.sum entry for module providing package github.com/jackc/pgx/v5",
                    1,
                ),
            ),
            (
                "go mod tidy",
                "go: downloading github.com/jackc/pgx/v5 v5.7.1\ngo: downloading github.com/jackc/puddle/v2 v2.2.2",
            ),
            "ok  \tgithub.com/acme/ledger-svc/internal/ledger\t@secs@s\nok  \tgithub.com/acme/ledger-svc/internal/store\t@secs@s",
        ),
    ),
    "rustcli": (
        Fixable(
            "cargo build --workspace",
            "error: failed to run custom build command for `openssl-sys v0.9.103`\n  Could not find directory of OpenSSL installation, and this `-sys` crate cannot proceed without this knowledge.",
            (
                ("pkg-config --libs openssl", "Package openssl was not found in the pkg-config search path.", 1),
                (
                    "cargo build --workspace --features vendored-openssl",
                    "error: none of the selected packages contains these features: vendored-openssl",
                    101,
                ),
            ),
            ("sudo apt-get install -y libssl-dev pkg-config", "Setting up libssl-dev:amd64 (3.0.13-0ubuntu3.4) ..."),
            "    Finished `dev` profile [unoptimized + debuginfo] target(s) in @secs@s",
        ),
    ),
    "nodeapi": (
        Fixable(
            "npm test -- --ci",
            "src/invoices/service.ts:3:30 - error TS2305: Module '\"@prisma/client\"' has no exported member 'InvoiceStatus'.",
            (
                (
                    "npx tsc --noEmit",
                    "src/invoices/service.ts(3,30): error TS2305: Module '\"@prisma/client\"' has no exported member 'InvoiceStatus'.",
                    2,
                ),
            ),
            ("npx prisma generate", "✔ Generated Prisma Client (v5.22.0) to ./node_modules/@prisma/client in @ms@ms"),
            "Test Suites: 31 passed, 31 total\nTests:       244 passed, 244 total\nTime:        @secs@ s",
        ),
    ),
    "mobile": (
        Fixable(
            "flutter build apk --debug",
            "> Failed to install the following Android SDK packages as some licences have not been accepted.\n     platforms;android-34 Android SDK Platform 34",
            (
                (
                    "flutter build apk --debug --no-pub",
                    "> Failed to install the following Android SDK packages as some licences have not been accepted.",
                    1,
                ),
            ),
            ("yes | flutter doctor --android-licenses", "All SDK package licenses accepted"),
            "✓ Built build/app/outputs/flutter-apk/app-debug.apk",
        ),
    ),
    "firmware": (
        Fixable(
            "make -j4 TARGET=stm32f411",
            "make: arm-none-eabi-gcc: No such file or directory\nmake: *** [Makefile:66: build/stm32f411/i2c.o] Error 127",
            (("which arm-none-eabi-gcc", "", 1), ("ls /opt", "gcc-arm-none-eabi-13.2.rel1  openocd", 0)),
            (
                "export PATH=/opt/gcc-arm-none-eabi-13.2.rel1/bin:$PATH && arm-none-eabi-gcc --version | head -1",
                "arm-none-eabi-gcc (Arm GNU Toolchain 13.2.rel1 (Build arm-13.7)) 13.2.1 20231009",
            ),
            "   text\t   data\t    bss\t    dec\t    hex\tfilename\n  41232\t    524\t   8616\t  50372\t   c4c4\tbuild/stm32f411/sensor-fw.elf",
        ),
    ),
}

TRANSIENT: dict[str, tuple[str, str, str]] = {
    "pydata": (
        "pip install -e '.[dev]'",
        "ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out. (read timeout=15)",
        "Successfully installed churnmodel-0.9.0 pandas-2.2.3 numpy-2.1.2",
    ),
    "spring": (
        "./mvnw -B -q dependency:go-offline",
        "[ERROR] Failed to execute goal on project orders-api: Could not transfer artifact org.springframework.boot:spring-boot-starter-web:jar:3.3.4 from/to central (https://repo.maven.apache.org/maven2): Connection reset",
        "[INFO] BUILD SUCCESS\n[INFO] Total time:  @secs@ s",
    ),
    "gosvc": (
        "docker compose pull",
        'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
        " ✔ postgres Pulled @secs@s\n ✔ nats Pulled @secs@s",
    ),
    "rustcli": (
        "cargo fetch",
        "warning: spurious network error (3 tries remaining): [35] SSL connect error (OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to static.crates.io:443)\nerror: failed to download from `https://static.crates.io/crates/csv/1.3.0/download`",
        "  Downloaded csv v1.3.0\n  Downloaded 14 crates (2.1 MB) in @secs@s",
    ),
    "nodeapi": (
        "npm ci",
        "npm error code ECONNRESET\nnpm error network aborted\nnpm error network This is a problem related to network connectivity.",
        "added 812 packages, and audited 813 packages in @secs@s\nfound 0 vulnerabilities",
    ),
    "mobile": (
        "flutter pub get",
        'Got socket error trying to find package firebase_core at https://pub.dev.\npub get failed\ncommand: "/opt/flutter/bin/cache/dart-sdk/bin/dart pub get"',
        "Resolving dependencies...\nGot dependencies!\n@n@ packages have newer versions incompatible with dependency constraints.",
    ),
    "firmware": (
        "git submodule update --init --recursive",
        "fatal: unable to access 'https://github.com/ThrowTheSwitch/Unity.git/': GnuTLS recv error (-110): The TLS connection was non-properly terminated.\nfatal: clone of 'https://github.com/ThrowTheSwitch/Unity.git' into submodule path '/repo/sensor-fw/vendor/unity' failed",
        "Submodule path 'vendor/unity': checked out 'cbcd08fa7de711053a3deec6339ee89cad5d2697'",
    ),
}

POLLS: dict[str, Poll] = {
    "pydata": Poll(
        "gh workflow run nightly-train.yml --ref fix/tenure-buckets",
        "✓ Created workflow_dispatch event for nightly-train.yml at fix/tenure-buckets",
        "gh run list --workflow nightly-train.yml --limit 1",
        (
            "queued   fix/tenure-buckets  nightly-train  workflow_dispatch  @n@s",
            "in_progress  fix/tenure-buckets  nightly-train  workflow_dispatch  @n@m",
            "in_progress  fix/tenure-buckets  nightly-train  workflow_dispatch  @n@m",
        ),
        "completed  success  fix/tenure-buckets  nightly-train  workflow_dispatch  41m",
    ),
    "spring": Poll(
        "./mvnw -q -B spring-boot:start -pl orders-api",
        "[INFO] Attaching agents: []\n[INFO] Application started (pid @pid@)",
        "curl -s localhost:8080/actuator/health",
        (
            '{"status":"DOWN","components":{"db":{"status":"UNKNOWN"}}}',
            '{"status":"OUT_OF_SERVICE","components":{"db":{"status":"UP"},"kafka":{"status":"DOWN"}}}',
            '{"status":"OUT_OF_SERVICE","components":{"db":{"status":"UP"},"kafka":{"status":"DOWN"}}}',
        ),
        '{"status":"UP","components":{"db":{"status":"UP"},"kafka":{"status":"UP"}}}',
    ),
    "gosvc": Poll(
        "docker compose up -d",
        " ✔ Container ledger-postgres-1  Started\n ✔ Container ledger-nats-1  Started\n ✔ Container ledger-ledgerd-1  Started",
        "docker compose ps --format 'table {{.Name}}\\t{{.Status}}'",
        (
            "NAME               STATUS\nledger-postgres-1  Up @n@ seconds (health: starting)\nledger-ledgerd-1   Restarting (1) @n@ seconds ago",
            "NAME               STATUS\nledger-postgres-1  Up @n@ seconds (healthy)\nledger-ledgerd-1   Up @n@ seconds (health: starting)",
        ),
        "NAME               STATUS\nledger-postgres-1  Up 2 minutes (healthy)\nledger-ledgerd-1   Up 1 minute (healthy)",
    ),
    "rustcli": Poll(
        "gh pr checks 482 --watch=false",
        "Some checks are still pending\n0 failing, 3 successful, 0 skipped, and 4 pending checks",
        "gh pr checks 482",
        (
            "Some checks are still pending\n0 failing, @n@ successful, 0 skipped, and 4 pending checks",
            "Some checks are still pending\n0 failing, 5 successful, 0 skipped, and 2 pending checks",
        ),
        "All checks were successful\n0 failing, 7 successful, 0 skipped, and 0 pending checks",
    ),
    "nodeapi": Poll(
        "kubectl rollout restart deploy/billing-api -n staging",
        "deployment.apps/billing-api restarted",
        "kubectl get pods -n staging -l app=billing-api",
        (
            "NAME                           READY   STATUS              RESTARTS   AGE\nbilling-api-6d9f@sha@-x2kqp   0/1     ContainerCreating   0          @n@s",
            "NAME                           READY   STATUS    RESTARTS   AGE\nbilling-api-6d9f@sha@-x2kqp   0/1     Running   0          @n@s",
        ),
        "NAME                           READY   STATUS    RESTARTS   AGE\nbilling-api-6d9f5c7b8-x2kqp   1/1     Running   0          94s",
    ),
    "mobile": Poll(
        "flutter emulators --launch pixel_7_api_34",
        "Launching emulator pixel_7_api_34 (pid @pid@)",
        "adb shell getprop sys.boot_completed",
        ("adb: device offline", "", ""),
        "1",
    ),
    "firmware": Poll(
        "make hil-run BOARD=nucleo-f411 &",
        "[1] @pid@\nhil: job queued on rig-3 (request @req@)",
        "curl -s http://hil.acme.internal/api/jobs/latest | jq -r .state",
        ("queued", "flashing", "running (@n@/48 cases)"),
        "passed (48/48 cases)",
    ),
}

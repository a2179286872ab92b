"""Blockers of the last three toolchains: a database out of reach, a private npm registry without a token,
no Android SDK, no emulator, a license server down, no debug probe."""

from __future__ import annotations

from .blockers_a import BLOCKERS_A, DOCKER_DOWN
from .env_texts import Blocker

BLOCKERS: dict[str, tuple[Blocker, ...]] = {
    **BLOCKERS_A,
    "nodeapi": (
        Blocker(
            "npx prisma migrate dev --name add_due_at",
            'Environment variables loaded from .env\nPrisma schema loaded from prisma/schema.prisma\nDatasource "db": PostgreSQL database "billing", schema "public" at "db.staging.internal:5432"\n\nError: P1001: Can\'t reach database server at `db.staging.internal:5432`\n\nPlease make sure your database server is running at `db.staging.internal:5432`.',
            (
                (
                    "shell",
                    "npx prisma db pull",
                    "Error: P1001: Can't reach database server at `db.staging.internal:5432`",
                    1,
                ),
                (
                    "read",
                    ".env",
                    "DATABASE_URL=postgresql://billing:${DB_PASSWORD}@db.staging.internal:5432/billing?schema=public\nSTRIPE_KEY=sk_test_redacted",
                    0,
                ),
                (
                    "shell",
                    "DATABASE_URL=postgresql://billing@localhost:5432/billing npx prisma migrate dev --name add_due_at",
                    "Error: P1001: Can't reach database server at `localhost:5432`",
                    1,
                ),
                (
                    "shell",
                    "nc -zv db.staging.internal 5432",
                    'nc: getaddrinfo for host "db.staging.internal" port 5432: Name or service not known',
                    1,
                ),
                ("shell", "docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=pw postgres:16", DOCKER_DOWN, 125),
                (
                    "shell",
                    "npx prisma migrate status",
                    "Error: P1001: Can't reach database server at `db.staging.internal:5432`\n(request @req@)",
                    1,
                ),
            ),
        ),
        Blocker(
            "npm ci",
            "npm error code E401\nnpm error 401 Unauthorized - GET https://npm.pkg.github.com/@acme%2fbilling-sdk - authentication token not provided\nnpm error A complete log of this run can be found in: /home/agent/.npm/_logs/@ts@-debug-0.log",
            (
                (
                    "shell",
                    "cat .npmrc",
                    "@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}",
                    0,
                ),
                ("shell", "echo ${NODE_AUTH_TOKEN:-unset}", "unset", 0),
                (
                    "shell",
                    "npm ci --legacy-peer-deps",
                    "npm error code E401\nnpm error 401 Unauthorized - GET https://npm.pkg.github.com/@acme%2fbilling-sdk",
                    1,
                ),
                (
                    "shell",
                    "npm login --registry=https://npm.pkg.github.com --scope=@acme",
                    "npm error code EOTP\nnpm error This operation requires a one-time password from your authenticator.",
                    1,
                ),
                (
                    "shell",
                    "gh auth status",
                    "You are not logged into any GitHub hosts. To log in, run: gh auth login",
                    1,
                ),
                ("edit", "package.json", '"@acme/billing-sdk": "^3.2.0"', '"@acme/billing-sdk": "^3.1.0"'),
            ),
        ),
    ),
    "mobile": (
        Blocker(
            "flutter build apk --debug",
            "\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nCould not determine the dependencies of task ':app:compileDebugJavaWithJavac'.\n> SDK location not found. Define a valid SDK location with an ANDROID_HOME environment variable or by setting the sdk.dir path in your project's local properties file at '/repo/fieldapp/android/local.properties'.\n\nBUILD FAILED in @secs@s",
            (
                (
                    "shell",
                    "flutter doctor -v",
                    "[✗] Android toolchain - develop for Android devices\n    ✗ Unable to locate Android SDK.\n      Install Android Studio from: https://developer.android.com/studio/index.html",
                    1,
                ),
                (
                    "shell",
                    "ls /opt/android-sdk ~/Android/Sdk /usr/lib/android-sdk",
                    "ls: cannot access '/opt/android-sdk': No such file or directory\nls: cannot access '/home/agent/Android/Sdk': No such file or directory\nls: cannot access '/usr/lib/android-sdk': No such file or directory",
                    2,
                ),
                (
                    "edit",
                    "android/local.properties",
                    "flutter.sdk=/opt/flutter",
                    "flutter.sdk=/opt/flutter\nsdk.dir=/opt/android-sdk",
                ),
                ("shell", "sdkmanager --install 'platforms;android-34'", "bash: sdkmanager: command not found", 127),
                (
                    "shell",
                    "cd android && ./gradlew assembleDebug --offline",
                    "> SDK location not found. Define a valid SDK location with an ANDROID_HOME environment variable\n\nBUILD FAILED in @secs@s",
                    1,
                ),
                (
                    "shell",
                    "curl -sS -m 10 -O https://dl.google.com/android/repository/commandlinetools-linux-11076708_latest.zip",
                    "curl: (56) CONNECT tunnel failed, response 403 (egress policy: dl.google.com denied, request @req@)",
                    56,
                ),
            ),
        ),
        Blocker(
            "flutter test integration_test/sync_flow_test.dart -d emulator-5554",
            "No supported devices found with name or id matching 'emulator-5554'.\n\nThe following devices were found:\nLinux (desktop) • linux • linux-x64 • Ubuntu 22.04.4 LTS",
            (
                (
                    "shell",
                    "flutter devices",
                    "Found 1 connected device:\n  Linux (desktop) • linux • linux-x64 • Ubuntu 22.04.4 LTS @clock@",
                    0,
                ),
                (
                    "shell",
                    "flutter emulators --launch pixel_7_api_34",
                    'No emulator found that matches "pixel_7_api_34".',
                    1,
                ),
                (
                    "shell",
                    "emulator -avd pixel_7_api_34 -no-window -no-audio &",
                    "[1] @pid@\nbash: emulator: command not found",
                    127,
                ),
                ("shell", "adb devices", "bash: adb: command not found", 127),
                ("shell", "ls /dev/kvm", "ls: cannot access '/dev/kvm': No such file or directory", 2),
                (
                    "shell",
                    "flutter test integration_test/sync_flow_test.dart -d linux",
                    "Building Linux application...\nError: The plugin 'image_picker_android' does not support the Linux platform.\nTest failed",
                    1,
                ),
            ),
        ),
    ),
    "firmware": (
        Blocker(
            "make -j4 TARGET=stm32f411 TOOLCHAIN=iar",
            "iccarm --cpu Cortex-M4 -Ohz src/drivers/i2c.c -o build/i2c.o\nFatal error[LMS001]: License check failed. Could not connect to license server 27000@@ip@ (request @req@)\nmake: *** [Makefile:71: build/i2c.o] Error 2",
            (
                (
                    "shell",
                    "echo $IAR_LMS_LICENSE_SERVER; lmstat -a -c 27000@license.acme.internal",
                    '27000@license.acme.internal\nlmgrd is not running: Cannot connect to license server system. (-15,570:115 "Operation now in progress")',
                    1,
                ),
                (
                    "shell",
                    "nc -zv -w 5 license.acme.internal 27000",
                    "nc: connect to license.acme.internal (@ip@) port 27000 (tcp) timed out: Operation now in progress",
                    1,
                ),
                (
                    "shell",
                    "make -j1 TARGET=stm32f411 TOOLCHAIN=iar",
                    "Fatal error[LMS001]: License check failed. Could not connect to license server (attempt @n@, @ms@ ms)\nmake: *** [Makefile:71: build/i2c.o] Error 2",
                    2,
                ),
                (
                    "shell",
                    "make -j4 TARGET=stm32f411 TOOLCHAIN=gcc",
                    "arm-none-eabi-gcc: fatal error: cannot read spec file 'nano.specs': No such file or directory\ncompilation terminated.\nmake: *** [Makefile:66: build/i2c.o] Error 1",
                    2,
                ),
                ("edit", "Makefile", "TOOLCHAIN ?= iar", "TOOLCHAIN ?= gcc"),
                (
                    "shell",
                    "ls /opt/iar/arm/config/licenses/",
                    "ls: cannot access '/opt/iar/arm/config/licenses/': Permission denied",
                    2,
                ),
            ),
        ),
        Blocker(
            "make flash TARGET=stm32f411",
            "openocd -f interface/cmsis-dap.cfg -f target/stm32f4x.cfg -c 'program build/stm32f411/sensor-fw.elf verify reset exit'\nOpen On-Chip Debugger 0.12.0\nError: unable to find a matching CMSIS-DAP device\nmake: *** [Makefile:102: flash] Error 1",
            (
                ("shell", "lsusb", "Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub", 0),
                (
                    "shell",
                    "openocd -f interface/stlink.cfg -f target/stm32f4x.cfg -c 'init; exit'",
                    "Open On-Chip Debugger 0.12.0\nError: open failed\nin procedure 'init'",
                    1,
                ),
                (
                    "shell",
                    "ls -l /dev/ttyACM* /dev/ttyUSB*",
                    "ls: cannot access '/dev/ttyACM*': No such file or directory\nls: cannot access '/dev/ttyUSB*': No such file or directory",
                    2,
                ),
                ("shell", "sudo usermod -aG plugdev agent", "sudo: a password is required", 1),
                ("shell", "dmesg | tail -5", "dmesg: read kernel buffer failed: Operation not permitted", 1),
                ("edit", "Makefile", "OPENOCD_IF ?= interface/cmsis-dap.cfg", "OPENOCD_IF ?= interface/stlink.cfg"),
            ),
        ),
    ),
}

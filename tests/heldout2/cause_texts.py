"""What each toolchain prints when it meets one of the causes of `causes.py`, drifting between attempts.

Every text is a function of a `random.Random`: the details that change from one run to the next
(PIDs, temp paths, timings, versions, addresses, line numbers of frames) come from it.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Text = Callable[[random.Random], str]


def pid(r: random.Random) -> int:
    return r.randint(1200, 48000)


def tmp(r: random.Random) -> str:
    return f"/tmp/{r.choice(['bundler', 'composer', 'nuget', 'build', 'mix', 'gradle'])}-{r.getrandbits(32):08x}"


def ms(r: random.Random) -> str:
    return f"{r.uniform(0.1, 30):.2f}s"


def sudo(r: random.Random) -> str:
    return r.choice(
        [
            "sudo: a terminal is required to read the password; either use the -S option to read from standard "
            "input or configure an askpass helper\nsudo: a password is required",
            "dev is not in the sudoers file.  This incident will be reported.",
        ]
    )


LIB: dict[str, tuple[str, Text]] = {
    "ruby": (
        "libpq-dev",
        lambda r: (
            f"Installing pg 1.5.{r.choice([4, 6])} with native extensions\nGem::Ext::BuildError: ERROR: Failed "
            f"to build "
            f"gem native extension.\n\n    current directory: /home/dev/freight/vendor/bundle/ruby/3.3.0/gems/"
            f"pg-1.5.{r.choice([4, 6])}/ext\n/usr/bin/ruby -I /usr/lib/ruby/3.3.0 extconf.rb\nchecking for "
            f"pg_config... "
            "no\nchecking for libpq-fe.h... no\nCan't find the 'libpq-fe.h header\n*** extconf.rb failed ***\n"
            f"To see why this extension failed to compile, please check the mkmf.log which can be found here:\n"
            f"  {tmp(r)}/extensions/x86_64-linux/3.3.0/pg-1.5.6/mkmf.log\n\nAn error occurred while installing pg "
            f"(1.5.6), and Bundler cannot continue.\n"
        ),
    ),
    "php": (
        "php8.3-intl",
        lambda r: (
            "Installing dependencies from lock file (including require-dev)\nVerifying lock file contents can be "
            "installed on current platform.\nYour lock file does not contain a compatible set of packages. Please run "
            "composer update.\n\n  Problem 1\n    - symfony/intl is locked to version v7.1."
            f"{r.choice([1, 2, 3])} and an update of this package was not requested.\n    - symfony/intl v7.1.1 "
            "requires ext-intl * -> it is missing from your system. Install or enable PHP's intl extension.\n\n"
            f"To enable extensions, verify that they are enabled in your .ini files:\n    - /etc/php/8.3/cli/php.ini\n"
            f"    - /etc/php/8.3/cli/conf.d/{r.randint(10, 30)}-opcache.ini\n"
        ),
    ),
    "dotnet": (
        "libgdiplus",
        lambda r: (
            f"  Failed Freight.Tests.LabelPrinterTests.Renders_Barcode [{r.randint(20, 400)} ms]\n  Error Message:\n"
            "   System.TypeInitializationException : The type initializer for 'Gdip' threw an exception.\n"
            "---- System.DllNotFoundException : Unable to load shared library 'libgdiplus' or one of its "
            "dependencies. In order to help diagnose loading problems, consider setting the LD_DEBUG environment "
            f"variable: liblibgdiplus: cannot open shared object file: No such file or directory\n"
            f"  Stack Trace:\n     at System.Drawing.SafeNativeMethods.Gdip.GdiplusStartup(IntPtr& token)\n"
            f"Failed!  - Failed:     {r.randint(3, 9)}, Passed:    {r.randint(40, 60)}, Skipped:     0, Total: "
            f"   {r.randint(61, 70)}, Duration: {r.randint(1, 9)} s - Freight.Tests.dll (net8.0)\n"
        ),
    ),
    "cpp": (
        "libssl-dev",
        lambda r: (
            f"[ {r.randint(5, 40)}%] Building CXX object src/CMakeFiles/freight_core.dir/tls_client.cpp.o\n"
            "In file included from /home/dev/freight/src/tls_client.cpp:3:\n/home/dev/freight/include/freight/"
            f"tls.h:{r.choice([4, 5])}:10: fatal error: openssl/ssl.h: No such file or directory\n    5 | #include "
            "<openssl/ssl.h>\n      |          ^~~~~~~~~~~~~~~\ncompilation terminated.\nmake[2]: *** "
            f"[src/CMakeFiles/freight_core.dir/build.make:{r.choice([76, 90])}: src/CMakeFiles/freight_core.dir/"
            "tls_client.cpp.o] Error 1\nmake: *** [Makefile:136: all] Error 2\n"
        ),
    ),
    "elixir": (
        "build-essential",
        lambda r: (
            f"==> bcrypt_elixir\nmkdir -p {tmp(r)}/priv\ncc -g -O3 -Wall -Wno-format-truncation "
            '-I"/usr/lib/erlang/erts-14.2.5/include" -Ic_src -fPIC -shared -o /app/_build/test/lib/bcrypt_elixir/'
            "priv/bcrypt_nif.so c_src/bcrypt_nif.c c_src/blowfish.c\nmake: cc: No such file or directory\n"
            "make: *** [Makefile:34: /app/_build/test/lib/bcrypt_elixir/priv/bcrypt_nif.so] Error 127\n"
            'could not compile dependency :bcrypt_elixir, "mix compile" failed. Errors may have been logged above. '
            'You can recompile this dependency with "mix deps.compile bcrypt_elixir --force", update it with '
            '"mix deps.update bcrypt_elixir" or clean it with "mix deps.clean bcrypt_elixir"\n'
            f'** (Mix) Could not compile with "make" (exit status: 2).\n'
        ),
    ),
    "kotlin": (
        "openjdk-21-jdk",
        lambda r: (
            f"\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nCould not determine the "
            f"dependencies of "
            "task ':app:compileKotlin'.\n> Failed to calculate the value of task ':app:compileJava' property "
            "'javaCompiler'.\n   > Cannot find a Java installation on your machine (Linux 6.8.0-"
            f"{r.randint(30, 60)}-generic amd64) matching: {{languageVersion=21, vendor=any vendor, "
            "implementation=vendor-specific, nativeImageCapable=false}. Toolchain download repositories have not been "
            "configured.\n\n* Try:\n> Learn more about toolchain auto-detection and auto-provisioning at "
            f"https://docs.gradle.org/8.8/userguide/toolchains.html#sec:auto_detection.\n\nBUILD FAILED in "
            f"{r.randint(1, 12)}s\n"
        ),
    ),
}


def service_text(eco: str) -> Text:
    return {
        "ruby": lambda r: (
            'ActiveRecord::ConnectionNotEstablished: connection to server at "127.0.0.1", port 5432 failed: '
            "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n"
            f"# ./spec/rails_helper.rb:{r.choice([31, 32])}:in `<top (required)>'\nAn error occurred while loading "
            f"./spec/models/{r.choice(['pallet', 'carrier', 'manifest'])}_spec.rb.\nFinished in 0.000{r.randint(1, 99)}"
            " seconds (files took 2.1 seconds to load)\n0 examples, 0 failures, 1 error occurred outside of examples\n"
        ),
        "php": lambda r: (
            "   Illuminate\\Database\\QueryException \n\n  SQLSTATE[HY000] [2002] Connection refused (Connection: "
            f"mysql, SQL: select * from `shipments` where `id` = {r.randint(1, 900)} limit 1)\n\n  at vendor/laravel/"
            f"framework/src/Illuminate/Database/Connection.php:{r.choice([813, 825])}\n"
        ),
        "dotnet": lambda r: (
            "  Failed Freight.Tests.Integration.ShipmentRepositoryTests.Saves_Manifest [5 s]\n  Error Message:\n"
            f"   Npgsql.NpgsqlException : Failed to connect to 127.0.0.1:5432\n---- System.Net.Sockets.SocketException"
            f" : Connection refused\n  Stack Trace:\n     at Npgsql.Internal.NpgsqlConnector.Connect(NpgsqlTimeout "
            f"timeout)\nFailed!  - Failed:    {r.randint(8, 14)}, Passed:    {r.randint(30, 40)}, Skipped:     0, "
            f"Duration: {r.randint(20, 60)} s - Freight.Tests.dll (net8.0)\n"
        ),
        "cpp": lambda r: (
            f"{r.randint(3, 9)}/14 Test #{r.randint(3, 9)}: cache_client_test ..........***Failed    "
            f"{r.uniform(0.01, 0.2):.2f} sec\nterminate called after throwing an instance of 'sw::redis::IoError'\n"
            "  what():  Failed to connect to Redis (127.0.0.1:6379): Connection refused\n"
            f"86% tests passed, 2 tests failed out of 14\n\nTotal Test time (real) = {r.uniform(1, 4):.2f} sec\n"
        ),
        "elixir": lambda r: (
            f"{r.randint(10, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d} "
            f"[error] Postgrex.Protocol (#PID<0.{r.randint(200, 600)}.0>) failed to connect: ** (DBConnection."
            "ConnectionError) tcp connect (localhost:5432): connection refused - :econnrefused\n** (Mix) The database "
            "for Freight.Repo couldn't be created: killed\n"
        ),
        "kotlin": lambda r: (
            f"ShipmentRepositoryTest > initializationError FAILED\n    java.lang.IllegalStateException at "
            f"DockerClientProviderStrategy.java:{r.choice([277, 288])}\n\nCould not find a valid Docker environment. "
            "Please see logs and check configuration\n    Cannot connect to the Docker daemon at "
            "unix:///var/run/docker.sock. Is the docker daemon running?\n\nBUILD FAILED in "
            f"{r.randint(8, 40)}s\n"
        ),
    }[eco]


def network_text(eco: str) -> Text:
    return {
        "ruby": lambda r: (
            "Fetching source index from https://rubygems.org/\nCould not fetch specs from https://rubygems.org/ due "
            f"to underlying error <SSL_connect returned=1 errno=0 "
            f"peeraddr=10.{r.randint(0, 9)}.{r.randint(0, 255)}.1:443"
            " state=error: certificate verify failed (unable to get local issuer certificate) "
            "(https://rubygems.org/specs.4.8.gz)>\n"
        ),
        "php": lambda r: (
            f"  - Downloading symfony/http-client (v7.1.{r.randint(1, 5)})\n    Failed to download symfony/http-client "
            "from dist: curl error 60 while downloading https://api.github.com/repos/symfony/http-client/zipball/"
            f"{r.getrandbits(40):010x}: SSL certificate problem: self-signed certificate in certificate chain\n"
            "    Now trying to download from source\nIn Git.php line 471:\n  Failed to execute git clone --no-checkout "
            "-- 'https://github.com/symfony/http-client.git'\n  fatal: unable to access 'https://github.com/symfony/"
            "http-client.git/': SSL certificate problem: self-signed certificate in certificate chain\n"
        ),
        "dotnet": lambda r: (
            f"  Determining projects to restore...\n/src/Freight.Core/Freight.Core.csproj : error NU1301: Unable to "
            "load the service index for source https://api.nuget.org/v3/index.json.\n/src/Freight.Core/Freight.Core"
            ".csproj : error NU1301:   The SSL connection could not be established, see inner exception.\n"
            "/src/Freight.Core/Freight.Core.csproj : error NU1301:   The remote certificate is invalid because of "
            f"errors in the certificate chain: UntrustedRoot\n  Failed to restore /src/Freight.Core/Freight.Core.csproj"
            f" (in {r.randint(200, 9000)} ms).\n"
        ),
        "cpp": lambda r: (
            "-- Populating googletest\n[1/9] Creating directories for 'googletest-populate'\n[1/9] Performing "
            "download step (git clone) for 'googletest-populate'\nCloning into 'googletest-src'...\nfatal: unable to "
            "access 'https://github.com/google/googletest.git/': Could not resolve host: github.com\nCloning into "
            f"'googletest-src'...\nfatal: unable to access 'https://github.com/google/googletest.git/': Could not "
            f"resolve host: github.com\n-- Had to git clone more than once: 3 times.\nCMake Error at googletest-"
            f"subbuild/googletest-populate-prefix/tmp/googletest-populate-gitclone.cmake:{r.choice([31, 39])} "
            "(message):\n  Failed to clone repository: 'https://github.com/google/googletest.git'\n"
        ),
        "elixir": lambda r: (
            "Resolving Hex dependencies...\n** (Mix) httpc request failed with: {:failed_connect, [{:to_address, "
            '{~c"repo.hex.pm", 443}}, {:inet, [:inet], :nxdomain}]}\n\nCould not fetch registry, retrying in '
            f"{r.randint(1, 9)}00ms\n"
        ),
        "kotlin": lambda r: (
            "\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task "
            "':app:compileKotlin'.\n> Could not resolve all files for configuration ':app:compileClasspath'.\n   > "
            f"Could not resolve org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.{r.randint(0, 1)}.\n     > Could not "
            "get resource 'https://repo.maven.apache.org/maven2/org/jetbrains/kotlinx/kotlinx-coroutines-core/1.8.1/"
            "kotlinx-coroutines-core-1.8.1.pom'.\n        > Could not GET 'https://repo.maven.apache.org/maven2/'. "
            f"Received status code 407 from server: Proxy Authentication Required\n\nBUILD FAILED in "
            f"{r.randint(2, 30)}s\n"
        ),
    }[eco]


def permission_text(eco: str) -> Text:
    return {
        "ruby": lambda r: (
            "Bundler::PermissionError: There was an error while trying to write to `/usr/lib/ruby/gems/3.3.0/cache/"
            f"nokogiri-1.16.{r.randint(2, 6)}-x86_64-linux.gem`. It is likely that you need to grant write permissions"
            " for that path.\n"
        ),
        "php": lambda r: (
            'In Filesystem.php line 261:\n\n  Failed to write file "/srv/app/var/cache/test/Container'
            f'{r.getrandbits(24):06x}/getRouterService.php": file_put_contents(): Failed to open stream: '
            "Permission denied\n"
        ),
        "dotnet": lambda r: (
            "/usr/share/dotnet/sdk/8.0.300/NuGet.targets(169,5): error : Access to the path '/src/Freight.Core/obj/"
            f"project.assets.json' is denied. [/src/Freight.sln]\n  Unhandled exception (pid {pid(r)}): "
            "System.UnauthorizedAccessException: Permission denied\n"
        ),
        "cpp": lambda r: (
            "CMake Error: Unable to (re)create the private pkgRedirects directory:\n  /opt/freight/build/CMakeFiles/"
            f"pkgRedirects\n-- Configuring incomplete, errors occurred!\nmkdir: cannot create directory "
            f"'/opt/freight/build/{r.choice(['CMakeFiles', 'Testing', '_deps'])}': Permission denied\n"
        ),
        "elixir": lambda r: (
            '** (File.Error) could not make directory (with -p) "/app/_build/test/lib/freight/consolidated": '
            f"permission denied\n    (elixir 1.17.{r.randint(0, 2)}) lib/file.ex:{r.choice([321, 334])}: "
            "File.mkdir_p!/1\n"
        ),
        "kotlin": lambda r: (
            "\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nGradle could not start your build.\n> "
            "Could not create service of type FileHasher using BuildSessionServices.createFileHasher().\n   > "
            f"java.io.FileNotFoundException: /home/dev/freight/.gradle/8.8/fileHashes/fileHashes.lock (Permission "
            f"denied)\n\nBUILD FAILED in {r.randint(0, 3)}s\n"
        ),
    }[eco]


SECRETS = {
    "ruby": ("STRIPE_SECRET_KEY", "config/initializers/stripe.rb"),
    "php": ("MAILER_DSN", "config/packages/mailer.yaml"),
    "dotnet": ("FREIGHT_BLOB_CONNECTION", "Freight.Core/Storage.cs"),
    "cpp": ("FREIGHT_API_TOKEN", "src/api_client.cpp"),
    "elixir": ("SECRET_KEY_BASE", "config/runtime.exs"),
    "kotlin": ("AWS_ACCESS_KEY_ID", "app/src/main/kotlin/freight/S3Store.kt"),
}


def secret_text(eco: str) -> Text:
    var, where = SECRETS[eco]

    def text(r: random.Random) -> str:
        line = r.choice([3, 4, 7])
        return {
            "ruby": f'KeyError:\n  key not found: "{var}"\n# ./{where}:{line}:in `fetch\'\n# ./spec/rails_helper.rb:6',
            "php": f"In EnvVarProcessor.php line {r.choice([187, 191])}:\n\n  Environment variable not found: "
            f'"{var}".\n',
            "dotnet": f"Unhandled exception. System.InvalidOperationException: Configuration value '{var}' is missing."
            f"\n   at Freight.Core.Storage..ctor() in /src/{where}:line {line + 20}",
            "cpp": f"terminate called after throwing an instance of 'std::runtime_error'\n  what():  {var} is not set"
            f"\n{r.randint(2, 9)}/14 Test #{r.randint(2, 9)}: api_client_test ....***Exception: SegFault  "
            f"{r.uniform(0, 0.1):.2f} sec",
            "elixir": f"** (RuntimeError) environment variable {var} is missing.\nYou can generate one by calling: "
            f"mix phx.gen.secret\n    {where}:{line + 20}: (file)\n    (elixir 1.17.{r.randint(0, 2)}) "
            "lib/code.ex:1491: Code.require_file/2",
            "kotlin": f"S3StoreTest > uploads manifest() FAILED\n    java.lang.IllegalStateException: {var} not set"
            f" at S3Store.kt:{line + 10}\n\nBUILD FAILED in {r.randint(5, 30)}s",
        }[eco] + "\n"

    return text


PORTS = {"ruby": 3000, "php": 8000, "dotnet": 5000, "cpp": 8080, "elixir": 4000, "kotlin": 8081}


def port_text(eco: str) -> Text:
    port = PORTS[eco]
    return {
        "ruby": lambda r: (
            f"=> Booting Puma\n=> Rails 7.1.{r.randint(2, 3)} application starting in development\nPuma starting in "
            f"single mode...\n* Listening on http://127.0.0.1:{port}\nExiting\n/usr/lib/ruby/gems/3.3.0/gems/"
            f"puma-6.4.2/lib/puma/binder.rb:{r.choice([334, 336])}:in `initialize': Address already in use - bind(2)"
            f' for "127.0.0.1" port {port} (Errno::EADDRINUSE)\n'
        ),
        "php": lambda r: (
            f"[{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}] Failed to listen on 127.0.0.1:{port} "
            "(reason: Address already in use)\n"
        ),
        "dotnet": lambda r: (
            f"crit: Microsoft.AspNetCore.Server.Kestrel[0]\n      Unable to start Kestrel.\n      "
            f"System.IO.IOException:"
            f" Failed to bind to address http://127.0.0.1:{port}: address already in use.\n ---> Microsoft.AspNetCore."
            f"Connections.AddressInUseException: Address already in use\n (pid {pid(r)})\n"
        ),
        "cpp": lambda r: (
            f"[{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)}] [error] "
            f"http_server: bind 0.0.0.0:{port}: Address already in use (errno 98)\n{r.randint(2, 9)}/14 Test "
            f"#{r.randint(2, 9)}: http_server_test ....***Failed    {r.uniform(0, 0.4):.2f} sec\n"
        ),
        "elixir": lambda r: (
            f"[error] Running FreightWeb.Endpoint with Bandit 1.5.{r.randint(0, 7)} at 127.0.0.1:{port} (http) "
            f"failed, port {port} already in use\n** (EXIT from #PID<0.{r.randint(90, 120)}.0>) shutdown: failed to "
            "start child: FreightWeb.Endpoint\n"
        ),
        "kotlin": lambda r: (
            f"ServerIntegrationTest > serves health() FAILED\n    java.net.BindException: Address already in use\n"
            f"        at sun.nio.ch.Net.bind0(Native Method)\n        at io.ktor.server.netty.NettyApplicationEngine."
            f"start(NettyApplicationEngine.kt:{r.choice([216, 221])})\n\nBUILD FAILED in {r.randint(5, 40)}s\n"
        ),
    }[eco]


def disk_text(eco: str) -> Text:
    where = {
        "ruby": "/home/dev/freight/vendor/bundle",
        "php": "/srv/app/vendor",
        "dotnet": "/root/.nuget/packages",
        "cpp": "/home/dev/freight/build",
        "elixir": "/app/_build",
        "kotlin": "/home/dev/.gradle/caches",
    }[eco]
    head = {
        "ruby": "Errno::EDQUOT: Disk quota exceeded @ rb_sysopen -",
        "php": "[ErrorException] file_put_contents(): Write of 8192 bytes failed with errno=122 Disk quota exceeded:",
        "dotnet": "error MSB3021: Unable to copy file: Disk quota exceeded :",
        "cpp": "/usr/bin/ld: final link failed: Disk quota exceeded; cannot write",
        "elixir": "** (File.Error) could not write to file: disk quota exceeded (:edquot)",
        "kotlin": "java.io.IOException: Disk quota exceeded, writing",
    }[eco]
    return lambda r: (
        f"{head} {where}/{r.getrandbits(32):08x}.tmp\nwrite failed after {r.randint(1, 900)} KiB; quota for user dev "
        "on /home: 4.0G used of 4.0G\n"
    )


BINARIES = {
    "ruby": (
        "node",
        lambda r: (
            "ExecJS::RuntimeUnavailable: Could not find a JavaScript runtime. See "
            "https://github.com/rails/execjs for a list of available runtimes.\n"
            f"/usr/lib/ruby/gems/3.3.0/gems/execjs-2.9.{r.randint(0, 1)}/lib/execjs/runtimes.rb:{r.choice([68, 70])}"
            ":in `autodetect'\n"
        ),
    ),
    "php": (
        "wkhtmltopdf",
        lambda r: (
            "In AbstractGenerator.php line 653:\n\n  The exit status code '127' says something "
            f'went wrong:\n  stderr: "sh: 1: /usr/local/bin/wkhtmltopdf: not found"\n  command: /usr/local/bin/'
            f"wkhtmltopdf --lowquality '/tmp/knp_snappy{r.getrandbits(40):010x}.html' '/tmp/knp_snappy"
            f"{r.getrandbits(40):010x}.pdf'.\n"
        ),
    ),
    "dotnet": (
        "dotnet-sdk-6.0",
        lambda r: (
            "You must install or update .NET to run this application.\n\nApp: "
            "/src/Freight.Legacy/bin/Debug/net6.0/Freight.Legacy\nArchitecture: x64\nFramework: "
            "'Microsoft.NETCore.App', version '6.0.0' (x64)\n.NET location: /usr/share/dotnet\n\nThe following "
            f"frameworks were found:\n  8.0.{r.choice([5, 6])} at [/usr/share/dotnet/shared/Microsoft.NETCore.App]\n"
        ),
    ),
    "cpp": (
        "protobuf-compiler",
        lambda r: (
            "CMake Error at /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs"
            f".cmake:{r.choice([230, 233])} (message):\n  Could NOT find Protobuf (missing: "
            f"Protobuf_PROTOC_EXECUTABLE) "
            '(found version "3.21.12")\nCall Stack (most recent call first):\n  CMakeLists.txt:27 (find_package)\n'
            "-- Configuring incomplete, errors occurred!\n"
        ),
    ),
    "elixir": (
        "cargo",
        lambda r: (
            f"==> freight_nif\nCompiling crate freight_nif in release mode (native/freight_nif)\n"
            '** (ErlangError) Erlang error: :enoent\n    (elixir 1.17.2) lib/system.ex:1114: System.cmd("cargo", '
            f'["rustc", "--release"], [cd: "native/freight_nif", env: [...]])\n    (rustler 0.34.{r.randint(0, 1)})'
            " lib/rustler/compiler.ex:35: Rustler.Compiler.compile_crate/3\n"
        ),
    ),
    "kotlin": (
        "android-sdk",
        lambda r: (
            "\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nCould not "
            "determine the dependencies of task ':app:compileDebugKotlin'.\n> SDK location not found. Define a valid "
            "SDK location with an ANDROID_HOME environment variable or by setting the sdk.dir path in your project's "
            f"local properties file at '/home/dev/freight/local.properties'.\n\nBUILD FAILED in {r.randint(1, 20)}s\n"
        ),
    ),
}

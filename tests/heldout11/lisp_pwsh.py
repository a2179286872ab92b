"""Common Lisp (SBCL, ASDF, FiveAM, Quicklisp) and PowerShell (Pester, PSGallery, PSScriptAnalyzer)."""

from __future__ import annotations

from .toolchain import Blocker, Poll, Toolchain

_SBCL = "sbcl --non-interactive --no-userinit --load ~/quicklisp/setup.lisp"
_PWSH = "pwsh -NoProfile -NonInteractive -Command"

LISP = Toolchain(
    name="common-lisp",
    root="/workspace/swarm-watch",
    sources=(
        "src/alerts.lisp",
        "src/telemetry.lisp",
        "t/alerts-tests.lisp",
        "swarm-watch.asd",
        "config/thresholds.sexp",
    ),
    bodies=(
        ";;;; Swarm alerts from hive acoustics and weight.\n"
        "(in-package #:swarm-watch)\n"
        "\n"
        "(defparameter *piping-band* '(400 . 500)\n"
        '  "Hz band of queen piping before a swarm.")\n'
        "\n"
        "(defun weight-drop-p (readings)\n"
        '  "True when the hive lost more than 1.5 kg within the last hour of READINGS."\n'
        "  (let ((recent (last readings 12)))\n"
        "    (when recent\n"
        "      (> (- (reading-kg (first recent)) (reading-kg (car (last recent)))) 1.5))))\n"
        "\n"
        "(defun swarm-alert-p (hive)\n"
        "  (and (piping-p (hive-spectrum hive) *piping-band*)\n"
        "       (weight-drop-p (hive-readings hive))))",
        ";;;; Telemetry frames from the hive sensors.\n"
        "(in-package #:swarm-watch)\n"
        "\n"
        "(defstruct reading at kg temp-c humidity)\n"
        "\n"
        "(defun parse-frame (octets)\n"
        "  (let ((text (flexi-streams:octets-to-string octets :external-format :utf-8)))\n"
        "    (destructuring-bind (at kg temp hum) (split-sequence:split-sequence #\\, text)\n"
        "      (make-reading :at (parse-integer at) :kg (parse-float kg)\n"
        "                    :temp-c (parse-float temp) :humidity (parse-float hum)))))",
        "(in-package #:swarm-watch/tests)\n"
        "(def-suite :swarm-watch)\n(in-suite :swarm-watch)\n\n"
        "(test weight-drop-within-an-hour\n"
        '  (is-true (weight-drop-p (readings-from #p"t/data/swarm-0611.csv"))))\n\n'
        "(test no-alert-on-steady-weight\n"
        '  (is-false (weight-drop-p (readings-from #p"t/data/steady-0612.csv"))))',
        '(defsystem "swarm-watch"\n  :version "0.9.1"\n  :depends-on ("flexi-streams" "split-sequence" "parse-float" "cl-sqlite")\n'
        '  :components ((:module "src" :components ((:file "package") (:file "telemetry") (:file "alerts"))))\n'
        '  :in-order-to ((test-op (test-op "swarm-watch/tests"))))',
        "(:piping-band (400 . 500)\n :weight-drop-kg 1.5\n :window-readings 12\n :poll-seconds 300)",
    ),
    hot=10,
    fixes=(
        "      (> (- (reading-kg (car (last recent))) (reading-kg (first recent))) 1.5))))",
        "      (>= (- (reading-kg (first recent)) (reading-kg (car (last recent)))) 1.5))))",
        "      (> (abs (- (reading-kg (first recent)) (reading-kg (car (last recent))))) 1.5))))",
        "      (> (- (reduce #'max recent :key #'reading-kg) (reading-kg (car (last recent)))) 1.5))))",
        "      (> (- (reading-kg (first recent)) (reading-kg (first (last recent)))) 1.5d0))))",
        "      (> (float (- (reading-kg (first recent)) (reading-kg (car (last recent)))) 1d0) 1.5))))",
        "      (< 1.5 (- (reading-kg (elt recent 0)) (reading-kg (elt recent (1- (length recent)))))))))",
        "      (> (- (reading-kg (first recent)) (reading-kg (car (last recent)))) (getf *config* :weight-drop-kg)))))",
        "      (> (loop for r in recent maximize (reading-kg r)) (+ 1.5 (reading-kg (car (last recent))))))))",
        "      (plusp (- (reading-kg (first recent)) (reading-kg (car (last recent))) 1.5)))))",
        "      (> (- (reading-kg (nth 0 recent)) (reading-kg (nth 11 recent))) 1.5))))",
    ),
    guards=(
        "    (declare (type list recent))",
        "    (assert (every #'reading-p recent))",
        "    (setf recent (sort (copy-list recent) #'< :key #'reading-at))",
        '    (format *trace-output* "~&recent: ~a~%" (length recent))',
    ),
    flip=(
        "      (> (- (reading-kg (first recent)) (reading-kg (car (last recent)))) 1.0))))",
        "      (> (- (reading-kg (first recent)) (reading-kg (car (last recent)))) 2.0))))",
    ),
    more=(
        "src/package.lisp",
        "src/acoustics.lisp",
        "src/store.lisp",
        "src/notify.lisp",
        "src/main.lisp",
        "t/package.lisp",
        "t/telemetry-tests.lisp",
        "t/data/README",
        "scripts/build-core.lisp",
        "qlfile",
        "Makefile",
        "docs/alerts.org",
    ),
    filler=(
        "(in-package #:swarm-watch)",
        "(defun piping-p (spectrum band)",
        "  (let ((peak (spectrum-peak spectrum (car band) (cdr band))))",
        "    (> (peak-db peak) -32.0)))",
        "(defvar *db* nil)",
        "(defun store-reading (hive reading)",
        '  (sqlite:execute-non-query *db* "INSERT INTO readings VALUES (?, ?, ?)" hive (reading-at reading) (reading-kg reading)))',
        "(defun notify (hive text)",
        "  (dex:post *webhook* :content (jonathan:to-json (list :hive hive :text text))))",
        "",
        "(declaim (optimize (speed 1) (safety 3) (debug 2)))",
        "(export '(swarm-alert-p weight-drop-p parse-frame))",
        "  (handler-case (parse-frame octets)",
        '    (error (e) (log:warn "bad frame ~a" e) nil)))',
    ),
    comment=";;;;",
    tests=(
        "WEIGHT-DROP-WITHIN-AN-HOUR",
        "NO-ALERT-ON-STEADY-WEIGHT",
        "PIPING-BAND-DETECTED",
        "FRAME-PARSES-HUMIDITY",
        "ALERT-NEEDS-BOTH-SIGNS",
        "EMPTY-READINGS-NO-ALERT",
    ),
    failures=(
        '(WEIGHT-DROP-P (READINGS-FROM #P"t/data/swarm-0611.csv")) did not return a true value',
        '(WEIGHT-DROP-P (READINGS-FROM #P"t/data/steady-0612.csv")) returned the value T, which is true',
        "(PIPING-P SPECTRUM *PIPING-BAND*) evaluated to NIL, which is not true",
        "(READING-HUMIDITY R) evaluated to 6.14, which is not = to 61.4",
        "(SWARM-ALERT-P HIVE) returned the value T, which is true",
        "Unexpected Error: #<TYPE-ERROR expected-type: NUMBER datum: NIL>",
    ),
    packages=("swarm-watch", "swarm-watch/tests", "swarm-watch/acoustics", "swarm-watch/cli"),
    test_cmd=f"{_SBCL} --eval '(asdf:test-system :swarm-watch)'",
    test_one=f"{_SBCL} --eval '(ql:quickload :swarm-watch/tests)' --eval '(fiveam:run! (quote swarm-watch/tests::{{test}}))'",
    pkg_cmd=f"{_SBCL} --eval '(asdf:test-system \"{{pkg}}\")'",
    build_cmd=f"{_SBCL} --eval '(asdf:load-system :swarm-watch :force t)'",
    lint_cmd="sblint swarm-watch.asd",
    lint_ok="",
    run_cmd=f"{_SBCL} --eval '(ql:quickload :swarm-watch)' --eval '(swarm-watch::replay #p\"t/data/swarm-0611.csv\")'",
    bench_cmd=f"{_SBCL} --load scripts/bench.lisp",
    install_cmd=f"{_SBCL} --eval '(ql:quickload :swarm-watch)'",
    header='To load "swarm-watch/tests":\n  Load 1 ASDF system:\n    swarm-watch/tests\n; Loading "swarm-watch/tests"\n\n'
    "Running test suite SWARM-WATCH",
    pass_line=" Running test {name} ..",
    fail_line=" Running test {name} .f\n   {file}:{ln}: {msg}",
    summary=" Did {total} checks.\n    Pass: {passed}\n    Skip: 0\n    Fail: {failed}\nEvaluation took @s@ seconds of real time",
    crash="Running test {test} f\n Did 1 check.\n    Pass: 0 ( 0%)\n    Fail: 1 (100%)\n\n Failure Details:\n --------------------------------\n"
    ' {test} []:\n      {msg}\n Backtrace for: #<SB-THREAD:THREAD "main thread" RUNNING {@addr@}>\n'
    "0: (SWARM-WATCH::WEIGHT-DROP-P ...) [/workspace/swarm-watch/{file}:{line}]\n    {code}\n --------------------------------",
    build_ok='; compiling file "/workspace/swarm-watch/src/telemetry.lisp" (written @when@)\n'
    "; wrote /home/dev/.cache/common-lisp/sbcl-2.4.9-linux-x64/workspace/swarm-watch/src/alerts.fasl\n"
    "; compilation finished in 0:00:00.0@ms@",
    build_err="; file: /workspace/swarm-watch/{file}\n; in: DEFUN WEIGHT-DROP-P (line {line})\n; caught ERROR:\n;   {msg}\n"
    "; compilation unit aborted\n;   caught 1 fatal ERROR condition",
    compile_msgs=(
        "READ error during COMPILE-FILE: end of file on #<SB-INT:FORM-TRACKING-STREAM>",
        "The variable RECENT is unbound.",
        "undefined function: SWARM-WATCH::READING-WEIGHT",
        "The function SWARM-WATCH::PIPING-P is called with three arguments, but wants exactly two.",
        "Package SPLIT-SEQ does not exist.",
    ),
    bench_line="{name}: {value} µs per call, @bytes@ bytes consed",
    benches=("WEIGHT-DROP-P", "PARSE-FRAME", "PIPING-P"),
    debug="; WEIGHT-DROP-P first=38.2 last={value} at @hms@",
    blockers=(
        Blocker(
            tries=(
                f"{_SBCL} --eval '(ql:quickload :cl-sqlite {{alt}})'",
                f"{_SBCL} --eval '(ql:update-dist \"quicklisp\" {{alt}})'",
                f"{_SBCL} --eval '(ql-dist:install-dist \"{{alt}}\" :prompt nil)'",
                "qlot install {alt}",
                f"{_SBCL} --eval '(ql:quickload :dexador {{alt}})'",
                "ros install cl-sqlite {alt}",
                "curl -sSL {alt} -o /tmp/quicklisp.lisp && sbcl --load /tmp/quicklisp.lisp",
            ),
            alts=(
                ":verbose t",
                ":silent nil",
                "http://beta.quicklisp.org/dist/quicklisp.txt",
                "https://ultralisp.org/dists/ultralisp.txt",
                "http://dist.ultralisp.org/",
                ":prompt nil",
                "--no-deps",
                "https://beta.quicklisp.org/quicklisp.lisp",
            ),
            errors=(
                'Unhandled QL-HTTP::FETCH-ERROR: Unexpected HTTP status for #<URL "http://beta.quicklisp.org/archive/cl-sqlite/2019-12-27/cl-sqlite.tgz">: 0',
                "debugger invoked on a USOCKET:NS-TRY-AGAIN-CONDITION: Condition USOCKET:NS-TRY-AGAIN-CONDITION was signalled.",
                'Unhandled SB-BSD-SOCKETS:HOST-NOT-FOUND-ERROR: Name service error in "getaddrinfo": -3 (Temporary failure in name resolution)',
                "Error: Connection refused (errno 111) while fetching {alt}",
                'System "cl-sqlite" not found\n[Condition of type QUICKLISP-CLIENT:SYSTEM-NOT-FOUND]',
                "curl: (7) Failed to connect to beta.quicklisp.org port 80 after @ms@ ms: Couldn't connect to server",
                "qlot: Failed to fetch dist 'quicklisp' (timeout after 60 s); lock file left at @tmpdir@/qlot.lock",
            ),
            looks=(
                (
                    "curl -sI http://beta.quicklisp.org/dist/quicklisp.txt",
                    "curl: (6) Could not resolve host: beta.quicklisp.org",
                    6,
                ),
                (
                    "ls ~/quicklisp/dists/quicklisp/software | head",
                    "alexandria-20241012-git\nflexi-streams-20240429-git\nsplit-sequence-v2.0.1",
                    0,
                ),
                (
                    "cat ~/quicklisp/dists/quicklisp/distinfo.txt",
                    "name: quicklisp\nversion: 2024-10-12\ndistinfo-subscription-url: http://beta.quicklisp.org/dist/quicklisp.txt",
                    0,
                ),
                ("getent hosts beta.quicklisp.org", "", 2),
                ("echo $http_proxy $https_proxy", "", 0),
            ),
            config="~/.config/common-lisp/source-registry.conf.d/50-local.conf",
            settings=(
                '(:tree "/opt/lisp-vendor/")',
                '(:directory "/workspace/vendor/cl-sqlite/")',
                '(:also-exclude "vendor-old")',
                '(:tree (:home "src/lisp/"))',
            ),
        ),
        Blocker(
            tries=(
                f"{_SBCL} --eval '(ql:quickload :swarm-watch)' {{alt}}",
                "LD_LIBRARY_PATH={alt} " + f"{_SBCL} --eval '(asdf:test-system :swarm-watch)'",
                f"{_SBCL} --eval '(push #p\"{{alt}}/\" cffi:*foreign-library-directories*)' --eval '(ql:quickload :swarm-watch)'",
                f"{_SBCL} --eval '(cffi:load-foreign-library \"libsqlite3.so.0\")' {{alt}}",
                "make test {alt}",
                f"{_SBCL} --eval '(cffi:load-foreign-library \"{{alt}}/libsqlite3.so\")'",
            ),
            alts=(
                "/usr/lib/x86_64-linux-gnu",
                "/usr/local/lib",
                "/opt/sqlite/lib",
                "--dynamic-space-size 4096",
                "/lib64",
                "--disable-debugger",
            ),
            errors=(
                'Unable to load any of the alternatives:\n   ("libsqlite3.so.0" "libsqlite3.so")\n[Condition of type CFFI:LOAD-FOREIGN-LIBRARY-ERROR]',
                'Error opening shared object "libsqlite3.so.0":\n  libsqlite3.so.0: cannot open shared object file: No such file or directory.',
                'debugger invoked on a CFFI:LOAD-FOREIGN-LIBRARY-ERROR in thread #<THREAD "main thread" RUNNING {@addr@}>:\n'
                "  Unable to load foreign library (SQLITE-FFI::SQLITE3-LIB).",
                '; caught STYLE-WARNING: Undefined alien: "sqlite3_open_v2"\nUnhandled SIMPLE-ERROR: attempt to call an undefined alien function',
                "make: *** [Makefile:@ln@: test] Error 1 (sbcl exited with CFFI load failure)",
            ),
            looks=(
                ("ldconfig -p | grep sqlite", "", 1),
                (
                    "apt-get install -y libsqlite3-0",
                    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
                    100,
                ),
                ("ls /usr/lib/x86_64-linux-gnu | grep -c sqlite", "0", 1),
                ("sqlite3 --version", "bash: sqlite3: command not found", 127),
                ("id", "uid=1000(dev) gid=1000(dev) groups=1000(dev)", 0),
            ),
            config="src/package.lisp",
            settings=(
                '(cffi:define-foreign-library sqlite3-lib (:unix (:or "libsqlite3.so.0" "libsqlite3.so")))',
                '(pushnew #p"/usr/local/lib/" cffi:*foreign-library-directories* :test #\'equal)',
                '(cffi:define-foreign-library sqlite3-lib (t (:default "libsqlite3")))',
                '(setf sqlite-ffi::*sqlite3-lib* "/opt/sqlite/lib/libsqlite3.so")',
            ),
        ),
    ),
    transient=(
        f"{_SBCL} --eval '(ql:quickload :swarm-watch)'",
        'To load "swarm-watch":\n  Load 1 ASDF system:\n    swarm-watch\n; Loading "swarm-watch"\n'
        'Unhandled QL-HTTP::FETCH-ERROR: Unexpected HTTP status for #<URL "http://beta.quicklisp.org/archive/parse-float/2020-02-18/parse-float.tgz">: 503',
        'To load "swarm-watch":\n  Install 1 Quicklisp release:\n    parse-float\n'
        '; Fetching #<URL "http://beta.quicklisp.org/archive/parse-float/2020-02-18/parse-float.tgz">\n'
        '; 5.18KB\n==================================================\n; Loading "swarm-watch"\n(:SWARM-WATCH)',
    ),
    poll=Poll(
        start="ssh build01 'cd /srv/swarm-watch && nohup make core > build-core.log 2>&1 & echo $!'",
        started="@pid@",
        status="ssh build01 'tail -n 2 /srv/swarm-watch/build-core.log'",
        pending='; compiling file "/srv/swarm-watch/src/acoustics.lisp" ({pct}% of systems)\n; wrote @tmpdir@/acoustics.fasl',
        hiccup="ssh: connect to host build01 port 22: No route to host",
        ready="[saving current Lisp image into /srv/swarm-watch/swarm-watch.core:\nwriting @bytes@ bytes from the dynamic space\ndone]",
    ),
    fixenv=(
        f"{_SBCL} --eval '(asdf:test-system :swarm-watch)'",
        'Unhandled ASDF/FIND-COMPONENT:MISSING-DEPENDENCY:\n  Component "fiveam" not found, required by #<SYSTEM "swarm-watch/tests">',
        f"{_SBCL} --eval '(asdf:load-system :swarm-watch/tests)'",
        'debugger invoked on a ASDF/FIND-COMPONENT:MISSING-DEPENDENCY: Component "fiveam" not found',
        f"{_SBCL} --eval '(ql:quickload :fiveam)'",
        'To load "fiveam":\n  Load 1 ASDF system:\n    asdf\n  Install 3 Quicklisp releases:\n    fiveam net.didierverna.asdf-flv trivial-backtrace\n'
        '; Loading "fiveam"\n(:FIVEAM)',
    ),
    tune=(
        "config/thresholds.sexp",
        " :window-readings {value}",
        ("6", "12", "24", "18", "15", "16"),
        f"{_SBCL} --load scripts/replay-season.lisp",
        "replayed 2025 season: {value} false alerts, @ln@ true alerts",
    ),
    stuck=(
        "git push origin HEAD:release/0.9",
        "remote: error: GH006: Protected branch update failed for refs/heads/release/0.9.\n"
        "remote: error: Changes must be made through a pull request.\n"
        " ! [remote rejected] HEAD -> release/0.9 (protected branch hook declined)\nerror: failed to push some refs",
    ),
    rename=("weight-drop-p", "sudden-weight-loss-p"),
)

PWSH = Toolchain(
    name="powershell",
    root="/workspace/Varroa.Tools",
    sources=(
        "src/Public/Get-MiteLoad.ps1",
        "src/Private/ConvertTo-InspectionRow.ps1",
        "tests/Get-MiteLoad.Tests.ps1",
        "src/Varroa.Tools.psd1",
        "PSScriptAnalyzerSettings.psd1",
    ),
    bodies=(
        "function Get-MiteLoad {\n"
        "    [CmdletBinding()]\n"
        "    param(\n"
        "        [Parameter(Mandatory, ValueFromPipeline)] [pscustomobject] $Inspection,\n"
        "        [int] $SampleBees = 300\n"
        "    )\n"
        "    process {\n"
        "        $mites = [int]$Inspection.WashMites\n"
        "        $rate = 0\n"
        "        # mites per hundred bees, one decimal\n"
        "        $rate = [math]::Round($mites / $SampleBees * 100)\n"
        "        [pscustomobject]@{ Hive = $Inspection.Hive; Rate = $rate; Treat = $rate -ge 3 }\n"
        "    }\n"
        "}",
        "function ConvertTo-InspectionRow {\n"
        "    param([string] $Line)\n"
        "    $cols = $Line -split ';'\n"
        "    [pscustomobject]@{\n"
        "        Hive      = $cols[0].Trim()\n"
        "        Date      = [datetime]::ParseExact($cols[1], 'yyyy-MM-dd', $null)\n"
        "        WashMites = [int]$cols[2]\n"
        "        Queen     = $cols[3] -eq 'y'\n"
        "    }\n"
        "}",
        "BeforeAll { . $PSScriptRoot/../src/Public/Get-MiteLoad.ps1 }\n"
        "Describe 'Get-MiteLoad' {\n"
        "    It 'returns the rate per hundred bees with one decimal' {\n"
        "        ([pscustomobject]@{ Hive = 'H-3'; WashMites = 7 } | Get-MiteLoad).Rate | Should -Be 2.3\n"
        "    }\n"
        "}",
        "@{\n    RootModule        = 'Varroa.Tools.psm1'\n    ModuleVersion     = '2.1.0'\n"
        "    GUID              = '5c0e7d4e-8a41-4a7e-9d0e-2b1f6f7c9a10'\n    PowerShellVersion = '7.2'\n"
        "    RequiredModules   = @('ImportExcel', 'PnP.PowerShell')\n    FunctionsToExport = @('Get-MiteLoad', 'Export-InspectionSheet')\n}",
        "@{\n    Severity     = @('Error', 'Warning')\n    ExcludeRules = @('PSAvoidUsingWriteHost')\n}",
    ),
    hot=10,
    fixes=(
        "        $rate = [math]::Round($mites / $SampleBees * 100, 1)",
        "        $rate = [math]::Round([double]$mites / $SampleBees * 100, 1)",
        "        $rate = [decimal]::Round($mites * 100 / $SampleBees, 1)",
        "        $rate = '{0:N1}' -f ($mites / $SampleBees * 100)",
        "        $rate = [math]::Round($mites / ($SampleBees / 100), 1, [MidpointRounding]::AwayFromZero)",
        "        $rate = [math]::Floor($mites * 1000 / $SampleBees) / 10",
        "        $rate = [double]('{0:F1}' -f ($mites * 100.0 / $SampleBees))",
        "        $rate = [math]::Ceiling($mites / $SampleBees * 1000) / 10",
        "        $rate = [math]::Round(($mites -as [double]) / $SampleBees * 100, 1)",
        "        $rate = [int]($mites / $SampleBees * 1000) / 10",
        "        $rate = [math]::Truncate($mites / $SampleBees * 1000) / 10.0",
    ),
    guards=(
        "        if ($SampleBees -le 0) { throw 'SampleBees must be positive' }",
        '        Write-Verbose "mites=$mites bees=$SampleBees"',
        "        [double]$mites = $Inspection.WashMites",
        "        Set-StrictMode -Version Latest",
    ),
    flip=(
        "        $rate = [math]::Round($mites / $SampleBees * 100, 1)",
        "        $rate = [math]::Round($mites / $SampleBees * 100, 1, [MidpointRounding]::ToEven)",
    ),
    more=(
        "src/Varroa.Tools.psm1",
        "src/Public/Export-InspectionSheet.ps1",
        "src/Public/Sync-ApiaryList.ps1",
        "src/Private/Get-SharePointList.ps1",
        "src/Private/Write-TreatmentPlan.ps1",
        "tests/ConvertTo-InspectionRow.Tests.ps1",
        "tests/Export-InspectionSheet.Tests.ps1",
        "build.ps1",
        "requirements.psd1",
        ".github/workflows/ci.yml",
        "docs/treatment-thresholds.md",
        "tests/data/inspections-2025.csv",
    ),
    filler=(
        "function Export-InspectionSheet {",
        "    param([Parameter(Mandatory)][string] $Path, [switch] $Force)",
        "    $rows = Get-Content $Path | Select-Object -Skip 1 | ForEach-Object { ConvertTo-InspectionRow $_ }",
        "    $rows | Export-Excel -Path $OutFile -WorksheetName 'Inspections' -AutoSize",
        "    Connect-PnPOnline -Url $SiteUrl -ManagedIdentity",
        "    $items = Get-PnPListItem -List 'Apiaries' -PageSize 500",
        "}",
        "",
        "    foreach ($hive in $Apiary.Hives) {",
        '        if ($hive.Treat) { Write-Information "treat $($hive.Hive)" }',
        "    }",
        "Set-StrictMode -Version Latest",
        "$ErrorActionPreference = 'Stop'",
        "Export-ModuleMember -Function $Public.BaseName",
    ),
    comment="#",
    tests=(
        "Get-MiteLoad.returns the rate per hundred bees with one decimal",
        "Get-MiteLoad.flags hives at three percent for treatment",
        "Get-MiteLoad.accepts pipeline input",
        "ConvertTo-InspectionRow.parses the date as yyyy-MM-dd",
        "ConvertTo-InspectionRow.reads queen seen as boolean",
        "Export-InspectionSheet.writes one row per hive",
    ),
    failures=(
        "Expected 2.3, but got 2.",
        "Expected $true, but got $false.",
        "Expected 3, but got 1.",
        "Expected 2025-06-11T00:00:00.0000000, but got 2025-11-06T00:00:00.0000000.",
        "Expected $false, but got $true.",
        "Expected 12, but got 13.",
    ),
    packages=("Public", "Private", "Export", "Sync"),
    test_cmd=f'{_PWSH} "Invoke-Pester -Path ./tests -Output Detailed"',
    test_one=f"{_PWSH} \"Invoke-Pester -Path ./tests -FullNameFilter '{{test}}' -Output Detailed\"",
    pkg_cmd=f'{_PWSH} "Invoke-Pester -Path ./tests -TagFilter {{pkg}} -Output Detailed"',
    build_cmd=f'{_PWSH} "./build.ps1 -Task Build"',
    lint_cmd=f'{_PWSH} "Invoke-ScriptAnalyzer -Path ./src -Recurse -Settings ./PSScriptAnalyzerSettings.psd1 | Measure-Object | Select-Object -ExpandProperty Count"',
    lint_ok="0",
    run_cmd=f"{_PWSH} \"Import-Module ./src/Varroa.Tools.psd1 -Force; Import-Csv tests/data/inspections-2025.csv -Delimiter ';' | Get-MiteLoad -Verbose\"",
    bench_cmd=f'{_PWSH} "./build.ps1 -Task Bench"',
    install_cmd=f'{_PWSH} "Install-Module ImportExcel, PnP.PowerShell -Scope CurrentUser -Force"',
    header="Pester v5.6.1\n\nStarting discovery in 3 files.\nDiscovery found 6 tests in @ms@ms.\nRunning tests.",
    pass_line="[+] {name} @ms@ms (@ms@ms|@ms@ms)",
    fail_line="[-] {name} @ms@ms (@ms@ms|@ms@ms)\n Expected: {msg}\n at <ScriptBlock>, /workspace/Varroa.Tools/{file}:{ln}",
    summary="Tests completed in @s@s\nTests Passed: {passed}, Failed: {failed}, Skipped: 0, Inconclusive: 0, NotRun: 0",
    crash="Pester v5.6.1\n\nStarting discovery in 1 files.\nDiscovery found 1 tests in @ms@ms.\nRunning tests.\n"
    "[-] {test} @ms@ms (@ms@ms|@ms@ms)\n {msg}\n at Get-MiteLoad, /workspace/Varroa.Tools/{file}:{line}\n"
    "{line} | {code}\n at <ScriptBlock>, /workspace/Varroa.Tools/tests/Get-MiteLoad.Tests.ps1:4\n"
    "Tests completed in @s@s\nTests Passed: 0, Failed: 1, Skipped: 0, Inconclusive: 0, NotRun: 5",
    build_ok="Task Build\n  Merging 6 functions into out/Varroa.Tools/2.1.0/Varroa.Tools.psm1\n  Copied manifest (@ms@ms)\nBuild succeeded. 3 tasks, 0 errors, 0 warnings @s@s",
    build_err="ParserError: /workspace/Varroa.Tools/{file}:{line}\nLine |\n {line} |  …\n     |  ~\n     | {msg}\nBuild FAILED. 1 tasks, 1 errors",
    compile_msgs=(
        "Missing closing '}' in statement block or type definition.",
        "Unexpected token ')' in expression or statement.",
        "The term 'Get-MiteRate' is not recognized as a name of a cmdlet, function, script file, or executable program.",
        "Missing argument in parameter list.",
        'Cannot convert value "n/a" to type "System.Int32". Error: "Input string was not in a correct format."',
    ),
    bench_line="{name}  {value} ms/1000 rows  (run @ms@)",
    benches=("Get-MiteLoad", "ConvertTo-InspectionRow", "Export-InspectionSheet"),
    debug="VERBOSE: H-3 mites=7 bees=300 rate={value} (@hms@)",
    blockers=(
        Blocker(
            tries=(
                f'{_PWSH} "Install-Module ImportExcel -Scope CurrentUser -Force {{alt}}"',
                f'{_PWSH} "Register-PSRepository -Name Mirror -SourceLocation {{alt}} -InstallationPolicy Trusted"',
                f'{_PWSH} "Install-PSResource PnP.PowerShell -TrustRepository {{alt}}"',
                f'{_PWSH} "Find-Module ImportExcel {{alt}}"',
                f'{_PWSH} "Save-Module ImportExcel -Path ./modules {{alt}}"',
                f'{_PWSH} "Set-PSRepository PSGallery -InstallationPolicy Trusted; Install-Module PnP.PowerShell {{alt}}"',
                f"{_PWSH} \"[Net.ServicePointManager]::SecurityProtocol = 'Tls12'; Install-Module ImportExcel {{alt}}\"",
            ),
            alts=(
                "-Repository PSGallery",
                "https://www.powershellgallery.com/api/v2",
                "https://proget.coop.internal/nuget/psgallery/",
                "-Proxy http://10.0.0.1:3128",
                "-AllowClobber",
                "-SkipPublisherCheck",
                "-Verbose",
                "-RequiredVersion 7.8.9",
            ),
            errors=(
                "WARNING: Unable to resolve package source 'https://www.powershellgallery.com/api/v2'.\n"
                "Install-Package: No match was found for the specified search criteria and module name 'ImportExcel'.",
                "Find-Module: Unable to find repository 'PSGallery'. Use Get-PSRepository to see all available repositories.",
                "Register-PSRepository: The specified Uri '{alt}' for parameter 'SourceLocation' is an invalid Web Uri. Please ensure that it meets the Web Uri requirements.",
                "Install-PSResource: Repository 'PSGallery': Response status code does not indicate success: 0 (Name or service not known (www.powershellgallery.com:443)).",
                "WARNING: Unable to download the list of available providers. Check your internet connection.",
                "Save-Module: No connection could be made: www.powershellgallery.com (The operation timed out after @ms@ ms)",
                "Install-Module: NuGet provider is required to continue. Unable to download from URI 'https://go.microsoft.com/fwlink/?LinkID=627338&clcid=0x409'.",
            ),
            looks=(
                (
                    f'{_PWSH} "Get-PSRepository"',
                    "Name       InstallationPolicy   SourceLocation\n----       ------------------   --------------\nPSGallery  Untrusted            https://www.powershellgallery.com/api/v2",
                    0,
                ),
                (
                    f'{_PWSH} "Test-NetConnection www.powershellgallery.com -Port 443"',
                    "WARNING: Name resolution of www.powershellgallery.com failed\nTcpTestSucceeded : False",
                    0,
                ),
                (
                    "curl -sI https://www.powershellgallery.com/api/v2",
                    "curl: (6) Could not resolve host: www.powershellgallery.com",
                    6,
                ),
                (
                    f"{_PWSH} \"$env:PSModulePath -split ':'\"",
                    "/home/dev/.local/share/powershell/Modules\n/usr/local/share/powershell/Modules\n/opt/microsoft/powershell/7/Modules",
                    0,
                ),
                ("ls ~/.local/share/powershell/Modules", "Pester  PSScriptAnalyzer", 0),
            ),
            config="requirements.psd1",
            settings=(
                "@{ PSDependOptions = @{ Target = 'CurrentUser'; Parameters = @{ Repository = 'Mirror' } } }",
                "    ImportExcel = @{ Version = '7.8.9'; Repository = 'PSGallery' }",
                "    'PnP.PowerShell' = 'latest'",
                "@{ PSDependOptions = @{ Source = 'https://proget.coop.internal/nuget/psgallery/' } }",
            ),
        ),
        Blocker(
            tries=(
                f'{_PWSH} "Install-Module ImportExcel -Scope AllUsers {{alt}}"',
                "sudo pwsh -c 'Install-Module ImportExcel -Scope AllUsers' {alt}",
                f'{_PWSH} "Copy-Item ./modules/ImportExcel /usr/local/share/powershell/Modules -Recurse {{alt}}"',
                f'{_PWSH} "Set-ExecutionPolicy -ExecutionPolicy Bypass -Scope LocalMachine {{alt}}"',
                "chmod -R u+w /usr/local/share/powershell/Modules {alt}",
                f'{_PWSH} "./build.ps1 -Task Publish {{alt}}"',
            ),
            alts=("-Force", "-Verbose", "-AllowClobber", "-ErrorAction Stop", "", "-Confirm:$false"),
            errors=(
                "Install-Module: Administrator rights are required to install modules in '/usr/local/share/powershell/Modules'. "
                "Log on to the computer with an account that has Administrator rights, and then try again, or install "
                "'/workspace/Varroa.Tools/modules' for the current user by adding \"-Scope CurrentUser\" to your command.",
                "sudo: a password is required",
                "Copy-Item: Access to the path '/usr/local/share/powershell/Modules/ImportExcel' is denied.",
                "Set-ExecutionPolicy: Access to the path '/opt/microsoft/powershell/7/powershell.config.json' is denied.",
                "chmod: changing permissions of '/usr/local/share/powershell/Modules': Operation not permitted",
                "Publish: Unable to write out/Varroa.Tools/2.1.0 to the shared module path: UnauthorizedAccessException (pid @pid@)",
            ),
            looks=(
                (
                    "ls -ld /usr/local/share/powershell/Modules",
                    "drwxr-xr-x 6 root root 4096 Jan 12 09:14 /usr/local/share/powershell/Modules",
                    0,
                ),
                ("id -nG", "dev", 0),
                (
                    f'{_PWSH} "Get-ExecutionPolicy -List"',
                    "        Scope ExecutionPolicy\n        ----- ---------------\nMachinePolicy       Undefined\n   UserPolicy       Undefined\n      Process       Undefined\n  CurrentUser       Undefined\n LocalMachine    Unrestricted",
                    0,
                ),
                ("sudo -n true", "sudo: a password is required", 1),
                ("stat -c '%U %a' /opt/microsoft/powershell/7/powershell.config.json", "root 644", 0),
            ),
            config="build.ps1",
            settings=(
                "$ModuleTarget = '/usr/local/share/powershell/Modules'",
                "$ModuleTarget = Join-Path $env:PSHOME 'Modules'",
                "Install-Module $Name -Scope AllUsers -Force",
                "$PSDefaultParameterValues['Install-Module:Scope'] = 'AllUsers'",
            ),
        ),
    ),
    transient=(
        f'{_PWSH} "Install-Module ImportExcel -Scope CurrentUser -Force"',
        "Install-Package: Unable to save the module 'ImportExcel': Response status code does not indicate success: 503 (Service Unavailable).",
        "",
    ),
    poll=Poll(
        start=f'{_PWSH} "Start-AzAutomationRunbook -Name Sync-ApiaryList -ResourceGroupName rg-apiary -AutomationAccountName aa-coop | Select-Object -ExpandProperty JobId"',
        started="@uuid@",
        status=f'{_PWSH} "Get-AzAutomationJob -ResourceGroupName rg-apiary -AutomationAccountName aa-coop -Name Sync-ApiaryList | Select-Object -First 1 Status, LastModifiedTime"',
        pending="Status  LastModifiedTime\n------  ----------------\nRunning @when@  ({pct}% of 412 hives synced)",
        hiccup="Get-AzAutomationJob: Run Connect-AzAccount to login. (token refresh failed, request @uuid@)",
        ready="Status    LastModifiedTime\n------    ----------------\nCompleted @when@",
    ),
    fixenv=(
        f'{_PWSH} "Invoke-Pester -Path ./tests -Output Detailed"',
        "Invoke-Pester: The term 'Invoke-Pester' is not recognized as a name of a cmdlet, function, script file, or executable program.",
        f'{_PWSH} "Import-Module Pester; Invoke-Pester ./tests"',
        "Import-Module: The specified module 'Pester' was not loaded because no valid module file was found in any module directory.",
        f'{_PWSH} "Install-Module Pester -MinimumVersion 5.6 -Scope CurrentUser -Force -SkipPublisherCheck"',
        "",
    ),
    tune=(
        "src/Public/Sync-ApiaryList.ps1",
        "    [int] $PageSize = {value}",
        ("100", "500", "2000", "1000", "750", "800"),
        f'{_PWSH} "Measure-Command {{ Sync-ApiaryList -WhatIf }} | Select-Object -ExpandProperty TotalSeconds"',
        "{value}",
    ),
    stuck=(
        f'{_PWSH} "Publish-Module -Path ./out/Varroa.Tools -NuGetApiKey $env:PSGALLERY_KEY"',
        "Publish-Module: The specified API key is invalid, has expired, or does not have permission to access the specified package. (403 Forbidden, request @uuid@)",
    ),
    rename=("Get-MiteLoad", "Get-VarroaLoad"),
)

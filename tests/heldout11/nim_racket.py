"""Nim (nimble, nim c) and Racket (raco test, raco pkg), as their tools print."""

from __future__ import annotations

from .toolchain import Blocker, Poll, Toolchain

_APT_LOCKED = (
    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
    "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?"
)

NIM = Toolchain(
    name="nim",
    root="/workspace/hivelog",
    sources=("src/hivelog/varroa.nim", "src/hivelog/inspect.nim", "tests/tvarroa.nim", "hivelog.nimble", "config.nims"),
    bodies=(
        "# Mite load from sticky-board drops and alcohol washes.\n"
        "import std/[math, sequtils]\n"
        "import ./inspect\n"
        "\n"
        "type MiteSample* = object\n"
        "  drops*: seq[int]\n"
        "  days*: int\n"
        "  bees*: int\n"
        "\n"
        "proc perDay*(s: MiteSample): float =\n"
        "  result = float(s.drops.sum) / float(s.days)\n"
        "\n"
        "proc washRate*(mites, bees: int): float =\n"
        "  if bees == 0: return 0.0\n"
        "  result = round(mites.float * 100 / bees.float, 1)\n"
        "\n"
        "proc overThreshold*(s: MiteSample, month: int): bool =\n"
        "  let limit = if month in 6..8: 3.0 else: 1.0\n"
        "  s.perDay > limit",
        "# Parsing one inspection sheet row.\n"
        "import std/[strutils, times]\n"
        "\n"
        "type Inspection* = object\n"
        "  hive*: string\n"
        "  at*: DateTime\n"
        "  broodFrames*, honeyFrames*: int\n"
        "  queenSeen*: bool\n"
        "\n"
        "proc parseInspection*(row: string): Inspection =\n"
        "  let cols = row.split(';')\n"
        "  result.hive = cols[0].strip\n"
        '  result.at = parse(cols[1], "yyyy-MM-dd")\n'
        "  result.broodFrames = parseInt(cols[2])\n"
        "  result.honeyFrames = parseInt(cols[3])\n"
        '  result.queenSeen = cols[4].strip == "y"',
        "import std/unittest\n"
        "import hivelog/[varroa, inspect]\n"
        "\n"
        'suite "hive log":\n'
        '  test "mite drop per day":\n'
        "    let sample = MiteSample(drops: @[4, 3, 4], days: 3, bees: 300)\n"
        "    check perDay(sample) == 3.7\n"
        '  test "alcohol wash rate per hundred bees":\n'
        "    check washRate(7, 300) == 2.3",
        '# Package\nversion       = "0.4.2"\nauthor        = "North Apiary Coop"\ndescription   = "Hive inspection log"\n'
        'license       = "MIT"\nsrcDir        = "src"\nbin           = @["hivelog"]\n\n# Dependencies\n'
        'requires "nim >= 2.0.0", "jsony >= 1.1.5", "zippy >= 0.10"',
        'switch("path", "$projectDir/src")\nswitch("mm", "orc")\nswitch("threads", "on")\n'
        'when defined(release):\n  switch("opt", "speed")',
    ),
    hot=10,
    fixes=(
        "  result = round(float(s.drops.sum) / float(s.days), 1)",
        "  result = s.drops.sum.float / max(s.days, 1).float",
        "  result = float(s.drops.sum) / float(s.days - 1)",
        "  result = (s.drops.sum / s.days).round(2)",
        "  result = float(sum(s.drops)) / s.days.toFloat",
        "  result = ceil(float(s.drops.sum) / float(s.days) * 10) / 10",
        "  result = float(s.drops.foldl(a + b, 0)) / float(s.days)",
        "  result = if s.days == 0: 0.0 else: s.drops.sum / s.days",
        "  result = trunc(float(s.drops.sum) * 10 / float(s.days)) / 10",
        "  result = float(s.drops.sum div s.days)",
        "  result = s.drops.mapIt(it.float).sum / s.days.float",
    ),
    guards=(
        '  assert s.days > 0, "sample without days"',
        "  if s.drops.len == 0: return 0.0",
        "  let days = max(s.days, s.drops.len)",
        "  doAssert s.drops.allIt(it >= 0)",
    ),
    flip=(
        "  result = round(float(s.drops.sum) / float(s.drops.len), 1)",
        "  result = round(float(s.drops.sum) / float(s.bees) * 100, 1)",
    ),
    more=(
        "src/hivelog.nim",
        "src/hivelog/scale.nim",
        "src/hivelog/sync.nim",
        "src/hivelog/report.nim",
        "src/hivelog/csvio.nim",
        "tests/tinspect.nim",
        "tests/tscale.nim",
        "tests/config.nims",
        "docs/thresholds.md",
        "bench/bperday.nim",
        "src/hivelog/apiaries.nim",
        "src/hivelog/weather.nim",
    ),
    filler=(
        "import std/[strutils, tables, options]",
        "proc toKg*(grams: int): float = grams.float / 1000",
        "  for hive in apiary.hives:",
        "    if hive.queenless: inc result.queenless",
        "  result = initTable[string, seq[Inspection]]()",
        "type Apiary* = object",
        "  name*: string",
        "  hives*: seq[Hive]",
        'proc `$`*(w: ScaleReading): string = &"{w.hive}@{w.at}: {w.grams}g"',
        '  let resp = client.getContent(base & "/v1/readings?since=" & $since)',
        "  except JsonParsingError: continue",
        "  doAssert readings.len > 0",
        "",
        "when isMainModule:",
        "  echo report(loadApiary(paramStr(1)))",
    ),
    comment="#",
    tests=(
        "mite drop per day",
        "alcohol wash rate per hundred bees",
        "summer threshold raises alert",
        "empty board reads zero",
        "inspection parses frame counts",
        "queenless flag survives round trip",
    ),
    failures=(
        "perDay(sample) == 3.7\n    perDay(sample) was 3.6666666666666665",
        "washRate(7, 300) == 2.3\n    washRate(7, 300) was 2.0",
        "overThreshold(julySample, 7)\n    overThreshold(julySample, 7) was false",
        "perDay(MiteSample()) == 0.0\n    perDay(MiteSample()) was nan",
        "insp.broodFrames == 7\n    insp.broodFrames was 0",
        'parseInspection(row).queenSeen == false\n    row was "H-17;2026-01-30;6;3;n "',
    ),
    packages=("tvarroa", "tinspect", "tscale", "tsync"),
    test_cmd="nimble test",
    test_one='nimble test -- "{test}"',
    pkg_cmd="nim c -r --hints:off tests/{pkg}.nim",
    build_cmd="nim c -d:release -o:bin/hivelog src/hivelog.nim",
    lint_cmd="nim check src/hivelog.nim",
    lint_ok="Hint: mm: orc; threads: on; opt: none (DEBUG BUILD, `-d:release` generates faster code)\n"
    "@bytes@ lines; @s@s; 52.4MiB peakmem; proj: /workspace/hivelog/src/hivelog.nim; out: unknownOutput [SuccessX]",
    run_cmd="nim c -r --hints:off src/hivelog.nim report --apiary north --month 7",
    bench_cmd="nimble bench",
    install_cmd="nimble install -d -y",
    header="  Verifying dependencies for hivelog@0.4.2\n  Compiling /workspace/hivelog/tests/tvarroa.nim (from package hivelog) using c backend\n"
    "Hint: @bytes@ lines; @s@s; 71.0MiB peakmem; proj: tests/tvarroa.nim [SuccessX]\n[Suite] hive log",
    pass_line="  [OK] {name}",
    fail_line="    /workspace/hivelog/{file}({ln}, 10): Check failed: {msg}\n  [FAILED] {name}",
    summary="[Summary] {total} tests run: {passed} OK, {failed} FAILED, 0 SKIPPED (@s@s)",
    crash="  Compiling /workspace/hivelog/tests/tvarroa.nim (from package hivelog) using c backend\n[Suite] hive log\n"
    "    /workspace/hivelog/tests/tvarroa.nim(18, 10): Check failed: {msg}\n"
    "    Traceback (most recent call last)\n    /workspace/hivelog/{file}({line}) perDay\n      > {code}\n"
    "  [FAILED] {test}\nError: execution of an external program failed: '@tmpdir@/tvarroa'",
    build_ok="Hint: mm: orc; threads: on; opt: speed; options: -d:release\n"
    "@bytes@ lines; @s@s; 81.3MiB peakmem; proj: /workspace/hivelog/src/hivelog.nim; out: /workspace/hivelog/bin/hivelog [SuccessX]",
    build_err="/workspace/hivelog/{file}({line}, 12) Error: {msg}",
    compile_msgs=(
        "type mismatch: got <int> but expected 'float'",
        "undeclared identifier: 'bees'",
        "expression 'round(rate, 1)' is of type 'float' and has to be used (or discarded)",
        "invalid indentation",
        "attempting to call undeclared routine: 'sumIt'",
    ),
    bench_line="{name}  {value} µs/op  (@bytes@ samples, @ms@ms warmup)",
    benches=("perDay", "washRate", "parseInspection"),
    debug="perDay drops={value} days=3 at @hms@",
    blockers=(
        Blocker(
            tries=(
                "nimble refresh {alt}",
                "nimble install -d -y {alt}",
                "nimble install jsony@1.1.5 {alt}",
                "nimble --verbose install -d {alt}",
                "nimble install -d --noSSLCheck {alt}",
                "nimble lock {alt}",
                "nimble install zippy {alt} --depsOnly",
                "git ls-remote https://github.com/treeform/jsony {alt}",
            ),
            alts=(
                "--nimbleDir:/tmp/nimble",
                "-y",
                "--noColor",
                "--accept",
                "--nimbleDir:$HOME/.nimble2",
                "--debug",
                "--offline",
                "",
            ),
            errors=(
                "Downloading Official package list\n    Tip: 4 messages have been suppressed, use --verbose to show them.\n"
                "Error: refresh failed\n        ... Could not download: No route to host",
                "     Error: Could not download: Temporary failure in name resolution [OSError] (@ms@ms)",
                "Prompt: No local packages.json found, download it from internet? [y/N]\nAnswer: y\n"
                "Downloading Official package list\nError: Unable to download package list: timed out after 30000ms",
                "fatal: unable to access 'https://github.com/treeform/jsony/': Could not resolve host: github.com",
                "Error: Cannot connect to the SSL server: error:0A000126:SSL routines::unexpected eof while reading",
                "httpclient.nim(@ln@) request: Connection refused [OSError] pid @pid@",
                "   Warning: Package list 'Official' could not be fetched: getaddrinfo failed\n"
                "     Error: Package 'jsony' not found in any package list",
                "Error: Package 'zippy' not found (local cache /home/dev/.nimble/packages_official.json is missing)",
            ),
            looks=(
                (
                    "curl -sI https://nim-lang.org/nimble/packages.json",
                    "curl: (6) Could not resolve host: nim-lang.org",
                    6,
                ),
                ("getent hosts github.com", "", 2),
                (
                    "ping -c 2 -W 2 1.1.1.1",
                    "PING 1.1.1.1 (1.1.1.1) 56(84) bytes of data.\n\n--- 1.1.1.1 ping statistics ---\n"
                    "2 packets transmitted, 0 received, 100% packet loss, time @ms@ms",
                    1,
                ),
                ("env | grep -i proxy", "", 1),
                ("cat /etc/resolv.conf", "# Generated by the sandbox\nnameserver 10.0.0.2\noptions ndots:0", 0),
                ("ls ~/.nimble/pkgs2", "ls: cannot access '/home/dev/.nimble/pkgs2': No such file or directory", 2),
            ),
            config="~/.config/nimble/nimble.ini",
            settings=(
                '[PackageList]\nname = "Official"\nurl = "https://raw.githubusercontent.com/nim-lang/packages/master/packages.json"',
                'httpProxy = "http://10.0.0.1:3128"',
                '[PackageList]\nname = "Directory"\nurl = "https://nimble.directory/packages.json"',
                'nimbleDir = "/tmp/nimble"',
                "cloneUsingHttps = false",
            ),
        ),
        Blocker(
            tries=(
                "nim c -d:ssl -r src/hivelog.nim sync --apiary north {alt}",
                "nimble run hivelog -- sync {alt}",
                "nim c -d:ssl {alt} -o:bin/hivelog src/hivelog.nim && ./bin/hivelog sync",
                "LD_LIBRARY_PATH={alt} ./bin/hivelog sync --apiary north",
                "nim c -d:ssl -d:nimDebugDlOpen -r src/hivelog.nim sync {alt}",
                "nim c -d:ssl --dynlibOverride:ssl {alt} src/hivelog.nim",
                "nimble test {alt}",
                "nim c -d:ssl -d:useOpenssl3 -r src/hivelog.nim sync {alt}",
            ),
            alts=(
                "/usr/lib/x86_64-linux-gnu",
                "/usr/local/lib",
                "--passL:-lssl",
                "-d:sslVersion=3",
                "--passL:-L/opt/openssl/lib",
                "/opt/openssl/lib:/usr/local/lib",
                "--dynlibOverrideAll",
                "-d:nimDisableCertificateValidation",
                "--passL:-Wl,-rpath,/usr/local/lib",
                "-d:useOpenssl3",
            ),
            errors=(
                "could not load: libssl.so(.3|.1.1|.1.0.2|.1.0.1|.1.0.0|.0.9.9|.0.9.8|.48|.47|.46|.45|.44|.43|.41|.39|.38|.10|)\n"
                "(compile with -d:nimDebugDlOpen for more information)",
                "/usr/bin/ld: cannot find -lssl: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
                "Error: execution of an external program failed: 'gcc -o /workspace/hivelog/bin/hivelog @tmpdir@/*.o -lssl'",
                "libssl.so.3: cannot open shared object file: No such file or directory\n"
                "could not load: libcrypto.so(.3|.1.1|.1.0.2|.1.0.1|.1.0.0|.0.9.9|.0.9.8)",
                "./bin/hivelog: error while loading shared libraries: libssl.so.3: cannot open shared object file: No such file or directory",
                "SIGSEGV: Illegal storage access. (Attempt to read from nil?)\n  in sslInit at openssl.nim(@ln@)",
                "dlopen(libssl.so.3): not found after trying 14 names\n"
                "Error: execution of an external program failed: '/workspace/hivelog/src/hivelog sync'",
            ),
            looks=(
                ("ldconfig -p | grep -i libssl", "", 1),
                ("apt-get install -y libssl3", _APT_LOCKED, 100),
                ("sudo apt-get install -y libssl-dev", "sudo: a password is required", 1),
                ("find / -name 'libssl*' 2>/dev/null | head", "", 0),
                ("openssl version", "bash: openssl: command not found", 127),
                ("nix-shell -p openssl --run true", "bash: nix-shell: command not found", 127),
            ),
            config="config.nims",
            settings=(
                'switch("define", "ssl")',
                'switch("passL", "-L/usr/local/lib -lssl -lcrypto")',
                'switch("dynlibOverride", "ssl")',
                'switch("define", "sslVersion=3")',
                'switch("passC", "-I/usr/include/openssl")',
            ),
        ),
    ),
    transient=(
        "nimble install -d -y",
        "Downloading https://github.com/guzba/zippy using git\n  Error: Unable to clone https://github.com/guzba/zippy\n"
        "fatal: unable to access 'https://github.com/guzba/zippy/': The requested URL returned error: 502",
        "Downloading https://github.com/guzba/zippy using git\n  Verifying dependencies for zippy@0.10.16\n"
        " Installing zippy@0.10.16\n   Success: zippy installed successfully.",
    ),
    poll=Poll(
        start="ssh pi-builder 'cd ~/builds && nohup ./cross.sh armv7 > hivelog-armv7.log 2>&1 &' && echo started",
        started="started",
        status="ssh pi-builder 'tail -n 2 ~/builds/hivelog-armv7.log'",
        pending="[{pct}%] CC: hivelog/varroa.nim (@ms@ms)\n[{pct}%] CC: stdlib_system.nim.c",
        hiccup="ssh: connect to host pi-builder port 22: Connection timed out",
        ready="Hint: [Link]\n@bytes@ lines; @s@s; 80.1MiB peakmem; out: bin/hivelog-armv7 [SuccessX]\nDONE @hms@",
    ),
    fixenv=(
        "nimble test",
        "tests/tvarroa.nim(2, 8) Error: cannot open file: jsony",
        "nim c -r --path:src tests/tvarroa.nim",
        "/workspace/hivelog/src/hivelog/inspect.nim(3, 8) Error: cannot open file: jsony",
        "nimble install -y jsony@1.1.5",
        "Downloading https://github.com/treeform/jsony using git\n  Verifying dependencies for jsony@1.1.5\n"
        " Installing jsony@1.1.5\n   Success: jsony installed successfully.",
    ),
    tune=(
        "config.nims",
        'switch("define", "scaleBatch={value}")',
        ("64", "256", "1024", "512", "384", "448"),
        "nimble bench -- ingest",
        "ingest 10k scale readings: {value} ms (@bytes@ allocs)",
    ),
    stuck=(
        "nimble publish",
        "Info: Waiting for fork of nim-lang/packages\n"
        "Error: Unable to create fork: HTTP 403 Resource not accessible by personal access token (request @uuid@)",
    ),
    rename=("perDay", "dropsPerDay"),
)

RACKET = Toolchain(
    name="racket",
    root="/workspace/comb-ledger",
    sources=("harvest.rkt", "lots.rkt", "tests/harvest-test.rkt", "info.rkt", "ledger-config.rktd"),
    bodies=(
        "#lang racket/base\n"
        ";; Honey harvest: frames per super, moisture, lot weights.\n"
        '(require racket/list racket/math "lots.rkt")\n'
        "(provide lot-weight moisture-ok? frames->kg)\n"
        "\n"
        "(define (frames->kg frames)\n"
        "  (* (length frames) 2.3))\n"
        "\n"
        "(define (lot-weight lot)\n"
        "  (for/sum ([s (lot-supers lot)])\n"
        "    (exact->inexact (/ (apply + (map frame-grams s)) 1000))))\n"
        "\n"
        "(define (moisture-ok? reading)\n"
        "  (<= (reading-percent reading) 18.6))",
        "#lang racket/base\n"
        ";; Lots as extracted: id, supers of frames, tare.\n"
        "(provide (struct-out lot) (struct-out frame) lot-id->string)\n"
        "\n"
        "(struct frame (grams tare-grams) #:transparent)\n"
        "(struct lot (id extracted supers) #:transparent)\n"
        "\n"
        "(define (frame-net-grams f)\n"
        "  (- (frame-grams f) (frame-tare-grams f)))\n"
        "\n"
        "(define (lot-id->string n)\n"
        '  (string-append "L-" (~r n #:min-width 4 #:pad-string "0")))',
        "#lang racket/base\n"
        '(require rackunit "../harvest.rkt" "../lots.rkt")\n'
        "\n"
        '(test-case "lot weight sums every super"\n'
        "  (check-= (lot-weight sample-lot) 41.2 0.01))\n"
        "\n"
        '(test-case "lot weight excludes frame tare"\n'
        "  (check-= (lot-weight tared-lot) 36.9 0.01))",
        '#lang info\n(define collection "comb-ledger")\n(define deps (quote ("base" "gregor-lib" "draw-lib")))\n'
        '(define build-deps (quote ("rackunit-lib")))\n(define version "1.3")',
        '#hash((import-batch . 100)\n      (season . 2025)\n      (ledger-path . "data/ledger.sqlite"))',
    ),
    hot=10,
    fixes=(
        "    (/ (apply + (map frame-grams s)) 1000.0)))",
        "    (exact-round (/ (apply + (map frame-grams s)) 1000))))",
        "    (/ (for/sum ([f s]) (frame-grams f)) 1000.0)))",
        "    (string->number (real->decimal-string (/ (apply + (map frame-grams s)) 1000) 1))))",
        "    (/ (round (* 10 (/ (apply + (map frame-grams s)) 1000))) 10.0)))",
        "    (exact->inexact (quotient (apply + (map frame-grams s)) 1000))))",
        "    (* 0.001 (foldl + 0 (map frame-grams s)))))",
        "    (/ (sequence-fold + 0 (map frame-grams s)) 1e3)))",
        "    (exact-floor (/ (apply + (map frame-grams s)) 1000))))",
        "    (exact->inexact (/ (for/fold ([g 0]) ([f s]) (+ g (frame-grams f))) 1000))))",
        "    (fl/ (->fl (apply + (map frame-grams s))) 1000.0)))",
    ),
    guards=(
        '  (unless (pair? (lot-supers lot)) (raise-argument-error \'lot-weight "lot with supers" lot))',
        "  (define tare (lot-tare-grams lot))",
        ";; weights are grams on the extraction scale",
        '  (log-debug "lot ~a: ~a supers" (lot-id lot) (length (lot-supers lot)))',
    ),
    flip=(
        "    (/ (apply + (map frame-grams s)) 1000.0)))",
        "    (/ (apply + (map frame-net-grams s)) 1000.0)))",
    ),
    more=(
        "main.rkt",
        "moisture.rkt",
        "ledger-db.rkt",
        "labels.rkt",
        "web/server.rkt",
        "web/routes.rkt",
        "tests/lots-test.rkt",
        "tests/moisture-test.rkt",
        "scribblings/comb-ledger.scrbl",
        "bench/weights.rkt",
        "data/schema.sql",
        "README.md",
    ),
    filler=(
        "#lang racket/base",
        '(require db racket/string gregor "lots.rkt")',
        "(define (row->lot r)",
        "  (lot (vector-ref r 0) (iso8601->date (vector-ref r 1)) (read (open-input-string (vector-ref r 2)))))",
        "(define conn (sqlite3-connect #:database (hash-ref config (quote ledger-path))))",
        '  (query-rows conn "SELECT id, extracted, supers FROM lots WHERE season = $1" season))',
        "(module+ main",
        '  (command-line #:once-each [("--season") s "harvest season" (season (string->number s))]))',
        "(define/contract (moisture->grade pct) (-> real? symbol?)",
        "  (cond [(<= pct 17.0) 'A] [(<= pct 18.6) 'B] [else 'reject]))",
        "",
        "(provide (all-defined-out))",
        "(struct reading (lot-id percent taken-at) #:prefab)",
        "  (for/list ([l (in-list lots)] #:when (moisture-ok? (lot-reading l))) l))",
    ),
    comment=";;",
    tests=(
        "lot weight sums every super",
        "lot weight excludes frame tare",
        "moisture above 18.6 rejects lot",
        "frames->kg uses deep frame weight",
        "lot ids are zero padded",
        "ledger rows sort by extraction date",
    ),
    failures=(
        "actual:     41.87\nexpected:   41.2\ntolerance:  0.01",
        "actual:     38.4\nexpected:   36.9\ntolerance:  0.01",
        "actual:     #t\nexpected:   #f",
        "actual:     13.8\nexpected:   16.2\ntolerance:  0.01",
        'actual:     "L-42"\nexpected:   "L-0042"',
        "actual:     '(L-0413 L-0412)\nexpected:   '(L-0412 L-0413)",
    ),
    packages=("comb-ledger-lib", "comb-ledger-web", "comb-ledger-doc", "comb-ledger"),
    test_cmd="raco test -x -p comb-ledger",
    test_one='raco test -x tests/harvest-test.rkt ++arg --test ++arg "{test}"',
    pkg_cmd="raco test -x -p {pkg}",
    build_cmd="raco make -v main.rkt harvest.rkt lots.rkt",
    lint_cmd="raco setup --check-pkg-deps --pkgs comb-ledger",
    lint_ok="raco setup: version: 8.14 [cs]\nraco setup: installation name: 8.14\n"
    "raco setup: --- checking package dependencies --- [@hms@]\nraco setup: --- post-installing collections --- [@hms@]",
    run_cmd="racket main.rkt --season 2025 --lot L-0412",
    bench_cmd="racket bench/weights.rkt",
    install_cmd="raco pkg install --auto --batch",
    header='raco test: (submod "tests/harvest-test.rkt" test)\nraco test: (submod "tests/lots-test.rkt" test)',
    pass_line="",
    fail_line="--------------------\n{name}\nFAILURE\nname:       check-=\nlocation:   {file}:{ln}:2\n{msg}\n--------------------",
    summary="{failed}/{total} test failures (@ms@ ms)",
    crash="--------------------\n{test}\nFAILURE\nname:       check-=\nlocation:   tests/harvest-test.rkt:5:2\n{msg}\n"
    "  context (errortrace)...:\n   /workspace/comb-ledger/{file}:{line}:4: {code}\n"
    '   body of "/workspace/comb-ledger/tests/harvest-test.rkt"\n--------------------\n1/1 test failures (@ms@ ms)',
    build_ok='making "main.rkt"\n [output to "compiled/main_rkt.zo"]\n [output to "compiled/harvest_rkt.zo"]\n'
    ' [output to "compiled/lots_rkt.zo"]\nchecked in @ms@ ms',
    build_err="/workspace/comb-ledger/{file}:{line}:4: {msg}",
    compile_msgs=(
        "lot-tare: unbound identifier\n  in: lot-tare",
        "define: bad syntax (multiple expressions after identifier)",
        "read-syntax: expected a `)` to close `(`",
        "for/sum: bad sequence binding clause\n  at: (s lot-supers lot)",
        "module: identifier already required\n  at: frame-net-grams",
    ),
    bench_line="{name}: cpu time: {value} real time: @ms@ gc time: @ms@",
    benches=("lot-weight x10000", "ledger-sort x500", "scale-csv->rows"),
    debug="lot-weight: L-0412 supers=3 grams={value} (@hms@)",
    blockers=(
        Blocker(
            tries=(
                "raco pkg install --auto --batch {alt}",
                "raco pkg install --deps search-auto gregor-lib {alt}",
                "raco pkg update --all {alt}",
                "raco pkg catalog-copy {alt} /tmp/catalog",
                "raco pkg install --catalog {alt} gregor-lib",
                "raco pkg show --all --rx gregor {alt}",
                "raco pkg migrate 8.13 {alt}",
                "raco pkg install --clone gregor-lib {alt}",
            ),
            alts=(
                "https://pkgs.racket-lang.org",
                "https://download.racket-lang.org/releases/8.14/catalog/",
                "https://racket.infogroup.northwestern.edu/releases/8.14/catalog/",
                "--scope user",
                "--no-setup",
                "--skip-installed",
                "-j 1",
                "https://mirror.racket-lang.org/releases/8.14/catalog/",
            ),
            errors=(
                "tcp-connect: connection failed\n  hostname: pkgs.racket-lang.org\n  port number: 443\n"
                "  system error: Temporary failure in name resolution; errno=-3",
                "raco pkg install: cannot find package on catalogs\n  package: gregor-lib",
                'Resolving "gregor-lib" via https://download.racket-lang.org/releases/8.14/catalog/\n'
                "http-conn-open!: tcp-connect: connection failed\n  address: download.racket-lang.org\n"
                "  port number: 443\n  system error: Network is unreachable; errno=101",
                "raco pkg update: no catalog answered (0 of 3 responded in @s@ s)",
                "get-pure-port: connection timed out after 30 seconds\n  url: {alt}",
                "Downloading repository https://github.com/97jaz/gregor.git\n"
                "git-checkout: connect failed; errno=110 (host github.com)",
            ),
            looks=(
                (
                    "curl -sS -m 10 https://pkgs.racket-lang.org/pkgs-all.json.gz -o /dev/null",
                    "curl: (28) Connection timed out after 10001 milliseconds",
                    28,
                ),
                (
                    "raco pkg config catalogs",
                    "https://download.racket-lang.org/releases/8.14/catalog/\nhttps://pkgs.racket-lang.org\n"
                    "https://planet-compats.racket-lang.org",
                    0,
                ),
                ("nslookup pkgs.racket-lang.org", ";; connection timed out; no servers could be reached", 1),
                ("ls ~/.local/share/racket/8.14/pkgs", "compiled  links.rktd  pkgs.rktd", 0),
                ("ip route", "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.17", 0),
            ),
            config="~/.local/share/racket/8.14/etc/config.rktd",
            settings=(
                '#hash((catalogs . ("https://racket.infogroup.northwestern.edu/releases/8.14/catalog/" #f)))',
                '#hash((catalogs . ("file:///opt/racket-catalog" #f)))',
                "#hash((download-cache-max-bytes . 0))",
                '#hash((catalogs . (#f)) (default-scope . "user"))',
            ),
        ),
        Blocker(
            tries=(
                "racket main.rkt labels --lot L-0412 {alt}",
                "raco test tests/labels-test.rkt {alt}",
                "LD_LIBRARY_PATH={alt} racket main.rkt labels --lot L-0412",
                "raco pkg install --auto draw-x86_64-linux-natipkg {alt}",
                "racket -l racket/base -l racket/draw -e '(make-bitmap 10 10)' {alt}",
                "raco setup --pkgs draw-lib {alt}",
                "PLT_CS_DEBUG=1 racket labels.rkt {alt}",
            ),
            alts=(
                "/usr/lib/x86_64-linux-gnu",
                "/usr/local/lib",
                "--no-docs",
                "-j 1",
                "/opt/cairo/lib",
                "--scope user",
                "-v",
            ),
            errors=(
                "ffi-lib: could not load foreign library\n  path: libcairo.so.2\n"
                "  system error: libcairo.so.2: cannot open shared object file: No such file or directory",
                'ffi-lib: couldn\'t open "libpangocairo-1.0.so.0" (libpangocairo-1.0.so.0: cannot open shared object file)',
                "raco pkg install: package is not available for this platform\n  package: draw-x86_64-linux-natipkg",
                "racket/draw/unsafe/cairo-lib: could not find a cairo library (searched 6 paths)",
                "make-bitmap: failed to create bitmap; the graphics backend did not load\n  context...:\n"
                "   /usr/share/racket/pkgs/draw-lib/racket/draw/private/bitmap.rkt:@ln@:4",
                "instantiate-linklet: mismatch\n  reference to a variable that is uninitialized\n  name: cairo_image_surface_create",
            ),
            looks=(
                ("ldconfig -p | grep cairo", "", 1),
                ("dpkg -l | grep -i cairo", "", 1),
                ("apt-get install -y libcairo2 libpango-1.0-0", _APT_LOCKED, 100),
                ("find / -name 'libcairo*' 2>/dev/null", "", 0),
                ("racket -e '(display (system-library-subpath #f))'", "x86_64-linux", 0),
            ),
            config="info.rkt",
            settings=(
                '(define deps (quote ("base" "gregor-lib" "draw-lib" "draw-x86_64-linux-natipkg")))',
                '(define deps (quote ("base" "gregor-lib" "draw-lib" "pict-lib")))',
                '(define compile-omit-paths (quote ("labels.rkt")))',
                '(define test-omit-paths (quote ("tests/labels-test.rkt")))',
            ),
        ),
    ),
    transient=(
        "raco pkg install --auto --batch",
        'Resolving "gregor-lib" via https://pkgs.racket-lang.org\n'
        "Downloading https://codeload.github.com/97jaz/gregor/tar.gz/refs/heads/master\n"
        "http-sendrecv: server returned 502 Bad Gateway",
        'Resolving "gregor-lib" via https://pkgs.racket-lang.org\nDownloading repository https://github.com/97jaz/gregor.git\n'
        "raco setup: version: 8.14 [cs]\nraco setup: --- installing collections --- [@hms@]\n"
        "raco setup: --- post-installing collections --- [@hms@]",
    ),
    poll=Poll(
        start="docker compose up -d --build ledger-web",
        started="[+] Running 2/2\n ✔ Network comb-ledger_default        Created\n ✔ Container comb-ledger-ledger-web-1  Started",
        status="docker compose logs --tail 2 ledger-web",
        pending="ledger-web-1  | raco make: compiled {pct}% of 214 modules (@hms@)",
        hiccup="Error response from daemon: container @digest@ is restarting, wait until the container is running",
        ready="ledger-web-1  | Web server listening on http://0.0.0.0:8080 (@hms@)",
    ),
    fixenv=(
        "raco test tests/",
        'tests/harvest-test.rkt:2:9: collection not found\n  for module path: gregor\n  collection: "gregor"\n'
        "  in collection directories:\n   /home/dev/.local/share/racket/8.14/collects\n   /usr/share/racket/collects",
        "raco make tests/harvest-test.rkt",
        'lots.rkt:3:9: collection not found\n  for module path: gregor\n  collection: "gregor"',
        "raco pkg install --auto --batch gregor-lib",
        'Resolving "gregor-lib" via https://pkgs.racket-lang.org\nDownloading repository https://github.com/97jaz/gregor.git\n'
        "raco setup: --- installing collections --- [@hms@]",
    ),
    tune=(
        "ledger-config.rktd",
        "#hash((import-batch . {value})",
        ("50", "200", "800", "400", "300", "350"),
        "racket bench/import.rkt --rows 20000",
        "import 20000 ledger rows: cpu time: {value} real time: @ms@ gc time: @ms@",
    ),
    stuck=(
        "raco pkg update comb-ledger",
        "raco pkg update: package is a link; it is not updated from a catalog\n  package: comb-ledger\n"
        "  link: /workspace/comb-ledger",
    ),
    rename=("lot-weight", "lot-net-kg"),
)

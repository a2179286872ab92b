"""Three of the set's toolchains: a Godot game in GDScript, Pulumi in TypeScript, Nomad job specs."""

from __future__ import annotations

from .chain import Chain

_TEMPLATES = "/home/dev/.local/share/godot/export_templates/4.3.stable"
_NO_TEMPLATE = (
    'ERROR: Cannot export project with preset "Linux/X11" due to configuration errors:\n'
    f"No export template found at the expected path:\n{_TEMPLATES}/linux_release.x86_64\n\n"
    "   at: _fs_changed (editor/editor_node.cpp:%line%)"
)
_NO_DEBUG_TEMPLATE = (
    'ERROR: Project export for preset "Linux/X11" failed.\n   at: _fs_changed (editor/editor_node.cpp:%line%)\n'
    f"No export template found at the expected path: {_TEMPLATES}/linux_debug.x86_64"
)
_GODOT = "Godot Engine v4.3.stable.official.77dcf97d8 - https://godotengine.org\n"

GODOT = Chain(
    name="godot",
    root="/home/dev/beacon-trainer",
    files=(
        "scripts/beacon.gd",
        "scripts/search_strip.gd",
        "scripts/debris_field.gd",
        "scripts/hud.gd",
        "project.godot",
        "test/unit/test_beacon.gd",
    ),
    code=(
        "func signal_strength(distance_m: float) -> float:",
        "\treturn clamp(1.0 - distance_m / max_range_m, 0.0, 1.0)",
        "@export var max_range_m: float = 60.0",
        "\tvar flux := _flux_line(buried.global_position - global_position)",
        "signal beacon_found(victim_id: int)",
        "\tif strength > 0.92 and not _found.has(victim.id):",
        "\t\t_found[victim.id] = Time.get_ticks_msec()",
        "const STRIP_WIDTH_M := 40.0",
        "func _physics_process(delta: float) -> void:",
        "\t\tbeacon_found.emit(victim.id)",
    ),
    fixes=(
        "\treturn clamp(1.0 - distance_m / (max_range_m + {k}), 0.0, 1.0)",
        "\treturn clamp(1.0 - pow(distance_m / max_range_m, 1.{k}), 0.0, 1.0)",
        "\treturn clampf(1.0 - (distance_m - {k}) / max_range_m, 0.0, 1.0)",
        "\treturn snappedf(clamp(1.0 - distance_m / max_range_m, 0.0, 1.0), 0.{k})",
        "\treturn clamp(1.0 - distance_m / max_range_m * 0.{k}, 0.0, 1.0)",
    ),
    tests=(
        "test_strength_falls_off_linearly",
        "test_found_signal_emitted_once",
        "test_strip_width_matches_range",
        "test_distance_label_rounds_down",
        "test_strength_is_zero_out_of_range",
        "test_victims_spawn_inside_field",
        "test_multiple_burial_sorting",
    ),
    units=("test/unit", "test/integration", "test/scenes", "test/ui"),
    suite="godot --headless -s addons/gut/gut_cmdln.gd -gdir=res://test/unit -gexit",
    one="godot --headless -s addons/gut/gut_cmdln.gd -gdir=res://test/unit -gunit_test_name={test} -gexit",
    unit="godot --headless -s addons/gut/gut_cmdln.gd -gdir=res://{unit} -gexit",
    build="godot --headless --import",
    lint="gdlint scripts/",
    bench="godot --headless --script res://bench/bench_search.gd",
    bench_names=("search_strip", "flux_lines", "debris_spawn", "hud_update"),
    head=_GODOT + "\n--- GUT v9.3.0 ---\nres://test/unit/ (4 scripts)",
    ok_row="* {name}",
    bad_row="* {name}\n    [Failed]:  {msg}\n      at line %line%",
    tails=(
        "---- Totals ----\nScripts           4\nTests             {total}\nPassing Tests     {passed}\nAsserts           %digit%%digit%\nTime              %secs%s\n\n---- All tests passed! ----",
        "---- Totals ----\nScripts           4\nTests             {total}\nPassing Tests     {passed}\nFailing Tests     {failed}\nAsserts           %digit%%digit%\nTime              %secs%s\n\n---- {failed} failing tests ----",
    ),
    built=_GODOT
    + "[   0% ] first_scan_filesystem | Started Project initialization (5 steps)\n[ DONE ] first_scan_filesystem\n[ DONE ] update_scripts_classes\n[ DONE ] loading_editor_layout",
    build_err=(
        _GODOT + "SCRIPT ERROR: Parse Error: {msg}\n          at: GDScript::reload (res://{file}:{line})\n"
        'ERROR: Failed to load script "res://{file}" with error "Parse error".\n   at: load (modules/gdscript/gdscript.cpp:%line%)'
    ),
    compile_msgs=(
        'Identifier "max_range" not declared in the current scope.',
        'Cannot return a value of type "int" as "float".',
        'Expected end of statement after expression, found ":" instead.',
        'Function "_flux_line()" not found in base self.',
        "Mixed use of tabs and spaces for indentation.",
        'Invalid argument for "emit()" function: argument 1 should be "int" but is "String".',
    ),
    lint_ok="Success: no problems found",
    bench_row="{name}: {value} ms/frame (%digit% victims, seed %pid%)",
    asserts=(
        "[0.45] expected to equal [0.5]",
        "[2] expected to equal [1]: beacon_found emitted twice",
        "[false] expected to be true: beacon_found not emitted",
        "[Vector2(41.2, 3.1)] expected to be inside [Rect2(0, 0, 40, 40)]",
        '["12 m"] expected to equal ["11 m"]',
    ),
    stack=(
        _GODOT
        + "\n--- GUT v9.3.0 ---\nres://test/unit/test_beacon.gd\n* {test}\n    [Failed]:  {msg}\n      at line %line%\n"
        "    GDScript backtrace (most recent call first):\n        [0] signal_strength (res://{file}:{line})\n            {code}\n"
        "        [1] {test} (res://test/unit/test_beacon.gd:%line%)\n\n---- Totals ----\nTests             1\nFailing Tests     1\nTime              %secs%s"
    ),
    blocked=(
        ('godot --headless --export-release "Linux/X11" build/beacon-trainer.x86_64', _GODOT + _NO_TEMPLATE, 1),
        ('godot --headless --export-debug "Linux/X11" build/beacon-trainer.x86_64', _GODOT + _NO_DEBUG_TEMPLATE, 1),
        (
            'godot --headless --export-release "Web" build/web/index.html',
            _GODOT + f'ERROR: Template file not found: "{_TEMPLATES}/web_nothreads_release.zip".',
            1,
        ),
        ('godot --headless --export-pack "Linux/X11" build/beacon-trainer.pck', _GODOT + _NO_TEMPLATE, 1),
        (
            "ls ~/.local/share/godot/export_templates/",
            "ls: cannot access '/home/dev/.local/share/godot/export_templates/': No such file or directory",
            2,
        ),
        (
            'godot --headless --verbose --export-release "Linux/X11" build/beacon-trainer.x86_64',
            _GODOT + "OpenGL API 4.6 (Core Profile) - Compatibility - Using Device: llvmpipe\n" + _NO_TEMPLATE,
            1,
        ),
        ("godot --version", "4.3.stable.official.77dcf97d8", 0),
        ('godot --headless --export-release "Linux/X11" /tmp/out/beacon.x86_64', _GODOT + _NO_TEMPLATE, 1),
        ('find / -name "linux_release.x86_64" -not -path "*/proc/*" 2>/dev/null', "", 1),
        (
            'godot --headless --export-release "Windows Desktop" build/beacon-trainer.exe',
            _GODOT + f"No export template found at the expected path:\n{_TEMPLATES}/windows_release_x86_64.exe",
            1,
        ),
        (
            "curl -fsSLO https://github.com/godotengine/godot/releases/download/4.3-stable/Godot_v4.3-stable_export_templates.tpz",
            "curl: (6) Could not resolve host: github.com",
            6,
        ),
        ("ls /opt/godot", "Godot_v4.3-stable_linux.x86_64", 0),
        (
            'godot --headless --path . --export-release "Linux/X11" build/beacon-trainer.x86_64',
            _GODOT + _NO_TEMPLATE,
            1,
        ),
    ),
    prefixes=(
        "",
        "XDG_DATA_HOME=/tmp/godot-data ",
        "GODOT_SILENCE_ROOT_WARNING=1 ",
        "DISPLAY= ",
        "timeout 900 ",
        "XDG_DATA_HOME=/opt/godot/data ",
    ),
    wall_config=(
        "export_presets.cfg",
        (
            'custom_template/release="/opt/godot/templates/linux_release.x86_64"',
            'custom_template/release="res://templates/linux_release.x86_64"',
            'custom_template/debug=""\ncustom_template/release=""',
            'platform="Linux"\nexport_path="build/beacon-trainer.x86_64"',
            "binary_format/embed_pck=true",
            'custom_template/release="/tmp/godot-data/godot/export_templates/4.3.stable/linux_release.x86_64"',
        ),
    ),
    flaky=(
        "godot --headless -s addons/gut/gut_cmdln.gd -gdir=res://test/integration -gexit",
        _GODOT
        + 'ERROR: Condition "!is_inside_tree()" is true. Returning: Transform3D()\n   at: get_global_transform (scene/3d/node_3d.cpp:%line%)\n[Failed]: timed out waiting for the scene tree (10.0s)',
        _GODOT
        + "\n--- GUT v9.3.0 ---\n* test_search_flow_finds_two_victims\n* test_search_flow_marks_probe_line\n---- All tests passed! ----",
    ),
    watch=(
        "godot --headless --import > import.log 2>&1 &",
        "[1] %pid%",
        "tail -n 2 import.log",
        "[  %digit%%digit%% ] reimport | Importing res://assets/terrain/slope_%hex6%.png\n[  %digit%%digit%% ] reimport | Importing res://assets/debris/block_%hex6%.glb",
        "ERROR: Failed loading resource: res://assets/terrain/debris_normal.png. Retrying (%digit%/3)",
        "[ DONE ] reimport\nimport finished in %ms% ms",
    ),
    fixenv=(
        "godot --headless -s addons/gut/gut_cmdln.gd -gdir=res://test/unit -gexit",
        _GODOT + "ERROR: Attempt to open script 'res://addons/gut/gut_cmdln.gd' resulted in error 'File not found'.",
        "git submodule update --init addons/gut",
        "Submodule 'addons/gut' (https://github.com/bitwes/Gut.git) registered for path 'addons/gut'\nSubmodule path 'addons/gut': checked out '%hex%'",
    ),
    knob=(
        "project.godot",
        "physics/common/physics_ticks_per_second",
        ("30", "45", "60", "90", "120"),
        "godot --headless --script res://bench/bench_search.gd",
        "search_strip: {value} ms/frame",
    ),
    rename=("max_range_m", "beacon_range_m"),
    probe=("scripts/beacon.gd", '\tprint("DEBUG strength=", strength, " dist=", distance_m)'),
    printed="DEBUG strength={value} dist=2%digit%.%digit%",
)

_NO_CREDS = (
    "error: pulumi:providers:aws resource 'default_6_56_1' has a problem: No valid credential sources found.\n"
    "\tPlease see https://www.pulumi.com/registry/packages/aws/installation-configuration/ for more information about providing credentials.\n\n"
    "\tError: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded"
)
_PREVIEW = "Previewing update (dev)\n\nView in Browser (Ctrl+O): https://app.pulumi.com/snowline/bulletin-stack/dev/previews/%hex%\n\n"
_NO_TOKEN = "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"

PULUMI = Chain(
    name="pulumi-ts",
    root="/home/dev/bulletin-stack",
    files=(
        "src/cdn.ts",
        "src/bucket.ts",
        "src/alerts.ts",
        "src/tags.ts",
        "index.ts",
        "Pulumi.dev.yaml",
        "test/stack.test.ts",
    ),
    code=(
        'export const bulletinBucket = new aws.s3.BucketV2("bulletins", { forceDestroy: false, tags });',
        '    defaultCacheBehavior: { targetOriginId: origin.originId, viewerProtocolPolicy: "redirect-to-https", defaultTtl: ttl },',
        'const cfg = new pulumi.Config("bulletin");',
        'const ttl = cfg.getNumber("cacheTtl") ?? 300;',
        'export const tags = { project: "avalanche-bulletin", owner: pulumi.getStack() };',
        "  alarmActions: [dutyTopic.arn],",
        '  threshold: cfg.requireNumber("errorRateThreshold"),',
        'import * as aws from "@pulumi/aws";',
        "});",
    ),
    fixes=(
        '    defaultCacheBehavior: { targetOriginId: origin.originId, viewerProtocolPolicy: "redirect-to-https", defaultTtl: ttl * {k} },',
        'const ttl = cfg.getNumber("cacheTtl") ?? {k}00;',
        "    defaultCacheBehavior: { ...cacheDefaults, defaultTtl: Math.max(ttl, {k}) },",
        '    defaultCacheBehavior: { targetOriginId: origin.originId, viewerProtocolPolicy: "redirect-to-https", maxTtl: ttl + {k} },',
        'const ttl = Number(process.env.CACHE_TTL ?? cfg.get("cacheTtl") ?? {k});',
    ),
    tests=(
        "cdn › caches bulletins for the configured ttl",
        "cdn › redirects http to https",
        "alerts › pages on 5xx rate above threshold",
        "bucket › blocks public access",
        "bucket › tags carry the stack name",
        "alerts › routes to the duty topic",
        "tags › includes the owner",
    ),
    units=("packages/bucket", "packages/cdn", "packages/alerts", "packages/dns"),
    suite="npm test",
    one="npx jest -t '{test}'",
    unit="npm test --workspace {unit}",
    build="npx tsc --noEmit",
    lint="npx eslint . --max-warnings 0",
    bench="node bench/synth.mjs",
    bench_names=("synth_full_stack", "synth_cdn_only", "policy_pack", "tags_transform"),
    head="> bulletin-stack@0.7.0 test\n> jest --ci\n",
    ok_row="  ✓ {name} (%ms% ms)",
    bad_row="  ✕ {name} (%ms% ms)\n    {msg}",
    tails=(
        "\nTest Suites: 4 passed, 4 total\nTests:       {passed} passed, {total} total\nSnapshots:   0 total\nTime:        %secs% s\nRan all test suites.",
        "\nTest Suites: 1 failed, 3 passed, 4 total\nTests:       {failed} failed, {passed} passed, {total} total\nSnapshots:   0 total\nTime:        %secs% s\nRan all test suites.",
    ),
    built="",
    build_err="{file}({line},%col%): error {msg}\n\nFound 1 error in {file}:{line}",
    compile_msgs=(
        "TS2339: Property 'arn' does not exist on type 'Output<string>'.",
        "TS2345: Argument of type 'number | undefined' is not assignable to parameter of type 'Input<number>'.",
        "TS2304: Cannot find name 'dutyTopic'.",
        'TS2322: Type \'string\' is not assignable to type \'Input<"redirect-to-https" | "allow-all" | "https-only">\'.',
        "TS7006: Parameter 'args' implicitly has an 'any' type.",
        "TS2554: Expected 2-3 arguments, but got 1.",
    ),
    lint_ok="",
    bench_row="{name}: {value} ms (%digit%%digit% resources, heap %kb% KB)",
    asserts=(
        "expect(received).toBe(expected) // Object.is equality\n\n    Expected: 300\n    Received: 60",
        'expect(received).toBe(expected) // Object.is equality\n\n    Expected: "redirect-to-https"\n    Received: "allow-all"',
        'expect(received).toContain(expected) // indexOf\n\n    Expected value: "arn:aws:sns:eu-central-1:000000000000:duty"\n    Received array: []',
        "expect(received).toBe(expected) // Object.is equality\n\n    Expected: true\n    Received: false",
        "TypeError: Cannot read properties of undefined (reading 'owner')",
    ),
    stack=(
        "> bulletin-stack@0.7.0 test\n> jest --ci -t\n\n  ● {test}\n\n    {msg}\n\n"
        "      at {file}:{line}:%col%\n    > {line} | {code}\n        |\n\n"
        'Tests:       1 failed, 6 skipped, 7 total\nTime:        %secs% s\nRan all test suites with tests matching "{test}".'
    ),
    blocked=(
        ("pulumi preview --stack dev", _PREVIEW + _NO_CREDS, 255),
        ("pulumi up --stack dev --yes", "Updating (dev)\n\n" + _NO_CREDS, 255),
        ("pulumi login", _NO_TOKEN, 255),
        ("pulumi stack ls", "error: could not query backend for stacks: " + _NO_TOKEN, 255),
        (
            "aws sts get-caller-identity",
            'Unable to locate credentials. You can configure credentials by running "aws configure".',
            253,
        ),
        (
            "aws configure list",
            "      Name                    Value             Type    Location\n      ----                    -----             ----    --------\n   profile                <not set>             None    None\naccess_key                <not set>             None    None\nsecret_key                <not set>             None    None\n    region             eu-central-1      config-file    ~/.aws/config",
            0,
        ),
        ("pulumi preview --stack dev --refresh", _PREVIEW + "refreshing...\n" + _NO_CREDS, 255),
        (
            "pulumi preview --stack dev --logtostderr -v=3 2>&1 | tail -n 5",
            "I02%digit%%digit% %clock%.%us% %pid% provider_plugin.go:%line%] Provider[aws, 0x%hex%].Configure() failed: No valid credential sources found",
            0,
        ),
        (
            "pulumi login --local && pulumi preview --stack dev",
            "Logged in to dev-box as dev (file://~)\n" + _PREVIEW + _NO_CREDS,
            255,
        ),
        ("pulumi refresh --stack dev --yes", "Refreshing (dev)\n\n" + _NO_CREDS, 255),
        ("aws sso login --profile snowline", "The config profile (snowline) could not be found", 255),
        (
            "ls -la ~/.aws",
            "total 12\ndrwxr-xr-x  2 dev dev 4096 Feb  %digit% %clock% .\ndrwxr-x--- 18 dev dev 4096 Feb  %digit% %clock% ..\n-rw-r--r--  1 dev dev   43 Feb  %digit% %clock% config",
            0,
        ),
        ("pulumi config get aws:region", "eu-central-1", 0),
    ),
    prefixes=(
        "",
        "AWS_REGION=eu-central-1 ",
        "AWS_PROFILE=default ",
        "AWS_SDK_LOAD_CONFIG=1 ",
        "PULUMI_CONFIG_PASSPHRASE= ",
        "AWS_EC2_METADATA_DISABLED=true ",
    ),
    wall_config=(
        "Pulumi.dev.yaml",
        (
            "  aws:profile: snowline",
            "  aws:region: eu-central-1\n  aws:skipCredentialsValidation: true",
            "  aws:skipMetadataApiCheck: false",
            "  aws:sharedCredentialsFiles:\n    - /home/dev/.aws/credentials",
            "  aws:profile: default",
            "  aws:assumeRole:\n    roleArn: arn:aws:iam::000000000000:role/bulletin-deployer",
        ),
    ),
    flaky=(
        "npm ci",
        "npm ERR! code ECONNRESET\nnpm ERR! network aborted\nnpm ERR! network This is a problem related to network connectivity.\n\nnpm ERR! A complete log of this run can be found in: /home/dev/.npm/_logs/2026-02-%digit%%digit%T%clock%_%ms%Z-debug-0.log",
        "added 4%digit%%digit% packages, and audited 4%digit%%digit% packages in %secs%s\n\nfound 0 vulnerabilities",
    ),
    watch=(
        "pulumi up --stack dev --yes --skip-preview",
        "Updating (dev)\n\n     Type                              Name            Status\n     pulumi:pulumi:Stack               bulletin-stack-dev\n ~   └─ aws:cloudfront:Distribution    bulletins-cdn   updated (%secs%s)\n\nResources:\n    ~ 1 updated\n    9 unchanged\n\nDuration: %secs%s",
        "aws cloudfront get-distribution --id E3SNOWLINE7Q --query 'Distribution.Status' --output text",
        "InProgress",
        "An error occurred (Throttling) when calling the GetDistribution operation (reached max retries: 2): Rate exceeded",
        "Deployed",
    ),
    fixenv=(
        "npm test",
        "> bulletin-stack@0.7.0 test\n> jest --ci\n\nsh: 1: jest: not found",
        "npm ci",
        "added 412 packages, and audited 413 packages in %secs%s\n\nfound 0 vulnerabilities",
    ),
    knob=(
        "Pulumi.dev.yaml",
        "bulletin:cacheTtl",
        ("60", "120", "300", "600", "900", "1800"),
        "node scripts/estimate-origin-load.mjs --stack dev",
        "origin requests/min at peak: {value}",
    ),
    rename=("ttl", "cacheTtl"),
    probe=("src/cdn.ts", '  console.log("DEBUG ttl", ttl, "origin", origin.originId);'),
    printed="  console.log\n    DEBUG ttl {value} origin bulletins-origin",
)

_MISSING_DRIVER = (
    '==> %ts%: Monitoring evaluation "%alloc%"\n    %ts%: Evaluation triggered by job "station-ingest"\n'
    '    %ts%: Evaluation status changed: "pending" -> "complete"\n'
    '==> %ts%: Evaluation "%alloc%" finished with status "complete" but failed to place all allocations:\n'
    '    %ts%: Task Group "ingest" (failed to place 2 allocations):\n      * Constraint "missing drivers": 1 nodes excluded by filter'
)
_SOCKET = 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/info": dial unix /var/run/docker.sock: connect: permission denied'

NOMAD = Chain(
    name="nomad",
    root="/home/dev/station-ingest",
    files=(
        "jobs/ingest.nomad.hcl",
        "jobs/alerts.nomad.hcl",
        "jobs/vars/prod.hcl",
        "scripts/render.sh",
        "policy/jobs.rego",
        "tests/jobs.bats",
    ),
    code=(
        'job "station-ingest" {',
        "    count = var.stations_per_dc",
        '  datacenters = ["alps-west", "alps-east"]',
        '      driver = "docker"',
        '        image = "registry.snowline.org/station-ingest:${var.version}"',
        '        ports = ["http"]',
        '      check { type = "http" path = "/healthz" interval = "10s" timeout = "2s" }',
        '    restart { attempts = 3 delay = "15s" mode = "delay" }',
        '  constraint { attribute = "${node.class}" value = "edge" }',
        "  }",
    ),
    fixes=(
        '  datacenters = ["alps-west", "alps-east"]  # rev {k}',
        "    count = var.stations_per_dc * {k}",
        '    restart { attempts = {k} delay = "15s" mode = "delay" }',
        '      check { type = "http" path = "/healthz" interval = "{k}s" timeout = "2s" }',
        "    count = max(var.stations_per_dc, {k})",
    ),
    tests=(
        "ingest job pins both datacenters",
        "ingest job has a health check",
        "alerts job restarts with delay",
        "render fills the image version",
        "policy rejects a job without resources",
        "prod vars set stations per dc",
        "alerts job uses the edge class",
    ),
    units=("ingest", "alerts", "tiles", "archive", "policy"),
    suite="bats --timing tests/",
    one="bats --timing tests/ -f '{test}'",
    unit="bats --timing tests/{unit}.bats",
    build="nomad job validate -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl",
    lint="nomad fmt -check -recursive jobs/ && conftest test jobs/ --parser hcl2",
    bench="./scripts/load.sh --stations 120 --minutes 1",
    bench_names=("ingest_p50", "ingest_p99", "parse_obs", "publish"),
    head="1..7",
    ok_row="ok %digit% {name} in %ms%ms",
    bad_row="not ok %digit% {name} in %ms%ms\n# (in test file tests/jobs.bats, line %line%)\n#   {msg}",
    tails=("\n{total} tests, 0 failures in %digit% seconds", "\n{total} tests, {failed} failures in %digit% seconds"),
    built="Job validation successful",
    build_err="Error getting job struct: Error parsing job file from {file}:\n{file}:{line},%col%-%col%: {msg}",
    compile_msgs=(
        'Unsupported argument; An argument named "datacenter" is not expected here. Did you mean "datacenters"?',
        'Unknown variable; There is no variable named "stations".',
        'Missing required argument; The argument "driver" is required, but no definition was found.',
        "Invalid expression; Expected the start of an expression, but found an invalid expression token.",
        "Unclosed configuration block; There is no closing brace for this block before the end of the file.",
        'Incorrect attribute value type; Inappropriate value for attribute "count": a number is required.',
    ),
    lint_ok="\n%digit%%digit% tests, %digit%%digit% passed, 0 warnings, 0 failures, 0 exceptions",
    bench_row="{name}: {value} (alloc %alloc%)",
    asserts=(
        '`[ "$count" -eq 2 ]\' failed',
        '`[[ "$output" == *\'path = "/healthz"\'* ]]\' failed',
        "`assert_output --partial 'mode = \"delay\"'' failed\n#   -- output does not contain substring --",
        '`[ "$status" -eq 1 ]\' failed with status 0',
        '`assert_equal "$image" "registry.snowline.org/station-ingest:1.8.2"\' failed',
    ),
    stack=(
        "1..1\nnot ok 1 {test} in %ms%ms\n# (in test file tests/jobs.bats, line %line%)\n#   {msg}\n"
        "#   rendered from {file}:{line}:\n#     {code}\n\n1 test, 1 failure in %digit% seconds"
    ),
    blocked=(
        ("nomad job run -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl", _MISSING_DRIVER, 2),
        (
            "nomad node status -self -verbose | grep -i -A2 docker",
            "docker    false     false    Failed to connect to docker daemon: " + _SOCKET,
            0,
        ),
        ("docker ps", _SOCKET.replace("/info", "/containers/json"), 1),
        ("ls -l /var/run/docker.sock", "srw-rw---- 1 root docker 0 Feb  %digit% %clock% /var/run/docker.sock", 0),
        (
            "nomad job plan -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl",
            '+/- Job: "station-ingest"\n+/- Task Group: "ingest" (2 create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group "ingest" (failed to place 2 allocations):\n    * Constraint "missing drivers": 1 nodes excluded by filter\n\nJob Modify Index: %kb%',
            1,
        ),
        (
            "sudo systemctl restart nomad",
            "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required",
            1,
        ),
        ("id -nG", "dev adm cdrom sudo dip plugdev", 0),
        ("docker info --format '{{.ServerVersion}}'", "ERROR: " + _SOCKET, 1),
        (
            "docker -H unix:///run/user/1000/docker.sock info",
            "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon running?",
            1,
        ),
        (
            "nomad job run -detach -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl && nomad eval status -monitor %alloc%",
            _MISSING_DRIVER,
            2,
        ),
        (
            "nomad job run -var 'task_driver=podman' -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl",
            _MISSING_DRIVER.replace("missing drivers", "missing drivers (podman)"),
            2,
        ),
        (
            "nomad node status -verbose $(nomad node status -quiet) | grep -i driver",
            "Drivers  = exec,raw_exec\ndriver.docker = 0",
            0,
        ),
        (
            "DOCKER_HOST=tcp://127.0.0.1:2375 docker info",
            "Cannot connect to the Docker daemon at tcp://127.0.0.1:2375. Is the docker daemon running?",
            1,
        ),
    ),
    prefixes=(
        "",
        "NOMAD_ADDR=http://127.0.0.1:4646 ",
        "NOMAD_REGION=global ",
        "NOMAD_NAMESPACE=ingest ",
        "DOCKER_HOST=unix:///var/run/docker.sock ",
        "NOMAD_SKIP_VERIFY=true ",
    ),
    wall_config=(
        "/etc/nomad.d/client.hcl",
        (
            'plugin "docker" {\n  config { allow_privileged = true }\n}',
            'plugin "docker" {\n  config { endpoint = "unix:///var/run/docker.sock" }\n}',
            'client {\n  enabled = true\n  options = { "driver.allowlist" = "docker,raw_exec" }\n}',
            'plugin "docker" {\n  config { endpoint = "unix:///run/user/1000/docker.sock" }\n}',
            'plugin "raw_exec" {\n  config { enabled = true }\n}',
            'plugin "docker" {\n  config { volumes { enabled = true } }\n}',
        ),
    ),
    flaky=(
        "nomad job run -var-file=jobs/vars/prod.hcl jobs/alerts.nomad.hcl",
        "Error submitting job: Unexpected response code: 500 (rpc error: No cluster leader)",
        '==> %ts%: Monitoring evaluation "%alloc%"\n    %ts%: Evaluation status changed: "pending" -> "complete"\n==> %ts%: Evaluation "%alloc%" finished with status "complete"',
    ),
    watch=(
        "nomad job run -detach -var-file=jobs/vars/prod.hcl jobs/ingest.nomad.hcl",
        "Job registration successful\nEvaluation ID: %alloc%-%hex4%-%hex4%-%hex4%-%cid%",
        "nomad job status station-ingest | tail -n 4",
        "Allocations\nID        Node ID   Task Group  Version  Desired  Status   Created\n%alloc%  %alloc%  ingest      %digit%        run      pending  %digit%s ago\n%alloc%  %alloc%  ingest      %digit%        run      pending  %digit%s ago",
        "Allocations\nID        Node ID   Task Group  Version  Desired  Status   Created\n%alloc%  %alloc%  ingest      %digit%        run      failed   %digit%%digit%s ago\n%alloc%  %alloc%  ingest      %digit%        run      pending  %digit%s ago",
        "Allocations\nID        Node ID   Task Group  Version  Desired  Status   Created\n%alloc%  %alloc%  ingest      %digit%        run      running  %digit%m%digit%s ago\n%alloc%  %alloc%  ingest      %digit%        run      running  %digit%m%digit%s ago",
    ),
    fixenv=(
        "bats --timing tests/",
        "bash: bats: command not found",
        "git clone --depth 1 https://github.com/bats-core/bats-core /tmp/bats-core && /tmp/bats-core/install.sh $HOME/.local",
        "Cloning into '/tmp/bats-core'...\nInstalled Bats to /home/dev/.local/bin/bats",
    ),
    knob=(
        "jobs/ingest.nomad.hcl",
        "max_parallel",
        ("1", "2", "3", "4", "6"),
        "./scripts/rollout-sim.sh --stations 120",
        "rollout finished in {value}s, %digit% allocs replaced",
    ),
    rename=("stations_per_dc", "station_count"),
    probe=("scripts/render.sh", 'echo "DEBUG image=$image count=$count" >&2'),
    printed="DEBUG image=registry.snowline.org/station-ingest:1.8.2 count={value}",
)

"""Three of the set's toolchains: a Dockerized Python API, a kubebuilder operator, embedded Rust firmware."""

from __future__ import annotations

from .chain import Chain

_PYTEST_HEAD = (
    "[+] Creating 1/1\n ✔ Container bulletin-api-db-1  Running\n"
    "============================= test session starts ==============================\n"
    "platform linux -- Python 3.12.7, pytest-8.3.3, pluggy-1.5.0\nrootdir: /app\nconfigfile: pyproject.toml\n"
    "plugins: anyio-4.6.2, asyncio-0.24.0\ncollected 8 items"
)
_REGISTRY_WALL = 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: read udp 172.17.0.%oct%:%port%->127.0.0.11:53: i/o timeout'
_SOLVE_WALL = (
    "ERROR: failed to solve: python:3.12-slim: failed to resolve source metadata for docker.io/library/python:3.12-slim: "
    'failed to do request: Head "https://registry-1.docker.io/v2/library/python/manifests/3.12-slim": dial tcp 54.227.20.%oct%:443: i/o timeout'
)
_INTERNAL_WALL = 'Error response from daemon: Get "https://registry.snowline.org/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)'

DOCKER_PY = Chain(
    name="docker-py",
    root="/srv/bulletin-api",
    files=(
        "app/danger.py",
        "app/routes/bulletins.py",
        "app/models.py",
        "app/observations.py",
        "app/settings.py",
        "tests/test_danger.py",
    ),
    code=(
        "def rate(obs: Observation) -> Danger:",
        "    score = obs.wind_load * 0.6 + obs.new_snow_cm / 20",
        "    if obs.weak_layer and obs.slope_deg >= 30:",
        "        score += 1.5",
        "    return Danger(min(5, max(1, round(score))))",
        "ELEVATION_BANDS = ('below_treeline', 'treeline', 'alpine')",
        "@router.get('/bulletins/{zone_id}')",
        "    rows = await db.fetch_all(query, values={'zone': zone_id})",
        "class Observation(BaseModel):",
        "    slope_deg: float = Field(ge=0, le=90)",
        "    response.headers['Cache-Control'] = f'max-age={settings.cache_ttl}'",
        "from app.models import Danger, Observation",
    ),
    fixes=(
        "    return Danger(min(5, max(1, round(score + 0.{k}))))",
        "    score = obs.wind_load * 0.{k} + obs.new_snow_cm / 20",
        "    if obs.weak_layer and obs.slope_deg >= 30 - {k} / 10:",
        "    return Danger(min(5, max(1, math.ceil(score - 0.{k}))))",
        "        score += 1.5 * 0.{k}",
    ),
    tests=(
        "tests/test_danger.py::test_wind_slab_raises_rating",
        "tests/test_danger.py::test_weak_layer_on_steep_slope",
        "tests/test_routes.py::test_bulletin_cache_headers",
        "tests/test_observations.py::test_slope_bounds",
        "tests/test_danger.py::test_low_snow_stays_low",
        "tests/test_routes.py::test_bulletin_by_zone",
        "tests/test_routes.py::test_unknown_zone_404",
        "tests/test_observations.py::test_ingest_csv_header",
    ),
    units=("api", "ingest", "tiles", "notifier", "worker"),
    suite="docker compose run --rm api pytest -v",
    one="docker compose run --rm api pytest -v {test}",
    unit="docker compose run --rm {unit} pytest -q -p no:cacheprovider",
    build="docker compose run --rm api mypy app",
    lint="docker compose run --rm api ruff check app tests",
    bench="docker compose run --rm api python -m bench.rate --n 20000",
    bench_names=("rate_single", "rate_zone_batch", "bulletin_render", "observation_parse"),
    head=_PYTEST_HEAD,
    ok_row="{name} PASSED",
    bad_row="{name} FAILED\nE   {msg}",
    tails=(
        "============================== {passed} passed in %secs%s ==============================",
        "=========================== short test summary info ============================\n"
        "========================= {failed} failed, {passed} passed in %secs%s =========================",
    ),
    built="Success: no issues found in 23 source files",
    build_err="{file}:{line}: error: {msg}\nFound 1 error in 1 file (checked 23 source files)",
    compile_msgs=(
        'Incompatible return value type (got "int", expected "Danger")  [return-value]',
        'Argument "values" to "fetch_all" of "Database" has incompatible type "dict[str, int]"; expected "dict[str, str]"  [arg-type]',
        '"Observation" has no attribute "slope"; maybe "slope_deg"?  [attr-defined]',
        'Name "ELEVATION_BAND" is not defined  [name-defined]',
        "Missing return statement  [return]",
        'Unsupported operand types for + ("float" and "None")  [operator]',
    ),
    lint_ok="All checks passed!",
    bench_row="{name}: {value} µs/op (n=20000, pid %pid%)",
    asserts=(
        "AssertionError: assert <Danger.MODERATE: 2> == <Danger.CONSIDERABLE: 3>",
        "AssertionError: assert <Danger.HIGH: 4> == <Danger.CONSIDERABLE: 3>",
        "AssertionError: assert 'max-age=300' == 'max-age=60'",
        "pydantic_core._pydantic_core.ValidationError: 1 validation error for Observation\nslope_deg\n  Input should be less than or equal to 90",
        "assert 404 == 200",
    ),
    stack=(
        "_______________________ {test} _______________________\n\n"
        "    def test_wind_slab_raises_rating():\n"
        "        obs = Observation(wind_load=2.4, new_snow_cm=35, slope_deg=38, weak_layer=True)\n"
        ">       assert rate(obs) == Danger.CONSIDERABLE\n\n"
        "tests/test_danger.py:%line%: \n_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _\n\n"
        "{file}:{line}: in rate\n    {code}\nE   {msg}\n"
        "=========================== short test summary info ============================\n"
        "FAILED {test} - {msg}\n============================== 1 failed in %secs%s =============================="
    ),
    blocked=(
        ("docker compose build api", _SOLVE_WALL, 17),
        ("docker compose build --no-cache --pull api", _SOLVE_WALL, 17),
        ("docker pull python:3.12-slim", _REGISTRY_WALL, 1),
        (
            "docker pull mirror.gcr.io/library/python:3.12-slim",
            'Error response from daemon: Get "https://mirror.gcr.io/v2/": dial tcp 142.250.%oct%.%oct%:443: connect: network is unreachable',
            1,
        ),
        ("docker buildx build --platform linux/amd64 -t bulletin-api:dev .", _SOLVE_WALL, 1),
        (
            "docker compose pull db",
            "[+] Pulling 1/1\n ✘ db Error context deadline exceeded                                   %secs%s\nError response from daemon: context deadline exceeded",
            18,
        ),
        (
            "DOCKER_BUILDKIT=0 docker build -t bulletin-api:dev .",
            "Sending build context to Docker daemon  %kb%kB\nStep 1/9 : FROM python:3.12-slim\n" + _REGISTRY_WALL,
            1,
        ),
        ("docker build --network host -t bulletin-api:dev .", _SOLVE_WALL, 1),
        ("docker login registry.snowline.org", _INTERNAL_WALL, 1),
        ("docker pull registry.snowline.org/base/python:3.12", _INTERNAL_WALL, 1),
        (
            "curl -sS -m 10 https://registry-1.docker.io/v2/",
            "curl: (28) Resolving timed out after 10001 milliseconds",
            28,
        ),
        ("docker info --format '{{.RegistryConfig.Mirrors}}'", "[]", 0),
        ("cat /etc/resolv.conf", "# Generated by Docker Engine.\nnameserver 127.0.0.11\noptions ndots:0", 0),
    ),
    prefixes=(
        "",
        "HTTPS_PROXY=http://10.40.0.1:3128 ",
        "HTTP_PROXY=http://10.40.0.1:3128 HTTPS_PROXY=http://10.40.0.1:3128 ",
        "DOCKER_CONFIG=/tmp/dockercfg ",
        "timeout 600 ",
        "BUILDKIT_PROGRESS=plain ",
    ),
    wall_config=(
        "Dockerfile",
        (
            "FROM mirror.gcr.io/library/python:3.12-slim",
            "FROM registry.snowline.org/base/python:3.12",
            "FROM public.ecr.aws/docker/library/python:3.12-slim",
            "FROM python:3.12-slim-bookworm",
            "FROM quay.io/snowline/python:3.12",
            "FROM docker.io/library/python:3.12.7-slim",
        ),
    ),
    flaky=(
        "docker compose run --rm api pytest -q tests/test_routes.py",
        'E   sqlalchemy.exc.OperationalError: (psycopg.OperationalError) connection failed: connection to server at "db" (172.18.0.%oct%), port 5432 failed: the database system is starting up\nERROR tests/test_routes.py - sqlalchemy.exc.OperationalError\n1 error in %secs%s',
        "...                                                                      [100%]\n3 passed in %secs%s",
    ),
    watch=(
        "docker compose up -d --build",
        "[+] Running 3/3\n ✔ Network bulletin-api_default  Created\n ✔ Container bulletin-api-db-1   Started\n ✔ Container bulletin-api-api-1  Started",
        "docker compose ps --format 'table {{.Name}}\\t{{.Status}}'",
        "NAME                 STATUS\nbulletin-api-db-1    Up %secs% seconds (health: starting)\nbulletin-api-api-1   Up %secs% seconds (health: starting)",
        "NAME                 STATUS\nbulletin-api-db-1    Up %secs% seconds (healthy)\nbulletin-api-api-1   Restarting (1) %secs% seconds ago",
        "NAME                 STATUS\nbulletin-api-db-1    Up %digit% minutes (healthy)\nbulletin-api-api-1   Up %secs% seconds (healthy)",
    ),
    fixenv=(
        "docker compose run --rm api pytest -v",
        "env file /srv/bulletin-api/.env not found: stat /srv/bulletin-api/.env: no such file or directory",
        "cp .env.example .env && grep -c = .env",
        "7",
    ),
    knob=(
        "app/settings.py",
        "cache_ttl",
        ("30", "60", "120", "300", "600", "900"),
        "docker compose run --rm api python -m bench.cache_hits",
        "cache hit ratio: {value}% (p95 %ms% ms)",
    ),
    rename=("wind_load", "wind_loading"),
    probe=("app/danger.py", "    print(f'DEBUG rate score={score!r} slope={obs.slope_deg}', flush=True)"),
    printed="DEBUG rate score={value} slope=38.0",
)

_KLOG = "E02%digit%%digit% %clock%.%us%   %pid% memcache.go:265] "
_REFUSED = 'couldn\'t get current server API group list: Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused'
_NO_CONFIG = (
    'error: error loading config file "/home/dev/.kube/config": open /home/dev/.kube/config: no such file or directory'
)
_LOCALHOST = "The connection to the server localhost:8080 was refused - did you specify the right host or port?"

KUBEBUILDER = Chain(
    name="kubebuilder",
    root="/home/dev/zone-operator",
    files=(
        "internal/controller/forecastzone_controller.go",
        "api/v1alpha1/forecastzone_types.go",
        "internal/danger/scale.go",
        "cmd/main.go",
        "config/rbac/role.yaml",
        "internal/controller/forecastzone_controller_test.go",
    ),
    code=(
        "func (r *ForecastZoneReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {",
        "\tzone.Status.Rating = danger.Rate(zone.Spec.Observations)",
        "\tif err := r.Get(ctx, req.NamespacedName, &zone); err != nil {",
        "\t\treturn ctrl.Result{}, client.IgnoreNotFound(err)",
        "\tmeta.SetStatusCondition(&zone.Status.Conditions, readyCondition(zone.Generation))",
        "\treturn ctrl.Result{RequeueAfter: 15 * time.Minute}, r.Status().Update(ctx, &zone)",
        "// +kubebuilder:rbac:groups=snow.snowline.org,resources=forecastzones/status,verbs=get;update;patch",
        '\tRating int32 `json:"rating,omitempty"`',
        "func Rate(obs []Observation) int32 {",
        "\tlog := log.FromContext(ctx)",
        "\t}",
    ),
    fixes=(
        "\tzone.Status.Rating = danger.Rate(zone.Spec.Observations) + {k}",
        "\treturn ctrl.Result{RequeueAfter: {k} * time.Minute}, r.Status().Update(ctx, &zone)",
        "\tzone.Status.Rating = max(1, danger.Rate(latest(zone.Spec.Observations, {k})))",
        "\tzone.Status.ObservedGeneration = zone.Generation - {k}",
        "\tif len(zone.Spec.Observations) > {k} { zone.Status.Rating = danger.Rate(zone.Spec.Observations) }",
    ),
    tests=(
        "ForecastZone Controller should publish the danger rating",
        "ForecastZone Controller should set the Ready condition",
        "ForecastZone Controller should requeue after fifteen minutes",
        "Rate raises a wind slab to considerable",
        "Rate keeps an empty zone at low",
        "ForecastZone webhook rejects a negative slope",
        "ForecastZone webhook defaults the elevation band",
    ),
    units=("internal/danger", "internal/controller", "api/v1alpha1", "internal/webhook", "cmd"),
    suite="make test",
    one="go test ./internal/controller/... -ginkgo.focus '{test}' -ginkgo.v",
    unit="go test ./{unit}/... -count=1",
    build="make build",
    lint="make lint",
    bench="go test ./internal/danger -run '^$' -bench . -benchmem",
    bench_names=("BenchmarkRate-2", "BenchmarkRateZone-2", "BenchmarkLatest-2", "BenchmarkCondition-2"),
    head=(
        '/home/dev/zone-operator/bin/controller-gen rbac:roleName=manager-role crd webhook paths="./..." output:crd:artifacts:config=config/crd/bases\n'
        '/home/dev/zone-operator/bin/controller-gen object:headerFile="hack/boilerplate.go.txt" paths="./..."\ngo fmt ./...\ngo vet ./...\n'
        'KUBEBUILDER_ASSETS="/home/dev/zone-operator/bin/k8s/1.31.0-linux-amd64" go test $(go list ./... | grep -v /e2e) -coverprofile cover.out\n'
        "Running Suite: Controller Suite - /home/dev/zone-operator/internal/controller\nRandom Seed: %kb%%digit%"
    ),
    ok_row="• [PASSED] {name} [%secs% seconds]",
    bad_row="• [FAILED] {name} [%secs% seconds]\n  [FAILED] {msg}",
    tails=(
        "Ran {total} of {total} Specs in %secs% seconds\nSUCCESS! -- {passed} Passed | 0 Failed | 0 Pending | 0 Skipped\nok  \tgithub.com/snowline/zone-operator/internal/controller\t%secs%s\tcoverage: 7%digit%.%digit%% of statements",
        "Ran {total} of {total} Specs in %secs% seconds\nFAIL! -- {passed} Passed | {failed} Failed | 0 Pending | 0 Skipped\n--- FAIL: TestControllers (%secs%s)\nFAIL\tgithub.com/snowline/zone-operator/internal/controller\t%secs%s\nmake: *** [Makefile:68: test] Error 1",
    ),
    built='/home/dev/zone-operator/bin/controller-gen object:headerFile="hack/boilerplate.go.txt" paths="./..."\ngo fmt ./...\ngo vet ./...\ngo build -o bin/manager cmd/main.go',
    build_err="# github.com/snowline/zone-operator/internal/controller\n{file}:{line}:%col%: {msg}\nmake: *** [Makefile:94: build] Error 1",
    compile_msgs=(
        "undefined: danger.RateZone",
        "cannot use zone.Spec.Observations (variable of type []v1alpha1.Observation) as []danger.Observation value in argument to danger.Rate",
        "too many return values\n\thave (ctrl.Result, error, error)\n\twant (ctrl.Result, error)",
        "zone.Status.Rating undefined (type v1alpha1.ForecastZoneStatus has no field or method Rating)",
        "declared and not used: cond",
        "missing return",
    ),
    lint_ok="/home/dev/zone-operator/bin/golangci-lint run\n0 issues.",
    bench_row="{name}   \t %kb%\t      {value} ns/op\t     %digit%%digit% B/op\t       %digit% allocs/op",
    asserts=(
        "Expected\n      <int32>: 2\n  to equal\n      <int32>: 3",
        "Timed out after 10.001s.\n  Expected\n      <bool>: false\n  to be true",
        "Expected\n      <time.Duration>: 0s\n  to equal\n      <time.Duration>: 15m0s",
        'Unexpected error:\n      <*errors.StatusError>: forecastzones.snow.snowline.org "north-ridge" not found',
        "Expected an error to have occurred.  Got:\n      <nil>: nil",
    ),
    stack=(
        "• [FAILED] [%secs% seconds]\n{test}\n  [FAILED] {msg}\n  In [It] at: /home/dev/zone-operator/internal/controller/forecastzone_controller_test.go:%line% @ %ts%\n\n"
        "  Full Stack Trace\n    github.com/snowline/zone-operator/internal/controller.(*ForecastZoneReconciler).Reconcile(...)\n"
        "    \t/home/dev/zone-operator/{file}:{line} +0x%hex4%\n    \t> {code}\n\n"
        "Summarizing 1 Failure:\n  [FAIL] {test}\n\nRan 1 of 7 Specs in %secs% seconds\nFAIL! -- 0 Passed | 1 Failed | 0 Pending | 6 Skipped"
    ),
    blocked=(
        (
            "make deploy IMG=registry.snowline.org/zone-operator:dev",
            "cd config/manager && /home/dev/zone-operator/bin/kustomize edit set image controller=registry.snowline.org/zone-operator:dev\n/home/dev/zone-operator/bin/kustomize build config/default | kubectl apply -f -\n"
            + _LOCALHOST
            + "\nmake: *** [Makefile:141: deploy] Error 1",
            2,
        ),
        (
            "kubectl apply -k config/default",
            _KLOG
            + _REFUSED
            + '\nerror: unable to recognize "config/default": Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused',
            1,
        ),
        ("kubectl get nodes -o wide", _LOCALHOST, 1),
        (
            "kubectl cluster-info",
            "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n" + _LOCALHOST,
            1,
        ),
        (
            "make install",
            "/home/dev/zone-operator/bin/kustomize build config/crd | kubectl apply -f -\n"
            + _NO_CONFIG
            + "\nmake: *** [Makefile:131: install] Error 1",
            2,
        ),
        ("kubectl --context kind-snowline get pods -A", 'error: context "kind-snowline" does not exist', 1),
        ("kubectl config get-contexts", "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE", 0),
        ("kind get clusters", "No kind clusters found.", 0),
        (
            "kind create cluster --name snowline",
            "ERROR: failed to create cluster: failed to get docker info: permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
            1,
        ),
        ("kubectl get crd forecastzones.snow.snowline.org", _KLOG + _REFUSED, 1),
        (
            "make test-e2e",
            "KIND_CLUSTER=zone-operator-test-e2e go test ./test/e2e/ -v -ginkgo.v\n  [FAILED] Unexpected error:\n      No kind clusters found.\n--- FAIL: TestE2E (%secs%s)",
            2,
        ),
        ("kubectl --server https://127.0.0.1:6443 --insecure-skip-tls-verify get ns", _KLOG + _REFUSED, 1),
        ("ls -la ~/.kube", "ls: cannot access '/home/dev/.kube': No such file or directory", 2),
    ),
    prefixes=(
        "",
        "KUBECONFIG=$HOME/.kube/config ",
        "KUBECONFIG=/etc/rancher/k3s/k3s.yaml ",
        "KUBECONFIG=./kubeconfig.yaml ",
        "USE_EXISTING_CLUSTER=true ",
        "KIND_EXPERIMENTAL_PROVIDER=podman ",
    ),
    wall_config=(
        "/home/dev/.kube/config",
        (
            "    server: https://127.0.0.1:6443",
            "    server: https://localhost:6443",
            "    server: https://kind-control-plane:6443",
            "    server: https://172.18.0.2:6443\n    insecure-skip-tls-verify: true",
            "current-context: kind-snowline",
            "    server: https://10.96.0.1:443",
        ),
    ),
    flaky=(
        "make test",
        "unable to start control plane itself: failed to start the controlplane. retried 5 times: timeout waiting for process kube-apiserver to start successfully (it may have failed to start, or stopped unexpectedly before becoming ready)\nFAIL\tgithub.com/snowline/zone-operator/internal/controller\t%secs%s\nmake: *** [Makefile:68: test] Error 1",
        "Ran 7 of 7 Specs in %secs% seconds\nSUCCESS! -- 7 Passed | 0 Failed | 0 Pending | 0 Skipped\nok  \tgithub.com/snowline/zone-operator/internal/controller\t%secs%s\tcoverage: 71.4% of statements",
    ),
    watch=(
        "make deploy IMG=registry.snowline.org/zone-operator:v0.3.%digit%",
        "namespace/zone-operator-system created\ncustomresourcedefinition.apiextensions.k8s.io/forecastzones.snow.snowline.org configured\ndeployment.apps/zone-operator-controller-manager created",
        "kubectl get pods -n zone-operator-system",
        "NAME                                                READY   STATUS              RESTARTS   AGE\nzone-operator-controller-manager-%rs%-%pod%   0/1     ContainerCreating   0          %digit%s",
        "NAME                                                READY   STATUS             RESTARTS      AGE\nzone-operator-controller-manager-%rs%-%pod%   0/1     CrashLoopBackOff   %digit% (%digit%s ago)   %digit%%digit%s",
        "NAME                                                READY   STATUS    RESTARTS   AGE\nzone-operator-controller-manager-%rs%-%pod%   1/1     Running   0          %digit%%digit%s",
    ),
    fixenv=(
        "make test",
        "make: /home/dev/zone-operator/bin/setup-envtest: No such file or directory\nmake: *** [Makefile:68: test] Error 127",
        "make setup-envtest",
        "Setting up envtest binaries for Kubernetes version 1.31.0...\n/home/dev/zone-operator/bin/k8s/1.31.0-linux-amd64",
    ),
    knob=(
        "config/manager/manager.yaml",
        "--max-concurrent-reconciles",
        ("1", "2", "4", "8", "16"),
        "go test ./test/load -run TestReconcileThroughput -v",
        "reconciles/s: {value} (p99 %ms%ms)",
    ),
    rename=("Rate", "RateZone"),
    probe=(
        "internal/controller/forecastzone_controller.go",
        '\tlog.Info("DEBUG reconcile", "rating", zone.Status.Rating, "generation", zone.Generation)',
    ),
    printed='%ts%\tINFO\tDEBUG reconcile\t{"controller": "forecastzone", "rating": {value}, "generation": %digit%}',
)

_NO_PROBE = "Error: No connected probes were found."
_OPEN_FAILED = "Error: Failed to open the debug probe.\n\nCaused by:\n    0: No probe was found.\n    1: The debug probe could not be found."

PROBE_RS = Chain(
    name="probe-rs",
    root="/home/dev/snowpack-node",
    files=(
        "src/sensor/ultrasonic.rs",
        "src/sensor/gradient.rs",
        "src/radio.rs",
        "src/main.rs",
        "Embed.toml",
        ".cargo/config.toml",
    ),
    code=(
        "pub fn depth_mm(echo_us: u32, air_temp_c: f32) -> u32 {",
        "    let speed = 331.3 + 0.606 * air_temp_c;",
        "    ((echo_us as f32) * speed / 2000.0) as u32",
        '    defmt::info!("depth {} mm at {} C", depth, temp);',
        "    let gradient = (t_surface - t_ground) / (depth_mm as f32 / 1000.0);",
        "#[embassy_executor::main]",
        "    let p = embassy_nrf::init(Default::default());",
        "    radio.send(&frame.encode()).await.unwrap();",
        "const SAMPLE_PERIOD: Duration = Duration::from_secs(600);",
        "    }",
    ),
    fixes=(
        "    ((echo_us as f32) * speed / 2000.0 + {k}.0) as u32",
        "    let speed = 331.3 + 0.{k} * air_temp_c;",
        "    ((echo_us as f32 - {k}.0) * speed / 2000.0).round() as u32",
        "    (((echo_us as f32) * speed) / (2000.0 + {k}.0)) as u32",
        "    let speed = 331.3 + 0.606 * (air_temp_c + 0.{k});",
    ),
    tests=(
        "sensor::ultrasonic::tests::depth_cold_air",
        "sensor::gradient::tests::faceting_gradient_flags",
        "radio::tests::frame_crc_rejects_flip",
        "sensor::ultrasonic::tests::echo_timeout_is_none",
        "sensor::ultrasonic::tests::depth_at_zero_celsius",
        "sensor::gradient::tests::isothermal_pack",
        "radio::tests::frame_roundtrip",
    ),
    units=("snowpack-core", "snowpack-sensor", "snowpack-radio", "snowpack-frames"),
    suite="cargo test --lib --target x86_64-unknown-linux-gnu",
    one="cargo test --lib --target x86_64-unknown-linux-gnu {test} -- --exact --nocapture",
    unit="cargo test -p {unit} --target x86_64-unknown-linux-gnu",
    build="cargo build --release",
    lint="cargo clippy --release -- -D warnings",
    bench="cargo bench --target x86_64-unknown-linux-gnu --bench depth",
    bench_names=("depth_mm", "gradient", "frame_encode", "crc16"),
    head=(
        "   Compiling snowpack-node v0.4.1 (/home/dev/snowpack-node)\n    Finished `test` profile [unoptimized + debuginfo] target(s) in %secs%s\n"
        "     Running unittests src/lib.rs (target/x86_64-unknown-linux-gnu/debug/deps/snowpack_node-%hex%)\n\nrunning 7 tests"
    ),
    ok_row="test {name} ... ok",
    bad_row="test {name} ... FAILED\n---- {name} stdout ----\n{msg}",
    tails=(
        "\ntest result: ok. {passed} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in %secs%s",
        "\ntest result: FAILED. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out; finished in %secs%s\n\nerror: test failed, to rerun pass `--lib`",
    ),
    built="   Compiling snowpack-node v0.4.1 (/home/dev/snowpack-node)\n    Finished `release` profile [optimized + debuginfo] target(s) in %secs%s",
    build_err='error{msg}\n  --> {file}:{line}:%col%\n\nerror: could not compile `snowpack-node` (bin "snowpack-node") due to 1 previous error',
    compile_msgs=(
        "[E0308]: mismatched types: expected `u32`, found `f32`",
        "[E0425]: cannot find value `speed_of_sound` in this scope",
        "[E0599]: no method named `encode_into` found for struct `Frame` in the current scope",
        "[E0382]: borrow of moved value: `frame`",
        "[E0277]: the trait bound `Reading: defmt::Format` is not satisfied",
        "[E0061]: this function takes 2 arguments but 1 argument was supplied",
    ),
    lint_ok="    Checking snowpack-node v0.4.1 (/home/dev/snowpack-node)\n    Finished `release` profile [optimized + debuginfo] target(s) in %secs%s",
    bench_row="{name}    time:   [{value} ns]  change: [-%digit%.%digit%% +%digit%.%digit%%] (p = 0.%digit%%digit%)",
    asserts=(
        "assertion `left == right` failed\n  left: 1412\n right: 1398",
        "assertion failed: (g - 11.8).abs() < 0.05",
        "called `Option::unwrap()` on a `None` value",
        "assertion `left == right` failed: crc mismatch\n  left: 0x%hex4%\n right: 0x9f3a",
        "assertion `left == right` failed\n  left: Some(0)\n right: None",
    ),
    stack=(
        "running 1 test\ntest {test} ... FAILED\n\nfailures:\n\n---- {test} stdout ----\n"
        "thread '{test}' panicked at {file}:{line}:%col%:\n{msg}\n{line} | {code}\n"
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n"
        "failures:\n    {test}\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 6 filtered out; finished in %secs%s"
    ),
    blocked=(
        (
            "cargo run --release",
            "    Finished `release` profile [optimized + debuginfo] target(s) in %secs%s\n     Running `probe-rs run --chip nRF52840_xxAA target/thumbv7em-none-eabihf/release/snowpack-node`\n"
            + _NO_PROBE,
            1,
        ),
        (
            "cargo embed --release",
            "    Finished release [optimized + debuginfo] target(s) in %secs%s\n        Config default\n        Target /home/dev/snowpack-node/target/thumbv7em-none-eabihf/release/snowpack-node\n       Error No probe was found.",
            1,
        ),
        ("probe-rs list", "No debug probes were found.", 0),
        ("probe-rs info --chip nRF52840_xxAA", _OPEN_FAILED, 1),
        ("probe-rs run --chip nRF52840_xxAA target/thumbv7em-none-eabihf/release/snowpack-node", _NO_PROBE, 1),
        (
            "probe-rs download --chip nRF52840_xxAA --binary-format elf target/thumbv7em-none-eabihf/release/snowpack-node",
            _OPEN_FAILED,
            1,
        ),
        (
            "cargo flash --release --chip nRF52840_xxAA",
            "    Finished `release` profile [optimized + debuginfo] target(s) in %secs%s\n    Flashing /home/dev/snowpack-node/target/thumbv7em-none-eabihf/release/snowpack-node\n       Error No connected probes were found.",
            1,
        ),
        ("probe-rs attach --chip nRF52840_xxAA target/thumbv7em-none-eabihf/release/snowpack-node", _OPEN_FAILED, 1),
        (
            "lsusb",
            "Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub\nBus 002 Device 001: ID 1d6b:0003 Linux Foundation 3.0 root hub",
            0,
        ),
        ("probe-rs reset --chip nRF52840_xxAA", _OPEN_FAILED, 1),
        (
            "probe-rs run --connect-under-reset --chip nRF52840_xxAA target/thumbv7em-none-eabihf/release/snowpack-node",
            _NO_PROBE,
            1,
        ),
        (
            "ls -l /dev/ttyACM* /dev/bus/usb/*/*",
            "ls: cannot access '/dev/ttyACM*': No such file or directory\ncrw-rw-r-- 1 root root 189,   0 Feb  %digit% %clock% /dev/bus/usb/001/001\ncrw-rw-r-- 1 root root 189, 128 Feb  %digit% %clock% /dev/bus/usb/002/001",
            2,
        ),
        (
            "cat /etc/udev/rules.d/69-probe-rs.rules | head -3",
            "cat: /etc/udev/rules.d/69-probe-rs.rules: No such file or directory",
            0,
        ),
    ),
    prefixes=(
        "",
        "DEFMT_LOG=debug ",
        "PROBE_RS_PROBE=1366:1051 ",
        "RUST_LOG=probe_rs=debug ",
        "DEFMT_LOG=trace PROBE_RS_SPEED=1000 ",
        "PROBE_RS_CHIP=nRF52840_xxAA ",
    ),
    wall_config=(
        ".cargo/config.toml",
        (
            'runner = "probe-rs run --chip nRF52840_xxAA --probe 1366:1051"',
            'runner = "probe-rs run --chip nRF52840_xxAA --connect-under-reset"',
            'runner = "probe-rs run --chip nRF52840_xxAA --speed 1000"',
            'runner = "probe-rs run --chip nRF52840_xxAA --protocol swd"',
            'runner = "probe-rs run --chip nRF52840_xxAA --probe 0d28:0204"',
            'runner = "probe-rs run --chip nRF52840_xxAA --allow-erase-all"',
        ),
    ),
    flaky=(
        "cargo build --release",
        "    Updating crates.io index\nerror: failed to download from `https://static.crates.io/crates/embassy-nrf/0.2.0/download`\n\nCaused by:\n  [28] Timeout was reached (Operation timed out after 30000 milliseconds with 0 out of 0 bytes received)",
        "  Downloaded embassy-nrf v0.2.0\n   Compiling snowpack-node v0.4.1 (/home/dev/snowpack-node)\n    Finished `release` profile [optimized + debuginfo] target(s) in %secs%s",
    ),
    watch=(
        "nohup probe-rs run --chip nRF52840_xxAA target/thumbv7em-none-eabihf/release/snowpack-node > rtt.log 2>&1 &",
        "[1] %pid%",
        "tail -n 3 rtt.log",
        "      Erasing ✔ [00:00:0%digit%] [##########] 256.00 KiB/256.00 KiB @ %kb% KiB/s\n  Programming ⠁ [00:00:0%digit%] [###-------] %digit%%digit%.00 KiB/148.00 KiB @ %kb% KiB/s",
        "%secs% WARN  radio: no ACK from gateway (attempt %digit%)\n%secs% WARN  sensor: echo timeout, retrying",
        "%secs% INFO  sample 1: depth 1412 mm, gradient 11.8 C/m\n%secs% INFO  frame sent (seq %digit%)",
    ),
    fixenv=(
        "cargo build --release",
        "error[E0463]: can't find crate for `core`\n  |\n  = note: the `thumbv7em-none-eabihf` target may not be installed\n  = help: consider downloading the target with `rustup target add thumbv7em-none-eabihf`",
        "rustup target add thumbv7em-none-eabihf",
        "info: downloading component 'rust-std' for 'thumbv7em-none-eabihf'\ninfo: installing component 'rust-std' for 'thumbv7em-none-eabihf'",
    ),
    knob=(
        "Cargo.toml",
        "opt-level",
        ('"s"', '"z"', "1", "2", "3"),
        "cargo size --release -- -A",
        "section   size\n.text     {value} KiB\n.rodata   %kb%\n.data     %digit%%digit%%digit%",
    ),
    rename=("air_temp_c", "air_temp_celsius"),
    probe=("src/sensor/ultrasonic.rs", '    println!("DEBUG echo_us={echo_us} speed={speed}");'),
    printed="DEBUG echo_us=8200 speed={value}",
)

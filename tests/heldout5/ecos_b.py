"""Erlang with rebar3, and Kubernetes/Helm charts."""

from __future__ import annotations

from .eco import Blocker, Eco, Poll

ERLANG = Eco(
    name="erlang",
    src_dir="apps/relay/src",
    files=(
        "apps/relay/src/relay_server.erl",
        "apps/relay/src/relay_sup.erl",
        "apps/relay/src/relay_codec.erl",
        "apps/relay/test/relay_SUITE.erl",
        "rebar.config",
    ),
    tests=(
        "relay_SUITE:forward_ok",
        "relay_SUITE:backpressure",
        "relay_codec_tests:decode_partial",
        "relay_SUITE:reconnect",
    ),
    packages=("relay", "relay_http", "relay_store", "relay_metrics"),
    idents=("handle_call", "decode_frame", "max_inflight", "init"),
    snippets=(
        "{name}({forward, Msg}, _From, #state{inflight = N} = S) when N < ?MAX ->\n    ok = gen_tcp:send(S#state.sock, relay_codec:encode(Msg)),\n    {reply, ok, S#state{inflight = N + {value}}};",
        "{name}(<<Len:32, Body:Len/binary, Rest/binary>>) ->\n    {ok, binary_to_term(Body), Rest};\n{name}(Bin) when byte_size(Bin) < {value} ->\n    {more, Bin}.",
        "{name}([]) ->\n    SupFlags = #{strategy => one_for_one, intensity => {value}, period => 5},\n    {ok, {SupFlags, [#{id => relay_server, start => {relay_server, start_link, []}}]}}.",
    ),
    git_log="@sha@ relay: bounded inflight\n@sha@ codec: length prefix\n@sha@ OTP 27\n@sha@ sup: restart intensity\n@sha@ initial",
    readme="# relay\nAn OTP message relay.\n\n    rebar3 ct\n    rebar3 eunit\n    rebar3 dialyzer",
    config_file="rebar.config",
    config_text='{erl_opts, [debug_info, warnings_as_errors]}.\n{deps, [{ranch, "2.1.0"}, {telemetry, "1.{value}.0"}]}.\n{relx, [{release, {relay, "0.3.0"}, [relay, sasl]}]}.',
    build_cmd="rebar3 compile",
    build_ok="===> Verifying dependencies...\n===> Analyzing applications...\n===> Compiling relay",
    test_cmd="rebar3 ct",
    test_one="rebar3 ct --suite apps/relay/test/relay_SUITE --case {test}",
    pkg_cmd="rebar3 ct --dir apps/{pkg}/test",
    lint_cmd="rebar3 lint",
    lint_clean="===> elvis analysis starting, this may take a while...\n===> Linting apps/relay/src with elvis\nelvis: 0 warnings",
    pass_tpl="===> Verifying dependencies...\n===> Compiling relay\n===> Running Common Test suites...\n%%% relay_SUITE: ........\nAll {total} tests passed.",
    fail_tpl="===> Running Common Test suites...\n%%% relay_SUITE: ..\n%%% relay_SUITE ==> {test}: FAILED\n%%% relay_SUITE ==> {msg}\n\nEXPERIMENTAL: Writing retry specification at /workspace/relay/_build/test/logs/retry.spec\n              call rebar3 ct with '--retry' to re-run failing cases.\nFailed {failed} tests. Passed @n@ tests.\nResults written to \"/workspace/relay/_build/test/logs/index.html\".\n===> Failures occurred running tests: {failed}",
    fail_msgs=(
        "{badmatch,{error,timeout}}\n  in function  relay_SUITE:forward_ok/1 (relay_SUITE.erl, line @line@)",
        "{{assertEqual,[{module,relay_SUITE},{line,@line@},{expected,10},{value,11}]},[]}",
        "{noproc,{gen_server,call,[relay_server,{forward,ping},5000]}}",
    ),
    compile_tpl="===> Compiling relay\n===> {file}:@line@:@n@: {msg}\n",
    compile_msgs=(
        "variable 'State' is unbound",
        "function handle_info/2 undefined",
        "record state has no field inflight",
        "syntax error before: '->'",
        "variable 'Rest' is unused",
    ),
    blockers=(
        Blocker(
            "hex.pm unreachable behind the egress proxy",
            "rebar3 get-deps",
            '===> Verifying dependencies...\n===> Failed to update package ranch from repo hexpm\n===> Package not found in any repo: ranch 2.1.0\n===> Request https://repo.hex.pm/packages/ranch failed: {failed_connect,[{to_address,{"repo.hex.pm",443}},{inet,[inet],econnrefused}]} (@clock@)',
            (
                "rebar3 update",
                "HEX_CDN=https://cdn.jsdelivr.net/hex rebar3 get-deps",
                "rebar3 unlock --all && rebar3 get-deps",
                "curl -sv https://repo.hex.pm 2>&1 | tail -3",
                "cat ~/.config/rebar3/rebar.config",
                "rm -rf ~/.cache/rebar3 && rebar3 get-deps",
                "DEBUG=1 rebar3 get-deps 2>&1 | tail -8",
                "rebar3 as test get-deps",
            ),
            (
                (
                    "export HTTPS_PROXY=http://proxy.corp:3128 && rebar3 get-deps",
                    "===> Fetching ranch v2.1.0\n===> Fetching telemetry v1.3.0",
                ),
            ),
            "All 27 tests passed.",
        ),
        Blocker(
            "the Common Test node cannot start without a hostname",
            "rebar3 ct",
            "===> Running Common Test suites...\n=ERROR REPORT==== @clock@ ===\nProtocol 'inet_tcp': the name ct_run@@hex@ seems to be in use by another Erlang node\n===> Error running tests: {error,{distribution_failed,nodistribution}}\nepmd: Cannot connect to local epmd (pid @pid@)",
            (
                "epmd -daemon",
                "rebar3 ct --sname ct@localhost",
                "hostname -f",
                "ERL_FLAGS='-name ct@127.0.0.1' rebar3 ct",
                "epmd -names",
                "cat /etc/hosts",
                "rebar3 ct --name ct@127.0.0.1",
                "pkill -0 epmd; echo $?",
            ),
            (("echo '127.0.0.1 '$(hostname) | sudo tee -a /etc/hosts", "127.0.0.1 ws-@hex@"),),
            "All 27 tests passed.",
        ),
    ),
    transient=(
        "rebar3 get-deps",
        '===> Failed to fetch and copy dep: {pkg,<<"telemetry">>,<<"1.3.0">>}\n===> httpc request failed: {error,socket_closed_remotely} (@req@)',
        "===> Fetching telemetry v1.3.0\n===> Fetching ranch v2.1.0",
    ),
    poll=Poll(
        "rebar3 dialyzer > /tmp/dialyzer.log 2>&1 &",
        "[1] @pid@",
        "tail -2 /tmp/dialyzer.log",
        "===> Adding @n@@n@ files to /workspace/relay/_build/default/27.1_plt ({i})\n@clock@",
        "===> Analyzing 6 files with _build/default/27.1_plt...\n===> Dialyzer finished: 0 warnings",
    ),
    bench=(
        "erl -pa _build/default/lib/*/ebin -noshell -s relay_bench run -s init stop",
        "forward x100000: {value} us/msg (sched @n@, pid <0.@n@@n@.0>)",
    ),
    tune=(
        "max_inflight",
        "erl -pa _build/default/lib/*/ebin -noshell -s relay_bench load -s init stop",
        "load: {value} msg/s, mailbox peak @kb@, at @clock@",
    ),
    debug=(
        "rebar3 shell --eval 'relay_debug:replay(\"samples/burst.bin\").'",
        "=INFO REPORT==== @clock@ ===\ndecode_frame: remaining={value} bytes\n{more,<<...>>}",
    ),
)

HELM = Eco(
    name="helm",
    src_dir="charts/ingest",
    files=(
        "charts/ingest/values.yaml",
        "charts/ingest/templates/deployment.yaml",
        "charts/ingest/templates/_helpers.tpl",
        "charts/ingest/templates/hpa.yaml",
        "charts/ingest/Chart.yaml",
    ),
    tests=("deployment_test.yaml", "hpa_test.yaml", "service_test.yaml", "configmap_test.yaml"),
    packages=("ingest", "gateway", "worker", "common"),
    idents=("ingest.fullname", "replicaCount", "resources", "autoscaling"),
    snippets=(
        'spec:\n  replicas: {{ .Values.{name} }}\n  template:\n    spec:\n      containers:\n        - name: ingest\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          ports: [{containerPort: 808{value}}]',
        '{{- define "{name}" -}}\n{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}\n{{- end }}',
        "{name}:\n  enabled: true\n  minReplicas: {value}\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70",
    ),
    git_log="@sha@ ingest: hpa v2\n@sha@ common: labels helper\n@sha@ bump appVersion 2.7.1\n@sha@ worker: pdb\n@sha@ initial charts",
    readme="# platform-charts\nHelm charts for the ingest pipeline.\n\n    helm lint charts/*\n    helm unittest charts/ingest",
    config_file="charts/ingest/values.yaml",
    config_text='replicaCount: {value}\nimage:\n  repository: registry.acme.io/ingest\n  tag: "2.7.1"\nresources:\n  requests: {cpu: 250m, memory: 256Mi}',
    build_cmd="helm template ingest charts/ingest > /tmp/out.yaml && wc -l /tmp/out.yaml",
    build_ok="@line@ /tmp/out.yaml",
    test_cmd="helm unittest charts/ingest",
    test_one="helm unittest -f 'tests/{test}' charts/ingest",
    pkg_cmd="helm unittest charts/{pkg}",
    lint_cmd="helm lint charts/ingest --strict",
    lint_clean="==> Linting charts/ingest\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 chart(s) failed",
    pass_tpl="### Chart [ ingest ] charts/ingest\n\n PASS  test deployment\tcharts/ingest/tests/deployment_test.yaml\n PASS  test hpa\tcharts/ingest/tests/hpa_test.yaml\n\nCharts:      1 passed, 1 total\nTest Suites: @n@ passed, @n@ total\nTests:       {total} passed, {total} total\nSnapshot:    0 passed, 0 total\nTime:        @ms@.@n@ms",
    fail_tpl='### Chart [ ingest ] charts/ingest\n\n FAIL  test {test}\tcharts/ingest/tests/{test}\n\t- should render\n\n\t\t- asserts[@n@] `equal` fail\n\t\t\tTemplate:\tingest/templates/deployment.yaml\n\t\t\tDocumentIndex:\t0\n\t\t\t{msg}\n\nCharts:      1 failed, 0 passed, 1 total\nTests:       {failed} failed, @n@ passed, {total} total\nTime:        @ms@.@n@ms\nError: plugin "unittest" exited with error',
    fail_msgs=(
        "Path:\tspec.replicas\n\t\t\tExpected to equal:\n\t\t\t\t3\n\t\t\tActual:\n\t\t\t\t1",
        "Path:\tmetadata.name\n\t\t\tExpected to equal:\n\t\t\t\tRELEASE-NAME-ingest\n\t\t\tActual:\n\t\t\t\tingest",
        "Path:\tspec.metrics[0].resource.target.averageUtilization\n\t\t\tExpected to equal:\n\t\t\t\t70\n\t\t\tActual:\n\t\t\t\tnull",
    ),
    compile_tpl="Error: INSTALLATION FAILED: parse error at ({file}:@line@): {msg}\nhelm.go:84: [debug] parse error at ({file}:@line@)",
    compile_msgs=(
        'function "toYml" not defined',
        'unexpected "}" in operand',
        'template: no template "ingest.labels" associated with template "gotpl"',
        "wrong type for value; expected string; got map[string]interface {}",
        "unclosed action",
    ),
    blockers=(
        Blocker(
            "no kubeconfig for the test cluster",
            "helm upgrade --install ingest charts/ingest -n staging --dry-run=server",
            'Error: Kubernetes cluster unreachable: Get "https://@ip@:6443/version": dial tcp @ip@:6443: i/o timeout\nhelm.go:84: [debug] Get "https://@ip@:6443/version": context deadline exceeded (Client.Timeout exceeded while awaiting headers) request @req@',
            (
                "kubectl config get-contexts",
                "kubectl cluster-info",
                "KUBECONFIG=~/.kube/staging.yaml helm ls -n staging",
                "ls ~/.kube",
                "kubectl get ns --request-timeout=30s",
                "aws eks update-kubeconfig --name staging",
                "helm upgrade --install ingest charts/ingest -n staging --dry-run=server --timeout 5m",
                "kubectl --insecure-skip-tls-verify get nodes",
            ),
            (
                (
                    "kind create cluster --name ci --wait 60s",
                    'Creating cluster "ci" ...\n ✓ Ensuring node image (kindest/node:v1.31.0) 🖼\n ✓ Ready after @secs@s 💚',
                ),
            ),
            'Release "ingest" has been upgraded. Happy Helming!\nNAME: ingest\nSTATUS: deployed\nREVISION: @n@',
        ),
        Blocker(
            "the chart registry needs a login the agent does not have",
            "helm dependency update charts/ingest",
            'Getting updates for unmanaged Helm repositories...\n...Unable to get an update from the "oci://registry.acme.io/charts" chart repository:\n\tfailed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.acme.io/service/token?scope=repository%3Acharts%2Fcommon%3Apull: 401 Unauthorized (trace @req@)\nError: can\'t get a valid version for 1 subchart(s): "common"',
            (
                "helm registry login registry.acme.io",
                "helm repo list",
                "cat ~/.config/helm/registry/config.json",
                "helm pull oci://registry.acme.io/charts/common --version 1.4.2",
                "HELM_REGISTRY_CONFIG=/tmp/reg.json helm dependency update charts/ingest",
                "helm dependency build charts/ingest",
                "docker login registry.acme.io",
                "env | grep -i helm",
            ),
            (
                (
                    "sed -i 's#oci://registry.acme.io/charts#file://../common#' charts/ingest/Chart.yaml && helm dependency update charts/ingest",
                    "Saving 1 charts\nDeleting outdated charts",
                ),
            ),
            "Charts:      1 passed, 1 total\nTests:       22 passed, 22 total",
        ),
    ),
    transient=(
        "helm dependency update charts/ingest",
        'Error: looks like "https://charts.bitnami.com/bitnami" is not a valid chart repository or cannot be reached: read tcp @ip@:@port@->@ip@:443: read: connection reset by peer',
        'Hang tight while we grab the latest from your chart repositories...\n...Successfully got an update from the "bitnami" chart repository\nSaving 2 charts\nDeleting outdated charts',
    ),
    poll=Poll(
        "helm upgrade --install ingest charts/ingest -n dev --wait=false",
        'Release "ingest" has been upgraded. Happy Helming!\nREVISION: @n@',
        "kubectl -n dev rollout status deploy/ingest --timeout=5s",
        'Waiting for deployment "ingest" rollout to finish: 1 old replicas are pending termination... (check {i}, @clock@)\nerror: timed out waiting for the condition',
        'deployment "ingest" successfully rolled out',
    ),
    bench=(
        "k6 run --quiet --vus 50 --duration 30s load/ingest.js",
        "     http_req_duration..............: avg={value}ms min=@ms@µs med=@ms@ms p(95)=@ms@ms\n     http_reqs......................: @kb@   @ms@/s",
    ),
    tune=(
        "resources.limits.cpu",
        "k6 run --quiet --vus 50 --duration 20s load/ingest.js | grep p\\(95\\)",
        "http_req_duration p(95)={value}ms (run @hex@)",
    ),
    debug=(
        "helm template ingest charts/ingest --show-only templates/hpa.yaml --set autoscaling.enabled=true",
        "# Source: ingest/templates/hpa.yaml\nspec:\n  minReplicas: {value}\n  metrics: []",
    ),
)

ECOS = {eco.name: eco for eco in (ERLANG, HELM)}

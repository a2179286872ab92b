"""Languages and toolchains the families are written in: Node/npm/jest, Go, Rust/cargo, Python, Java.

Each `Eco` knows how its commands look and what its tools print: test runs (passing, failing some
tests), compile errors, source files. The text is plausible rather than exact; what matters for
detection is that it varies the way real output varies (paths, timings, counts, stack frames).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

POOL_A = [
    "invoice",
    "ledger",
    "account",
    "payment",
    "refund",
    "customer",
    "order",
    "basket",
    "price",
    "coupon",
    "tax",
    "report",
    "export",
    "session",
    "token",
    "quota",
]
POOL_B = [
    "sensor",
    "reading",
    "gateway",
    "device",
    "firmware",
    "metric",
    "alert",
    "probe",
    "tenant",
    "shard",
    "replica",
    "volume",
    "snapshot",
    "route",
    "packet",
]


def ident(rng: random.Random, pool: tuple[str, ...] | list[str], parts: int = 2, sep: str = "_") -> str:
    return sep.join(rng.sample(list(pool), parts))


@dataclass(frozen=True)
class Eco:
    name: str
    ext: str
    src_dir: str
    test_cmds: tuple[str, ...]
    build_cmds: tuple[str, ...]
    install_cmds: tuple[str, ...]
    lint_cmds: tuple[str, ...]
    test_output: Callable[[random.Random, list[str], int], str]
    compile_error: Callable[[random.Random, str, int], str]
    function_line: Callable[[str], str]


def _jest(rng: random.Random, failing: list[str], total: int) -> str:
    lines = []
    suites = max(1, total // 4)
    for name in failing:
        lines += [
            f"  ● {name.replace('_', ' ')} › returns the expected value",
            "",
            "    expect(received).toEqual(expected) // deep equality",
            "",
            f"    Expected: {rng.randint(1, 9)}",
            "    Received: undefined",
            "",
            f"      at Object.<anonymous> (src/__tests__/{name}.test.ts:{rng.randint(10, 90)}:{rng.randint(5, 30)})",
            "",
        ]
    status = "FAIL" if failing else "PASS"
    head = [f"{status} src/__tests__/{(failing or ['main'])[0]}.test.ts ({rng.uniform(0.8, 6):.3f} s)"]
    summary = (
        f"Tests:       {len(failing)} failed, {total - len(failing)} passed, {total} total"
        if failing
        else f"Tests:       {total} passed, {total} total"
    )
    tail = [
        f"Test Suites: {1 if failing else 0} failed, {suites - (1 if failing else 0)} passed, {suites} total",
        summary,
        "Snapshots:   0 total",
        f"Time:        {rng.uniform(1, 9):.3f} s",
        "Ran all test suites.",
    ]
    return "\n".join(head + lines + tail) + "\n"


def _gotest(rng: random.Random, failing: list[str], total: int) -> str:
    lines = []
    for name in failing:
        test = "Test" + "".join(p.capitalize() for p in name.split("_"))
        lines += [
            f"--- FAIL: {test} ({rng.uniform(0, 0.2):.2f}s)",
            f"    {name}_test.go:{rng.randint(12, 80)}: got {rng.randint(0, 9)}, want {rng.randint(10, 20)}",
        ]
    if failing:
        lines += ["FAIL", f"FAIL\texample.com/app/internal/core\t{rng.uniform(0.01, 2):.3f}s", "FAIL"]
    else:
        lines += [f"ok  \texample.com/app/internal/core\t{rng.uniform(0.01, 2):.3f}s"]
    return "\n".join(lines) + "\n"


def _cargo(rng: random.Random, failing: list[str], total: int) -> str:
    lines = [
        "   Compiling app v0.3.1 (/workspace)",
        f"    Finished test [unoptimized + debuginfo] target(s) in {rng.uniform(1, 30):.2f}s",
        f"     Running unittests src/lib.rs (target/debug/deps/app-{rng.getrandbits(64):016x})",
        "",
        f"running {total} tests",
    ]
    for name in failing:
        lines.append(f"test tests::{name} ... FAILED")
    lines += [f"test tests::ok_{i} ... ok" for i in range(min(3, total - len(failing)))]
    for name in failing:
        lines += [
            "",
            f"---- tests::{name} stdout ----",
            f"thread 'tests::{name}' panicked at src/lib.rs:{rng.randint(20, 200)}:{rng.randint(5, 40)}:",
            f"assertion `left == right` failed\n  left: {rng.randint(0, 9)}\n right: {rng.randint(10, 19)}",
        ]
    result = "FAILED" if failing else "ok"
    lines += [
        "",
        f"test result: {result}. {total - len(failing)} passed; {len(failing)} failed; 0 ignored; 0 measured; "
        f"0 filtered out; finished in {rng.uniform(0, 2):.2f}s",
    ]
    if failing:
        lines.append("error: test failed, to rerun pass `--lib`")
    return "\n".join(lines) + "\n"


def _pytest(rng: random.Random, failing: list[str], total: int) -> str:
    lines = [
        "============================= test session starts ==============================",
        f"platform linux -- Python 3.12.{rng.randint(0, 4)}, pytest-8.3.2, pluggy-1.5.0",
        f"collected {total} items",
        "",
    ]
    for name in failing:
        lines += [
            f"_______________________________ test_{name} ________________________________",
            f"    assert result == {rng.randint(10, 99)}",
            f"E   assert {rng.randint(0, 9)} == {rng.randint(10, 99)}",
            f"tests/test_{name}.py:{rng.randint(5, 60)}: AssertionError",
        ]
    lines += ["=========================== short test summary info ============================"]
    lines += [f"FAILED tests/test_{name}.py::test_{name} - AssertionError" for name in failing]
    verdict = f"{len(failing)} failed, {total - len(failing)} passed" if failing else f"{total} passed"
    lines.append(f"========================= {verdict} in {rng.uniform(0.2, 9):.2f}s =========================")
    return "\n".join(lines) + "\n"


def _maven(rng: random.Random, failing: list[str], total: int) -> str:
    lines = [
        "[INFO] -------------------------------------------------------",
        "[INFO]  T E S T S",
        "[INFO] -------------------------------------------------------",
    ]
    for name in failing:
        cls = "".join(p.capitalize() for p in name.split("_")) + "Test"
        lines += [
            f"[ERROR] Tests run: {total}, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: {rng.uniform(0.1, 3):.3f} s <<< FAILURE! - in com.example.{cls}",
            f"[ERROR] com.example.{cls}.shouldWork  Time elapsed: {rng.uniform(0, 1):.3f} s  <<< FAILURE!",
            f"org.opentest4j.AssertionFailedError: expected: <{rng.randint(10, 20)}> but was: <{rng.randint(0, 9)}>",
            f"\tat com.example.{cls}.shouldWork({cls}.java:{rng.randint(20, 90)})",
        ]
    lines += ["[INFO] Results:", f"[INFO] Tests run: {total}, Failures: {len(failing)}, Errors: 0, Skipped: 0"]
    lines.append("[INFO] BUILD SUCCESS" if not failing else "[ERROR] BUILD FAILURE")
    lines.append(f"[INFO] Total time:  {rng.uniform(2, 40):.3f} s")
    return "\n".join(lines) + "\n"


def _ts_error(rng: random.Random, name: str, k: int) -> str:
    codes = [
        ("TS2339", f"Property '{name}' does not exist on type 'Record<string, unknown>'."),
        ("TS2345", "Argument of type 'string' is not assignable to parameter of type 'number'."),
        ("TS7006", f"Parameter '{name}' implicitly has an 'any' type."),
        ("TS2322", f"Type 'undefined' is not assignable to type '{name.capitalize()}'."),
        ("TS2554", f"Expected 2 arguments, but got {rng.randint(0, 1)}."),
    ]
    code, message = codes[k % len(codes)]
    return f"src/{name}.ts:{rng.randint(3, 120)}:{rng.randint(3, 40)} - error {code}: {message}\n\nFound 1 error in src/{name}.ts\n"


def _go_error(rng: random.Random, name: str, k: int) -> str:
    errs = [
        f"undefined: {name}Config",
        f"cannot use x (variable of type int) as string value in argument to {name}",
        f"{name} declared and not used",
        f"too many arguments in call to New{name.capitalize()}",
        "missing return",
    ]
    return f"# example.com/app/internal/core\ninternal/core/{name}.go:{rng.randint(5, 200)}:{rng.randint(2, 30)}: {errs[k % len(errs)]}\n"


def _rust_error(rng: random.Random, name: str, k: int) -> str:
    errs = [
        ("E0308", "mismatched types"),
        ("E0599", f"no method named `{name}` found for struct `State`"),
        ("E0502", f"cannot borrow `{name}` as mutable because it is also borrowed as immutable"),
        ("E0425", f"cannot find value `{name}` in this scope"),
        ("E0061", "this function takes 2 arguments but 1 argument was supplied"),
    ]
    code, msg = errs[k % len(errs)]
    return (
        f"   Compiling app v0.3.1 (/workspace)\nerror[{code}]: {msg}\n  --> src/{name}.rs:{rng.randint(5, 200)}:{rng.randint(2, 30)}\n"
        f"   |\n{rng.randint(5, 200)} |     let v = {name}(state);\n   |\n\nerror: could not compile `app` (lib) due to 1 previous error\n"
    )


def _py_error(rng: random.Random, name: str, k: int) -> str:
    errs = [
        f"NameError: name '{name}' is not defined",
        f"TypeError: {name}() missing 1 required positional argument: 'ctx'",
        f"AttributeError: 'NoneType' object has no attribute '{name}'",
        f"KeyError: '{name}'",
        "ValueError: too many values to unpack (expected 2)",
    ]
    return (
        f'Traceback (most recent call last):\n  File "/workspace/app/{name}.py", line {rng.randint(5, 200)}, in run\n'
        f"    return {name}(data)\n{errs[k % len(errs)]}\n"
    )


def _java_error(rng: random.Random, name: str, k: int) -> str:
    errs = [
        f"cannot find symbol\n  symbol:   variable {name}",
        "incompatible types: String cannot be converted to int",
        f"method {name} in class Service cannot be applied to given types;",
        "missing return statement",
        f"variable {name} might not have been initialized",
    ]
    return (
        f"[ERROR] COMPILATION ERROR :\n[ERROR] /workspace/src/main/java/com/example/{name.capitalize()}.java:[{rng.randint(5, 200)},"
        f"{rng.randint(2, 30)}] {errs[k % len(errs)]}\n[INFO] BUILD FAILURE\n"
    )


ECOS: dict[str, Eco] = {
    "node": Eco(
        "node",
        "ts",
        "src",
        ("npm test", "npx jest", "npm run test --", "yarn test"),
        ("npm run build", "npx tsc --noEmit", "yarn build"),
        ("npm install", "npm ci", "yarn install"),
        ("npm run lint", "npx eslint src"),
        _jest,
        _ts_error,
        lambda n: f"export function {n}(input: Input): Output {{",
    ),
    "go": Eco(
        "go",
        "go",
        "internal/core",
        ("go test ./...", "go test -v ./internal/...", "go test -count=1 ./..."),
        ("go build ./...", "go vet ./..."),
        ("go mod download", "go mod tidy", "go get ./..."),
        ("golangci-lint run", "go vet ./..."),
        _gotest,
        _go_error,
        lambda n: f"func {n.capitalize()}(ctx context.Context, in *Input) (*Output, error) {{",
    ),
    "rust": Eco(
        "rust",
        "rs",
        "src",
        ("cargo test", "cargo test --lib", "cargo test -- --nocapture"),
        ("cargo build", "cargo check"),
        ("cargo fetch", "cargo update"),
        ("cargo clippy", "cargo fmt --check"),
        _cargo,
        _rust_error,
        lambda n: f"pub fn {n}(state: &mut State) -> Result<(), Error> {{",
    ),
    "python": Eco(
        "python",
        "py",
        "app",
        ("pytest -q", "python -m pytest", "uv run pytest", "poetry run pytest"),
        ("python -m build", "uv sync"),
        ("pip install -e .", "uv pip install -r requirements.txt", "poetry install"),
        ("ruff check .", "mypy app"),
        _pytest,
        _py_error,
        lambda n: f"def {n}(data: dict) -> dict:",
    ),
    "java": Eco(
        "java",
        "java",
        "src/main/java/com/example",
        ("mvn test", "mvn -q test", "./gradlew test"),
        ("mvn package -DskipTests", "./gradlew build -x test"),
        ("mvn dependency:resolve", "./gradlew dependencies"),
        ("mvn checkstyle:check",),
        _maven,
        _java_error,
        lambda n: f"    public Result {n}(Request request) {{",
    ),
}


def source(eco: Eco, rng: random.Random, pool: tuple[str, ...] | list[str], functions: int = 4) -> str:
    lines = [f"// {ident(rng, pool, 4, ' ')}" if eco.name != "python" else f'"""{ident(rng, pool, 4, " ")}."""', ""]
    for _ in range(functions):
        name = ident(rng, pool)
        lines.append(eco.function_line(name))
        for _ in range(rng.randint(2, 6)):
            lines.append(f"    {ident(rng, pool)} = {ident(rng, pool)}({ident(rng, pool, 1)}, {rng.randint(1, 99)})")
        lines += [
            "    return result" if eco.name == "python" else "    return result;",
            "" if eco.name == "python" else "}",
            "",
        ]
    return "\n".join(lines) + "\n"

# ruff: noqa: E501
"""Loop family on dtypes: float32 input upcast somewhere on every run, each cast breaking another dtype test."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, allclose, arr, py_edit, test_step


def float32_upcast_whack_a_mole(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """float32 input must give float32 coefficients and predictions; each cast fixes one dtype test and breaks another."""
    src, tf, fit = ctx.source, ctx.test_file, ctx.fit
    body = f"def {fit}(X, y, learning_rate=0.1, max_iter=200, alpha=1e-4):\n    X = np.asarray(X)\n    coef = np.zeros(X.shape[1])\n    intercept = np.zeros(1)\n    scale = np.sqrt(X.shape[0])\n    for _ in range(max_iter):\n        resid = X @ coef + intercept - y\n        coef = coef - learning_rate * (X.T @ resid / scale + alpha * coef)\n        intercept = intercept - learning_rate * resid.mean()\n    return coef, intercept\n"
    tried = Tried()

    def dt(name: str) -> str:
        return f"dtype('{name}')"

    def fail(kind: str) -> Fail:
        if kind in ("coef32", "pred32"):
            of = "model.coef_" if kind == "coef32" else "model.predict(X32)"
            return Fail(
                ctx.case("preserves_float32"),
                f"AssertionError: assert {dt('float64')} == {dt('float32')}",
                f"assert {of}.dtype == np.float32",
                where=[f"where {dt('float64')} = {arr(rng, 3)[:-2]}, ...], dtype=float64).dtype"],
            )
        if kind == "int64":
            return Fail(
                ctx.case("int_input_upcast_to_float64"),
                f"AssertionError: assert {dt(rng.choice(['float32', 'int64']))} == {dt('float64')}",
                "assert model.coef_.dtype == np.float64",
            )
        if kind == "cast":
            return Fail(
                ctx.case("int_input_upcast_to_float64"),
                "numpy.core._exceptions._UFuncOutputCastingError: Cannot cast ufunc 'subtract' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
                f"model = {ctx.model}().fit(X.astype(np.int64), y)",
                [
                    ("fit", f"self.coef_, self.intercept_ = {fit}(X, y)"),
                    (fit, "coef -= learning_rate * (X.T @ resid / scale + alpha * coef)"),
                ],
            )
        if kind == "close":
            return Fail(
                ctx.case("float32_close_to_float64"),
                allclose(rng, rng.choice([4, 5, 8]), "1e-05", "0", big=False),
                "np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=1e-5)",
            )
        if kind == "f16":
            return Fail(
                ctx.case("float16_upcast_to_float32"),
                f"AssertionError: assert {dt('float16')} == {dt('float32')}",
                "assert model.coef_.dtype == np.float32",
            )
        return Fail(
            ctx.case("predict_float32_matches_float64"),
            allclose(rng, 10, "1e-05", "1e-06", big=False),
            "np.testing.assert_allclose(m32.predict(X32), m64.predict(X), rtol=1e-5, atol=1e-6)",
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            tf if len(fails) > 1 or ctx.django else rng.choice([tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -k 'float or dtype'", " --tb=short"]),
        )

    def zeros_like(k: int) -> list[Step]:
        return [
            Step(
                tried.say(
                    "zeros",
                    "coef starts as float64 zeros, which upcasts everything. Allocate coef and intercept with X's dtype.",
                    "Allocating with X.dtype again, now that the other casts are gone.",
                ),
                py_edit(
                    src,
                    "    coef = np.zeros(X.shape[1])\n    intercept = np.zeros(1)\n",
                    "    coef = np.zeros(X.shape[1], dtype=X.dtype)\n    intercept = np.zeros(1, dtype=X.dtype)\n",
                ),
                "patched",
            ),
            run("Run the dtype tests.", ["coef32", "int64"]),
        ]

    def astype32(k: int) -> list[Step]:
        return [
            Step(
                "Just convert the input to float32 up front; it's what the test is about.",
                py_edit(src, "    X = np.asarray(X)\n", "    X = np.asarray(X, dtype=np.float32)\n"),
                "patched",
            ),
            run("Rerun.", ["int64", rng.choice(["close", "predict_close"])]),
        ]

    def inplace(k: int) -> list[Step]:
        return [
            Step(
                "`coef = coef - ...` makes a new float64 array whenever y or the scale is float64; update in place so coef keeps its dtype.",
                py_edit(src, "        coef = coef - learning_rate * (", "        coef -= learning_rate * ("),
                "patched",
            ),
            run("Rerun.", ["cast", rng.choice(["pred32", "close"])]),
        ]

    def result_type(k: int) -> list[Step]:
        return [
            Step(
                "Use np.result_type(X, np.float32) for the working dtype: float32 stays float32, ints and float64 become float64.",
                py_edit(
                    src,
                    "    X = np.asarray(X)\n",
                    "    dtype = np.result_type(X, np.float32)\n    X = np.asarray(X, dtype=dtype)\n    y = np.asarray(y, dtype=dtype)\n",
                ),
                "patched",
            ),
            run("Rerun.", ["pred32", "close"]),
        ]

    def cast_out(k: int) -> list[Step]:
        return [
            Step(
                "Cast the results back to the input dtype on the way out.",
                py_edit(
                    src, "    return coef, intercept\n", "    return coef.astype(X.dtype), intercept.astype(X.dtype)\n"
                ),
                "patched",
            ),
            run("Rerun.", ["int64", "close"]),
        ]

    def accumulate(k: int) -> list[Step]:
        return [
            Step(
                "The float32 fit drifts from the float64 one by ~1e-4 relative; accumulate the gradient in float64 and only store float32.",
                py_edit(src, "X.T @ resid / scale", "(X.T @ resid).astype(np.float64) / scale"),
                "patched",
            ),
            run("Rerun.", ["coef32", rng.choice(["pred32", "close"])]),
        ]

    def scalars(k: int) -> list[Step]:
        return [
            Step(
                "np.sqrt returns a float64 scalar; make the scale and the learning rate float32 scalars.",
                py_edit(
                    src,
                    "    scale = np.sqrt(X.shape[0])\n",
                    "    scale = np.float32(np.sqrt(X.shape[0]))\n    learning_rate = np.float32(learning_rate)\n",
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["pred32", "coef32"]), rng.choice(["int64", "close"])]),
        ]

    def trace(k: int) -> Step:
        ops = ["X", "coef", "intercept", "scale", "resid", "grad", "coef after step"]
        out = "\n".join(f"{op:<16} {rng.choice(['float32', 'float32', 'float64'])}" for op in ops)
        return Step(
            "Let me trace the dtype after every operation for float32 input.",
            f"python - <<'EOF'\nimport numpy as np\n{ctx.data_import}\nimport {ctx.dotted} as m\n{ctx.data(100)}\nX = X.astype(np.float32)\nm.DEBUG_DTYPES = True\nm.{fit}(X, y, max_iter=1)\nEOF",
            out,
        )

    def tolerance(k: int) -> list[Step]:
        return [
            Step(
                "float32 can't match float64 to 1e-5 relative after 200 steps; relax that test to rtol=1e-3.",
                py_edit(tf, "rtol=1e-5)", "rtol=1e-3)"),
                "patched",
            ),
            run("Rerun.", ["predict_close", rng.choice(["pred32", "coef32", "int64"])]),
            Step(
                "The prediction comparison is pinned separately and still fails, so loosening one tolerance doesn't settle it. Revert the test.",
                py_edit(tf, "rtol=1e-3)", "rtol=1e-5)"),
                "patched",
            ),
        ]

    first = [
        run("Let me run the dtype tests for the estimator.", ["coef32", "pred32"]),
        Step(
            "Let me look at where the arrays are created.",
            f"grep -n 'def {fit}' -A11 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        zeros_like,
        astype32,
        inplace,
        result_type,
        cast_out,
        accumulate,
        scalars,
        lambda k: [trace(k)],
        tolerance,
    ]
    return churn(
        ctx, rng, n, first, attempts, "keeping float32 input float32 without breaking the other dtype tests", fit, body
    )

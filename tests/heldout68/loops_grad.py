# ruff: noqa: E501
"""Loop family on gradient checks: an analytic gradient off from finite differences, chased through step sizes and tolerances."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, arr, py_edit, test_step


def gradcheck_step_size_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """check_grad's error stays ~1e-2 whatever the step, the differencing or the dtype (the penalty's slice is off by one, never seen)."""
    src, tf, loss = ctx.source, ctx.test_file, ctx.loss
    grad = f"{loss}_grad" if loss.startswith("_") else f"_{loss}_grad"
    body = f"def {loss}(w, X, y, alpha):\n    z = X @ w[:-1] + w[-1]\n    return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * alpha * w[:-1] @ w[:-1]\n\n\ndef {grad}(w, X, y, alpha):\n    p = expit(X @ w[:-1] + w[-1])\n    g = np.empty_like(w)\n    g[:-1] = X.T @ (p - y) / len(y) + alpha * w[1:]\n    g[-1] = np.mean(p - y)\n    return g\n"
    tried = Tried()
    state = {"eps": "1.4901161193847656e-08", "tol": "1e-05", "extra": ""}
    base = rng.uniform(0.008, 0.05)
    nf = rng.choice([3, 4, 5, 6])

    def addr() -> str:
        return f"0x7f{rng.randrange(16**10):010x}"

    def err(scale: float = 1.0) -> str:
        return f"{base * scale * rng.uniform(0.97, 1.03):.10g}"

    def fail(kind: str, scale: float = 1.0) -> Fail:
        if kind == "check":
            e = err(scale)
            return Fail(
                ctx.case("gradient_matches_finite_differences"),
                f"AssertionError: assert {e} < {state['tol']}",
                f"assert check_grad({loss}, {grad}, w0, X, y, 0.1{state['extra']}) < {state['tol']}",
                where=[
                    f"where {e} = <function check_grad at {addr()}>(<function {loss} at {addr()}>, <function {grad} at {addr()}>, {arr(rng, nf + 1, -1, 1)}, array([[...]]), array([...]), 0.1)"
                ],
            )
        if kind == "coords":
            bad = rng.randint(max(1, nf - 2), nf)
            return Fail(
                ctx.case("gradient_per_coordinate"),
                f"AssertionError: \nNot equal to tolerance rtol=0.0001, atol=1e-06\n\nMismatched elements: {bad} / {nf + 1} ({100 * bad / (nf + 1):.3g}%)\nMax absolute difference: {base * scale * rng.uniform(0.4, 0.9):.8g}\nMax relative difference: {rng.uniform(0.05, 0.9):.8g}\n x: {arr(rng, nf + 1, -0.3, 0.3)}\n y: {arr(rng, nf + 1, -0.3, 0.3)}",
                f"np.testing.assert_allclose({grad}(w0, X, y, 0.1), numerical_grad({loss}, w0, X, y, 0.1), rtol=1e-4, atol=1e-6)",
            )
        if kind == "lbfgs":
            return Fail(
                ctx.case("lbfgs_converges"),
                f"AssertionError: L-BFGS did not converge: {rng.choice(['ABNORMAL_TERMINATION_IN_LNSRCH', 'ABNORMAL_TERMINATION_IN_LNSRCH', 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT'])}\nassert False",
                "assert res.success, 'L-BFGS did not converge: %s' % res.message",
            )
        return Fail(
            ctx.case("coef_matches_reference"),
            f"AssertionError: \nNot equal to tolerance rtol=0.001, atol=0\n\nMismatched elements: {nf} / {nf} (100%)\nMax absolute difference: {rng.uniform(0.01, 0.2):.8g}\nMax relative difference: {rng.uniform(0.02, 0.3):.8g}\n x: {arr(rng, nf)}\n y: {arr(rng, nf)}",
            "np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-3)",
        )

    def run(thought: str, kinds: list[str], scale: float = 1.0) -> Step:
        fails = [fail(k, scale) for k in kinds]
        target = tf if len(fails) > 1 or ctx.django else rng.choice([tf, f"{tf}::{fails[0].name}", tf])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " --tb=short", " -k grad"]))

    def step_size(k: int) -> list[Step]:
        new = rng.choice([v for v in ["1e-4", "1e-6", "1e-7", "1e-10", "1e-5"] if v != state["eps"]])
        old, state["eps"] = state["eps"], new
        if old.startswith("1.49"):
            edit = py_edit(tf, f"w0, X, y, 0.1{state['extra']})", f"w0, X, y, 0.1{state['extra']}, epsilon={new})")
            state["extra"] += f", epsilon={new}"
        else:
            edit = py_edit(tf, f"epsilon={old}", f"epsilon={new}")
            state["extra"] = state["extra"].replace(f"epsilon={old}", f"epsilon={new}")
        return [
            Step(
                tried.say(
                    "eps",
                    f"The default finite-difference step (~1.5e-8) may be too small for this loss; try epsilon={new}.",
                    f"Another step size: {old} -> {new}.",
                ),
                edit,
                "patched",
            ),
            run("Rerun the gradient test.", ["check"], 30.0 if new == "1e-10" else 1.0),
        ]

    def central(k: int) -> list[Step]:
        return [
            Step(
                "check_grad uses forward differences; write a central-difference check in the test helper instead.",
                py_edit(
                    tf,
                    "        g[i] = (f(w + e, *args) - f(w, *args)) / eps",
                    "        g[i] = (f(w + e, *args) - f(w - e, *args)) / (2 * eps)",
                ),
                "patched",
            ),
            run("Rerun.", ["coords", "check"]),
        ]

    def dtype64(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the test data is float32 and the difference quotient is mostly rounding. Make X, y and w0 float64 in the test.",
                py_edit(
                    tf,
                    "    w0 = rng.randn(X.shape[1] + 1)\n",
                    "    X, y = X.astype(np.float64), y.astype(np.float64)\n    w0 = rng.randn(X.shape[1] + 1).astype(np.float64)\n",
                ),
                "patched",
            ),
            run("Rerun.", ["check"]),
        ]

    def tolerance(k: int) -> list[Step]:
        state["tol"] = rng.choice(["1e-3", "1e-2", "5e-2"])
        step = run(
            "Run the module.", ["lbfgs", "reference"] if float(state["tol"]) > base * 1.05 else ["lbfgs", "check"]
        )
        tol, state["tol"] = state["tol"], "1e-05"
        return [
            Step(
                f"An error around {base:.3f} might be acceptable for a check like this; loosen the assertion to < {tol}.",
                py_edit(tf, f"0.1{state['extra']}) < 1e-05", f"0.1{state['extra']}) < {tol}"),
                "patched",
            ),
            step,
            Step(
                "The optimizer also fails with this gradient, so the tolerance isn't the problem. Put it back.",
                py_edit(tf, f"0.1{state['extra']}) < {tol}", f"0.1{state['extra']}) < 1e-05"),
                "patched",
            ),
        ]

    def mean_sum(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the loss and the gradient disagree on mean vs sum. Make the data term a sum in both.",
                py_edit(src, "np.mean(np.logaddexp(0, z) - y * z)", "np.sum(np.logaddexp(0, z) - y * z)")
                + "\n"
                + py_edit(src, "X.T @ (p - y) / len(y)", "X.T @ (p - y)"),
                "patched\npatched",
            ),
            run("Rerun.", ["check", "reference"]),
            Step(
                "Same error (and the coefficients change). Revert to means.",
                py_edit(src, "np.sum(np.logaddexp(0, z) - y * z)", "np.mean(np.logaddexp(0, z) - y * z)")
                + "\n"
                + py_edit(src, "X.T @ (p - y)", "X.T @ (p - y) / len(y)"),
                "patched\npatched",
            ),
        ]

    def sigmoid(k: int) -> list[Step]:
        return [
            Step(
                "Make the gradient use the same expression as the loss: logaddexp-based sigmoid instead of expit.",
                py_edit(
                    src,
                    "    p = expit(X @ w[:-1] + w[-1])\n",
                    "    z = X @ w[:-1] + w[-1]\n    p = np.exp(z - np.logaddexp(0, z))\n",
                ),
                "patched",
            ),
            run("Rerun.", ["check", rng.choice(["coords", "lbfgs"])]),
        ]

    def direction(k: int) -> list[Step]:
        if "direction" in state["extra"]:
            old = state["extra"]
            state["extra"] = old.replace(", direction='random', seed=0", "")
            edit = Step(
                "Random directions give the same picture; back to the full coordinate check.",
                py_edit(tf, f"0.1{old})", f"0.1{state['extra']})"),
                "patched",
            )
        else:
            old = state["extra"]
            state["extra"] += ", direction='random', seed=0"
            edit = Step(
                "Try check_grad along random directions instead of all coordinates, to see if it's one coordinate.",
                py_edit(tf, f"w0, X, y, 0.1{old})", f"w0, X, y, 0.1{state['extra']})"),
                "patched",
            )
        return [
            edit,
            run("Rerun.", ["check"], rng.uniform(0.6, 1.4)),
        ]

    def coords(k: int) -> Step:
        rows = [
            f"{i:>2} analytic={rng.uniform(-0.3, 0.3): .6f} numeric={rng.uniform(-0.3, 0.3): .6f}" for i in range(nf)
        ]
        same = rng.uniform(-0.2, 0.2)
        rows.append(f"{nf:>2} analytic={same: .6f} numeric={same + rng.uniform(-3e-9, 3e-9): .6f}")
        return Step(
            "Let me print analytic and numeric gradients per coordinate.",
            f"python - <<'EOF'\nimport numpy as np\nfrom scipy.optimize import approx_fprime\nfrom {ctx.dotted} import {loss}, {grad}\nrng = np.random.RandomState(0)\nX, y = rng.randn(50, {nf}), rng.randint(0, 2, 50)\nw = rng.randn({nf + 1})\na = {grad}(w, X, y, 0.1)\nn = approx_fprime(w, {loss}, 1e-6, X, y, 0.1)\nfor i, (u, v) in enumerate(zip(a, n)):\n    print(f'{{i:>2}} analytic={{u: .6f}} numeric={{v: .6f}}')\nEOF",
            "\n".join(rows),
        )

    first = [
        run("Let me run the gradient check for the loss I touched.", ["check"]),
        Step(
            "Let me read the loss and its gradient.",
            f"grep -n 'def {loss}' -A12 {src}",
            f"{rng.randint(20, 500)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        step_size,
        step_size,
        central,
        dtype64,
        tolerance,
        mean_sum,
        sigmoid,
        direction,
        lambda k: [coords(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "the gradient check against finite differences", grad, body)

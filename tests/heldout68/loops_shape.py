# ruff: noqa: E501
"""Loop family on shapes: a target reshaped back and forth between 1-d, 2-d and column forms."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, allclose, arr, py_edit, test_step


def target_keepdims_reshape_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A 1-d target against (n, 1) predictions broadcasts to (n, n); each reshape fixes one target shape and breaks another."""
    src, tf, fit = ctx.source, ctx.test_file, ctx.fit
    body = f"def {fit}(X, y, alpha=1.0, learning_rate=0.01, max_iter=500):\n    n_samples, n_features = X.shape\n    coef = np.zeros((n_features, 1))\n    for _ in range(max_iter):\n        pred = X @ coef\n        resid = pred - y\n        grad = X.T @ resid / n_samples + alpha * coef\n        coef -= learning_rate * grad\n    return coef\n"
    tried = Tried()
    ns = rng.choice([50, 100, 120, 150, 200])
    nf = rng.choice([3, 4, 5])
    no = rng.choice([2, 3])

    def fail(kind: str) -> Fail:
        if kind == "nonbroadcast":
            a, b = rng.choice([((nf, 1), (nf, ns)), ((nf, 1), (nf, nf)), ((nf,), (nf, nf)), ((nf, 1), (nf, no))])
            return Fail(
                ctx.case(rng.choice(["fit_1d_target", "fit", "coef_matches_lstsq"])),
                f"ValueError: non-broadcastable output operand with shape {str(a).replace(' ', '')} doesn't match the broadcast shape {str(b).replace(' ', '')}",
                f"model = {ctx.model}(alpha=0.0).fit(X, y)",
                [("fit", f"self.coef_ = {fit}(X, y, self.alpha)"), (fit, "coef -= learning_rate * grad")],
            )
        if kind == "operands":
            a, b = rng.choice(
                [
                    (f"({ns},1)", f"({ns * no},1)"),
                    (f"({ns},)", f"({ns},{no})"),
                    (f"({ns},{no})", f"({ns},)"),
                    (f"({nf},{no})", f"({nf},)"),
                ]
            )
            return Fail(
                ctx.case("fit_2d_target"),
                f"ValueError: operands could not be broadcast together with shapes {a} {b} ",
                f"model = {ctx.model}().fit(X, Y)",
                [
                    ("fit", f"self.coef_ = {fit}(X, y, self.alpha)"),
                    (
                        fit,
                        rng.choice(
                            [
                                "resid = pred - y",
                                "resid = pred.ravel() - y",
                                "grad = X.T @ resid / n_samples + alpha * coef",
                            ]
                        ),
                    ),
                ],
            )
        if kind == "matmul":
            return Fail(
                ctx.case("fit_2d_target"),
                f"ValueError: matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {ns * no} is different from {ns})",
                f"model = {ctx.model}().fit(X, Y)",
                [(fit, "grad = X.T @ resid / n_samples + alpha * coef")],
            )
        if kind == "aligned":
            return Fail(
                ctx.case("fit_2d_target"),
                f"ValueError: shapes ({nf},{ns}) and ({no},{ns}) not aligned: {ns} (dim 1) != {no} (dim 0)",
                f"model = {ctx.model}().fit(X, Y)",
                [(fit, "grad = np.dot(X.T, resid) / n_samples + alpha * coef")],
            )
        shapes = {
            "coef_shape": (
                "coef_shape",
                f"({nf}, 1)",
                f"({nf},)",
                "assert model.coef_.shape == (X.shape[1],)",
                "model.coef_",
            ),
            "predict_shape": (
                "predict_shape",
                f"({ns}, 1)",
                f"({ns},)",
                "assert model.predict(X).shape == y.shape",
                "model.predict(X)",
            ),
            "single": (
                "predict_single_sample",
                "()",
                "(1,)",
                "assert model.predict(X[:1]).shape == (1,)",
                "model.predict(X[:1])",
            ),
            "multi_coef": (
                "fit_2d_target",
                f"({nf * no},)",
                f"({nf}, {no})",
                f"assert model.coef_.shape == ({nf}, {no})",
                "model.coef_",
            ),
            "column": (
                "column_target",
                f"({ns},)",
                f"({ns}, 1)",
                "assert model.predict(X).shape == y.reshape(-1, 1).shape",
                "model.predict(X)",
            ),
        }
        if kind in shapes:
            name, got, want, code, of = shapes[kind]
            return Fail(
                ctx.case(name),
                f"AssertionError: assert {got} == {want}",
                code,
                where=[
                    f"where {got} = {arr(rng, 3)[:-2]}, ...]).shape",
                    f"  where {arr(rng, 3)[:-2]}, ...]) = <bound method {ctx.model}.predict of {ctx.model}()>(array([[...]]))"
                    if "predict" in of
                    else f"  where {arr(rng, 3)[:-2]}, ...]) = {ctx.model}().coef_",
                ],
            )
        return Fail(
            ctx.case("coef_matches_lstsq"),
            allclose(rng, nf, "1e-05"),
            "np.testing.assert_allclose(model.coef_, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-5)",
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice([tf, tf, f"{tf}::{fails[0].name}"]) if len(fails) == 1 else tf
        return test_step(
            ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " --tb=short", " -q --tb=short"])
        )

    def column(k: int) -> list[Step]:
        return [
            Step(
                tried.say(
                    "column",
                    "y is 1-d while pred is (n, 1), so `pred - y` broadcasts to (n, n). Make y a column at the start of the fit.",
                    "Making y a column again, as in the first try, but only for 1-d y.",
                ),
                py_edit(
                    src,
                    "    n_samples, n_features = X.shape\n",
                    "    n_samples, n_features = X.shape\n    y = y.reshape(-1, 1)\n",
                ),
                "patched",
            ),
            run("Rerun the shape tests.", ["coef_shape", rng.choice(["operands", "matmul"])]),
        ]

    def ravel_pred(k: int) -> list[Step]:
        return [
            Step(
                "Instead of touching y, flatten the prediction before subtracting.",
                py_edit(src, "resid = pred - y", "resid = pred.ravel() - y"),
                "patched",
            ),
            run("Rerun.", ["nonbroadcast", "operands"]),
        ]

    def flat_coef(k: int) -> list[Step]:
        return [
            Step(
                "Simpler to keep coef 1-d from the start so everything stays 1-d for the common case.",
                py_edit(src, "coef = np.zeros((n_features, 1))", "coef = np.zeros(n_features)"),
                "patched",
            ),
            run("Run the shape tests.", ["operands", rng.choice(["column", "lstsq"])]),
        ]

    def squeeze(k: int) -> list[Step]:
        return [
            Step(
                "predict should return the same shape as the 1-d y. Squeeze its output.",
                py_edit(src, "        return X @ self.coef_", "        return np.squeeze(X @ self.coef_)"),
                "patched",
            ),
            run("Rerun.", ["single", rng.choice(["column", "multi_coef", "coef_shape"])]),
        ]

    def atleast(k: int) -> list[Step]:
        return [
            Step(
                "Use np.atleast_2d on y and ravel coef at the end when y was 1-d.",
                py_edit(
                    src,
                    "    n_samples, n_features = X.shape\n",
                    "    n_samples, n_features = X.shape\n    y = np.atleast_2d(y)\n",
                )
                + "\n"
                + py_edit(src, "    return coef\n", "    return coef.ravel()\n"),
                "patched\npatched",
            ),
            run("Rerun.", [rng.choice(["aligned", "operands"]), "multi_coef"]),
        ]

    def newaxis(k: int) -> list[Step]:
        return [
            Step(
                "Add a column axis only for 1-d y and remember to drop it on the way out.",
                py_edit(
                    src,
                    "    n_samples, n_features = X.shape\n",
                    "    n_samples, n_features = X.shape\n    squeeze = y.ndim == 1\n    if squeeze:\n        y = y[:, np.newaxis]\n    coef = np.zeros((n_features, y.shape[1]))\n",
                )
                + "\n"
                + py_edit(src, "    return coef\n", "    return coef[:, 0] if squeeze else coef\n"),
                "patched\npatched",
            ),
            run("Rerun the module.", [rng.choice(["predict_shape", "single"]), rng.choice(["column", "lstsq"])]),
        ]

    def keepdims(k: int) -> list[Step]:
        return [
            Step(
                "The intercept's mean collapses the output axis; keep it with keepdims=True.",
                py_edit(
                    src,
                    "intercept = np.mean(y - X @ coef, axis=0)",
                    "intercept = np.mean(y - X @ coef, axis=0, keepdims=True)",
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["predict_shape", "coef_shape"]), "nonbroadcast"]),
        ]

    def shapes(k: int) -> Step:
        return Step(
            "Let me print the shapes of everything in one step for a 1-d and a 2-d target.",
            f"python - <<'EOF'\nimport numpy as np\nX = np.random.RandomState(0).randn({ns}, {nf})\nfor y in (X[:, 0], X[:, :{no}], X[:, :1]):\n    coef = np.zeros(({nf}, 1))\n    pred = X @ coef\n    print(y.shape, pred.shape, (pred - y).shape)\nEOF",
            f"({ns},) ({ns}, 1) ({ns}, {ns})\n({ns}, {no}) ({ns}, 1) ({ns}, {no})\n({ns}, 1) ({ns}, 1) ({ns}, 1)",
        )

    def expectations(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the shape test is stricter than the rest of the library; let the 1-d case accept a column prediction.",
                py_edit(
                    tf,
                    "assert model.predict(X).shape == y.shape",
                    "assert model.predict(X).reshape(y.shape).shape == y.shape",
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["single", "multi_coef", "lstsq"]), "column"]),
            Step(
                "That only hides the shape; the other tests still disagree. Revert the test.",
                f"git checkout -- {tf} && git status --short",
                f" M {src}",
            ),
        ]

    first = [
        run("Let me run the tests for the estimator's fit.", ["nonbroadcast", "lstsq"]),
        Step("Let me read the fitting loop.", f"grep -n 'def {fit}' -A10 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [
        column,
        ravel_pred,
        flat_coef,
        squeeze,
        atleast,
        newaxis,
        keepdims,
        lambda k: [shapes(k)],
        expectations,
    ]
    return churn(ctx, rng, n, first, attempts, "the target shapes in the fit (1-d, 2-d and column y)", fit, body)

# ruff: noqa: E501
"""Productive look-alikes: the same training trouble met once or a few times, then its cause found and the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.text import Ctx, Fail, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def shuffled_labels_realigned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Accuracy near chance, a learning rate or epochs tried once, the loss flat at log 2, the batches found shuffled apart."""
    src, tf, fit = ctx.source, ctx.test_file, ctx.fit
    case = ctx.case(rng.choice(["fit_reaches_accuracy", "converges", "score_above_threshold"]))

    def low(thought: str, lr: str = "0.1", it: str = "100") -> Step:
        score = round(rng.uniform(0.47, 0.56), 3)
        fail = Fail(
            case,
            f"AssertionError: assert {score} >= 0.9",
            "assert model.score(X, y) >= 0.9",
            where=[
                f"where {score} = <bound method {ctx.model}.score of {ctx.model}(learning_rate={lr}, max_iter={it}, random_state=0)>(array([[...]]), array([...]))"
            ],
        )
        return test_step(ctx, rng, thought, f"{tf}::{case}", [fail], rng.choice(["", " -q"]))

    steps = [low("Let me run the training test after my change.")]
    if rng.random() < 0.6:
        lr = rng.choice(["0.5", "0.01", "0.05"])
        steps += [
            Step(
                f"Accuracy is near chance. Quick check whether it's the step size: learning_rate={lr}.",
                py_edit(src, "learning_rate=0.1", f"learning_rate={lr}"),
                "patched",
            ),
            low("Rerun.", lr),
            Step(
                "No better, so it isn't the learning rate. Put it back.",
                py_edit(src, f"learning_rate={lr}", "learning_rate=0.1"),
                "patched",
            ),
        ]
    if rng.random() < 0.4:
        steps.append(
            Step(
                "Let me also try many more epochs from the command line, without editing.",
                f'python -c "{ctx.data_import}; from {ctx.dotted} import {ctx.model}; {ctx.data()}; print({ctx.model}(max_iter=2000, random_state=0).fit(X, y).score(X, y))"',
                f"{rng.uniform(0.48, 0.55):.3f}",
                seconds=rng.uniform(5, 20),
            )
        )
    loss = [f"epoch {e:3d} loss {0.6931 + rng.uniform(-0.003, 0.003):.4f}" for e in range(0, 100, 20)]
    line = rng.randint(40, 600)
    steps += [
        Step(
            "Let me watch the loss per epoch.",
            f"python - <<'EOF'\n{ctx.data_import}\nimport {ctx.dotted} as m\nm.VERBOSE = True\n{ctx.data()}\nm.{fit}(X, y, learning_rate=0.1, max_iter=100, random_state=0)\nEOF",
            "\n".join(loss),
        ),
        Step(
            "It sits at 0.693 = log 2: the model predicts 0.5 for everything, as if the labels were unrelated to the features. The batches come from _iter_minibatches; let me read it.",
            f"grep -n 'def _iter_minibatches' -A8 {src}",
            f"{line}:def _iter_minibatches(X, y, batch_size, rng):\n{line + 1}-    X = X[rng.permutation(len(X))]\n{line + 2}-    y = y[rng.permutation(len(y))]\n{line + 3}-    for start in range(0, len(X), batch_size):\n{line + 4}-        yield X[start:start + batch_size], y[start:start + batch_size]\n",
        ),
        Step(
            "X and y are shuffled with two different permutations, so every batch pairs rows with the wrong labels. Use one permutation for both.",
            py_edit(
                src,
                "    X = X[rng.permutation(len(X))]\n    y = y[rng.permutation(len(y))]\n",
                "    order = rng.permutation(len(X))\n    X, y = X[order], y[order]\n",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerun the training test.", f"{tf}::{case}"),
    ]
    if rng.random() < 0.6:
        steps.append(_green(ctx, rng, "And the whole module.", tf))
    return steps


def target_column_only_for_1d(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A broadcast error from a 1-d target, the shapes printed, maybe one reshape that breaks 2-d y, then a column only for 1-d y."""
    src, tf, fit = ctx.source, ctx.test_file, ctx.fit
    ns, nf = rng.choice([100, 150, 200]), rng.choice([3, 4, 5])
    broadcast = Fail(
        ctx.case("fit_1d_target"),
        f"ValueError: non-broadcastable output operand with shape ({nf},1) doesn't match the broadcast shape ({nf},{ns})",
        f"model = {ctx.model}(alpha=0.0).fit(X, y)",
        [("fit", f"self.coef_ = {fit}(X, y, self.alpha)"), (fit, "coef -= learning_rate * grad")],
    )
    steps = [
        test_step(ctx, rng, "Let me run the estimator tests.", tf, [broadcast]),
        Step(
            "Let me print the shapes involved.",
            f"python - <<'EOF'\nimport numpy as np\nX = np.ones(({ns}, {nf})); y = np.ones({ns})\npred = X @ np.zeros(({nf}, 1))\nprint(y.shape, pred.shape, (pred - y).shape)\nEOF",
            f"({ns},) ({ns}, 1) ({ns}, {ns})",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "pred - y broadcasts to (n, n). Reshape y to a column.",
                py_edit(
                    src,
                    "    n_samples, n_features = X.shape\n",
                    "    n_samples, n_features = X.shape\n    y = y.reshape(-1, 1)\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        ctx.case("fit_2d_target"),
                        f"ValueError: operands could not be broadcast together with shapes ({ns},1) ({ns * 2},1) ",
                        f"model = {ctx.model}().fit(X, Y)",
                        [(fit, "resid = pred - y")],
                    ),
                    Fail(
                        ctx.case("coef_shape"),
                        f"AssertionError: assert ({nf}, 1) == ({nf},)",
                        "assert model.coef_.shape == (X.shape[1],)",
                    ),
                ],
            ),
            Step(
                "reshape(-1, 1) flattens a 2-d target too, and 1-d y now gets a 2-d coef. Only add the axis for 1-d y, size coef by y's columns, and drop the axis on the way out.",
                py_edit(src, "    y = y.reshape(-1, 1)\n", ""),
                "patched",
            ),
        ]
    steps += [
        Step(
            "Give 1-d y a column axis for the computation, size coef from y, and return coef in the shape y came in.",
            py_edit(
                src,
                "    n_samples, n_features = X.shape\n    coef = np.zeros((n_features, 1))\n",
                "    n_samples, n_features = X.shape\n    squeeze = y.ndim == 1\n    if squeeze:\n        y = y[:, np.newaxis]\n    coef = np.zeros((n_features, y.shape[1]))\n",
            )
            + "\n"
            + py_edit(src, "    return coef\n", "    return coef[:, 0] if squeeze else coef\n"),
            "patched\npatched",
        ),
        _green(ctx, rng, "Rerun the estimator tests.", tf),
        Step(
            "Check the shapes by hand for 1-d and 2-d targets.",
            f'python -c "import numpy as np; from {ctx.dotted} import {ctx.model}; X = np.random.RandomState(0).randn({ns}, {nf}); [print(m.coef_.shape, m.predict(X).shape) for m in ({ctx.model}().fit(X, X[:, 0]), {ctx.model}().fit(X, X[:, :2]))]"',
            f"({nf},) ({ns},)\n({nf}, 2) ({ns}, 2)",
        ),
    ]
    return steps


def logits_max_shifted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A NaN loss with an overflow warning, maybe a lower rate tried once, the logits shifted by their row max, log-softmax for the loss."""
    src, tf, loss = ctx.source, ctx.test_file, ctx.loss
    warn = (
        "RuntimeWarning: overflow encountered in exp|e = np.exp(z)",
        f"RuntimeWarning: invalid value encountered in {ctx.divide}|return e / e.sum(axis=1, keepdims=True)",
    )

    def nan(thought: str, lr: str) -> Step:
        fail = Fail(
            ctx.case("converges"),
            f"FloatingPointError: loss is nan at epoch {rng.randint(3, 200)} (learning_rate={lr}); consider a smaller learning_rate",
            f"model = {ctx.model}(learning_rate={lr}).fit(X, Y)",
            [
                (
                    "fit",
                    "raise FloatingPointError('loss is nan at epoch %d (learning_rate=%s); consider a smaller learning_rate' % (epoch, self.learning_rate))",
                )
            ],
        )
        return test_step(ctx, rng, thought, tf, [fail], rng.choice(["", " -q"]), warn)

    steps = [nan("Let me run the classifier tests.", "0.5")]
    if rng.random() < 0.5:
        steps += [
            Step(
                "The error suggests a smaller learning rate; try 0.1 in the test to see if the NaN goes away.",
                py_edit(tf, "learning_rate=0.5", "learning_rate=0.1"),
                "patched",
            ),
            nan("Rerun.", "0.1"),
            Step(
                "Only later. exp overflowing is the real problem, not the rate. Revert the test.",
                py_edit(tf, "learning_rate=0.1", "learning_rate=0.5"),
                "patched",
            ),
        ]
    line = rng.randint(20, 300)
    steps += [
        Step(
            "Let me read the softmax.",
            f"sed -n '{line},{line + 8}p' {src}",
            f"def _softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n\n\ndef {loss}(W, X, Y):\n    P = _softmax(X @ W)\n    return -np.mean(np.sum(Y * np.log(P), axis=1))\n",
        ),
        Step(
            "exp(z) overflows once a logit passes ~709 and inf/inf is NaN. Softmax is invariant to subtracting a per-row constant, so subtract each row's max (keepdims so it broadcasts), and compute the loss from log-softmax so log(0) never happens.",
            py_edit(src, "    e = np.exp(z)\n", "    e = np.exp(z - z.max(axis=1, keepdims=True))\n")
            + "\n"
            + py_edit(
                src,
                "    P = _softmax(X @ W)\n    return -np.mean(np.sum(Y * np.log(P), axis=1))\n",
                "    Z = X @ W\n    log_P = Z - logsumexp(Z, axis=1, keepdims=True)\n    return -np.mean(np.sum(Y * log_P, axis=1))\n",
            )
            + f"\ngrep -n '^from scipy' {src} || sed -i '1i from scipy.special import logsumexp' {src}",
            "patched\npatched",
        ),
        Step(
            "Check large logits by hand.",
            f'python -c "import numpy as np; from {ctx.dotted} import _softmax; print(_softmax(np.array([[1000.0, 0.0], [-1000.0, 5.0]])))"',
            "[[1.00000000e+000 0.00000000e+000]\n [0.00000000e+000 1.00000000e+000]]",
        ),
        _green(ctx, rng, "Run the classifier tests.", tf),
    ]
    return steps

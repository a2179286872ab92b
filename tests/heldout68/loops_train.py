# ruff: noqa: E501
"""Loop family on training: a small fit in the tests that must reach an accuracy threshold and never does."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, allclose, py_edit, test_step


def training_threshold_lr_sweep(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Accuracy stuck well under the test's 0.9 whatever the learning rate, epochs, seed, scaling or init (the batches never line up)."""
    src, tf, fit = ctx.source, ctx.test_file, ctx.fit
    body = f"def {fit}(X, y, learning_rate=0.1, max_iter=100, batch_size=32, random_state=None):\n    rng = check_random_state(random_state)\n    n_samples, n_features = X.shape\n    coef = np.zeros(n_features)\n    intercept = 0.0\n    for epoch in range(max_iter):\n        for xb, yb in _iter_minibatches(X, y, batch_size, rng):\n            p = 1.0 / (1.0 + np.exp(-(xb @ coef + intercept)))\n            coef -= learning_rate * xb.T @ (p - yb) / len(yb)\n            intercept -= learning_rate * np.mean(p - yb)\n    return coef, intercept\n"
    state = {"lr": "0.1", "epochs": "100", "batch": "32", "seed": "0", "threshold": "0.9"}
    tried = Tried()
    case = ctx.case(rng.choice(["fit_reaches_accuracy", "converges", "score_above_threshold", "learns_separable"]))
    target = f"{tf}::{case}"

    def acc(lo: float = 0.48, hi: float = 0.83) -> float:
        return round(rng.uniform(lo, hi), 3)

    def fail(score: float) -> Fail:
        return Fail(
            case,
            f"AssertionError: assert {score} >= {state['threshold']}",
            f"assert model.score(X, y) >= {state['threshold']}",
            where=[
                f"where {score} = <bound method {ctx.model}.score of {ctx.model}(learning_rate={state['lr']}, max_iter={state['epochs']}, random_state={state['seed']})>(array([[{rng.uniform(-2, 2):.8f}, {rng.uniform(-2, 2):.8f}, ...]]), array([{rng.randint(0, 1)}, {rng.randint(0, 1)}, {rng.randint(0, 1)}, ..., {rng.randint(0, 1)}]))"
            ],
        )

    def run(thought: str, score: float | None = None, warnings: list[str] | None = None) -> Step:
        score = acc() if score is None else score
        t = rng.choice([target, target, tf]) if not ctx.django else target
        return test_step(
            ctx, rng, thought, t, [fail(score)], rng.choice(["", " -x", " -q", " --tb=short"]), warnings or []
        )

    overflow = "RuntimeWarning: overflow encountered in exp|p = 1.0 / (1.0 + np.exp(-(xb @ coef + intercept)))"

    def lr(k: int) -> list[Step]:
        new = rng.choice([v for v in ["0.01", "0.05", "0.3", "0.5", "1.0", "2.0", "0.2"] if v != state["lr"]])
        old, state["lr"] = state["lr"], new
        big = float(new) >= 1.0
        if float(new) > float(old):
            thought = tried.say(
                "lr",
                f"The model may just be under-trained at learning_rate={old}. Let me try {new}.",
                f"Back to the learning rate once more: {old} -> {new}.",
            )
        else:
            thought = tried.say(
                "lr",
                f"Maybe learning_rate={old} is too large and SGD oscillates. Try {new}.",
                f"Back to the learning rate once more, smaller this time: {old} -> {new}.",
            )
        return [
            Step(thought, py_edit(src, f"learning_rate={old}", f"learning_rate={new}"), "patched"),
            run("Rerun the training test.", acc(0.49, 0.56) if big else acc(), [overflow] if big else None),
        ]

    def epochs(k: int) -> list[Step]:
        new = rng.choice([v for v in ["300", "500", "1000", "2000", "5000"] if v != state["epochs"]])
        old, state["epochs"] = state["epochs"], new
        step = run("Rerun the training test.", acc(0.6, 0.82))
        step.seconds = rng.uniform(6, 40)
        return [
            Step(
                tried.say(
                    "epochs",
                    f"Maybe it needs more passes; max_iter {old} -> {new}.",
                    f"Train longer once more, max_iter {old} -> {new}.",
                )
                if int(new) > int(old)
                else f"Fewer passes, in case it overshoots late in training: max_iter {old} -> {new}.",
                py_edit(src, f"max_iter={old}", f"max_iter={new}"),
                "patched",
            ),
            step,
        ]

    def seed(k: int) -> list[Step]:
        new = rng.choice([v for v in ["1", "7", "42", "123", "2024"] if v != state["seed"]])
        old, state["seed"] = state["seed"], new
        return [
            Step(
                tried.say(
                    "seed",
                    f"Maybe random_state={old} just gives an unlucky split/initialisation. Try random_state={new} in the test to see how sensitive it is.",
                    f"Another seed in the test: random_state={old} -> {new}.",
                ),
                py_edit(tf, f"random_state={old}", f"random_state={new}", None),
                "patched",
            ),
            run("Rerun with the other seed.", acc(0.55, 0.84)),
        ]

    def scale(k: int) -> list[Step]:
        if "scale" in tried.seen:
            thought = "Standardising didn't get there; try min-max scaling of the features instead."
            edit = py_edit(
                src,
                "    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-12)\n",
                "    X = (X - X.min(axis=0)) / (np.ptp(X, axis=0) + 1e-12)\n",
            )
        else:
            tried.seen.append("scale")
            thought = "The features aren't standardised; gradient descent converges badly on unscaled inputs. Standardise X inside the fit."
            edit = py_edit(
                src,
                "    n_samples, n_features = X.shape\n",
                "    n_samples, n_features = X.shape\n    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-12)\n",
            )
        return [Step(thought, edit, "patched"), run("Rerun the training test.", acc(0.62, 0.8))]

    def init(k: int) -> list[Step]:
        new = rng.choice(
            [
                "rng.normal(scale=0.01, size=n_features)",
                "rng.uniform(-0.1, 0.1, size=n_features)",
                "np.full(n_features, 0.01)",
            ]
        )
        return [
            Step(
                f"Zero initialisation could leave it stuck near the decision boundary. Initialise with `{new}`.",
                py_edit(src, "coef = np.zeros(n_features)", f"coef = {new}"),
                "patched",
            ),
            run("Rerun.", acc()),
        ]

    def batch(k: int) -> list[Step]:
        new = rng.choice([v for v in ["8", "16", "64", "n_samples"] if v != state["batch"]])
        old, state["batch"] = state["batch"], new
        return [
            Step(
                f"Mini-batches of {old} may be too noisy (or too coarse). Try batch_size={new}.",
                py_edit(src, f"batch_size={old}", f"batch_size={new}")
                if new != "n_samples"
                else py_edit(src, "_iter_minibatches(X, y, batch_size, rng)", "_iter_minibatches(X, y, len(X), rng)"),
                "patched",
            ),
            run("Rerun the training test.", acc(0.5, 0.79)),
        ]

    def curve(k: int) -> Step:
        loss = rng.uniform(0.66, 0.7)
        lines = [
            f"epoch {e:4d} loss {loss + rng.uniform(-0.012, 0.012):.4f}"
            for e in range(0, int(state["epochs"]), max(1, int(state["epochs"]) // rng.randint(6, 10)))
        ]
        return Step(
            rng.choice(
                [
                    "Let me print the loss per epoch to see whether it is still going down.",
                    "Is the loss decreasing at all? Print it every few epochs.",
                ]
            ),
            f"python - <<'EOF'\n{ctx.data_import}\nimport {ctx.dotted} as m\nm.VERBOSE = True\n{ctx.data(seed=int(state['seed']))}\nm.{fit}(X, y, learning_rate={state['lr']}, max_iter={state['epochs']}, random_state={state['seed']})\nEOF",
            "\n".join(lines),
            seconds=rng.uniform(2, 12),
        )

    def sweep(k: int) -> Step:
        lrs = rng.sample(["0.001", "0.01", "0.03", "0.1", "0.3", "1.0", "3.0"], 4)
        its = rng.sample(["100", "300", "1000", "3000"], 2)
        script = f"cat > sweep.py <<'EOF'\nimport itertools\n{ctx.data_import}\nfrom {ctx.dotted} import {ctx.model}\n{ctx.data()}\nfor lr, it in itertools.product([{', '.join(lrs)}], [{', '.join(its)}]):\n    m = {ctx.model}(learning_rate=lr, max_iter=it, random_state={state['seed']}).fit(X, y)\n    print(f'lr={{lr:<6}} max_iter={{it:<5}} acc={{m.score(X, y):.3f}}')\nEOF\npython sweep.py"
        if rng.random() < 0.25:
            return Step(
                "Let me sweep learning rate and epochs together to find a setting that clears 0.9.",
                script,
                "lr=" + lrs[0] + f"    max_iter={its[0]:<5} acc={acc():.3f}\n",
                timed_out=True,
                seconds=rng.uniform(60, 120),
            )
        rows = [f"lr={a:<6} max_iter={b:<5} acc={acc(0.47, 0.84):.3f}" for a in lrs for b in its]
        return Step(
            tried.say(
                "sweep",
                "Let me sweep learning rate and epochs together to find a setting that clears 0.9.",
                "Sweep again around the best of the last one.",
            ),
            script,
            "\n".join(rows),
            seconds=rng.uniform(8, 50),
        )

    def threshold(k: int) -> list[Step]:
        low = rng.choice(["0.75", "0.7", "0.8"])
        state["threshold"] = low
        other = ctx.case(rng.choice(["matches_reference_coef", "predict_proba_calibrated", "coef_close_to_lbfgs"]))
        step = test_step(
            ctx,
            rng,
            "Run the module.",
            tf,
            [
                Fail(
                    other,
                    allclose(rng, 4, "0.1", "0"),
                    "np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0.1)",
                )
            ],
            rng.choice(["", " -q"]),
        )
        state["threshold"] = "0.9"
        return [
            Step(
                tried.say(
                    "threshold",
                    f"To see whether anything else is wrong, temporarily lower the threshold to {low}.",
                    f"Lower the threshold to {low} once more, only to see the rest of the module with the current changes.",
                ),
                py_edit(tf, ">= 0.9", f">= {low}"),
                "patched",
            ),
            step,
            Step(
                f"{other} still shows the learned coefficients are far from the reference, so lowering the bar hides a real problem. Revert the test change.",
                py_edit(tf, f">= {low}", ">= 0.9"),
                "patched",
            ),
        ]

    def momentum(k: int) -> list[Step]:
        mu = rng.choice([v for v in ["0.9", "0.5", "0.99"] if v != state.get("mu")])
        unstable = mu == "0.99"
        if "mu" in state:
            old, state["mu"] = state["mu"], mu
            return [
                Step(
                    f"Momentum {old} didn't help; try {mu}.",
                    py_edit(src, f"velocity = {old} * velocity", f"velocity = {mu} * velocity"),
                    "patched",
                ),
                run("Rerun.", acc(0.49, 0.6) if unstable else acc(), [overflow] if unstable else None),
            ]
        state["mu"] = mu
        return [
            Step(
                f"Plain SGD may be too slow here; add momentum ({mu}).",
                py_edit(
                    src,
                    "            coef -= learning_rate * xb.T @ (p - yb) / len(yb)",
                    f"            velocity = {mu} * velocity - learning_rate * xb.T @ (p - yb) / len(yb)\n            coef += velocity",
                )
                + "\n"
                + py_edit(src, "    intercept = 0.0\n", "    intercept = 0.0\n    velocity = np.zeros(n_features)\n"),
                "patched\npatched",
            ),
            run("Rerun.", acc(0.49, 0.6) if unstable else acc(), [overflow] if unstable else None),
        ]

    first = [
        run("Let me run the training test I touched."),
        Step("Let me read the training loop.", f"grep -n 'def {fit}' -A14 {src}", f"{rng.randint(40, 600)}:" + body),
        Step(
            "And how the test sets it up.",
            f"grep -n -B2 -A8 'def {case}' {tf}",
            f"{rng.randint(20, 300)}:def {case}():\n    {ctx.data()}\n    model = {ctx.model}(learning_rate=0.1, max_iter=100, random_state=0).fit(X, y)\n    assert model.score(X, y) >= 0.9\n",
        ),
    ]
    if ctx.django:
        first[2].output = (
            first[2]
            .output.replace("def ", "    def ")
            .replace("():", "(self):")
            .replace("\n    ", "\n        ")
            .replace("assert model.score(X, y) >= 0.9", "self.assertGreaterEqual(model.score(X, y), 0.9)")
        )
    attempts: list[Attempt] = [
        lr,
        lr,
        epochs,
        seed,
        scale,
        init,
        batch,
        lambda k: [curve(k)],
        lambda k: [sweep(k)],
        threshold,
        momentum,
    ]
    return churn(ctx, rng, n, first, attempts, "getting the training test over its accuracy threshold", fit, body)

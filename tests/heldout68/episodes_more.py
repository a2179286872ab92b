# ruff: noqa: E501
"""Productive look-alikes on seeds, modes and gradients: met once or twice, the cause found, the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.episodes import _green
from heldout68.text import Ctx, Fail, allclose, arr, py_edit, test_step


def random_state_threaded_through(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two fits with one random_state differ, twice; grep finds a helper on the global RNG; the fit's RandomState passed down."""
    src, tf, model = ctx.source, ctx.test_file, ctx.model
    nf = rng.choice([3, 4, 5])
    case = ctx.case("same_random_state_same_coef")

    def differ(thought: str) -> Step:
        bad = rng.randint(1, nf)
        error = f"AssertionError: \nArrays are not equal\n\nMismatched elements: {bad} / {nf} ({100 * bad / nf:.3g}%)\nMax absolute difference: {rng.uniform(0.001, 0.2):.8g}\nMax relative difference: {rng.uniform(0.01, 2):.8g}\n x: {arr(rng, nf, -1, 1)}\n y: {arr(rng, nf, -1, 1)}"
        return test_step(
            ctx,
            rng,
            thought,
            f"{tf}::{case}",
            [
                Fail(
                    case,
                    error,
                    f"np.testing.assert_array_equal({model}(random_state=0).fit(X, y).coef_, {model}(random_state=0).fit(X, y).coef_)",
                )
            ],
            rng.choice(["", " -q"]),
        )

    steps = [differ("Let me run the reproducibility test.")]
    if rng.random() < 0.6:
        steps.append(differ("Run it again; are the differences the same each time?"))
    line = rng.randint(30, 600)
    steps += [
        Step(
            "Different numbers each run, so something draws from an unseeded source. Look for the global numpy RNG in the module.",
            f"grep -n 'np.random\\.' {src}",
            f"{line}:    order = np.random.permutation(n_samples) if shuffle else np.arange(n_samples)\n"
            + rng.choice(["", f"{line + rng.randint(40, 200)}:    >>> X = np.random.RandomState(0).randn(20, {nf})\n"]),
        ),
        Step(
            "_batches shuffles with np.random, outside the estimator's RandomState. Pass the fit's rng to it.",
            py_edit(
                src,
                "    order = np.random.permutation(n_samples) if shuffle else np.arange(n_samples)",
                "    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)",
            )
            + "\n"
            + py_edit(
                src,
                "def _batches(n_samples, batch_size, shuffle=True):",
                "def _batches(n_samples, batch_size, rng, shuffle=True):",
            )
            + "\n"
            + py_edit(
                src,
                "_batches(len(X), self.batch_size, shuffle=self.shuffle)",
                "_batches(len(X), self.batch_size, rng, shuffle=self.shuffle)",
            ),
            "patched\npatched\npatched",
        ),
        Step(
            "Any other callers of _batches?",
            f"grep -rn '_batches(' {ctx.run.package} | grep -v 'def _batches'",
            f"{src}:{line + rng.randint(50, 150)}:            for idx in _batches(len(X), self.batch_size, rng, shuffle=self.shuffle):",
        ),
    ]
    cmd = ctx.tests(tf, " 2>&1 | grep -E '^(OK|FAILED)'" if ctx.django else " -q 2>&1 | tail -1").removeprefix(
        "cd tests && "
    )
    steps.append(
        Step(
            "Run the module three times to be sure it's stable now.",
            f"{'cd tests && ' if ctx.django else ''}for i in 1 2 3; do {cmd}; done",
            "\n".join(
                f"{ctx.n_tests} passed in {rng.uniform(1, 8):.2f}s" if not ctx.django else "OK" for _ in range(3)
            ),
            seconds=rng.uniform(5, 25),
        )
    )
    return steps


def predict_switches_to_eval(ctx: Ctx, rng: random.Random) -> list[Step]:
    """predict() nondeterministic; layers switched to eval and restored; maybe BatchNorm's `if self.train:` found; green."""
    src, tf = ctx.source, ctx.test_file
    line = rng.randint(200, 700)
    det = Fail(
        ctx.case("predict_is_deterministic"),
        allclose(rng, 32, "0", "0").replace("Not equal to tolerance rtol=0, atol=0", "Arrays are not equal"),
        "np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))",
    )
    steps = [
        test_step(ctx, rng, "Let me run the network tests.", tf, [det]),
        Step(
            "predict_proba isn't deterministic; dropout must still be on. Let me look at it.",
            f"sed -n '{line},{line + 4}p' {src}",
            "    def predict_proba(self, X):\n        return _softmax(self._forward(X))\n",
        ),
        Step(
            "Nothing switches the layers to eval. Put each layer in eval for the forward pass and restore each one's previous mode afterwards.",
            py_edit(
                src,
                "        return _softmax(self._forward(X))\n",
                "        modes = [layer.training for layer in self.layers]\n        for layer in self.layers:\n            layer.train(False)\n        try:\n            return _softmax(self._forward(X))\n        finally:\n            for layer, mode in zip(self.layers, modes):\n                layer.train(mode)\n",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        ctx.case("eval_keeps_running_stats"),
                        "AssertionError: assert False",
                        "assert np.array_equal(bn.running_mean, before)",
                        where=[
                            f"where False = <function array_equal at 0x7f{rng.randrange(16**10):010x}>({arr(rng, 4)}, {arr(rng, 4)})"
                        ],
                    )
                ],
            ),
            Step(
                "BatchNorm still updates its running stats in eval. Let me read its forward.",
                f"grep -n 'class BatchNorm' -A5 {src}",
                f"{rng.randint(60, 200)}:class BatchNorm(Layer):\n    def forward(self, x):\n        if self.train:\n            mean, var = x.mean(axis=0), x.var(axis=0)\n",
            ),
            Step(
                "`self.train` is the method, always truthy, so BatchNorm always uses batch statistics. It should test `self.training`.",
                py_edit(
                    src,
                    "        if self.train:\n            mean, var = x.mean(axis=0), x.var(axis=0)",
                    "        if self.training:\n            mean, var = x.mean(axis=0), x.var(axis=0)",
                ),
                "patched",
            ),
        ]
    steps.append(_green(ctx, rng, "Run the network tests again.", tf))
    return steps


def penalty_gradient_isolated(ctx: Ctx, rng: random.Random) -> list[Step]:
    """check_grad off by ~1e-2, maybe one step size tried, alpha=0 passes, the penalty's slice found off by one."""
    src, tf, loss = ctx.source, ctx.test_file, ctx.loss
    grad = f"{loss}_grad" if loss.startswith("_") else f"_{loss}_grad"
    base = rng.uniform(0.008, 0.05)
    case = ctx.case("gradient_matches_finite_differences")
    fail = Fail(
        case, f"AssertionError: assert {base:.10g} < 1e-05", f"assert check_grad({loss}, {grad}, w0, X, y, 0.1) < 1e-05"
    )
    steps = [test_step(ctx, rng, "Let me run the gradient check.", f"{tf}::{case}", [fail])]
    probe = f"python - <<'EOF'\nimport numpy as np\nfrom scipy.optimize import check_grad\nfrom {ctx.dotted} import {loss}, {grad}\nrng = np.random.RandomState(0)\nX, y = rng.randn(50, 4), rng.randint(0, 2, 50)\nw = rng.randn(5)\nfor alpha in (0.0, 0.1, 1.0):\n    print(alpha, check_grad({loss}, {grad}, w, X, y, alpha))\nEOF"
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Is it the finite-difference step? Try two step sizes by hand.",
                f'python -c "import numpy as np; from scipy.optimize import check_grad; from {ctx.dotted} import {loss}, {grad}; r = np.random.RandomState(0); X, y, w = r.randn(50, 4), r.randint(0, 2, 50), r.randn(5); print([check_grad({loss}, {grad}, w, X, y, 0.1, epsilon=e) for e in (1e-4, 1e-7)])"',
                f"[{base * 1.01:.10g}, {base * 0.99:.10g}]",
            )
        )
    steps += [
        Step(
            "The error doesn't depend on the step, so the analytic gradient is wrong somewhere. Vary alpha to separate the data term from the penalty.",
            probe,
            f"0.0 {rng.uniform(1e-8, 6e-8):.10g}\n0.1 {base:.10g}\n1.0 {base * 10 * rng.uniform(0.98, 1.02):.10g}",
        ),
        Step(
            "Exact at alpha=0 and growing with alpha: the penalty's gradient is wrong. Let me read it.",
            f"grep -n 'def {grad}' -A6 {src}",
            f"{rng.randint(40, 500)}:def {grad}(w, X, y, alpha):\n    p = expit(X @ w[:-1] + w[-1])\n    g = np.empty_like(w)\n    g[:-1] = X.T @ (p - y) / len(y) + alpha * w[1:]\n    g[-1] = np.mean(p - y)\n    return g\n",
        ),
        Step(
            "The penalty is on w[:-1] (the intercept is last), but its gradient uses w[1:], shifted by one. Fix the slice.",
            py_edit(src, "alpha * w[1:]", "alpha * w[:-1]"),
            "patched",
        ),
        Step(
            "Same check by hand.",
            probe,
            f"0.0 {rng.uniform(1e-8, 6e-8):.10g}\n0.1 {rng.uniform(1e-8, 6e-8):.10g}\n1.0 {rng.uniform(1e-8, 9e-8):.10g}",
        ),
        _green(ctx, rng, "Run the gradient tests and the rest of the module.", tf),
    ]
    return steps

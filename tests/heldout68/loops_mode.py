# ruff: noqa: E501
"""Loop family on train and eval modes: predictions that still depend on the batch after every switch to eval."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, allclose, arr, py_edit, test_step


def dropout_eval_mode_leak(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """predict() must run the layers in eval mode and restore them; BatchNorm tests `self.train` (a method, always true), never seen."""
    src, tf, model = ctx.source, ctx.test_file, ctx.model
    body = "class BatchNorm(Layer):\n    def forward(self, x):\n        if self.train:\n            mean, var = x.mean(axis=0), x.var(axis=0)\n            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mean\n            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var\n        else:\n            mean, var = self.running_mean, self.running_var\n        return self.gamma * (x - mean) / np.sqrt(var + self.eps) + self.beta\n"
    predict = "    def predict(self, X):\n        return self._forward(X).argmax(axis=1)\n"
    tried = Tried()
    state = {"layers": False}
    gen_error = (
        "TypeError: 'generator' object does not support the context manager protocol"
        if ctx.python >= "3.11"
        else "AttributeError: __enter__"
    )

    def addr() -> str:
        return f"0x7f{rng.randrange(16**10):010x}"

    def fail(kind: str) -> Fail:
        k = rng.choice([16, 32, 64, 100])
        if kind == "deterministic":
            return Fail(
                ctx.case("predict_is_deterministic"),
                allclose(rng, k, "0", "0").replace("Not equal to tolerance rtol=0, atol=0", "Arrays are not equal"),
                "np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))",
            )
        if kind == "batch":
            return Fail(
                ctx.case("predict_batch_independent"),
                allclose(rng, rng.choice([4, 8, 10]), "1e-07", "1e-09"),
                "np.testing.assert_allclose(one_by_one, model.predict_proba(X[:10]), rtol=1e-7, atol=1e-9)",
            )
        if kind == "running":
            return Fail(
                ctx.case("eval_keeps_running_stats"),
                "AssertionError: assert False",
                "assert np.array_equal(bn.running_mean, before)",
                where=[
                    f"where False = <function array_equal at {addr()}>({arr(rng, 4)}, {arr(rng, 4)})",
                    "  where <function array_equal at 0x7f...> = np.array_equal",
                ],
            )
        if kind == "restored":
            return Fail(
                ctx.case("mode_restored_after_predict"),
                "AssertionError: assert False is True",
                "assert layer.training is True",
                where=[f"where False = <{ctx.dotted}.Dropout object at {addr()}>.training"],
            )
        if kind == "frozen":
            return Fail(
                ctx.case("frozen_layer_stays_eval"),
                "AssertionError: assert True is False",
                "assert model.layers[1].training is False",
                where=[f"where True = <{ctx.dotted}.BatchNorm object at {addr()}>.training"],
            )
        if kind == "masks":
            return Fail(
                ctx.case("dropout_masks_differ_between_steps"),
                "AssertionError: assert not True",
                "assert not np.array_equal(first, second)",
                where=[
                    f"where True = <function array_equal at {addr()}>({arr(rng, 4, 0, 2, 4)}, {arr(rng, 4, 0, 2, 4)})"
                ],
            )
        if kind == "expectation":
            return Fail(
                ctx.case("dropout_expectation"),
                allclose(rng, rng.choice([8, 16]), "0.05", "0"),
                "np.testing.assert_allclose(out.mean(axis=0), x.mean(axis=0), rtol=0.05)",
            )
        if kind == "callable":
            return Fail(
                ctx.case(rng.choice(["fit", "partial_fit", "early_stopping"])),
                "TypeError: 'bool' object is not callable",
                f"{model}(random_state=0).fit(X, y)",
                [("fit", "layer.train()")],
            )
        if kind == "generator":
            return Fail(
                ctx.case("predict_is_deterministic"),
                gen_error,
                "model.predict_proba(X)",
                [("predict_proba", "with self._eval_mode():")],
            )
        return Fail(
            ctx.case("early_stopping"),
            f"AssertionError: assert {rng.uniform(0.5, 0.7):.3f} >= 0.85",
            "assert model.score(X_val, y_val) >= 0.85",
            where=[f"where ... = <bound method {model}.score of {model}(early_stopping=True)>(...)"],
        )

    def run(thought: str, kinds: list[str], target: str = "") -> Step:
        extra = rng.choice(["", " -q", " -x", " --tb=short", " -k 'predict or mode or eval'"])
        return test_step(
            ctx, rng, thought, target or tf, [fail(k) for k in kinds], "" if target and "-k" in extra else extra
        )

    def top_only(k: int) -> list[Step]:
        return [
            Step(
                "predict() never leaves training mode, so dropout is still active at inference. Switch the model to eval in predict.",
                py_edit(
                    src, "    def predict(self, X):\n", "    def predict(self, X):\n        self.training = False\n"
                ),
                "patched",
            ),
            run("Rerun the mode tests.", ["deterministic", "batch", rng.choice(["restored", "running"])]),
        ]

    def all_layers(k: int) -> list[Step]:
        if state["layers"]:
            return save_restore(k)
        state["layers"] = True
        return [
            Step(
                tried.say(
                    "layers",
                    "The flag on the model isn't propagated to the layers. Set every layer to eval for the forward pass and back to training afterwards.",
                    "Back to switching every layer explicitly, in a try/finally this time.",
                ),
                py_edit(
                    src,
                    "        return self._forward(X).argmax(axis=1)",
                    "        for layer in self.layers:\n            layer.training = False\n        try:\n            return self._forward(X).argmax(axis=1)\n        finally:\n            for layer in self.layers:\n                layer.training = True",
                ),
                "patched",
            ),
            run("Rerun.", ["frozen", "batch", *rng.sample(["running", "deterministic"], rng.randint(0, 1))]),
        ]

    def save_restore(k: int) -> list[Step]:
        if not state["layers"]:
            state["layers"] = True
            edit = py_edit(
                src,
                "        return self._forward(X).argmax(axis=1)",
                "        modes = [layer.training for layer in self.layers]\n        for layer in self.layers:\n            layer.training = False\n        try:\n            return self._forward(X).argmax(axis=1)\n        finally:\n            for layer, mode in zip(self.layers, modes):\n                layer.training = mode",
            )
            thought = "predict must put every layer in eval and then restore exactly the mode each layer had (a frozen layer stays in eval). Do that with a try/finally."
        else:
            edit = (
                py_edit(
                    src,
                    "        for layer in self.layers:\n            layer.training = False\n",
                    "        modes = [layer.training for layer in self.layers]\n        for layer in self.layers:\n            layer.training = False\n",
                )
                + "\n"
                + py_edit(
                    src,
                    "            for layer in self.layers:\n                layer.training = True",
                    "            for layer, mode in zip(self.layers, modes):\n                layer.training = mode",
                )
            )
            thought = (
                "A layer that was already in eval must stay in eval. Save each layer's mode and restore exactly that."
            )
        return [
            Step(thought, edit, "patched" if edit.count("EOF") == 2 else "patched\npatched"),
            run("Run the mode tests again.", ["batch", "running"]),
        ]

    def method_flag(k: int) -> list[Step]:
        return [
            Step(
                "Layer has a train() method like torch's; maybe I should use it instead of the attribute. Set `layer.train = False` for eval.",
                py_edit(src, "layer.training = False", "layer.train = False", None)
                if state["layers"]
                else py_edit(
                    src,
                    "    def predict(self, X):\n",
                    "    def predict(self, X):\n        for layer in self.layers:\n            layer.train = False\n",
                ),
                "patched",
            ),
            run("Rerun.", ["callable", rng.choice(["batch", "deterministic"])]),
            Step(
                "That shadowed the train() method with a bool. Undo it.",
                py_edit(src, "layer.train = False", "layer.training = False", None)
                if state["layers"]
                else py_edit(src, "        for layer in self.layers:\n            layer.train = False\n", ""),
                "patched",
            ),
        ]

    def context(k: int) -> list[Step]:
        state["layers"] = True
        return [
            Step(
                "Cleaner: a context manager that puts every layer in eval and restores the previous modes, used by predict and predict_proba.",
                f"cat >> {src} <<'EOF'\n\n    def _eval_mode(self):\n        modes = [layer.training for layer in self.layers]\n        for layer in self.layers:\n            layer.training = False\n        try:\n            yield\n        finally:\n            for layer, mode in zip(self.layers, modes):\n                layer.training = mode\nEOF\n"
                + py_edit(
                    src,
                    "        return self._forward(X)",
                    "        with self._eval_mode():\n            return self._forward(X)",
                    None,
                ),
                "patched",
            ),
            run("Run the tests.", ["generator"]),
            Step(
                "Forgot @contextmanager on the generator.",
                py_edit(src, "    def _eval_mode(self):", "    @contextlib.contextmanager\n    def _eval_mode(self):")
                + f"\nsed -i '1i import contextlib' {src}",
                "patched",
            ),
            run("Rerun.", ["batch", "running"]),
        ]

    def seeded(k: int) -> list[Step]:
        return [
            Step(
                "The differences may still come from dropout masks. Reseed the dropout RNG at the start of every forward pass so they are reproducible.",
                py_edit(
                    src,
                    "        mask = self._rng.binomial(1, 1 - self.p, size=x.shape)",
                    "        self._rng = check_random_state(self.random_state)\n        mask = self._rng.binomial(1, 1 - self.p, size=x.shape)",
                ),
                "patched",
            ),
            run("Rerun.", ["masks", "batch"]),
        ]

    def scaling(k: int) -> list[Step]:
        return [
            Step(
                "Maybe it is the dropout scaling: switch from inverted dropout to scaling by (1 - p) at inference.",
                py_edit(src, "        return x * mask / (1 - self.p)", "        return x * mask")
                + "\n"
                + py_edit(
                    src,
                    "        if not self.training:\n            return x",
                    "        if not self.training:\n            return x * (1 - self.p)",
                ),
                "patched\npatched",
            ),
            run("Rerun.", ["expectation", "batch"]),
            Step(
                "The expectation test pins inverted dropout. Put it back.",
                py_edit(src, "        return x * mask\n", "        return x * mask / (1 - self.p)\n")
                + "\n"
                + py_edit(src, "            return x * (1 - self.p)", "            return x"),
                "patched\npatched",
            ),
        ]

    def probe(k: int) -> Step:
        modes = ", ".join(f"('{name}', {not state['layers']})" for name in ["Dense", "BatchNorm", "Dropout", "Dense"])
        return Step(
            "Let me check the layer modes during predict and compare one-by-one with batched predictions by hand.",
            f"python - <<'EOF'\nimport numpy as np\n{ctx.data_import}\nfrom {ctx.dotted} import {model}\n{ctx.data(64)}\nm = {model}(random_state=0).fit(X, y)\norig = m._forward\ndef spy(X):\n    print([(type(l).__name__, l.training) for l in m.layers])\n    return orig(X)\nm._forward = spy\na = m.predict_proba(X[:4])\nb = np.vstack([m.predict_proba(X[i:i + 1]) for i in range(4)])\nprint(np.abs(a - b).max())\nEOF",
            f"[{modes}]\n" + "".join(f"[{modes}]\n" for _ in range(4)) + f"{rng.uniform(0.02, 0.4):.6f}",
        )

    def loosen(k: int) -> list[Step]:
        return [
            Step(
                "All layers report eval, so the remaining difference may be float noise. Loosen the batch-independence tolerance to see."
                if state["layers"]
                else "Maybe the batch-independence test is just too strict for float arithmetic. Loosen its tolerance to see.",
                py_edit(tf, "rtol=1e-7, atol=1e-9", "rtol=1e-4, atol=1e-6"),
                "patched",
            ),
            run("Rerun.", ["batch"], f"{tf}::{ctx.case('predict_batch_independent')}"),
            Step(
                "Differences of that size aren't noise. Revert the tolerance.",
                py_edit(tf, "rtol=1e-4, atol=1e-6", "rtol=1e-7, atol=1e-9"),
                "patched",
            ),
        ]

    first = [
        run("Let me run the tests for the network's predict path.", ["deterministic", "batch", "running"]),
        Step("Let me look at predict.", f"grep -n 'def predict' -A3 {src}", f"{rng.randint(200, 700)}:" + predict),
        Step(
            "And the layers' modes.",
            f"grep -n 'training\\|def train\\|def eval' {src}",
            f"{rng.randint(20, 60)}:        self.training = True\n{rng.randint(60, 90)}:    def train(self, mode=True):\n{rng.randint(90, 100)}:        self.training = mode\n{rng.randint(100, 120)}:    def eval(self):\n{rng.randint(120, 200)}:        if not self.training:\n",
        ),
    ]
    attempts: list[Attempt] = [
        top_only,
        all_layers,
        save_restore,
        method_flag,
        context,
        seeded,
        scaling,
        lambda k: [probe(k)],
        loosen,
    ]
    return churn(ctx, rng, n, first, attempts, "predictions that still depend on the batch in eval mode", model, body)

# ruff: noqa: E501
"""Loop family on NaN losses: a softmax whose exp overflows, patched with epsilons and clips that never stop the NaN."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, py_edit, test_step


def softmax_log_epsilon_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The cross-entropy goes NaN at a drifting epoch; eps in the log, clips, lower rates, float64, nan_to_num; never a shifted softmax done right."""
    src, tf, loss = ctx.source, ctx.test_file, ctx.loss
    body = f"def _softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n\n\ndef {loss}(W, X, Y):\n    P = _softmax(X @ W)\n    return -np.mean(np.sum(Y * np.log(P), axis=1))\n"
    tried = Tried()
    state = {"lr": "0.5"}
    warn_exp = "RuntimeWarning: overflow encountered in exp|e = np.exp(z)"
    warn_div = f"RuntimeWarning: invalid value encountered in {ctx.divide}|return e / e.sum(axis=1, keepdims=True)"
    warn_log = "RuntimeWarning: divide by zero encountered in log|return -np.mean(np.sum(Y * np.log(P), axis=1))"

    def addr() -> str:
        return f"0x7f{rng.randrange(16**10):010x}"

    def curve(bad: bool = True) -> str:
        vals = [
            f"{rng.uniform(0.9, 1.1):.8f}",
            f"{rng.uniform(0.5, 0.9):.8f}",
            f"{rng.uniform(1.5, 40):.8f}",
            f"{rng.uniform(80, 4000):.8e}",
        ]
        return "array([" + ", ".join(vals) + (", ..., nan, nan, nan])" if bad else ", ...])")

    def fail(kind: str) -> Fail:
        epoch = rng.randint(3, 260)
        if kind == "finite":
            a = addr()
            return Fail(
                ctx.case("loss_is_finite"),
                "AssertionError: assert False",
                "assert np.isfinite(model.loss_curve_).all()",
                where=[
                    f"where False = <built-in method all of numpy.ndarray object at {a}>()",
                    f"  where <built-in method all of numpy.ndarray object at {a}> = array([ True,  True,  True, ..., False, False, False]).all",
                ],
            )
        if kind == "epoch":
            return Fail(
                ctx.case(rng.choice(["fit", "converges", "partial_fit", "multiclass"])),
                f"FloatingPointError: loss is nan at epoch {epoch} (learning_rate={state['lr']}); consider a smaller learning_rate",
                f"model = {ctx.model}(learning_rate={state['lr']}).fit(X, Y)",
                [
                    (
                        "fit",
                        "raise FloatingPointError('loss is nan at epoch %d (learning_rate=%s); consider a smaller learning_rate' % (epoch, self.learning_rate))",
                    )
                ],
            )
        if kind == "large":
            return Fail(
                ctx.case("softmax_large_logits"),
                "AssertionError: \nNot equal to tolerance rtol=1e-07, atol=0\n\nx and y nan location mismatch:\n x: array([[nan,  0.]])\n y: array([[1., 0.]])",
                "np.testing.assert_allclose(_softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])",
            )
        if kind == "shifted0":
            return Fail(
                ctx.case("softmax_large_logits"),
                "AssertionError: \nNot equal to tolerance rtol=1e-07, atol=0\n\nMismatched elements: 2 / 2 (100%)\nMax absolute difference: 0.5\nMax relative difference: inf\n x: array([[0.5, 0.5]])\n y: array([[1., 0.]])",
                "np.testing.assert_allclose(_softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])",
            )
        if kind == "broadcast":
            b, c = rng.choice([32, 64, 150, 200]), rng.choice([3, 4, 10])
            return Fail(
                ctx.case(rng.choice(["fit", "predict_proba_sums_to_one"])),
                f"ValueError: operands could not be broadcast together with shapes ({b},{c}) ({b},) ",
                "proba = model.predict_proba(X)",
                [("predict_proba", "return _softmax(X @ self.coef_)"), ("_softmax", "z = z - z.max(axis=1)")],
            )
        if kind == "reference":
            x, d = rng.uniform(0.3, 1.2), rng.uniform(0.01, 0.3)
            return Fail(
                ctx.case("loss_matches_log_loss"),
                f"AssertionError: \nNot equal to tolerance rtol=1e-07, atol=0\n\nMismatched elements: 1 / 1 (100%)\nMax absolute difference: {d:.8g}\nMax relative difference: {d / (x + d):.8g}\n x: array({x:.8f})\n y: array({x + d:.8f})",
                f"np.testing.assert_allclose({loss}(W, X, Y), log_loss(y, _softmax(X @ W)))",
            )
        if kind == "weights":
            return Fail(
                ctx.case("coef_is_finite"),
                "AssertionError: assert False",
                "assert np.isfinite(model.coef_).all()",
                where=[f"where False = <built-in method all of numpy.ndarray object at {addr()}>()"],
            )
        if kind == "inf":
            return Fail(
                ctx.case("loss_decreases"), "AssertionError: assert inf < 0.5", "assert model.loss_curve_[-1] < 0.5"
            )
        return Fail(
            ctx.case("converges"),
            f"AssertionError: assert {rng.uniform(0.41, 0.78):.3f} >= 0.9",
            "assert model.score(X, y) >= 0.9",
            where=[f"where ... = <bound method {ctx.model}.score of {ctx.model}(learning_rate={state['lr']})>(...)"],
        )

    def run(thought: str, kinds: list[str], warnings: tuple[str, ...] = (warn_exp, warn_div)) -> Step:
        fails = [fail(k) for k in kinds]
        target = tf if len(fails) > 1 or ctx.django else rng.choice([tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " --tb=short"]), warnings)

    def eps_log(k: int) -> list[Step]:
        eps = rng.choice(["1e-12", "1e-15", "1e-9", "1e-7"])
        return [
            Step(
                tried.say(
                    "eps",
                    f"log(0) gives -inf and then NaN. Add an epsilon inside the log ({eps}).",
                    f"Epsilon in the log again, {eps} this time.",
                ),
                py_edit(src, "np.log(P)", f"np.log(P + {eps})"),
                "patched",
            ),
            run("Rerun the loss tests.", ["epoch", "large", rng.choice(["finite", "converges"])]),
        ]

    def clip_p(k: int) -> list[Step]:
        return [
            Step(
                "Clip the probabilities away from 0 and 1 before the log, as log_loss does.",
                py_edit(src, "    P = _softmax(X @ W)\n", "    P = np.clip(_softmax(X @ W), 1e-15, 1 - 1e-15)\n"),
                "patched",
            ),
            run("Rerun.", ["epoch", rng.choice(["large", "finite"])]),
        ]

    def lower_lr(k: int) -> list[Step]:
        new = rng.choice([v for v in ["0.1", "0.05", "0.01", "0.2"] if v != state["lr"]])
        old, state["lr"] = state["lr"], new
        return [
            Step(
                f"Diverging updates blow the logits up. Lower the default learning rate {old} -> {new}.",
                py_edit(src, f"learning_rate={old}", f"learning_rate={new}"),
                "patched",
            ),
            run(
                "Rerun.",
                ["epoch", rng.choice(["converges", "large"])] if rng.random() < 0.6 else ["converges", "large"],
                (warn_exp,),
            ),
        ]

    def float64(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the data comes in as float32 and overflows early. Compute the softmax in float64.",
                py_edit(src, "    e = np.exp(z)\n", "    e = np.exp(z.astype(np.float64))\n"),
                "patched",
            ),
            run("Rerun.", ["epoch", "large"]),
        ]

    def clip_z(k: int) -> list[Step]:
        lim = rng.choice(["50", "100", "500", "30"])
        return [
            Step(
                f"Bound the logits before exp: clip z to [-{lim}, {lim}].",
                py_edit(src, "    e = np.exp(z)\n", f"    e = np.exp(np.clip(z, -{lim}, {lim}))\n"),
                "patched",
            ),
            run("Rerun.", ["reference", rng.choice(["converges", "epoch"])], (warn_log,) if lim == "30" else ()),
        ]

    def shift_axis(k: int) -> list[Step]:
        axis = rng.choice(["1", "0"])
        if axis == "1":
            return [
                Step(
                    "Subtract the max logit before exp so the largest exponent is 0.",
                    py_edit(src, "    e = np.exp(z)\n", "    z = z - z.max(axis=1)\n    e = np.exp(z)\n"),
                    "patched",
                ),
                run("Rerun.", ["broadcast"], ()),
                Step(
                    "The max has to broadcast against z; revert the shift for now and think about it.",
                    py_edit(src, "    z = z - z.max(axis=1)\n", ""),
                    "patched",
                ),
            ]
        return [
            Step(
                "Shift by the max with keepdims so it broadcasts.",
                py_edit(src, "    e = np.exp(z)\n", "    z = z - z.max(axis=0, keepdims=True)\n    e = np.exp(z)\n"),
                "patched",
            ),
            run("Rerun.", ["shifted0", "reference"], ()),
        ]

    def nan_to_num(k: int) -> list[Step]:
        return [
            Step(
                "Guard the loss itself: replace NaN/inf in the loss value so training can continue.",
                py_edit(
                    src,
                    "    return -np.mean(np.sum(Y * np.log(P), axis=1))\n",
                    "    return np.nan_to_num(-np.mean(np.sum(Y * np.log(P), axis=1)), nan=0.0, posinf=1e6)\n",
                ),
                "patched",
            ),
            run("Rerun.", ["weights", "converges", "large"]),
        ]

    def scipy_softmax(k: int) -> list[Step]:
        return [
            Step(
                "Use scipy.special.softmax, which is stable, for the probabilities.",
                py_edit(
                    src,
                    "    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)\n",
                    "    return scipy.special.softmax(z, axis=1)\n",
                )
                + f"\nsed -i '1i import scipy.special' {src}",
                "patched",
            ),
            run("Rerun.", ["inf", "finite"], (warn_log,)),
        ]

    def grad_clip(k: int) -> list[Step]:
        c = rng.choice(["1.0", "5.0", "10.0"])
        return [
            Step(
                f"Clip the gradient norm to {c} so one bad batch can't blow the weights up.",
                py_edit(
                    src,
                    "        W -= learning_rate * grad\n",
                    f"        norm = np.linalg.norm(grad)\n        if norm > {c}:\n            grad = grad * ({c} / norm)\n        W -= learning_rate * grad\n",
                ),
                "patched",
            ),
            run("Rerun.", [rng.choice(["epoch", "converges"]), "large"]),
        ]

    def trace(k: int) -> Step:
        vals = [
            rng.uniform(1.0, 1.12),
            rng.uniform(0.6, 0.95),
            rng.uniform(0.5, 0.9),
            rng.uniform(2, 30),
            rng.uniform(100, 5000),
        ]
        e = rng.randint(8, 120)
        lines = [
            f"epoch {i * e // 4}: loss={v:.6g} max|z|={rng.uniform(5, 60) * (i + 1) ** 2:.4g}"
            for i, v in enumerate(vals)
        ]
        return Step(
            "Let me print the loss and the largest logit per epoch to see how it gets to NaN.",
            f"python - <<'EOF' 2>&1 | tail -8\nimport numpy as np\n{ctx.data_import}\nimport {ctx.dotted} as m\n{ctx.data(200, 6)}\nY = np.eye(int(y.max()) + 1)[y]\nmodel = m.{ctx.model}(learning_rate={state['lr']}, verbose=2)\ntry:\n    model.fit(X, Y)\nexcept FloatingPointError as exc:\n    print(exc)\nEOF",
            "\n".join(lines)
            + f"\n{'/testbed/' + src}:{rng.randint(20, 90)}: RuntimeWarning: overflow encountered in exp\n  e = np.exp(z)\nloss is nan at epoch {e} (learning_rate={state['lr']}); consider a smaller learning_rate",
        )

    first = [
        run("Let me run the loss tests.", ["finite", "epoch"]),
        Step(
            "Let me see the softmax and the loss.",
            f"grep -n 'def _softmax' -A9 {src}",
            f"{rng.randint(20, 300)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        eps_log,
        clip_p,
        lower_lr,
        float64,
        clip_z,
        shift_axis,
        nan_to_num,
        scipy_softmax,
        grad_clip,
        lambda k: [trace(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "the NaN in the cross-entropy loss", "_softmax", body)

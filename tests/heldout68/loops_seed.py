# ruff: noqa: E501
"""Loop family on seeds: two fits with the same random_state that differ, reseeded everywhere but where the batches are drawn."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout68.looks import Tried, churn
from heldout68.text import Attempt, Ctx, Fail, arr, py_edit, test_step


def random_state_reseed_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Same random_state, different coef_; seeding the global RNG, the estimator, a fixture, default_rng: each breaks another seed test."""
    src, tf, model, fit = ctx.source, ctx.test_file, ctx.model, ctx.fit
    body = f"    def fit(self, X, y):\n        rng = check_random_state(self.random_state)\n        self.coef_ = rng.normal(scale=0.01, size=X.shape[1])\n        for epoch in range(self.max_iter):\n            for idx in _batches(len(X), self.batch_size, shuffle=self.shuffle):\n                self.{fit}(X[idx], y[idx])\n        return self\n"
    tried = Tried()
    nf = rng.choice([3, 4, 5, 8])

    def addr() -> str:
        return f"0x7f{rng.randrange(16**10):010x}"

    def unequal(k: int, bad: int | None = None) -> str:
        bad = bad or rng.randint(max(1, k - 1), k)
        return f"AssertionError: \nArrays are not equal\n\nMismatched elements: {bad} / {k} ({100 * bad / k:.3g}%)\nMax absolute difference: {rng.uniform(0.001, 0.4):.8g}\nMax relative difference: {rng.uniform(0.01, 3):.8g}\n x: {arr(rng, k, -1, 1)}\n y: {arr(rng, k, -1, 1)}"

    def mt_state() -> str:
        bad = rng.randint(600, 624)

        def words() -> str:
            return ", ".join(str(rng.randrange(2**32)) for _ in range(3))

        return f"AssertionError: \nArrays are not equal\n\nMismatched elements: {bad} / 624 ({100 * bad / 624:.3g}%)\nMax absolute difference: {rng.randrange(2**31, 2**32)}\nMax relative difference: {rng.uniform(1, 900):.8g}\n x: array([{words()}, ..., {words()}], dtype=uint32)\n y: array([{words()}, ..., {words()}], dtype=uint32)"

    def fail(kind: str) -> Fail:
        if kind == "same":
            return Fail(
                ctx.case("same_random_state_same_coef"),
                unequal(nf),
                f"np.testing.assert_array_equal({model}(random_state=0).fit(X, y).coef_, {model}(random_state=0).fit(X, y).coef_)",
            )
        if kind == "global":
            return Fail(
                ctx.case("fit_leaves_global_rng_alone"),
                mt_state(),
                "np.testing.assert_array_equal(np.random.get_state()[1], before[1])",
            )
        if kind == "differ":
            return Fail(
                ctx.case("different_random_state_differs"),
                "AssertionError: assert not True",
                "assert not np.array_equal(a.coef_, b.coef_)",
                where=[
                    f"where True = <function array_equal at {addr()}>({arr(rng, nf, -1, 1)}, {arr(rng, nf, -1, 1)})"
                ],
            )
        if kind == "refit":
            return Fail(
                ctx.case("refit_is_reproducible"),
                unequal(nf),
                "np.testing.assert_array_equal(first, model.fit(X, y).coef_)",
            )
        if kind == "init":
            return Fail(
                ctx.case("init_sets_only_params"),
                f"AssertionError: Estimator {model} should not set any attribute apart from parameters during init. Found attributes ['_rng'].",
                "check_no_attributes_set_in_init(name, estimator)"
                if ctx.run.owner == "scikit-learn"
                else "assert set(vars(est)) == set(est.get_params())",
            )
        if kind == "generator":
            return Fail(
                ctx.case(rng.choice(["fit", "same_random_state_same_coef", "partial_fit"])),
                rng.choice(
                    [
                        "AttributeError: 'numpy.random._generator.Generator' object has no attribute 'randn'",
                        "AttributeError: 'numpy.random._generator.Generator' object has no attribute 'randint'",
                        f"ValueError: Generator(PCG64) at {addr().upper().replace('0X', '0x')} cannot be used to seed a numpy.random.RandomState instance",
                    ]
                ),
                f"{model}(random_state=0).fit(X, y)",
                [
                    ("fit", f"self.{fit}(X[idx], y[idx])"),
                    (
                        fit,
                        rng.choice(
                            [
                                "noise = self._rng.randn(*X.shape) * self.noise",
                                "j = self._rng.randint(len(X))",
                                "rng = check_random_state(self.random_state)",
                            ]
                        ),
                    ),
                ],
            )
        if kind == "parallel":
            return Fail(
                ctx.case("parallel_fits_reproducible"),
                unequal(nf),
                "np.testing.assert_array_equal(*[m.coef_ for m in Parallel(n_jobs=2, prefer='threads')(delayed(fit_one)(0) for _ in range(2))])",
            )
        return Fail(
            ctx.case(rng.choice(["converges", "shuffle_each_epoch"])),
            f"AssertionError: assert {rng.uniform(0.55, 0.84):.3f} >= 0.9",
            "assert model.score(X, y) >= 0.9",
        )

    def run(thought: str, kinds: list[str], pre: str = "") -> Step:
        fails = [fail(k) for k in kinds]
        target = tf if len(fails) > 1 or ctx.django else rng.choice([tf, f"{tf}::{fails[0].name}"])
        step = test_step(
            ctx,
            rng,
            thought,
            target,
            fails,
            rng.choice(["", " -q", " -x", " -k random_state", " --tb=short", " -p no:randomly"]),
        )
        step.command = pre + step.command
        return step

    def global_seed(k: int) -> list[Step]:
        again = "global" in tried.seen
        return [
            Step(
                tried.say(
                    "global",
                    "Something draws from numpy's global RNG. Seed it from random_state at the top of fit.",
                    "Seeding the global RNG in fit again, as at first, but only when random_state is an int.",
                ),
                py_edit(
                    src,
                    "        np.random.seed(self.random_state)\n",
                    "        if isinstance(self.random_state, numbers.Integral):\n            np.random.seed(self.random_state)\n",
                )
                if again
                else py_edit(
                    src,
                    "        rng = check_random_state(self.random_state)\n",
                    "        np.random.seed(self.random_state)\n        rng = check_random_state(self.random_state)\n",
                ),
                "patched",
            ),
            run("Rerun the seed tests.", ["global", rng.choice(["parallel", "differ"])]),
        ]

    def in_init(k: int) -> list[Step]:
        return [
            Step(
                "Create the RandomState once, in __init__, and use it everywhere in the estimator.",
                py_edit(
                    src,
                    "        self.random_state = random_state\n",
                    "        self.random_state = random_state\n        self._rng = check_random_state(random_state)\n",
                )
                + "\n"
                + py_edit(src, "        rng = check_random_state(self.random_state)\n", "        rng = self._rng\n"),
                "patched\npatched",
            ),
            run("Rerun.", ["refit", "init", "same"]),
        ]

    def thread_update(k: int) -> list[Step]:
        return [
            Step(
                f"Pass the fit's rng down into {fit} so its noise comes from the same stream.",
                py_edit(src, f"self.{fit}(X[idx], y[idx])", f"self.{fit}(X[idx], y[idx], rng)")
                + "\n"
                + py_edit(src, f"    def {fit}(self, X, y):", f"    def {fit}(self, X, y, rng):"),
                "patched\npatched",
            ),
            run("Rerun.", ["same"]),
        ]

    def generator(k: int) -> list[Step]:
        return [
            Step(
                "Switch to the new Generator API, which is what numpy recommends for reproducible streams.",
                py_edit(
                    src,
                    "        rng = check_random_state(self.random_state)\n",
                    "        rng = np.random.default_rng(self.random_state)\n",
                ),
                "patched",
            ),
            run("Rerun.", ["generator", rng.choice(["same", "global"])]),
            Step(
                "Too much of the module still uses the RandomState API. Back out the Generator switch.",
                py_edit(
                    src,
                    "        rng = np.random.default_rng(self.random_state)\n",
                    "        rng = check_random_state(self.random_state)\n",
                ),
                "patched",
            ),
        ]

    def fixture(k: int) -> list[Step]:
        conftest = f"{ctx.tests_dir}/conftest.py" if not ctx.django else f"tests/{ctx.stem}_tests/__init__.py"
        return [
            Step(
                "Seed numpy before every test with an autouse fixture, so the tests themselves are deterministic.",
                f"cat >> {conftest} <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _seed_numpy():\n    np.random.seed(0)\nEOF",
                "",
            ),
            run("Rerun.", ["same", rng.choice(["global", "differ"])]),
            Step(
                "Two fits inside one test still see different global states; the fixture doesn't help. Remove it.",
                f"git checkout -- {conftest} 2>/dev/null || rm {conftest}; git status --short",
                f" M {src}\n",
            ),
        ]

    def env(k: int) -> Step:
        seed = rng.randint(0, 99)
        return run(
            "Could it be hashing or BLAS threads? Pin both and rerun.",
            ["same"],
            f"PYTHONHASHSEED={seed} OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 ",
        )

    def repeat(k: int) -> Step:
        failed = [rng.choice([1, 2, 1]) for _ in range(3)]
        lines = [
            f"run {i}: {f} failed, {ctx.n_tests - f} passed in {rng.uniform(1, 9):.2f}s"
            for i, f in zip((1, 2, 3), failed, strict=True)
        ]
        tail = " 2>&1 | grep -E '^(OK|FAILED)'" if ctx.django else " -q 2>&1 | tail -1"
        cmd = ctx.tests(tf, tail).removeprefix("cd tests && ")
        return Step(
            "Does it fail the same way every run?",
            f"{'cd tests && ' if ctx.django else ''}for i in 1 2 3; do printf 'run %s: ' $i; {cmd}; done",
            "\n".join(lines)
            if not ctx.django
            else "\n".join(f"run {i}: FAILED (failures={f})" for i, f in zip((1, 2, 3), failed, strict=True)),
            seconds=rng.uniform(6, 30),
        )

    def save_state(k: int) -> list[Step]:
        return [
            Step(
                "Seed the global RNG inside fit but save and restore its state, so fit is reproducible without leaking into the caller.",
                py_edit(
                    src,
                    "        rng = check_random_state(self.random_state)\n",
                    "        saved = np.random.get_state()\n        np.random.seed(self.random_state)\n        rng = check_random_state(self.random_state)\n",
                )
                + "\n"
                + py_edit(src, "        return self\n", "        np.random.set_state(saved)\n        return self\n"),
                "patched\npatched",
            ),
            run("Rerun the whole module.", ["parallel"]),
        ]

    def no_shuffle(k: int) -> list[Step]:
        return [
            Step(
                "Turn shuffling off in the reproducibility test to see whether the shuffle is where it diverges.",
                py_edit(
                    tf,
                    f"{model}(random_state=0).fit(X, y).coef_, {model}(random_state=0)",
                    f"{model}(random_state=0, shuffle=False).fit(X, y).coef_, {model}(random_state=0, shuffle=False)",
                ),
                "patched",
            ),
            run("Rerun.", ["same" if rng.random() < 0.4 else "converges"]),
            Step(
                "Not conclusive, and the test shouldn't need shuffle off. Revert the test.", f"git checkout -- {tf}", ""
            ),
        ]

    first = [
        run("Let me run the random_state tests.", ["same", "refit"]),
        Step("Let me read fit.", f"grep -n '    def fit' -A8 {src}", f"{rng.randint(100, 700)}:" + body),
    ]
    attempts: list[Attempt] = [
        global_seed,
        in_init,
        thread_update,
        generator,
        fixture,
        lambda k: [env(k)],
        lambda k: [repeat(k)],
        save_state,
        no_shuffle,
    ]
    return churn(ctx, rng, n, first, attempts, "making fits with the same random_state reproducible", model, body)

"""dtype-drift: frames equal in value but not in dtype; each cast mends one column and unsettles another."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout24.text import Ctx, Deck, assemble, report, run_pytest, timing, traceback

# Column: the dtype the test expects, and the dtypes the function's frame may come out with.
COLUMNS: dict[str, tuple[str, list[str]]] = {
    "count": ("int64", ["float64", "Int64", "int32", "object"]),
    "when": ("datetime64[ns]", ["datetime64[us]", "object", "datetime64[ns, UTC]"]),
    "group": ("category", ["object", "string"]),
    "value": ("float64", ["float32", "Float64", "object"]),
    "label": ("object", ["string", "category"]),
    "flag": ("bool", ["boolean", "object"]),
}
# What DataFrame.convert_dtypes() makes of each dtype.
NULLABLE = {
    "int64": "Int64",
    "int32": "Int32",
    "float64": "Float64",
    "float32": "Float32",
    "object": "string",
    "bool": "boolean",
}


class Frame:
    """The frame the function returns, the one the test builds, and what assert_frame_equal says of them."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        names = list(COLUMNS)
        rng.shuffle(names)
        self.columns = names[: rng.randint(4, 5)]
        self.want = {c: COLUMNS[c][0] for c in self.columns}
        self.got = dict(self.want)
        for c in rng.sample(self.columns, 2):
            self.got[c] = rng.choice(COLUMNS[c][1])
        self.pandas = rng.choice(["1.5.3", "2.0.3", "2.2.2"] if ctx.version >= (3, 9) else ["1.5.3"])
        if self.pandas.startswith("1."):
            self.got = {c: "object" if d == "datetime64[us]" else d for c, d in self.got.items()}
        self.func = rng.choice([f"to_{ctx.stem}_frame", f"summarize_{ctx.stem}", f"{ctx.stem}_table", "as_dataframe"])
        self.test = ctx.test_path("frame")
        self.case = rng.choice(["test_frame_matches_expected", "test_summary_table", "test_dataframe_roundtrip"])
        self.rows = rng.randint(3, 8)
        self.passed = rng.randint(3, 12)
        self.values_off: str | None = None  # a column whose values, not dtype, now differ
        self.runs = 0
        self.call = f"{self.func}(SOURCE)"  # the test's lines, as the agent's edits leave them
        self.assertion = "pd.testing.assert_frame_equal(result, EXPECTED)"

    def mismatch(self) -> list[str]:
        if self.values_off:
            c = self.values_off
            i = self.columns.index(c)
            share = 100 * self.rng.randint(1, self.rows) / self.rows
            left = [str(self.rng.randint(0, 40)) for _ in range(self.rows)]
            right = [f"{v}.0" for v in left]
            hole = self.rng.randrange(self.rows)
            left[hole], right[hole] = "<NA>", "nan"
            return [
                f'AssertionError: DataFrame.iloc[:, {i}] (column name="{c}") are different',
                "",
                f'DataFrame.iloc[:, {i}] (column name="{c}") values are different ({share:.5g} %)',
                f"[index]: [{', '.join(str(k) for k in range(self.rows))}]",
                f"[left]:  [{', '.join(left)}]",
                f"[right]: [{', '.join(right)}]",
            ]
        c = next(c for c in self.columns if self.got[c] != self.want[c])
        i = self.columns.index(c)
        return [
            f'AssertionError: Attributes of DataFrame.iloc[:, {i}] (column name="{c}") are different',
            "",
            'Attribute "dtype" are different',
            f"[left]:  {self.shown(self.got[c], c)}",
            f"[right]: {self.shown(self.want[c], c)}",
        ]

    def shown(self, dtype: str, column: str) -> str:
        if dtype == "category":
            cats = "['a', 'b', 'c']"
            return f"CategoricalDtype(categories={cats}, ordered=False" + (
                ", categories_dtype=object)" if self.pandas >= "2.1" else ")"
            )
        return dtype

    @property
    def settled(self) -> bool:
        return not self.values_off and all(self.got[c] == self.want[c] for c in self.columns)

    def failing(self) -> Step:
        self.runs += 1
        rng = self.rng
        thought = (
            rng.choice(
                [
                    f"Now let me run the frame tests for `{self.func}`.",
                    f"Let me run `{self.test}` to check the output frame.",
                ]
            )
            if self.runs == 1
            else rng.choice(
                [
                    "Running the tests again.",
                    "Let's see which column complains now.",
                    "Re-running the frame comparison.",
                    f"Checking `{self.case}` again.",
                ]
            )
        )
        if self.settled:
            # The frame matches now, but the round-trip through CSV brings the old dtypes back.
            self.got[rng.choice(self.columns)] = "object"
            self.case = "test_csv_roundtrip" if self.case != "test_csv_roundtrip" else "test_frame_matches_expected"
        error = self.mismatch()
        code = [f"def {self.case}():", f"    result = {self.call}", f"    {self.assertion}"]
        body = report([(code, 2, f"{self.test}:{rng.randint(20, 70)}")], error, "AssertionError")
        command, output = run_pytest(self.ctx, rng, self.test, self.passed, [(self.case, body, error[0])], self.case)
        return Step(thought, command, output, rc=1, seconds=timing(rng, 1.5, 7))


def dtype_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    f = Frame(ctx, rng)

    def first() -> str:
        return next((c for c in f.columns if f.got[c] != f.want[c]), f.values_off or f.columns[0])

    def unsettle(mended: str) -> None:
        """A cast mends one column; the frame's construction then shifts another, as pandas does after merges."""
        others = [c for c in f.columns if c != mended and f.got[c] == f.want[c]]
        if others and rng.random() < 0.6:
            c = rng.choice(others)
            f.got[c] = rng.choice(COLUMNS[c][1])

    def cast_one(k: int) -> Step:
        c = first()
        f.values_off = None
        target = f.want[c]
        if c == "count" and f.got[c] == "float64" and rng.random() < 0.5:
            error = (
                "pandas.errors.IntCastingNaNError: Cannot convert non-finite values (NA or inf) to integer"
                if f.pandas >= "2"
                else "ValueError: Cannot convert non-finite values (NA or inf) to integer"
            )
            frames = [
                ("<string>", 1, "<module>", ""),
                (f"/testbed/{ctx.source}", rng.randint(100, 700), f.func, "return frame.astype({'count': 'int64'})"),
            ]
            return Step(
                "The `count` column comes out as float64 because of the NaN introduced by the merge. Casting it back to int64 in the function.",
                f'sed -i \'s/    return frame$/    return frame.astype({{"count": "int64"}})/\' {ctx.source} && python -c "from {ctx.dotted} import {f.func}; from {f.test[:-3].replace("/", ".")} import SOURCE; {f.func}(SOURCE)"',
                traceback(frames, error),
                rc=1,
            )
        f.got[c] = target
        unsettle(c)
        return Step(
            rng.choice(
                [
                    f"Column `{c}` has the wrong dtype. I'll cast it to `{target}` before returning the frame.",
                    f"The dtype of `{c}` differs. Adding an explicit `astype` for it in `{f.func}`.",
                ]
            ),
            f'sed -i \'s/    return frame$/    frame["{c}"] = frame["{c}"].astype("{target}")\\n    return frame/\' {ctx.source} && grep -n \'astype\' {ctx.source} | tail -n 3',
            f'{rng.randint(100, 700)}:    frame["{c}"] = frame["{c}"].astype("{target}")',
        )

    def convert(k: int) -> Step:
        f.values_off = None
        for c in f.columns:
            f.got[c] = NULLABLE.get(f.got[c], f.got[c])
        return Step(
            "Rather than casting columns one by one, `convert_dtypes()` should give consistent dtypes for the whole frame.",
            f"sed -i 's/    return frame$/    return frame.convert_dtypes()/' {ctx.source} && grep -n 'convert_dtypes' {ctx.source}",
            f"{rng.randint(100, 700)}:    return frame.convert_dtypes()",
        )

    def expected_side(k: int) -> Step:
        for c in f.columns:
            f.want[c] = f.got[c]
        f.case = "test_csv_roundtrip"
        f.assertion = "pd.testing.assert_frame_equal(result, EXPECTED.astype(result.dtypes.to_dict()))"
        f.got["count" if "count" in f.columns else f.columns[0]] = (
            "int64" if f.want.get("count") != "int64" else "float64"
        )
        return Step(
            "The expected frame in the test could just be built with the dtypes the function produces. I'll cast EXPECTED to `result.dtypes`.",
            f"sed -i 's/pd.testing.assert_frame_equal(result, EXPECTED)/pd.testing.assert_frame_equal(result, EXPECTED.astype(result.dtypes.to_dict()))/' {f.test}",
            "",
        )

    def no_dtype(k: int) -> Step:
        c = "count" if "count" in f.columns else f.columns[0]
        f.values_off = c
        f.assertion = "pd.testing.assert_frame_equal(result, EXPECTED, check_dtype=False)"
        return Step(
            "The values are the same, only dtypes differ. I'll pass `check_dtype=False` to the comparison.",
            f"sed -i 's/assert_frame_equal(result, EXPECTED)/assert_frame_equal(result, EXPECTED, check_dtype=False)/' {f.test} && grep -n check_dtype {f.test}",
            f"{rng.randint(20, 70)}:    pd.testing.assert_frame_equal(result, EXPECTED, check_dtype=False)",
        )

    def fillna(k: int) -> Step:
        c = f.values_off or "count"
        if c in f.got:
            f.got[c] = "float64" if f.want[c] != "float64" else "object"
        f.values_off = None
        f.call = f"{f.func}(SOURCE).fillna(0)"
        return Step(
            f"The missing value in `{c}` is `<NA>` on one side and `nan` on the other. Filling it with 0 before the comparison.",
            f"sed -i 's/    result = {f.func}(SOURCE)$/    result = {f.func}(SOURCE).fillna(0)/' {f.test}",
            "",
        )

    def unit(k: int) -> Step:
        if "when" not in f.columns:
            return cast_one(k)
        if f.pandas.startswith("1."):
            frames = [
                ("<string>", 1, "<module>", ""),
                (
                    f"/testbed/{ctx.source}",
                    rng.randint(100, 700),
                    f.func,
                    'frame["when"] = frame["when"].dt.as_unit("ns")',
                ),
            ]
            return Step(
                "The timestamps should be nanosecond resolution. `dt.as_unit('ns')` converts them.",
                f'sed -i \'s/    return frame$/    frame["when"] = frame["when"].dt.as_unit("ns")\\n    return frame/\' {ctx.source} && python -c "from {ctx.dotted} import {f.func}; from {f.test[:-3].replace("/", ".")} import SOURCE; print({f.func}(SOURCE).dtypes)"',
                traceback(frames, "AttributeError: 'DatetimeProperties' object has no attribute 'as_unit'"),
                rc=1,
            )
        f.got["when"] = "datetime64[ns]"
        unsettle("when")
        return Step(
            "The timestamps come out in microseconds with pandas 2. Converting with `.dt.as_unit('ns')`.",
            f'sed -i \'s/    return frame$/    frame["when"] = frame["when"].dt.as_unit("ns")\\n    return frame/\' {ctx.source}',
            "",
        )

    def revert(k: int) -> Step:
        for c in f.columns:
            f.got[c], f.want[c] = COLUMNS[c][0], COLUMNS[c][0]
        for c in rng.sample(f.columns, 2):
            f.got[c] = rng.choice(COLUMNS[c][1])
        f.values_off = None
        f.call, f.assertion = f"{f.func}(SOURCE)", "pd.testing.assert_frame_equal(result, EXPECTED)"
        return Step(
            "I've stacked up too many casts. Let me revert my dtype changes and look again.",
            f"git diff --stat && git checkout -- {f.test} && git diff -U0 {ctx.source} | grep -c astype",
            f" {ctx.source} | {rng.randint(6, 40)} ++++++----\n {f.test} | {rng.randint(2, 9)} ++--\n 2 files changed\n{rng.randint(1, 5)}",
        )

    def dtypes(k: int) -> Step:
        width = max(len(c) for c in f.columns) + max(len(d) for d in f.got.values()) + 2
        rows = "\n".join(f"{c}{f.got[c]:>{width - len(c)}}" for c in f.columns)
        return Step(
            "Let me print the dtypes of both frames side by side.",
            f'python -c "from {ctx.dotted} import {f.func}; from {f.test[:-3].replace("/", ".")} import SOURCE, EXPECTED; print({f.func}(SOURCE).dtypes); print(EXPECTED.dtypes)"',
            rows
            + "\ndtype: object\n"
            + "\n".join(f"{c}{f.want[c]:>{width - len(c)}}" for c in f.columns)
            + "\ndtype: object",
            seconds=timing(rng, 1, 3),
        )

    def versions(k: int) -> Step:
        return Step(
            "Which pandas and numpy versions are installed?",
            'python -c "import pandas, numpy; print(pandas.__version__, numpy.__version__)"',
            f"{f.pandas} {rng.choice(['1.23.5', '1.24.4', '1.26.4'] if f.pandas < '2.2' else ['1.26.4', '2.0.2'])}",
        )

    def grep(k: int) -> Step:
        line = rng.randint(100, 700)
        return Step(
            f"How does `{f.func}` build the frame?",
            f"grep -n 'merge\\|astype\\|DataFrame(' {ctx.source} | head",
            f'{line}:    frame = pd.DataFrame(rows, columns={f.columns!r})\n{line + rng.randint(3, 9)}:    frame = frame.merge(extra, how="left", on="{f.columns[0]}")',
        )

    attempts = Deck(rng, [cast_one, convert, expected_side, no_dtype, fillna, unit, revert, cast_one])
    looks = Deck(rng, [dtypes, versions, grep])

    def round_(i: int) -> list[Step]:
        steps = [attempts.draw()(i)]
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        steps.append(f.failing())
        return steps

    return assemble(rng, n, [f.failing(), dtypes(0)], round_, "the dtype mismatches in the frame comparison")

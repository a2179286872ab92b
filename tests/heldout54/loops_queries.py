# ruff: noqa: E501
"""Loops on counted queries and calls: each edit moves the count, never to what the test asserts."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout54.text import Ctx, Fail, churn, deck, py_edit, test_step


def _captured(ctx: Ctx, rng: random.Random, count: int, per_row: str, shape: str = "") -> list[str]:
    """Django's list of the queries a failing assertNumQueries captured: the listing, then one per row."""
    main = f'SELECT {ctx.table(ctx.model)}."id", {ctx.table(ctx.model)}."title", {ctx.table(ctx.model)}."{ctx.fk}_id" FROM {ctx.table(ctx.model)} ORDER BY {ctx.table(ctx.model)}."id" ASC'
    joined = f'SELECT {ctx.table(ctx.model)}."id", {ctx.table(ctx.model)}."title", {ctx.table(ctx.fk)}."id", {ctx.table(ctx.fk)}."name" FROM {ctx.table(ctx.model)} INNER JOIN {ctx.table(ctx.fk)} ON ({ctx.table(ctx.model)}."{ctx.fk}_id" = {ctx.table(ctx.fk)}."id") ORDER BY {ctx.table(ctx.model)}."id" ASC'
    through = f'"{ctx.app}_{ctx.model.lower()}_{ctx.m2m}"'

    def row(pk: int) -> str:
        if per_row == "fk":
            return f'SELECT {ctx.table(ctx.fk)}."id", {ctx.table(ctx.fk)}."name" FROM {ctx.table(ctx.fk)} WHERE {ctx.table(ctx.fk)}."id" = {pk} LIMIT 21'
        if per_row == "count":
            return f'SELECT COUNT(*) AS "__count" FROM {ctx.table(ctx.m2m_model)} INNER JOIN {through} ON ({ctx.table(ctx.m2m_model)}."id" = {through}."{ctx.m2m_model}_id") WHERE {through}."{ctx.model.lower()}_id" = {pk}'
        return f'SELECT {ctx.table(ctx.m2m_model)}."id", {ctx.table(ctx.m2m_model)}."name" FROM {ctx.table(ctx.m2m_model)} INNER JOIN {through} ON ({ctx.table(ctx.m2m_model)}."id" = {through}."{ctx.m2m_model}_id") WHERE ({through}."{ctx.model.lower()}_id" = {pk} AND {ctx.table(ctx.m2m_model)}."active")'

    prefetch = f'SELECT {ctx.table(ctx.fk)}."id", {ctx.table(ctx.fk)}."name" FROM {ctx.table(ctx.fk)} WHERE {ctx.table(ctx.fk)}."id" IN (1, 2, 3)'
    paged = f'SELECT COUNT(*) AS "__count" FROM {ctx.table(ctx.model)}'
    if shape == "paged":  # the page count, the listing, then one query per row
        queries = [paged, main] + [row(pk) for pk in range(1, count - 1)]
        return [f"{i}. {q}" for i, q in enumerate(queries, 1)]
    if shape == "fk-prefetched":
        return [f"{i}. {q}" for i, q in enumerate([paged, main, prefetch], 1)]
    first = joined if shape == "joined" else main if shape == "plain" else rng.choice([main, joined])
    pks = list(range(1, count + 1))
    queries = [first]
    if count > 1 and (shape == "m2m-prefetched" or (not shape and rng.random() < 0.5)):
        queries.append(
            f'SELECT ({through}."{ctx.model.lower()}_id") AS "_prefetch_related_val_{ctx.model.lower()}_id", {ctx.table(ctx.m2m_model)}."id", {ctx.table(ctx.m2m_model)}."name" FROM {ctx.table(ctx.m2m_model)} INNER JOIN {through} ON ({ctx.table(ctx.m2m_model)}."id" = {through}."{ctx.m2m_model}_id") WHERE {through}."{ctx.model.lower()}_id" IN ({", ".join(map(str, pks[: rng.randint(2, 20)]))})'
        )
    queries += [row(pk) for pk in pks[: count - len(queries)]]
    return [f"{i}. {q}" for i, q in enumerate(queries, 1)]


def num_queries_fail(
    ctx: Ctx, rng: random.Random, name: str, got: int, expected: int, per_row: str, shape: str = ""
) -> Fail:
    return Fail(
        name,
        f"with self.assertNumQueries({expected}):",
        [
            f"AssertionError: {got} != {expected} : {got} queries executed, {expected} expected",
            "Captured queries were:",
            *_captured(ctx, rng, got, per_row, shape),
        ],
    )


def assert_num_queries_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """assertNumQueries(3) on a listing view; select_related, prefetch_related, only() and the expected number itself
    are changed in turn, and the executed count moves to 2, 4, 5, 7 but never lands on what is expected."""
    name = f"test_{ctx.stem}_list_num_queries"
    state = {"expected": rng.choice([2, 3, 4]), "got": 0}
    model = ctx.model.lower()

    def run(thought: str) -> Step:
        state["got"] = max(1, state["expected"] + rng.choice([-1, 1, 1, 2, 2, 3, 4]))
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name) if rng.random() < 0.7 else "",
            [num_queries_fail(ctx, rng, name, state["got"], state["expected"], rng.choice(["fk", "fk", "m2m"]))],
            ctx.flags(rng),
        )

    first = [run(f"Let me run {name} to see the query count now.")]
    querysets = deck(
        rng,
        [
            f".select_related('{ctx.fk}')",
            f".prefetch_related('{ctx.m2m}')",
            f".select_related('{ctx.fk}').prefetch_related('{ctx.m2m}')",
            f".prefetch_related('{ctx.fk}')",
            f".select_related('{ctx.fk}__profile')",
            f".prefetch_related(Prefetch('{ctx.m2m}', queryset={ctx.m2m_model.title()}.objects.only('id', 'name')))",
            f".select_related('{ctx.fk}').prefetch_related(Prefetch('{ctx.m2m}'))",
            f".select_related(None).prefetch_related('{ctx.fk}', '{ctx.m2m}')",
        ],
    )
    narrowing = deck(
        rng,
        [
            f"only({fields})" if how == "only" else f"{how}({fields})"
            for how in ("only", "defer", "values")
            for fields in ("'id', 'title'", f"'id', 'title', '{ctx.fk}__name'", "'title'", f"'id', '{ctx.fk}'")
        ],
    )

    def related(k: int) -> list[Step]:
        new = querysets()
        thought = rng.choice(
            [
                f"{state['got']} queries against {state['expected']}, and the captured list still has one per {model}. Let me try `{new}`.",
                f"Still {state['got']}. Maybe the relation needs loading differently: `{new}`.",
                f"The count moved to {state['got']}. Let me change the queryset to `{new}` and see which way it goes.",
            ]
        )
        return [
            Step(
                thought, py_edit(ctx.view, f"{ctx.model}.objects.all()", f"{ctx.model}.objects.all(){new}"), "patched"
            ),
            run(rng.choice(["Rerunning the query-count test.", "Let me see the count now.", "Again."])),
        ]

    def only(k: int) -> list[Step]:
        how = narrowing()
        return [
            Step(
                rng.choice(
                    [
                        f"Maybe one of the {state['got']} queries loads a deferred column. Let me try `.{how}` on the listing.",
                        f"Perhaps a field access triggers a refetch per {model}. Let me try `.{how}`.",
                    ]
                ),
                py_edit(ctx.view, ".order_by('id')", f".{how}.order_by('id')"),
                "patched",
            ),
            run(rng.choice(["And again.", "Rerunning."])),
        ]

    def expected(k: int) -> list[Step]:
        old = state["expected"]
        state["expected"] = max(1, state["got"] if state["got"] != old else old + 1)
        return [
            Step(
                f"The test's {old} may simply be out of date since the view changed; it ran {state['got']} queries. Let me set it to {state['expected']}.",
                py_edit(ctx.test_file, f"assertNumQueries({old})", f"assertNumQueries({state['expected']})"),
                "patched",
            ),
            run(f"Let me see whether {state['expected']} holds now."),
        ]

    def count(k: int) -> list[Step]:
        return [
            Step(
                "Let me count the SELECTs the debug output shows, to compare with the assertion's number.",
                f"cd tests && python runtests.py {ctx.one(name)} --debug-sql 2>&1 | grep -c '{rng.choice(['SELECT', '^[0-9]*. SELECT', 'FROM'])}'",
                str(state["got"] + rng.randint(0, 3)),
                rc=0,
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [related, related, only, expected, count],
        f"the query count of {name} (it moves every time but never matches)",
    )


def n_plus_one_persists(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The query count grows with the rows whatever is prefetched: 21, 22, 41, 12 queries for 20 rows against 2."""
    name = f"test_{ctx.stem}_queries_do_not_grow"
    rows = rng.choice([6, 8, 10, 12])
    state = {"got": 0}

    def run(thought: str, extra: str = "") -> Step:
        state["got"] = rng.choice([rows + 1, rows + 2, 2 * rows + 1, rows // 2 + 2, rows + 3])
        return test_step(
            ctx,
            rng,
            thought,
            ctx.one(name),
            [num_queries_fail(ctx, rng, name, state["got"], 2, rng.choice(["m2m", "m2m", "count"]))],
            extra or ctx.flags(rng),
        )

    first = [run(f"With {rows} rows the listing should still take two queries. Let me run the test.")]

    prefetches = deck(
        rng,
        [
            f".prefetch_related('{ctx.m2m}')",
            f".prefetch_related(Prefetch('{ctx.m2m}'))",
            f".prefetch_related(Prefetch('{ctx.m2m}', queryset={ctx.m2m_model.title()}.objects.filter(active=True)))",
            f".prefetch_related(Prefetch('{ctx.m2m}', to_attr='prefetched_{ctx.m2m}'))",
            f".prefetch_related('{ctx.m2m}', '{ctx.m2m}__{ctx.fk}')",
            f".select_related('{ctx.fk}').prefetch_related('{ctx.m2m}')",
            f".prefetch_related(Prefetch('{ctx.m2m}', queryset={ctx.m2m_model.title()}.objects.order_by('name')))",
        ],
    )
    loops = deck(
        rng,
        [
            ("for obj in queryset:", "for obj in list(queryset):"),
            ("for obj in queryset:", "for obj in queryset.iterator(chunk_size=100):"),
            (f"obj.{ctx.m2m}.all()", f"list(obj.{ctx.m2m}.all())"),
            (f"len(obj.{ctx.m2m}.all())", f"obj.{ctx.m2m}.count()"),
            ("objs = self.get_queryset()", "objs = list(self.get_queryset())"),
        ],
    )

    def prefetch(k: int) -> list[Step]:
        new = prefetches()
        return [
            Step(
                rng.choice(
                    [
                        f"{state['got']} queries for {rows} rows. Prefetching {ctx.m2m} differently: `{new}`.",
                        f"Still one query per row ({state['got']} in all). Let me try `{new}`.",
                        f"The prefetch does not seem to be used. Maybe `{new}` is picked up.",
                    ]
                ),
                py_edit(ctx.view, "queryset = self.model.objects.all()", f"queryset = self.model.objects.all(){new}"),
                "patched",
            ),
            run("Rerunning."),
        ]

    def annotate(k: int) -> list[Step]:
        agg = rng.choice(["Count", "Exists", "Subquery"])
        return [
            Step(
                f"The per-row query may be the count of {ctx.m2m} ({state['got']} queries now). Let me annotate it with {agg} instead.",
                py_edit(
                    ctx.view,
                    ".order_by('id')",
                    f".annotate(num_{ctx.m2m}={agg}('{ctx.m2m}')).order_by('id')"
                    if agg == "Count"
                    else f".annotate(has_{ctx.m2m}={agg}({ctx.m2m_model.title()}.objects.filter({ctx.model.lower()}=OuterRef('pk')))).order_by('id')",
                ),
                "patched",
            ),
            run("Let me see the count now.", " --debug-sql"),
        ]

    def iterate(k: int) -> list[Step]:
        old, new = loops()
        return [
            Step(
                f"{state['got']} queries. Maybe the loop building the context evaluates the queryset again. Let me change `{old}`.",
                py_edit(ctx.view, old, new),
                "patched",
            ),
            run("Rerunning the test."),
        ]

    def grep(k: int) -> list[Step]:
        return [
            Step(
                f"Where does the view touch {ctx.m2m}?",
                rng.choice(
                    [
                        f"grep -n '{ctx.m2m}' {ctx.view}",
                        f"grep -rn 'prefetch_related\\|{ctx.m2m}' tests/{ctx.app}/*.py | head -20",
                    ]
                ),
                "\n".join(
                    f"{ctx.view}:{rng.randint(10, 200)}:        {rng.choice([f'queryset = queryset.prefetch_related({chr(39)}{ctx.m2m}{chr(39)})', f'context[{chr(39)}{ctx.m2m}{chr(39)}] = [o.{ctx.m2m}.all() for o in objs]', f'return len(obj.{ctx.m2m}.all())'])}"
                    for _ in range(rng.randint(2, 4))
                ),
            )
        ]

    return churn(
        ctx,
        rng,
        n,
        first,
        [prefetch, prefetch, annotate, iterate, grep],
        f"the N+1 queries in the {ctx.model} listing (prefetching does not bring the count down)",
    )

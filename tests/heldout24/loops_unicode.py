"""unicode-normalization: strings that print alike but differ; each normalisation mends one case and breaks another."""

from __future__ import annotations

import random
import unicodedata

from heldout20.calls import Step
from heldout24.text import Ctx, Deck, assemble, report, run_pytest, timing, traceback

# Each case: what the function returns, what the test expects.
CASES: dict[str, tuple[str, str]] = {
    "test_accented_label": ("Cafe\u0301 Ame\u0301lie", "Caf\xe9 Am\xe9lie"),
    "test_thousands_separator": ("1\xa0250\xa0000 m", "1 250 000 m"),
    "test_angstrom_unit": ("12.5 \u212b", "12.5 \xc5"),
    "test_zero_width_space": ("data\u200bframe", "dataframe"),
    "test_roundtrip_keeps_input": ("Zu\u0308rich", "Zu\u0308rich".replace("u\u0308", "\xfc")),
    "test_superscript_units": ("m2/s", "m\xb2/s"),
    "test_ligature_title": ("\ufb01nal", "final"),
    "test_emoji_sequence": ("\U0001f469\U0001f4bb", "\U0001f469\u200d\U0001f4bb"),
    "test_sharp_s": ("strasse", "stra\xdfe"),
    "test_hangul_jamo": ("\u1112\u1161\u11ab", "\ud55c"),
}

# What each way of normalising mends, and what it breaks that passed before.
MENDS: dict[str, tuple[set[str], set[str]]] = {
    "nfc-output": ({"test_accented_label", "test_angstrom_unit", "test_hangul_jamo"}, {"test_roundtrip_keeps_input"}),
    "nfc-expected": ({"test_roundtrip_keeps_input"}, {"test_accented_label"}),
    "nfkc": (
        {"test_accented_label", "test_thousands_separator", "test_ligature_title", "test_angstrom_unit"},
        {"test_superscript_units"},
    ),
    "nbsp": ({"test_thousands_separator"}, set()),
    "strip-zw": ({"test_zero_width_space"}, {"test_emoji_sequence"}),
    "casefold": ({"test_ligature_title"}, {"test_sharp_s"}),
    "nfd": ({"test_roundtrip_keeps_input"}, {"test_accented_label", "test_angstrom_unit"}),
    "wrong-place": (set(), set()),
}


def unicode_normalization(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    func = rng.choice([f"normalize_{ctx.stem}_label", "slugify_title", f"format_{ctx.stem}_name", "clean_display_name"])
    test = ctx.test_path("text")
    order = list(CASES)
    rng.shuffle(order)
    broken = set(order[:3])
    passed = rng.randint(5, 16)
    line = rng.randint(40, 600)
    runs = 0
    lines: dict[str, int] = {}  # where each test asserts; the file keeps its shape between runs

    def failing() -> Step:
        nonlocal runs
        runs += 1
        failures = []
        for name in sorted(broken, key=order.index):
            got, want = CASES[name]
            where = f"{test}:{lines.setdefault(name, rng.randint(12, 120))}"
            error = [f"AssertionError: assert {got!r} == {want!r}", f"  - {want}", f"  + {got}"]
            code = [f"def {name}():", f"    result = {func}(RAW_{name[5:].upper()})", f"    assert result == {want!r}"]
            failures.append(
                (
                    name,
                    report([(code, 2, where)], error, "AssertionError"),
                    f"AssertionError: assert {got!r} == {want!r}",
                )
            )
        thought = (
            rng.choice(
                [
                    f"Let me run the text tests for `{func}`.",
                    f"Now I'll run the `{ctx.stem}` tests that cover non-ASCII input.",
                ]
            )
            if runs == 1
            else rng.choice(
                [
                    "Running the tests again.",
                    "Let me see which cases still fail.",
                    "Re-running the unicode tests.",
                    f"Checking `{func}` against the tests again.",
                ]
            )
        )
        if rng.random() < 0.25 and len(broken) == 1:
            name = next(iter(broken))
            got, want = CASES[name]
            command = f'python -c "from {ctx.dotted} import {func}; from {test[:-3].replace("/", ".")} import RAW_{name[5:].upper()} as r; print({func}(r) == {want!r})"'
            return Step(thought, command, "False", seconds=timing(rng, 0.5, 2))
        if rng.random() < 0.25:
            rows = [f"{name[5:]}: {CASES[name][0]!r} != {CASES[name][1]!r}" for name in sorted(broken, key=order.index)]
            output = "\n".join([*rows, f"{len(rows)} of {len(CASES)} cases differ"])
            return Step(
                thought,
                rng.choice(["python reproduce_unicode.py", "python reproduce_unicode.py 2>&1 | tail -n 20"]),
                output,
                seconds=timing(rng, 0.4, 1.5),
            )
        command, output = run_pytest(ctx, rng, test, passed + 3 - len(broken), failures)
        return Step(thought, command, output, rc=1, seconds=timing(rng, 1, 5))

    def apply(kind: str) -> None:
        mended, broke = MENDS[kind]
        broken.difference_update(mended)
        broken.update(broke)
        if not broken:
            broken.add(rng.choice([name for name in order if name not in mended]))

    def edit(kind: str, thought: str, command: str, output: str = "") -> Step:
        apply(kind)
        return Step(thought, command, output)

    def nfc_output(k: int) -> Step:
        return edit(
            "nfc-output",
            rng.choice(
                [
                    f"The strings look identical but one is decomposed (NFD). I'll normalise the return value of `{func}` to NFC.",
                    f"`{func}` should return NFC text. Adding `unicodedata.normalize('NFC', ...)` before it returns.",
                ]
            ),
            f"sed -i 's/^    return result$/    return unicodedata.normalize(\"NFC\", result)/' {ctx.source} && grep -n 'normalize(\"NFC\"' {ctx.source}",
            f'{line + rng.randint(5, 25)}:    return unicodedata.normalize("NFC", result)',
        )

    def nfc_expected(k: int) -> Step:
        return edit(
            "nfc-expected",
            "Maybe the expected values in the test are the ones in the wrong form. I'll normalise both sides in the assertion helper.",
            f"sed -i 's/assert result == /assert unicodedata.normalize(\"NFC\", result) == /' {test} && sed -i '1i import unicodedata' {test}",
        )

    def nfkc(k: int) -> Step:
        return edit(
            "nfkc",
            "NFC isn't enough for some cases (the non-breaking spaces survive it). NFKC folds compatibility characters too, so I'll use that instead.",
            f"sed -i 's/normalize(\"NFC\"/normalize(\"NFKC\"/' {ctx.source} && grep -n 'NFKC' {ctx.source}",
            f'{line + rng.randint(5, 25)}:    return unicodedata.normalize("NFKC", result)',
        )

    def nbsp(k: int) -> Step:
        return edit(
            "nbsp",
            "The thousands separator is U+00A0. I'll replace non-breaking spaces with plain spaces explicitly.",
            f'sed -i \'s/^    return unicodedata.normalize("NF[KC]*C", result)$/    return unicodedata.normalize("NFC", result).replace("\\\\xa0", " ")/\' {ctx.source}',
        )

    def strip_zw(k: int) -> Step:
        return edit(
            "strip-zw",
            "There are zero-width characters in the output. I'll strip U+200B, U+200C and U+200D before returning.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('    return unicodedata.normalize(', '    result = re.sub(\"[\\\\u200b-\\\\u200d]\", \"\", result)\\n    return unicodedata.normalize(', 1)\nopen(p, 'w').write(s)\nEOF\ngrep -n 'u200b' {ctx.source}",
            f'{line + rng.randint(5, 25)}:    result = re.sub("[\\u200b-\\u200d]", "", result)',
        )

    def casefold(k: int) -> Step:
        return edit(
            "casefold",
            "Comparing case-insensitively via `casefold()` should also cover the ligature case.",
            f"sed -i 's/assert result == \\(.*\\)$/assert result.casefold() == \\1.casefold()/' {test} && grep -c casefold {test}",
            str(len(CASES) + passed),
        )

    def nfd(k: int) -> Step:
        return edit(
            "nfd",
            "Alternatively keep everything decomposed: normalise to NFD on both sides so combining marks line up.",
            f"sed -i 's/normalize(\"NF[KC]*C\"/normalize(\"NFD\"/g' {ctx.source} {test} && grep -n 'NFD' {ctx.source} {test} | head",
            f'{ctx.source}:{line + rng.randint(5, 25)}:    return unicodedata.normalize("NFD", result)\n{test}:{rng.randint(20, 90)}:    assert unicodedata.normalize("NFD", result) == ',
        )

    def wrong_place(k: int) -> Step:
        return edit(
            "wrong-place",
            f"Perhaps the input should be normalised where it's read rather than where it's returned. I'll normalise in `__init__` of `{ctx.cls}`.",
            f"sed -i '/def __init__(self, value/a \\        value = unicodedata.normalize(\"NFC\", value)' {ctx.source} && grep -n -A2 'def __init__(self, value' {ctx.source} | head -n 6",
            f'{line - rng.randint(30, 90)}:    def __init__(self, value, **kwargs):\n{line - rng.randint(5, 25)}-        value = unicodedata.normalize("NFC", value)',
        )

    def encoding(k: int) -> Step:
        error = "UnicodeEncodeError: 'ascii' codec can't encode character '\\u0301' in position 4: ordinal not in range(128)"
        return Step(
            "Maybe the terminal encoding is interfering with how these print. Let me run with a C locale to be sure what bytes come out.",
            f"LC_ALL=C PYTHONIOENCODING=ascii python -c \"from {ctx.dotted} import {func}; print({func}('Cafe\\u0301'))\"",
            traceback([("<string>", 1, "<module>", "")], error),
            rc=1,
        )

    def reset(k: int) -> Step:
        broken.clear()
        broken.update(order[:3])
        return Step(
            "These changes keep shifting the failure around. Let me reset both files and look at the raw code points first.",
            f"git checkout -- {ctx.source} {test} && git status --short",
            "?? reproduce_unicode.py" if rng.random() < 0.5 else "",
        )

    def names(k: int) -> Step:
        name = sorted(broken, key=order.index)[0]
        got, want = CASES[name]

        def show(text: str) -> list[str]:
            return [unicodedata.name(c, repr(c)) for c in text[-4:]]

        return Step(
            f"Let me print the code points of the last characters in `{name}` on both sides.",
            f'python -c "import unicodedata as u; from {ctx.dotted} import {func}; from {test[:-3].replace("/", ".")} import *; print([u.name(c) for c in {func}(RAW_{name[5:].upper()})[-4:]]); print([u.name(c) for c in {want!r}[-4:]])"',
            f"{show(got)}\n{show(want)}",
        )

    def reprs(k: int) -> Step:
        name = sorted(broken, key=order.index)[0]
        got = CASES[name][0]
        return Step(
            "Let me look at the repr, length and UTF-8 bytes of both strings.",
            f'python -c "from {ctx.dotted} import {func}; from {test[:-3].replace("/", ".")} import *; r = {func}(RAW_{name[5:].upper()}); print(repr(r), len(r), r.encode())"',
            f"{got!r} {len(got)} {got.encode()!r}",
        )

    def bytes_(k: int) -> Step:
        name = sorted(broken, key=order.index)[0]
        stored = f"{rng.randint(20, 90)}:    assert result == {CASES[name][1]!r}\n"
        return Step(
            "Checking how the expected strings are stored in the test file itself.",
            f'grep -n "{name}" -A2 {test} | grep assert | od -c',
            od_c(stored.encode()),
        )

    def locate(k: int) -> Step:
        return Step(
            "Where does the code already deal with normalisation?",
            rng.choice(
                [
                    f"grep -rn 'unicodedata\\|normalize(' {ctx.source} | head",
                    f"grep -rn 'unicodedata' {ctx.run.package} | head -n 8",
                ]
            ),
            f'{ctx.source}:{rng.randint(1, 20)}:import unicodedata\n{ctx.source}:{line + rng.randint(5, 25)}:    return unicodedata.normalize("NFC", result)',
        )

    attempts = Deck(rng, [nfc_output, nfc_expected, nfkc, nbsp, strip_zw, casefold, nfd, wrong_place, encoding, reset])
    looks = Deck(rng, [names, reprs, bytes_, locate])

    def round_(i: int) -> list[Step]:
        steps = [attempts.draw()(i)]
        if rng.random() < 0.4:
            steps.append(looks.draw()(i))
        steps.append(failing())
        return steps

    return assemble(rng, n, [failing(), reprs(0)], round_, "the unicode normalisation mismatches")


def od_c(data: bytes) -> str:
    """`od -c` of `data`: octal offsets, printable bytes as themselves, the rest as escapes or octal."""
    escapes = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
    rows = []
    for at in range(0, len(data), 16):
        cells = [escapes.get(b, chr(b) if 32 <= b < 127 else f"{b:03o}") for b in data[at : at + 16]]
        rows.append(f"{at:07o} " + "".join(f"{cell:>4}" for cell in cells))
    rows.append(f"{len(data):07o}")
    return "\n".join(rows)

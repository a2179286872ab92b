# ruff: noqa: E501
"""Loop family on fonts: labels in a font that is not installed, its fallback's glyphs and widths differing each try."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout66.output import Fail, test_step
from heldout66.text import Attempt, Ctx, again, churn, grep_n, py_edit


def glyph_fallback_font_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Labels with a font that is not installed: missing-glyph warnings, fallback widths that differ, font caches
    rebuilt, families reordered, and the tests that pin label widths or warnings fail in turn."""
    src, tf, font = ctx.src, ctx.tf, ctx.fn("font")
    family, pkg = rng.choice(
        [
            ("Arial", "ttf-mscorefonts-installer"),
            ("Helvetica", "fonts-urw-base35"),
            ("Liberation Sans", "fonts-liberation"),
            ("Noto Sans CJK JP", "fonts-noto-cjk"),
            ("Source Han Sans", "fonts-noto-cjk"),
        ]
    )
    char, code, glyph, plain = rng.choice(
        [
            ("\u2212", 8722, "MINUS SIGN", "-"),
            ("\u00b5", 181, "MICRO SIGN", "u"),
            ("\u2265", 8805, "GREATER-THAN OR EQUAL TO", ">="),
            ("\u00b0", 176, "DEGREE SIGN", " deg"),
        ]
    )
    strict = ("no_warnings", "no_glyph_warnings", "unicode_label")
    body = f"def {font}(size=None):\n    return FontProperties(family=[{family!r}], size=size or rcParams['axes.labelsize'])\n\n\ndef _label(ax, text):\n    ax.set_xlabel(text, fontproperties={font}())\n"
    cases = ("label_width", "no_warnings", "unicode_label", "font_family", "tick_font", "title_font")

    def fail(kind: str) -> Fail:
        name = f"test_{ctx.subj}_{rng.choice(strict if kind == 'glyph' else cases)}"
        if kind == "glyph":
            return Fail(
                name,
                rng.choice(
                    [
                        f"UserWarning: Glyph {code} (\\N{{{glyph}}}) missing from current font.",
                        f"UserWarning: Glyph {code} (\\N{{{glyph}}}) missing from font(s) {family}.",
                    ]
                ),
                "fig.canvas.draw()",
                [
                    (
                        f"{ctx.mpl_dir}/backends/backend_agg.py",
                        "draw_text",
                        "font.set_text(s, 0, flags=get_hinting_flag())",
                    )
                ],
            )
        if kind == "width":
            want = round(rng.uniform(30, 90), 4)
            got = round(want + rng.choice([-1, 1]) * rng.uniform(0.4, 6), 4)
            return Fail(
                name,
                f"AssertionError: assert {got} == {want} ± {want * 1e-6:.1e}",
                "assert bbox.width == pytest.approx(expected_width)",
            )
        if kind == "family":
            return Fail(
                name,
                f"AssertionError: assert 'DejaVu Sans' == {family!r}\n  - {family}\n  + DejaVu Sans",
                "assert label.get_fontname() == expected",
            )
        if kind == "minus":
            value = rng.choice(["1.0", "5", "0.25", "10"])
            return Fail(
                name,
                f"AssertionError: assert '{plain}{value}' == '{char}{value}'",
                "assert ax.get_xlabel() == expected",
            )
        return Fail(
            f"test_{ctx.subj}_font_found",
            f'AssertionError: assert not [<LogRecord: matplotlib.font_manager, 30, {ctx.mpl_abs}/font_manager.py, {ctx.line(rng, "findfont", 1300, 1600)}, "findfont: Font family %s not found.">]',
            "assert not [r for r in caplog.records if r.name == 'matplotlib.font_manager']",
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        extra = rng.choice([" -W error::UserWarning", " -x -W error::UserWarning", " -q", ""])
        warns = []
        if "error" not in extra and rng.random() < 0.6:
            warns.append(
                f"backends/backend_agg.py:{ctx.line(rng, 'agg', 200, 300)}: UserWarning: Glyph {code} (\\N{{{glyph}}}) missing from current font.\n  font.set_text(s, 0, flags=get_hinting_flag())"
            )
        return test_step(ctx, rng, thought, rng.choice([tf, f"{tf}::{fails[0].name}"]), fails, extra, warns)

    def fallback_list(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k, f"Give FontProperties a fallback list so a missing {family} falls back to DejaVu Sans per glyph."
                ),
                py_edit(src, f"family=[{family!r}]", f"family=[{family!r}, 'DejaVu Sans']"),
                "patched",
            ),
            run("Rerun the font tests.", rng.sample(["glyph", "width", "findfont"], rng.randint(1, 2))),
        ]

    def cache(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k, "The font cache may be stale. Let me rebuild it and see what matplotlib finds for the family."
                ),
                f'rm -rf ~/.cache/matplotlib && python -c "import matplotlib.font_manager as fm; fm._load_fontmanager(try_read_cache=False); print(len(fm.fontManager.ttflist)); print(fm.findfont({family!r}))"',
                f"findfont: Font family '{family}' not found.\n{rng.randint(38, 62)}\n{ctx.mpl_abs}/mpl-data/fonts/ttf/DejaVuSans.ttf",
                seconds=rng.uniform(3, 12),
            ),
            run("Rerun.", [rng.choice(["findfont", "glyph", "width"])]),
        ]

    def install(k: int) -> list[Step]:
        out = rng.choice(
            [
                "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?",
                f"Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving 'deb.debian.org'\nE: Unable to locate package {pkg}",
            ]
        )
        return [
            Step(
                again(k, f"Let me check whether any font on the system has it, and try to install {pkg}."),
                f"fc-list | grep -ic '{family.split()[0]}'; apt-get install -y {pkg} 2>&1 | tail -3",
                f"0\n{out}",
                rc=100,
                seconds=rng.uniform(1, 9),
            )
        ]

    def minus(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k,
                    f"Avoid the glyph altogether: write {plain.strip()!r} instead of U+{code:04X} in the label.",
                ),
                py_edit(
                    src,
                    "    ax.set_xlabel(text, fontproperties",
                    f"    text = text.replace({char!r}, {plain!r})\n    ax.set_xlabel(text, fontproperties",
                ),
                "patched",
            ),
            run("Run the tests.", ["minus", rng.choice(["width", "glyph"])]),
        ]

    def silence(k: int) -> list[Step]:
        return [
            Step(
                again(k, "The warning itself is harmless; suppress it where the label is drawn."),
                py_edit(
                    src,
                    "def _label(ax, text):\n",
                    "def _label(ax, text):\n    warnings.filterwarnings('ignore', message='Glyph .* missing from')\n",
                ),
                "patched",
            ),
            run("Rerun the font tests.", [rng.choice(["width", "family", "findfont"])]),
        ]

    def loosen(k: int) -> list[Step]:
        rel = rng.choice([0.02, 0.05, 0.1])
        return [
            Step(
                again(k, f"The width depends on the fallback font's metrics; loosen the width check to rel={rel}."),
                py_edit(tf, "pytest.approx(expected_width)", f"pytest.approx(expected_width, rel={rel})"),
                "patched",
            ),
            run("Run them again.", [rng.choice(["width", "family", "glyph"])]),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                again(k, "Let me see which font file each label actually ends up with."),
                f"python -c \"import matplotlib; matplotlib.use('Agg'); from {ctx.plot_dotted} import {font}; import matplotlib.font_manager as fm; p = {font}(); print(p.get_family(), fm.findfont(p))\"",
                f"findfont: Font family [{family!r}] not found. Falling back to DejaVu Sans.\n[{family!r}{rng.choice([', ' + repr('DejaVu Sans'), ''])}] {ctx.mpl_abs}/mpl-data/fonts/ttf/DejaVuSans.ttf",
            )
        ]

    def sans_serif(k: int) -> list[Step]:
        return [
            Step(
                again(
                    k, "Use the generic family instead and put the wanted font first in rcParams['font.sans-serif']."
                ),
                py_edit(src, f"family=[{family!r}]", "family=['sans-serif']"),
                "patched",
            ),
            run("Rerun.", [rng.choice(["family", "width", "findfont"])]),
        ]

    first = [
        run("Let me run the label tests after my change.", ["glyph", "findfont"]),
        Step(
            "Let me look at the font helper.",
            f"grep -n 'def {font}' -A8 {src}",
            grep_n(ctx.line(rng, "body:" + font), body),
        ),
    ]
    attempts: list[Attempt] = [fallback_list, cache, install, minus, silence, loosen, probe, sans_serif]
    return churn(ctx, rng, n, first, attempts, f"the labels' font ({family}) and its missing glyphs", font, body)

# ruff: noqa: E501
"""Loop family on shared buffers: a bytearray that must grow while memoryviews of it are still handed out."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout63.text import Attempt, Ctx, Fail, churn, noise, py_edit, test_step


def memoryview_export_resize_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A growable buffer that hands out live header views: views released, recreated, copied or cast, and either growing or the views break."""
    src, tf = ctx.source, ctx.test_file
    cls = f"{ctx.cls}Buffer"
    body = f"class {cls}:\n    def __init__(self, size=0):\n        self._buf = bytearray(size)\n        self._view = memoryview(self._buf)\n\n    def append(self, data):\n        self._buf.extend(data)\n\n    def patch(self, offset, data):\n        self._view[offset : offset + len(data)] = data\n\n    def header(self):\n        return self._view[:8]\n"
    cases = (
        "append",
        "append_after_header",
        "patch",
        "header_is_live",
        "patch_after_append",
        "u32_fields",
        "grow_many",
    )

    def fail(kind: str) -> Fail:
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        want = noise(rng, rng.choice([2, 4, 8]))
        error, code, frames = {
            "export": (
                "BufferError: Existing exports of data: object cannot be re-sized",
                f"buf.append({noise(rng, rng.randint(2, 6))!r})",
                [("append", rng.choice(["self._buf.extend(data)", "self._buf += data"]))],
            ),
            "released": (
                "ValueError: operation forbidden on released memoryview object",
                rng.choice([f"buf.patch({rng.randint(0, 8)}, {want!r})", "assert bytes(buf.header()) == HEADER"]),
                [
                    (
                        rng.choice(["patch", "header"]),
                        rng.choice(["self._view[offset : offset + len(data)] = data", "return self._view[:8]"]),
                    )
                ],
            ),
            "stale": (
                f"AssertionError: assert {bytes(len(want))!r} == {want!r}",
                f"assert bytes(buf.header()[{rng.randint(0, 4)}:{rng.randint(5, 8)}]) == {want!r}",
                [],
            ),
            "copy": (
                f"AssertionError: assert {noise(rng, len(want))!r} == {want!r}",
                "assert bytes(header) == bytes(buf.header())",
                [],
            ),
            "itemsize": (
                "TypeError: memoryview: length is not a multiple of itemsize",
                f"buf.set_u32({rng.randint(0, 3)}, {rng.randint(1, 2**31)})",
                [("set_u32", "self._view.cast('I')[index] = value")],
            ),
            "structure": (
                "ValueError: memoryview assignment: lvalue and rvalue have different structures",
                f"buf.patch({rng.randint(0, 8)}, {want!r})",
                [("patch", "self._view[offset : offset + len(data)] = data")],
            ),
        }[kind]
        return Fail(case, error, code, frames)

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(kind) for kind in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -k buffer"]),
        )

    def attempt(k: int) -> list[Step]:
        old, new, why, kinds = rng.choice(
            [
                (
                    "        self._buf.extend(data)",
                    "        self._view.release()\n        self._buf.extend(data)\n        self._view = memoryview(self._buf)",
                    "release the view before growing and make a new one after",
                    ["export", "released"],
                ),
                (
                    "        self._buf.extend(data)",
                    "        del self._view\n        self._buf.extend(data)\n        self._view = memoryview(self._buf)",
                    "drop the view before extending; without a reference it should be released",
                    ["export"],
                ),
                (
                    "        self._buf.extend(data)",
                    "        gc.collect()\n        self._buf.extend(data)",
                    "collect garbage first so dead views are released",
                    ["export"],
                ),
                (
                    "        self._buf.extend(data)",
                    "        self._buf = self._buf + data",
                    "grow by building a new bytearray instead of resizing in place",
                    ["stale", rng.choice(["stale", "copy"])],
                ),
                (
                    "        return self._view[:8]",
                    "        return bytes(self._view[:8])",
                    "return a copy of the header so no export outlives the call",
                    ["copy", "stale"],
                ),
                (
                    "        return self._view[:8]",
                    "        return self._buf[:8]",
                    "return a bytearray slice for the header",
                    ["copy"],
                ),
                (
                    "        self._view[offset : offset + len(data)] = data",
                    "        memoryview(self._buf)[offset : offset + len(data)] = data",
                    "make the view on demand in patch instead of keeping one",
                    ["export", "structure"],
                ),
                (
                    "        self._view[offset : offset + len(data)] = data",
                    "        self._buf[offset : offset + len(data)] = data",
                    "write through the bytearray itself",
                    ["export"],
                ),
            ]
        )
        return [
            Step(f"Let me {why}.", py_edit(src, old, new), "patched"),
            run("Rerun the buffer tests.", rng.sample(kinds, rng.randint(1, len(kinds)))),
        ]

    def bytesio(k: int) -> list[Step]:
        return [
            Step(
                "Let me back the buffer with io.BytesIO and expose getbuffer() instead of managing the view myself.",
                py_edit(
                    src,
                    "        self._buf = bytearray(size)\n        self._view = memoryview(self._buf)",
                    "        self._io = io.BytesIO(bytes(size))\n        self._buf = self._io.getbuffer()\n        self._view = self._buf",
                )
                + "\n"
                + py_edit(
                    src, "        self._buf.extend(data)", "        self._io.seek(0, 2)\n        self._io.write(data)"
                ),
                "patched\npatched",
            ),
            run("Run the tests.", ["export", rng.choice(["structure", "released"])]),
        ]

    def cast(k: int) -> list[Step]:
        return [
            Step(
                "set_u32 should cast the view to unsigned ints; let me cast only the aligned part.",
                py_edit(
                    src,
                    "self._view.cast('I')[index] = value",
                    "self._view[: len(self._view) // 4 * 4].cast('I')[index] = value",
                ),
                "patched",
            ),
            run("Rerun.", ["export", rng.choice(["itemsize", "structure", "released"])]),
        ]

    def probe(k: int) -> Step:
        return Step(
            "Let me check in isolation when a bytearray refuses to grow.",
            "python - <<'EOF'\nb = bytearray(8)\nv = memoryview(b)\nh = v[:4]\nv.release()\ntry:\n    b.extend(b'xx')\n    print('extended')\nexcept BufferError as e:\n    print('BufferError:', e)\nEOF",
            "BufferError: Existing exports of data: object cannot be re-sized",
        )

    def where(k: int) -> Step:
        line = rng.randint(40, 600)
        return Step(
            "Let me see everywhere the views are used.",
            f"grep -rn 'memoryview\\|_view\\|header()' {ctx.run.package} | grep -v tests | head",
            "\n".join(
                f"{src}:{line + d}:{code}"
                for d, code in sorted(
                    rng.sample(
                        [
                            (3, "        self._view = memoryview(self._buf)"),
                            (11, "        self._view[offset : offset + len(data)] = data"),
                            (14, "        return self._view[:8]"),
                            (rng.randint(20, 90), "        hdr = self.buffer.header()"),
                            (rng.randint(20, 90), "        crc = zlib.crc32(self._view)"),
                        ],
                        rng.randint(3, 5),
                    )
                )
            ),
        )

    first = [
        run("Let me run the buffer tests.", ["export", rng.choice(["export", "stale"])]),
        Step(f"Let me look at {cls}.", f"grep -n 'class {cls}' -A15 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [attempt, attempt, attempt, bytesio, cast, lambda k: [probe(k)], lambda k: [where(k)]]
    return churn(ctx, rng, n, first, attempts, "growing the buffer while views of it are alive", cls, body)

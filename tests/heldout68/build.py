"""The sixty-eighth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout68 import (
    episodes,
    episodes_more,
    loops_dtype,
    loops_grad,
    loops_mode,
    loops_nan,
    loops_seed,
    loops_shape,
    loops_train,
)
from heldout68.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 68_068

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "training-threshold-lr-sweep": (loops_train.training_threshold_lr_sweep, 8),
    "target-keepdims-reshape-seesaw": (loops_shape.target_keepdims_reshape_seesaw, 7),
    "softmax-log-epsilon-chase": (loops_nan.softmax_log_epsilon_chase, 7),
    "random-state-reseed-churn": (loops_seed.random_state_reseed_churn, 7),
    "float32-upcast-whack-a-mole": (loops_dtype.float32_upcast_whack_a_mole, 7),
    "dropout-eval-mode-leak": (loops_mode.dropout_eval_mode_leak, 7),
    "gradcheck-step-size-drift": (loops_grad.gradcheck_step_size_drift, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "shuffled-labels-realigned": (episodes.shuffled_labels_realigned, 7),
    "target-column-only-for-1d": (episodes.target_column_only_for_1d, 7),
    "logits-max-shifted": (episodes.logits_max_shifted, 7),
    "random-state-threaded-through": (episodes_more.random_state_threaded_through, 7),
    "predict-switches-to-eval": (episodes_more.predict_switches_to_eval, 7),
    "penalty-gradient-isolated": (episodes_more.penalty_gradient_isolated, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout68", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())

"""A cheap stand-in for child training, for tests of the controller
search loop (no network is trained)."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

from neas_mm.search.decision_space_builder import build_decision_space


class DecisionReward:
    """A child trainer whose "accuracy" is a fixed function of the
    child's decisions: the fraction of decisions equal to ``target`` (0 by
    default) on the ``search`` split, that plus 1 on ``val`` (so a reward
    read from the wrong split shows). Every call is recorded in
    :attr:`calls` (with ``workers=0``, in the test's process).

    Args:
        space: The decision space config (as the loop passes it).
        data_root: Ignored (no data is read).
        target: The decision vector that scores 1 (default all zeros).
        ignored: The real child trainer's options (``network``,
            ``search_recipe``, ...), ignored, so that a config swaps in
            this reward by its ``type`` alone.
    """

    calls: List[Tuple[List[int], int, str, Tuple[str, ...]]] = []

    def __init__(self, space: Any, data_root: Optional[str] = None,
                 target: Optional[Sequence[int]] = None,
                 **ignored: Any) -> None:
        self.space = build_decision_space(space)
        self.target = list(target) if target is not None \
            else [0] * self.space.num_decisions

    def __call__(self, arch: Dict[str, Any], seed: int, budget: str,
                 splits: Sequence[str]) -> Dict[str, Any]:
        decisions = self.space.encode(self.space.arch_from_dict(arch))
        DecisionReward.calls.append((decisions, seed, budget, tuple(splits)))
        value = sum(d == t for d, t in zip(decisions, self.target)) / \
            len(decisions)
        acc = {'search': value, 'val': value + 1.0}
        return dict(acc={s: acc[s] for s in splits}, train_seconds=0.0)

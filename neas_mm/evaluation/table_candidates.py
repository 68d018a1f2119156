"""The order in which the truth table's architectures are added (FLOPs-
stratified batches), and which of a table's rows belong to it."""
from typing import Any, Callable, Dict, Iterable, List, Tuple

from neas_mm.search import stratified_by_flops
from neas_mm.space import EnsembleArch


def spread_order(n: int) -> List[int]:
    """``range(n)`` reordered so that every prefix is spread over it
    (0, n/2, n/4, 3n/4, ...: bit-reversed positions)."""
    bits = max(1, (n - 1).bit_length())
    keys = [int(format(i, f'0{bits}b')[::-1], 2) for i in range(2**bits)]
    return [k for k in sorted(range(2**bits), key=lambda i: keys[i])
            if k < n]


def candidate_archs(space: Any, flops: Callable[[EnsembleArch], float],
                    num: int, batch: int = 16) -> List[EnsembleArch]:
    """The table's architectures in the order they are added: batches of
    ``batch`` FLOPs-stratified draws (seed 0 first: the ranking
    benchmarks' ensembles, then seeds 1, 2, ...), each batch in
    :func:`spread_order`, repeats skipped. Every prefix covers the FLOPs
    range; the list is a function of the space and ``num`` only."""
    out: Dict[str, EnsembleArch] = {}
    seed = 0
    while len(out) < num:
        drawn = stratified_by_flops(space, flops, batch, seed=seed)
        for i in spread_order(batch):
            out.setdefault(str(drawn[i].to_arch_list()), drawn[i])
        seed += 1
    return list(out.values())[:num]


def table_candidates(held: Iterable[Tuple[int, ...]], space: Any,
                     flops: Callable[[EnsembleArch], float]
                     ) -> List[Tuple[int, ...]]:
    """The architectures of ``held`` (``arch_list`` tuples, in table order)
    that are among the table's FLOPs-stratified candidates
    (:func:`candidate_archs`), leaving out the rows other benchmarks
    appended (``search_vs_random.py``'s winners): the ensembles a ranking
    benchmark ranks by default.

    Args:
        held: The table's architectures, e.g. ``TruthTable.matrix`` keys.
        space: The search space the candidates are drawn from.
        flops: Multiply-adds of an architecture (the stratification key).
    """
    held = list(held)
    wanted = {tuple(a.to_arch_list())
              for a in candidate_archs(space, flops, len(held))}
    return [a for a in held if tuple(a) in wanted]

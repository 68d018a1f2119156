"""How a shrunk space treats known ensembles: which of them it still holds,
and how much of each (no Runner, no model: the space and the archs)."""
import statistics
from typing import Any, Dict, List, Optional, Sequence

from neas_mm.space import EnsembleArch, SearchSpace


def decisions_kept(space: SearchSpace, arch: EnsembleArch) -> float:
    """Share of ``arch``'s decisions at the space's splittable layers that
    the space still allows: its combination at a layer after its split, its
    shared operator at one before. 1.0 iff the space contains the arch (for
    an arch whose split is in the space's range)."""
    layers = list(space.splittable_layers)
    if not layers:
        return 1.0
    kept = 0
    for m in layers:
        if m < arch.split:
            kept += arch.shared[m] in space.shared_ops(m)
        else:
            kept += arch.layer_ops(m) in space.combos[m]
    return kept / len(layers)


def combos_kept(space: SearchSpace,
                arch: EnsembleArch) -> Optional[float]:
    """Share of ``arch``'s combinations (its layers after the split) that
    the space still holds; None for an arch with no layer after its split.
    Unlike :func:`decisions_kept` it ignores shared layers, whose operator
    survives while any combination holds it, so archs with few split layers
    do not look safer than they are."""
    layers = range(arch.split, arch.num_layers)
    if not layers:
        return None
    return sum(arch.layer_ops(m) in space.combos[m]
               for m in layers) / len(layers)


def mean_present(values: Sequence[Optional[float]]) -> Any:
    """Mean of the values that are not None; None if there are none."""
    values = [v for v in values if v is not None]
    return statistics.mean(values) if values else None


def format_share(value: Optional[float], spec: str = '.2f') -> str:
    """``value`` formatted with ``spec``, or ``'n/a'`` for None (a summary
    figure with nothing to average, e.g. the combinations kept of a
    quartile whose ensembles all share every layer)."""
    return 'n/a' if value is None else format(value, spec)


def survival_line(summary: Dict[str, Any]) -> str:
    """One progress line of a :func:`survival_summary` (or of a mean of
    several), ``n/a`` where a figure is None."""
    return (f'top quartile kept {format_share(summary["top_quartile_kept"])}'
            f' (all {format_share(summary["all_kept"])}), combinations kept '
            f'top {format_share(summary["top_quartile_combos_kept"])} / all '
            f'{format_share(summary["all_combos_kept"])}, removed '
            f'{format_share(summary["space_removed"])}')


def survival_summary(space: SearchSpace, archs: Sequence[EnsembleArch],
                     truth: Sequence[float]) -> Dict[str, Any]:
    """What shrinking kept of ``archs``, ranked by their standalone accuracy
    ``truth``.

    Returns:
        ``space_removed`` (share of the initial combinations gone),
        ``top_quartile_kept`` (share of the best quarter of ``archs`` that
        the space still contains), ``all_kept`` (the same over all archs:
        what random survival looks like), ``top_quartile_decisions_kept``,
        ``bottom_quartile_decisions_kept`` and ``all_decisions_kept`` (mean
        of :func:`decisions_kept`), ``top_quartile_combos_kept``,
        ``bottom_quartile_combos_kept`` and ``all_combos_kept`` (mean of
        :func:`combos_kept` over the archs that split; None where no arch
        of the group splits: an all-shared ensemble has no combination to
        lose and is left out rather than counted as kept, because counting
        it would credit every metric, random drops included, equally),
        ``surviving_mean_acc`` (mean truth of the contained archs; None if
        none is) against ``full_mean_acc``,
        and ``kept_weighted_mean_acc`` (truth weighted by decisions kept).
    """
    if len(archs) != len(truth) or len(archs) < 4:
        raise ValueError(f'need >= 4 archs with one truth each, got '
                         f'{len(archs)} archs and {len(truth)} values')
    order = sorted(range(len(archs)), key=lambda i: truth[i], reverse=True)
    quarter = max(1, len(archs) // 4)
    top, bottom = order[:quarter], order[-quarter:]
    contained = [space.contains(a) for a in archs]
    kept = [decisions_kept(space, a) for a in archs]
    combos = [combos_kept(space, a) for a in archs]
    surviving: List[float] = [t for t, c in zip(truth, contained) if c]
    return dict(
        space_removed=1 - space.size / space.initial_size,
        space_size=space.size,
        top_quartile_kept=mean_present([float(contained[i]) for i in top]),
        all_kept=mean_present([float(c) for c in contained]),
        top_quartile_decisions_kept=mean_present([kept[i] for i in top]),
        bottom_quartile_decisions_kept=mean_present([kept[i] for i in bottom]),
        all_decisions_kept=mean_present(kept),
        top_quartile_combos_kept=mean_present([combos[i] for i in top]),
        bottom_quartile_combos_kept=mean_present([combos[i] for i in bottom]),
        all_combos_kept=mean_present(combos),
        surviving_mean_acc=mean_present(surviving),
        full_mean_acc=mean_present(list(truth)),
        kept_weighted_mean_acc=(sum(k * t for k, t in zip(kept, truth))
                                / sum(kept) if sum(kept) else None))


def shrink_score_percentiles(record: Dict[str, Any],
                             archs: Sequence[EnsembleArch]
                             ) -> List[Optional[float]]:
    """For each arch, the mean percentile (0 = lowest, 1 = highest) of its
    combinations' scores in one shrink record of ``DiversityShrinkHook``,
    ranked within each layer for a per-layer selection and over all layers
    for a global one; None for an arch none of whose combinations was
    scored (e.g. split after every scored layer)."""
    scores = {(s['layer'], tuple(s['combo'])): s['score']
              for s in record['scores']}
    groups: Dict[Any, List[Any]] = {}
    for key in scores:
        group = key[0] if record.get('selection') == 'per_layer' else 'all'
        groups.setdefault(group, []).append(key)
    percentile = {}
    for keys in groups.values():
        ranked = sorted(keys, key=lambda k: scores[k])
        for rank, key in enumerate(ranked):
            percentile[key] = rank / max(1, len(ranked) - 1)
    out: List[Optional[float]] = []
    for arch in archs:
        values = [percentile[(m, arch.layer_ops(m))]
                  for m in range(arch.split, arch.num_layers)
                  if (m, arch.layer_ops(m)) in percentile]
        out.append(statistics.mean(values) if values else None)
    return out

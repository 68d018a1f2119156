import random

import pytest

from neas_mm.evaluation import decisions_kept, survival_summary
from neas_mm.space import SearchSpace

OPS = ('k3_e4', 'k5_e4', 'k7_e4', 'skip')


def space():
    # Layers 1..3 can split (split range 1..4); layer 0 always shared.
    return SearchSpace(num_paths=2, stage_depths=(4, ), split_range=(1, 4),
                       ops=OPS)


def archs(n=8):
    sp = space()
    return [sp.sample(random.Random(i)) for i in range(n)]


def test_decisions_kept_counts_each_splittable_layer():
    sp, arch = space(), archs()[0]
    assert decisions_kept(sp, arch) == 1.0
    # Remove the arch's own choice at the deepest layer.
    last = sp.num_layers - 1
    if last >= arch.split:
        sp.remove(last, arch.layer_ops(last))
    else:
        for combo in list(sp.combos[last]):
            if arch.shared[last] in combo:
                sp.remove(last, combo)
    assert decisions_kept(sp, arch) == pytest.approx(2 / 3)
    assert not sp.contains(arch)


def test_summary_of_a_space_that_kept_the_best():
    sp, pool = space(), archs()
    truth = [0.1 * i for i in range(len(pool))]  # the last two are the best
    best = pool[-2:]
    # Drop every combination no top-quartile arch uses (never a layer's
    # last).
    for m in sp.splittable_layers:
        used = {a.layer_ops(m) for a in best if m >= a.split}
        used |= {c for a in best if m < a.split for c in sp.combos[m]
                 if a.shared[m] in c}
        for combo in list(sp.combos[m]):
            if combo not in used and len(sp.combos[m]) > 1:
                sp.remove(m, combo)
    summary = survival_summary(sp, pool, truth)
    assert summary['top_quartile_kept'] == 1.0
    assert summary['top_quartile_decisions_kept'] == 1.0
    assert summary['space_removed'] > 0.5
    assert summary['all_kept'] < 1.0
    assert summary['surviving_mean_acc'] > summary['full_mean_acc']
    assert summary['kept_weighted_mean_acc'] > summary['full_mean_acc']
    assert summary['bottom_quartile_decisions_kept'] < 1.0
    # The full space keeps everything.
    full = survival_summary(space(), pool, truth)
    assert full['space_removed'] == 0 and full['all_kept'] == 1.0
    assert full['surviving_mean_acc'] == pytest.approx(full['full_mean_acc'])


def test_summary_needs_one_truth_per_arch():
    with pytest.raises(ValueError, match='one truth each'):
        survival_summary(space(), archs(), [0.5])


def test_score_percentiles_per_layer_and_global():
    from neas_mm.evaluation import shrink_score_percentiles
    from neas_mm.space import EnsembleArch
    a, b, c = 'k3_e4', 'k5_e4', 'k7_e4'
    arch_ab = EnsembleArch(split=2, shared=['k3_e4', 'k3_e4'],
                           paths=[[a, a], [b, c]], stage_depths=(4, ))
    shared = EnsembleArch(split=4, shared=[a] * 4, paths=[[], []],
                          stage_depths=(4, ))
    scores = [dict(layer=2, combo=[a, b], score=5.0),
              dict(layer=2, combo=[b, a], score=1.0),
              dict(layer=3, combo=[a, c], score=-3.0),
              dict(layer=3, combo=[b, c], score=-1.0),
              dict(layer=3, combo=[c, a], score=-2.0)]
    per_layer = dict(selection='per_layer', scores=scores)
    # Layer 2: (a, b) is its highest (1.0); layer 3: (a, c) its lowest (0).
    assert shrink_score_percentiles(per_layer, [arch_ab, shared]) == \
        [0.5, None]
    # Globally (a, b) is the highest of five (1.0), (a, c) the lowest (0).
    glob = dict(selection='global', scores=scores)
    assert shrink_score_percentiles(glob, [arch_ab])[0] == 0.5
    scores[0]['score'] = -1.5  # now second of five globally: 0.5
    assert shrink_score_percentiles(glob, [arch_ab])[0] == 0.25


def test_combos_kept_ignores_shared_layers():
    from neas_mm.evaluation import combos_kept
    sp = space()
    pool = archs(20)
    late = next(a for a in pool if a.split == 3)  # one layer after it
    shared_only = next(a for a in pool if a.split == 4)
    assert combos_kept(sp, shared_only) is None
    assert combos_kept(sp, late) == 1.0
    sp.remove(3, late.layer_ops(3))
    assert combos_kept(sp, late) == 0.0
    # decisions_kept still credits its shared layers 1 and 2.
    assert decisions_kept(sp, late) == pytest.approx(2 / 3)



def test_a_quartile_that_never_splits_reads_n_a():
    """Issue 31: with few ensembles the top quartile can be one ensemble
    that shares every layer; its combination figures are None (it has no
    combination to lose, so it is not counted as kept) and the progress
    line says n/a instead of failing to format None."""
    from neas_mm.evaluation import format_share, survival_line
    from neas_mm.space import EnsembleArch
    sp, pool = space(), archs(3)
    first = pool[0]
    all_shared = EnsembleArch(
        split=sp.num_layers,
        shared=first.path_ops(0),
        paths=((), ()), stage_depths=first.stage_depths)
    pool.append(all_shared)
    truth = [0.1, 0.2, 0.3, 0.9]  # the all-shared one is the best
    summary = survival_summary(sp, pool, truth)
    assert summary['top_quartile_combos_kept'] is None
    assert summary['all_combos_kept'] is not None
    line = survival_line(summary)
    assert 'combinations kept top n/a' in line
    assert format_share(None) == 'n/a' and format_share(0.5) == '0.50'

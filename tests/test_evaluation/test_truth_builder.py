import functools

import pytest

from neas_mm.datasets import DIGIT_CLASSES
from neas_mm.evaluation import (StandaloneRecipe, StandaloneTrainer,
                                TruthTable, load_image_split)
from neas_mm.evaluation.table_candidates import (candidate_archs,
                                                 spread_order,
                                                 table_candidates)
from neas_mm.evaluation.truth_builder import TruthBuilder
from neas_mm.evaluation.truth_table import table_context
from neas_mm.space import EnsembleArch, SearchSpace
from neas_mm.testing import TINY_DEPTHS, TINY_HEAD_CHANNELS, TINY_WIDTHS

RECIPE = StandaloneRecipe(steps=3, batch_size=16, lr=0.1, warmup_steps=1)
HEAD = dict(in_channels=TINY_HEAD_CHANNELS, num_classes=10)


def tiny_trainer(root):
    """What a worker builds (module level: picklable for spawn)."""
    split = load_image_split(str(root), 'train', DIGIT_CLASSES)
    return StandaloneTrainer(TINY_WIDTHS, HEAD, RECIPE, split,
                             dict(search=split, val=split),
                             channels_last=True)


def arch(op):
    return EnsembleArch(split=1, shared=[op],
                        paths=[['k3_e4', 'k5_e4', 'k3_e4', 'k5_e4'],
                               ['k5_e4', 'k3_e4', 'k5_e4', 'k3_e4']],
                        stage_depths=TINY_DEPTHS)


def builder(tmp_path, root, workers, fuse=False):
    table = TruthTable(tmp_path / 'table.jsonl',
                       table_context(dict(kind='digits'), RECIPE,
                                     dict(backbone=TINY_WIDTHS, head=HEAD),
                                     fuse_seeds=fuse))
    lines = []
    return TruthBuilder(table, functools.partial(tiny_trainer, root),
                        workers=workers, fuse_seeds=fuse,
                        progress=lines.append), lines


def test_fill_trains_only_what_is_missing(tmp_path, digits_cls_root):
    build, lines = builder(tmp_path, digits_cls_root, workers=0)
    archs = [arch('k3_e4'), arch('k5_e4')]
    build.table.add(archs[0], 0, dict(acc=dict(val=0.5, search=0.4),
                                      final_loss=1.0, train_seconds=1.0))
    assert [(a.shared, s) for a, s in build.missing(archs, [0, 1])] == [
        (('k3_e4', ), [1]), (('k5_e4', ), [0]), (('k5_e4', ), [1])]
    assert build.fill(archs, [0, 1]) == 3
    assert len(lines) == 3 and 'about' in lines[-1]
    rows = TruthTable(tmp_path / 'table.jsonl').rows
    assert sorted((r['arch_list'][1:3], r['seed']) for r in rows) == sorted(
        [(a.to_arch_list()[1:3], s) for a in archs for s in (0, 1)])
    assert rows[0]['val'] == 0.5  # the held row was kept, not retrained
    assert build.fill(archs, [0, 1]) == 0


def test_workers_and_fused_seeds_write_every_row(tmp_path, digits_cls_root):
    build, lines = builder(tmp_path, digits_cls_root, workers=2, fuse=True)
    archs = [arch('k3_e4'), arch('k5_e4')]
    assert build.fill(archs, [0, 1]) == 4
    assert len(lines) == 2  # one job per architecture
    table = TruthTable(tmp_path / 'table.jsonl')
    assert table.context['trainer'] == dict(channels_last=True,
                                            fuse_seeds=True)
    assert all(0 <= r['val'] <= 1 for r in table.rows)
    assert len(table.matrix(2)) == 2


def test_candidates_cover_the_flops_range_in_every_prefix():
    assert spread_order(8) == [0, 4, 2, 6, 1, 5, 3, 7]
    space = SearchSpace(num_paths=2, stage_depths=(2, 2), split_range=(1, 4),
                        ops=('k3_e4', 'k5_e4', 'k7_e4', 'skip'))

    def cost(a):
        return sum(int(op[1]) if op != 'skip' else 0
                   for p in range(a.num_paths) for op in a.path_ops(p))
    archs = candidate_archs(space, cost, 20, batch=8)
    assert len({str(a.to_arch_list()) for a in archs}) == 20
    first = [cost(a) for a in archs[:2]]  # the batch's lowest and middle
    every = sorted(cost(a) for a in archs[:8])
    assert first[0] == every[0] and first[1] > every[0]
    assert candidate_archs(space, cost, 20, batch=8) == archs
    with pytest.raises(ValueError):
        TruthBuilder(None, None, workers=-1)


def test_table_candidates_leave_out_appended_rows():
    """Rows appended after the stratified candidates (a search's winners)
    are not among the ensembles a ranking benchmark takes by default."""
    space = SearchSpace(num_paths=2, stage_depths=(2, 2), split_range=(1, 4),
                        ops=('k3_e4', 'k5_e4', 'k7_e4', 'skip'))

    def cost(a):
        return sum(int(op[1]) if op != 'skip' else 0
                   for p in range(a.num_paths) for op in a.path_ops(p))
    order = [tuple(a.to_arch_list()) for a in candidate_archs(space, cost, 30)]
    held = order[:12] + [order[25]]  # a late arch appended out of order
    assert table_candidates(held, space, cost) == order[:12]
    assert table_candidates(order[:13], space, cost) == order[:13]


def test_table_ground_truth_reads_rows_and_trains_the_missing(
        tmp_path, digits_cls_root):
    from neas_mm.evaluation.ground_truth import TableGroundTruth
    build, _ = builder(tmp_path, digits_cls_root, workers=0)
    held = dict(acc=dict(val=0.5, search=0.4), final_loss=1.0,
                train_seconds=1.0)
    build.table.add(arch('k3_e4'), 0, held)
    lines = []
    truth = TableGroundTruth(build.table, tiny_trainer(digits_cls_root),
                             progress=lines.append)
    assert truth.get(arch('k3_e4'), 0) == held
    fresh = truth.get(arch('k5_e4'), 1)  # trained with the table's recipe
    assert truth.trained == 1 and 'seeds [1]' in lines[0]
    assert TruthTable(build.table.file).get(arch('k5_e4'), 1)['val'] == \
        fresh['acc']['val']
    other = tiny_trainer(digits_cls_root)
    other.recipe = StandaloneRecipe(steps=4)
    with pytest.raises(ValueError, match='the trainer runs'):
        TableGroundTruth(build.table, other)


def test_sigterm_ends_the_workers_and_keeps_finished_rows(tmp_path,
                                                          digits_cls_root):
    """`kill` of a build (SIGTERM) must not leave worker processes behind;
    the rows finished before it stay in the table."""
    import os
    import signal
    import threading
    build, lines = builder(tmp_path, digits_cls_root, workers=1)
    archs = [arch('k3_e4'), arch('k5_e4'), arch('k7_e4')]
    # Send SIGTERM to this process once the first row is written.
    table_add = build.table.add

    def add_then_kill(*args):
        row = table_add(*args)
        threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return row
    build.table.add = add_then_kill
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        build.fill(archs, [0])
    assert signal.getsignal(signal.SIGTERM) is before
    import multiprocessing
    assert not multiprocessing.active_children()
    # One job finished (seconds each); the kill came 10 ms after its row.
    assert len(TruthTable(tmp_path / 'table.jsonl').rows) == 1

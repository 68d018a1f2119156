import json

import pytest

from neas_mm.evaluation import (MissingTruthError, TableVersionError,
                                TruthTable, table_version)
from neas_mm.space import EnsembleArch
from neas_mm.testing import TINY_DEPTHS

CONTEXT = dict(task=dict(kind='cluttered_digits', seed=0),
               recipe=dict(steps=1000), backbone=dict(widen_factor=0.5))


def arch(op='k3_e4'):
    return EnsembleArch(split=1, shared=[op],
                        paths=[['k3_e4', 'k5_e4', 'k3_e4', 'k5_e4'],
                               ['k5_e4', 'k3_e4', 'k5_e4', 'k3_e4']],
                        stage_depths=TINY_DEPTHS)


def result(val, search=0.5):
    return dict(acc=dict(val=val, search=search), final_loss=0.123456789,
                train_seconds=12.5)


def test_rows_persist_with_a_versioned_header(tmp_path):
    file = tmp_path / 'table.jsonl'
    table = TruthTable(file, CONTEXT)
    row = table.add(arch(), 0, result(0.9))
    assert row == dict(arch_list=arch().to_arch_list(), seed=0, val=0.9,
                       search=0.5, final_loss=0.12346, seconds=12.5)
    table.add(arch(), 1, result(0.8))
    table.add(arch('k5_e4'), 0, result(0.7))
    header = json.loads(file.read_text().splitlines()[0])
    assert header['table_version'] == table_version(CONTEXT)
    again = TruthTable(file)  # the context read from the header
    assert again.version == table.version and len(again.rows) == 3
    assert again.archs() == [arch().to_arch_list(),
                             arch('k5_e4').to_arch_list()]
    assert again.seeds(arch().to_arch_list()) == [0, 1]
    assert again.accuracy(arch(), [0, 1]) == pytest.approx(0.85)
    assert again.matrix(2) == {tuple(arch().to_arch_list()): [0.9, 0.8]}


def test_other_recipe_is_refused_with_what_differs(tmp_path):
    file = tmp_path / 'table.jsonl'
    TruthTable(file, CONTEXT).add(arch(), 0, result(0.9))
    other = dict(CONTEXT, recipe=dict(steps=600))
    with pytest.raises(TableVersionError,
                       match=r"recipe=\{'steps': 1000\} \(asked "
                       r"\{'steps': 600\}\)"):
        TruthTable(file, other)
    with pytest.raises(FileNotFoundError, match='--add N'):
        TruthTable(tmp_path / 'none.jsonl')
    (tmp_path / 'bad.jsonl').write_text('{"key": 1}\n')
    with pytest.raises(ValueError, match='not a truth table'):
        TruthTable(tmp_path / 'bad.jsonl')


def test_missing_arch_is_named_or_trained_on_demand(tmp_path):
    table = TruthTable(tmp_path / 'table.jsonl', CONTEXT)
    table.add(arch(), 0, result(0.9))
    with pytest.raises(MissingTruthError) as info:
        table.lookup(arch(), [0, 1])
    assert str(arch().to_arch_list()) in str(info.value)
    assert 'seeds [1]' in str(info.value)
    calls = []

    def train(a, seeds):
        calls.append(seeds)
        return [result(0.5 + s / 10) for s in seeds]
    rows = table.lookup(arch(), [0, 1, 2], train=train)
    assert calls == [[1, 2]]
    assert [r['val'] for r in rows] == [0.9, 0.6, 0.7]
    assert len(TruthTable(table.file).rows) == 3  # written through


def test_a_cut_last_line_is_skipped_and_closed(tmp_path):
    file = tmp_path / 'table.jsonl'
    table = TruthTable(file, CONTEXT)
    table.add(arch(), 0, result(0.9))
    with file.open('a') as f:
        f.write('{"arch_list": [1, 2')  # an interrupted write
    table = TruthTable(file, CONTEXT)
    assert len(table.rows) == 1
    table.add(arch(), 1, result(0.8))
    again = TruthTable(file)
    assert [r['seed'] for r in again.rows] == [0, 1]

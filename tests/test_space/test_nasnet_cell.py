"""The NASNet cell space as data: validation, formats, decisions, size."""
import copy
import itertools
import json
import random
from pathlib import Path

import pytest

from neas_mm.space import (NASNET_COMBINES, NASNET_OPS, NASNetArch,
                           NASNetCell, NASNetCellError)

NASNET_A = Path(__file__).resolve().parents[2] / 'configs' / 'nasnet' / \
    'archs' / 'nasnet_a.json'


def cell_dict():
    """A valid 3-block cell."""
    return dict(blocks=[
        dict(inputs=[0, 1], ops=['sep_conv_3x3', 'identity'],
             combine='add'),
        dict(inputs=[2, 0], ops=['max_pool_3x3', 'conv_1x7_7x1'],
             combine='concat'),
        dict(inputs=[3, 1], ops=['avg_pool_3x3', 'dil_conv_3x3'],
             combine='add'),
    ], concat=None)


def random_decisions(num_blocks, rng):
    return [rng.randrange(n) for n in NASNetArch.decision_sizes(num_blocks)]


def test_every_operation_of_the_paper_and_both_combines():
    assert len(NASNET_OPS) == 13 and len(set(NASNET_OPS)) == 13
    assert NASNET_COMBINES == ('add', 'concat')
    cell = NASNetCell.from_dict(cell_dict())
    assert cell.num_blocks == 3


@pytest.mark.parametrize('edit, match', [
    # input index out of range: block 1 may read 0..2
    (lambda d: d['blocks'][1].update(inputs=[0, 3]),
     r'block 1: inputs\[1\] = 3 is out of range; allowed: 0\.\.2 '
     r'\(0 = h_i, 1 = h_\{i-1\}, 2 = block 0\)'),
    (lambda d: d['blocks'][0].update(inputs=[-1, 0]),
     r'block 0: inputs\[0\] = -1 is out of range; allowed: 0\.\.1'),
    (lambda d: d['blocks'][0].update(inputs=[True, 0]),
     r'block 0: inputs\[0\] = True is out of range'),
    (lambda d: d['blocks'][2].update(inputs=[1.0, 0]),
     r'block 2: inputs\[0\] = 1\.0 is out of range; allowed: 0\.\.3 '
     r'\(0 = h_i, 1 = h_\{i-1\}, 2\.\.3 = blocks 0\.\.1\)'),
    (lambda d: d['blocks'][0].update(inputs=[0]),
     r'block 0: inputs = \[0\] must be a pair'),
    # unknown operation / combine
    (lambda d: d['blocks'][2].update(ops=['avg_pool_3x3', 'conv_5x5']),
     r"block 2: ops\[1\] = 'conv_5x5' is not an operation; allowed: "
     r'identity, conv_1x3_3x1'),
    (lambda d: d['blocks'][1].update(ops='identity'),
     r"block 1: ops = 'identity' must be a pair"),
    (lambda d: d['blocks'][1].update(combine='mul'),
     r"block 1: combine = 'mul' is not a combine method; allowed: add, "
     r'concat'),
    # malformed blocks
    (lambda d: d['blocks'][1].pop('combine'),
     r"block 1: missing field\(s\) \['combine'\]"),
    (lambda d: d['blocks'][0].update(op=['identity']),
     r"block 0: unknown field\(s\) \['op'\]; allowed: inputs, ops, "
     r'combine'),
    (lambda d: d['blocks'].__setitem__(2, 'sep_conv_3x3'),
     r'block 2: must be a mapping'),
    # wrong block count
    (lambda d: d.update(blocks=[]), r'a cell needs at least 1 block, got 0'),
    # output concatenation
    (lambda d: d.update(concat=[2, 5]),
     r'concat: 5 is out of range; allowed: 0\.\.4'),
    (lambda d: d.update(concat=[2, 2]), r'concat lists a hidden state twice'),
    (lambda d: d.update(concat=[]), r'concat must list at least one'),
    (lambda d: d.update(extra=1), r"cell: unknown field\(s\) \['extra'\]"),
])
def test_malformed_cells_raise_the_named_error(edit, match):
    data = cell_dict()
    edit(data)
    with pytest.raises(NASNetCellError, match=match) as info:
        NASNetCell.from_dict(data)
    assert isinstance(info.value, ValueError)


def test_malformed_architectures_and_decisions():
    cell = cell_dict()
    short = copy.deepcopy(cell)
    short['blocks'] = short['blocks'][:2]
    with pytest.raises(NASNetCellError, match='normal cell has 3 blocks but '
                       'the reduction cell 2'):
        NASNetArch.from_dict(dict(normal=cell, reduction=short))
    with pytest.raises(NASNetCellError, match=r'num_blocks = 4 but the cells'
                       ' have 3'):
        NASNetArch.from_dict(dict(normal=cell, reduction=cell, num_blocks=4))
    bad = copy.deepcopy(cell)
    bad['blocks'][2]['combine'] = 'max'
    with pytest.raises(NASNetCellError, match=r"^reduction cell: block 2: "
                       r"combine = 'max'"):
        NASNetArch.from_dict(dict(normal=cell, reduction=bad))
    with pytest.raises(NASNetCellError, match=r"missing cell\(s\) "
                       r"\['reduction'\]"):
        NASNetArch.from_dict(dict(normal=cell))
    # decision lists: length and per-decision range
    good = NASNetArch.from_dict(dict(normal=cell, reduction=cell))
    decisions = good.to_decisions()
    with pytest.raises(NASNetCellError, match='needs 30 decisions, got 29'):
        NASNetArch.from_decisions(decisions[:-1], num_blocks=3)
    with pytest.raises(NASNetCellError, match='positive multiple of 10'):
        NASNetArch.from_decisions(decisions[:-1])
    wrong = list(decisions)
    wrong[15 + 5] = 2  # reduction cell, block 1 input 1: 0..2 allowed
    NASNetArch.from_decisions(wrong)
    wrong[15 + 5] = 3
    with pytest.raises(NASNetCellError, match=r'^reduction cell: decision 5 '
                       r'\(block 1, input 1\) = 3 is out of range; allowed: '
                       r'0\.\.2'):
        NASNetArch.from_decisions(wrong)
    wrong = list(decisions)
    wrong[3] = 13
    with pytest.raises(NASNetCellError, match=r'^normal cell: decision 3 '
                       r'\(block 0, op 2\) = 13 is out of range; allowed: '
                       r'0\.\.12'):
        NASNetArch.from_decisions(wrong)
    with pytest.raises(NASNetCellError, match='num_blocks must be an int'):
        NASNetCell.decision_sizes(0)


def test_unused_states_form_the_output_by_default():
    cell = NASNetCell.from_dict(cell_dict())
    # block 0 (state 2) is read by block 1, block 1 (state 3) by block 2
    assert cell.used_states == (0, 1, 2, 3)
    assert cell.output_states == (4, )
    assert cell.state_widths == (1, 1, 1, 2, 1)
    assert cell.output_width == 1
    explicit = NASNetCell.from_dict(dict(cell_dict(), concat=[1, 3, 4]))
    assert explicit.output_states == (1, 3, 4)
    assert explicit.output_width == 1 + 2 + 1


@pytest.mark.parametrize('suffix', ['.json', '.yaml'])
def test_dict_and_file_round_trip(tmp_path, suffix):
    arch = NASNetArch.from_dict(dict(
        normal=cell_dict(), reduction=dict(cell_dict(), concat=[0, 4])))
    data = arch.to_dict()
    assert NASNetArch.from_dict(json.loads(json.dumps(data))) == arch
    arch.dump(tmp_path / f'arch{suffix}')
    loaded = NASNetArch.load(tmp_path / f'arch{suffix}')
    assert loaded == arch
    assert loaded.reduction.concat == (0, 4)
    assert NASNetArch.parse(str(tmp_path / f'arch{suffix}')) == arch
    assert NASNetArch.parse(data) == arch
    assert NASNetArch.parse(arch.to_decisions()) == NASNetArch.from_dict(
        dict(normal=cell_dict(), reduction=cell_dict()))
    with pytest.raises(NASNetCellError, match='got int'):
        NASNetArch.parse(3)


def test_unreadable_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        NASNetArch.load(tmp_path / 'missing.json')
    (tmp_path / 'a.json').write_text('{"normal": ')
    with pytest.raises(NASNetCellError, match='not valid JSON'):
        NASNetArch.load(tmp_path / 'a.json')
    data = json.loads(NASNET_A.read_text())
    data['normal']['blocks'][4]['inputs'] = [0, 7]
    (tmp_path / 'b.json').write_text(json.dumps(data))
    with pytest.raises(NASNetCellError, match=r'b\.json: normal cell: block '
                       r'4: inputs\[1\] = 7'):
        NASNetArch.load(tmp_path / 'b.json')


def test_decision_round_trip():
    rng = random.Random(0)
    for num_blocks in (1, 2, 5):
        for _ in range(50):
            decisions = random_decisions(num_blocks, rng)
            arch = NASNetArch.from_decisions(decisions)
            assert arch.num_blocks == num_blocks
            assert arch.to_decisions() == decisions
            assert NASNetArch.from_dict(arch.to_dict()) == arch


def test_decision_order_and_sizes():
    # per block: input 1, input 2, op 1, op 2, combine; inputs grow with b
    sizes = NASNetArch.decision_sizes(3)
    assert sizes == (2, 2, 13, 13, 2, 3, 3, 13, 13, 2, 4, 4, 13, 13, 2) * 2
    cell = NASNetCell.from_decisions([1, 0, 12, 0, 1, 2, 1, 4, 5, 0])
    assert cell.blocks[0].inputs == (1, 0)
    assert cell.blocks[0].ops == ('sep_conv_7x7', 'identity')
    assert cell.blocks[0].combine == 'concat'
    assert cell.blocks[1].inputs == (2, 1)
    assert cell.blocks[1].ops == ('avg_pool_3x3', 'max_pool_3x3')
    assert cell.blocks[1].combine == 'add'


def test_nasnet_a_file():
    arch = NASNetArch.load(NASNET_A)
    assert arch.name == 'NASNet-A' and arch.num_blocks == 5
    normal, reduction = arch.normal, arch.reduction
    assert all(b.combine == 'add' for b in normal.blocks + reduction.blocks)
    # normal cell: every block reads only h_i / h_{i-1}; the output also
    # holds h_{i-1}: 6C filters
    assert normal.used_states == (0, 1)
    assert normal.output_states == (1, 2, 3, 4, 5, 6)
    assert normal.output_width == 6
    assert normal.blocks[0].inputs == (0, 1)
    assert normal.blocks[0].ops == ('sep_conv_5x5', 'sep_conv_3x3')
    assert normal.blocks[4].ops == ('sep_conv_3x3', 'identity')
    # reduction cell: blocks 3 and 4 read blocks 0 and 1; 4C filters
    assert reduction.blocks[3].inputs == (3, 2)
    assert reduction.blocks[3].ops == ('identity', 'avg_pool_3x3')
    assert reduction.output_states == (3, 4, 5, 6)
    assert reduction.output_width == 4
    # the decisions hold the blocks, not the published concat
    back = NASNetArch.from_decisions(arch.to_decisions())
    assert back.normal.blocks == normal.blocks
    assert back.normal.concat is None and back.normal.output_width == 5
    assert back.reduction.output_states == (4, 5, 6)


def test_space_size_against_enumeration_for_one_block():
    cells = set()
    for decisions in itertools.product(*map(range,
                                            NASNetCell.decision_sizes(1))):
        cells.add(NASNetCell.from_decisions(decisions))
    # 2 inputs x 2 inputs x 13 ops x 13 ops x 2 combines
    assert len(cells) == 2 * 2 * 13 * 13 * 2 == 1352
    assert NASNetCell.space_size(1) == 1352
    unordered = {(frozenset([(c.blocks[0].inputs[0], c.blocks[0].ops[0]),
                             (c.blocks[0].inputs[1], c.blocks[0].ops[1])]),
                  c.blocks[0].combine) for c in cells}
    assert len(unordered) == NASNetCell.space_size(
        1, unordered_branches=True) == 26 * 27 // 2 * 2


def test_space_size_by_hand():
    # B = 2: block 0 has (2 * 13)^2 * 2, block 1 (3 * 13)^2 * 2
    assert NASNetCell.space_size(2) == 26**2 * 2 * 39**2 * 2 == 4112784
    assert NASNetArch.space_size(2) == 4112784**2
    assert NASNetCell.space_size(2, unordered_branches=True) == \
        (26 * 27 // 2 * 2) * (39 * 40 // 2 * 2)
    # B = 5 (the paper's): prod_b ((b + 2) * 13)^2 * 2
    assert NASNetCell.space_size(5) == (2 * 3 * 4 * 5 * 6)**2 * 13**10 * 2**5

import json

import pytest

from neas_mm.space import OFFICIAL_ARCH_LISTS, ArchError, EnsembleArch

NEAS_S = OFFICIAL_ARCH_LISTS['NEAS-S']  # split 20
NEAS_M = OFFICIAL_ARCH_LISTS['NEAS-M']  # split 16


@pytest.mark.parametrize('codes', list(OFFICIAL_ARCH_LISTS.values()))
def test_official_arch_lists_round_trip(codes):
    arch = EnsembleArch.from_arch_list(codes)
    assert arch.to_arch_list() == codes
    assert arch.num_paths == 2 and arch.split == codes[0]


def test_decoded_operators():
    arch = EnsembleArch.from_arch_list(NEAS_M)
    assert arch.shared[:3] == ('k5_e6', 'k5_e4', 'k3_e4')
    assert arch.shared[6] == 'skip'
    assert arch.paths[0] == ('k7_e6', 'k3_e4', 'k7_e6', 'k7_e4')
    assert arch.paths[1] == ('k5_e6', 'k7_e6', 'k5_e4', 'k7_e6')
    assert arch.combos[0] == ('k7_e6', 'k5_e6')
    assert arch.path_ops(1)[16:] == arch.paths[1]


@pytest.mark.parametrize('suffix', ['.json', '.yaml'])
def test_file_round_trip(tmp_path, suffix):
    arch = EnsembleArch.from_arch_list(NEAS_M)
    arch.dump(tmp_path / f'arch{suffix}')
    assert EnsembleArch.load(tmp_path / f'arch{suffix}') == arch
    assert EnsembleArch.parse(str(tmp_path / f'arch{suffix}')) == arch


def test_file_is_human_readable(tmp_path):
    arch = EnsembleArch.from_arch_list(NEAS_S)
    arch.dump(tmp_path / 'a.json')
    data = json.loads((tmp_path / 'a.json').read_text())
    assert data['split'] == 20 and data['shared'][1] == 'skip'
    assert data['arch_list'] == NEAS_S


def test_parse_accepts_comma_separated_arch_list():
    text = ','.join(str(v) for v in NEAS_S)
    assert EnsembleArch.parse(text) == EnsembleArch.from_arch_list(NEAS_S)


@pytest.mark.parametrize('codes, match', [
    (NEAS_S[:-1], 'must have 25 values'),
    ([21] + NEAS_S[1:], 'split must be in'),
    (NEAS_S[:5] + [7] + NEAS_S[6:], 'out of range'),
    (NEAS_S[:3] + [-1] + NEAS_S[4:], "stage's first layer"),
    ([16, 2, 0] + NEAS_M[3:19] + [5, 0, 5, 4, 0] + [5, 5, 2, 5, 0],
     'distinct'),
    ([20, 0, 0], 'num_path'),
])
def test_malformed_arch_list_names_the_problem(codes, match):
    with pytest.raises(ArchError, match=match):
        EnsembleArch.from_arch_list(codes)


@pytest.mark.parametrize('change, match', [
    (dict(split=3), 'shared must list'),
    (dict(paths=[['k3_e4', 'k5_e4', 'k7_e4']]), 'paths\\[0\\] must list'),
    (dict(shared=['k3_e4', 'conv9']), "unknown operator 'conv9'"),
    (dict(stage_depths=[1, 0]), 'stage_depths'),
])
def test_malformed_dict_names_the_field(change, match):
    data = dict(split=2, shared=['k3_e4', 'k5_e4'],
                paths=[['k3_e4', 'k5_e6'], ['k5_e4', 'k7_e4']],
                stage_depths=[2, 2])
    data.update(change)
    with pytest.raises(ArchError, match=match):
        EnsembleArch.from_dict(data)


def test_bad_file_is_reported_with_its_name(tmp_path):
    (tmp_path / 'broken.json').write_text('{"split": 1, ')
    with pytest.raises(ArchError, match='broken.json'):
        EnsembleArch.load(tmp_path / 'broken.json')
    with pytest.raises(FileNotFoundError):
        EnsembleArch.load(tmp_path / 'missing.json')

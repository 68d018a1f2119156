"""RLControllerSearchLoop, its decision spaces and tools/search.py without a
checkpoint; children rewarded by a cheap function of their decisions
(``neas_mm.testing.search_rewards.DecisionReward``) but one real NASNet
child trained for a few steps."""
import json
import random
import runpy
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from neas_mm.search import (NASNetController, NASNetDecisions,
                            NEASDecisions, build_decision_space,
                            mutate_decisions)
from neas_mm.space import ArchError, EnsembleArch, NASNetArch, SearchSpace
from neas_mm.testing import TINY_DEPTHS
from neas_mm.testing.search_rewards import DecisionReward

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'nasnet' / 'nasnet_search_controller_cluttered.py'
REWARD = 'neas_mm.testing.search_rewards.DecisionReward'


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors: intra-op threads only wait on each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def no_recorded_calls():
    DecisionReward.calls.clear()
    yield
    DecisionReward.calls.clear()


def tiny_neas_space() -> SearchSpace:
    """K = 2 over 5 layers, split 2..5, a few combinations shrunk away."""
    space = SearchSpace(2, TINY_DEPTHS, (2, 5))
    for layer in (2, 3, 4):
        for combo in list(space.combos[layer])[:7]:
            space.remove(layer, combo)
    return space


def search_cfg(work_dir, data_root, space=None, **loop):
    """The config, shrunk: NASNet cells of one block, DecisionReward
    children, no worker process."""
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': str(data_root),
        'train_dataloader.dataset.embedded': 'digits_cls',
        'work_dir': str(work_dir), 'log_level': 'WARNING'})
    cfg.model.space = space or dict(type='nasnet', num_blocks=1)
    cfg.train_cfg.child = dict(type=REWARD)
    cfg.train_cfg.update(dict(num_children=12, batch_size=4, workers=0,
                              top_k=2, ppo=dict(lr=0.05)), **loop)
    return cfg


def run(cfg):
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner.train_loop


def test_search_runs_through_the_runner_and_writes_its_results(
        tmp_path, digits_cls_root):
    loop = run(search_cfg(tmp_path, digits_cls_root))
    assert len(loop.children) == 12
    assert [h['children'] for h in loop.history] == [4, 8, 12]
    assert loop.ppo.num_updates == 3
    best = NASNetArch.load(tmp_path / 'best_arch.json')
    winner = loop.winner()
    assert best == NASNetArch.from_dict(winner['arch'])
    assert 'search reward' in best.note
    assert winner in loop.final and len(loop.final) == 2
    table = json.loads((tmp_path / 'search_topk_controller.json')
                       .read_text())
    assert [r['rank'] for r in table] == [1, 2]
    assert (tmp_path / 'search_curve.png').stat().st_size > 1000
    saved = json.loads((tmp_path / 'search_children_controller.json')
                       .read_text())
    assert [c['reward'] for c in saved['children']] == \
        [c['reward'] for c in loop.children]


def test_rewards_are_search_split_accuracies_never_val(tmp_path,
                                                        digits_cls_root):
    loop = run(search_cfg(tmp_path, digits_cls_root))
    searched = [c for c in DecisionReward.calls if c[2] == 'search']
    final = [c for c in DecisionReward.calls if c[2] == 'final']
    assert {c[3] for c in searched} == {('search', )}
    assert len(searched) == sum(not c['cached'] for c in loop.children)
    assert {c[3] for c in final} == {('search', 'val')} and len(final) == 2
    for child in loop.children:  # val would be >= 1
        assert child['reward'] == sum(d == 0 for d in child['decisions']) / 10
    # val is only reported, after the retraining.
    assert all(row['val'][0] == row['search'][0] + 1 for row in loop.final)


def comparable(loop):
    history = [{k: v for k, v in h.items() if k != 'seconds'}
               for h in loop.history]
    return loop.children, history, loop.final


@pytest.mark.parametrize('mode', ['controller', 'evolution'])
def test_resume_after_an_interruption_equals_a_straight_run(
        tmp_path, digits_cls_root, mode):
    straight = run(search_cfg(tmp_path / 'a', digits_cls_root, mode=mode))
    runner = Runner.from_cfg(search_cfg(tmp_path / 'b', digits_cls_root,
                                        mode=mode))
    loop = runner.train_loop
    train = loop.pool.run
    batches = []

    def interrupted(jobs):  # killed while training the third batch
        batches.append(jobs)
        if len(batches) == 3:
            raise KeyboardInterrupt
        return train(jobs)

    loop.pool.run = interrupted
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    assert len(torch.load(loop.state_file)['children']) == 8
    DecisionReward.calls.clear()
    resumed = run(search_cfg(tmp_path / 'b', digits_cls_root, mode=mode,
                             resume=True))
    assert len(resumed.history) == 3
    assert comparable(resumed) == comparable(straight)
    assert resumed.ppo.baseline == straight.ppo.baseline
    for key, value in straight.policy.controller.state_dict().items():
        assert torch.equal(value,
                           resumed.policy.controller.state_dict()[key]), key
    # Only the third batch and the retraining ran after the resume.
    trained = sum(not c['cached'] for c in resumed.children
                  if c['update'] == 3)
    assert len(DecisionReward.calls) == trained + 2


def test_resume_with_other_settings_is_refused(tmp_path, digits_cls_root):
    run(search_cfg(tmp_path, digits_cls_root, num_children=4))
    with pytest.raises(ValueError, match="batch_size=4, this loop runs "
                       "batch_size=2"):
        run(search_cfg(tmp_path, digits_cls_root, batch_size=2,
                       resume=True))


def test_random_mode_draws_uniform_decisions_and_leaves_the_controller(
        tmp_path, digits_cls_root):
    loop = run(search_cfg(tmp_path, digits_cls_root, mode='random',
                          num_children=600, batch_size=100, top_k=0,
                          seed=3))
    fresh = NASNetController(num_blocks=1, seed=3)
    for key, value in fresh.state_dict().items():
        assert torch.equal(value, loop.policy.controller.state_dict()[key])
    assert loop.ppo.num_sampled == loop.ppo.num_updates == 0
    decisions = torch.tensor([c['decisions'] for c in loop.children])
    for t, n in enumerate(loop.space.sizes):
        counts = torch.bincount(decisions[:, t], minlength=n).float()
        # Each value's count is binomial(600, 1 / n): within 5 deviations.
        expected = len(decisions) / n
        spread = 5 * (expected * (1 - 1 / n))**0.5
        assert ((counts - expected).abs() < spread).all(), (t, counts)
    assert (tmp_path / 'search_state_random.pth').is_file()


def test_controller_climbs_the_reward_random_search_does_not(
        tmp_path, digits_cls_root):
    """Reward: the fraction of zero decisions (0.33 expected of uniform
    ones). Measured, mean reward of the last 3 of 12 batches of 8 for seeds
    0, 1, 2: controller 0.52, 0.70, 0.60; random 0.31, 0.34, 0.35."""
    means = {}
    for mode in ('controller', 'random'):
        loop = run(search_cfg(tmp_path / mode, digits_cls_root, mode=mode,
                              num_children=96, batch_size=8, top_k=0,
                              ppo=dict(lr=0.05)))
        means[mode] = sum(h['mean_reward']
                          for h in loop.history[-3:]) / 3
    assert means['controller'] > means['random'] + 0.15, means


def test_evolution_mode_breeds_unseen_children(tmp_path, digits_cls_root):
    loop = run(search_cfg(tmp_path, digits_cls_root, mode='evolution',
                          num_children=24, batch_size=8, top_k=0))
    keys = [json.dumps(c['arch'], sort_keys=True) for c in loop.children]
    assert len(set(keys)) == len(keys)
    first = sum(c['reward'] for c in loop.children[:8]) / 8
    last = sum(c['reward'] for c in loop.children[-8:]) / 8
    assert last > first, (first, last)
    rng = random.Random(0)
    mutated = mutate_decisions([0] * 10, loop.space.sizes, rng, 0.0)
    assert sum(d != 0 for d in mutated) == 1  # always one decision


def test_neas_decisions_round_trip_and_stay_in_the_space():
    space = tiny_neas_space()
    decisions = NEASDecisions(space=space)
    # split, 2 always-shared layers, 3 layers with an operator and a combo
    assert decisions.sizes[0] == 4 and len(decisions.sizes) == 1 + 2 + 6
    rng = random.Random(0)
    for _ in range(200):
        arch = space.sample(rng)
        assert decisions.decode(decisions.encode(arch)) == arch
        drawn = decisions.decode(
            [rng.randrange(n) for n in decisions.sizes])
        assert space.contains(drawn)
    removed = SearchSpace(2, TINY_DEPTHS, (2, 5)).combos[2][0]
    kept = [space.combos[m][0] for m in (3, 4)]
    outside = EnsembleArch(split=2, shared=['k3_e4', 'k3_e4'],
                           paths=[[removed[0], kept[0][0], kept[1][0]],
                                  [removed[1], kept[0][1], kept[1][1]]],
                           stage_depths=TINY_DEPTHS)
    with pytest.raises(ArchError, match=r'layer 2: combination .* is not '
                       'in the space'):
        decisions.encode(outside)
    with pytest.raises(ValueError, match='decision 0 = 4 is out of range'):
        decisions.decode([4] + [0] * 8)
    same = build_decision_space(decisions.to_dict())
    assert same.sizes == decisions.sizes
    nasnet = NASNetDecisions(2)
    for _ in range(50):
        drawn = [rng.randrange(n) for n in nasnet.sizes]
        assert nasnet.encode(nasnet.decode(drawn)) == drawn


def test_the_loop_searches_the_neas_space(tmp_path, digits_cls_root):
    space = tiny_neas_space()
    loop = run(search_cfg(tmp_path, digits_cls_root,
                          space=dict(type='neas', space=space.to_dict())))
    archs = [EnsembleArch.from_dict(c['arch']) for c in loop.children]
    assert len(archs) == 12 and all(space.contains(a) for a in archs)
    best = EnsembleArch.load(tmp_path / 'best_arch.json')
    assert best == EnsembleArch.from_dict(loop.winner()['arch'])
    assert loop.policy.controller.sizes == loop.space.sizes


def test_a_nasnet_child_trains_on_the_task(digits_cls_root):
    from neas_mm.evaluation.child_trainer import ChildTrainer
    trainer = ChildTrainer(
        dict(type='nasnet', num_blocks=1), digits_cls_root,
        search_recipe=dict(steps=3, batch_size=8, warmup_steps=1),
        final_recipe=dict(steps=2, batch_size=8, warmup_steps=1),
        network=dict(channels=4, num_cells=1), search_images=20)
    arch = NASNetDecisions(1).decode([0, 1, 9, 10, 0, 1, 0, 4, 12, 1])
    result = trainer(arch.to_dict(), 0, 'search', ('search', ))
    assert set(result['acc']) == {'search'}
    assert 0.0 <= result['acc']['search'] <= 1.0
    again = trainer(arch.to_dict(), 0, 'search', ('search', ))
    assert again['acc'] == result['acc']  # a seed fixes the child
    final = trainer(arch.to_dict(), 0, 'final', ('search', 'val'))
    assert set(final['acc']) == {'search', 'val'}


def search_tool(monkeypatch, tmp_path, config, *args):
    """tools/search.py's main in this process; its error line or None."""
    tool = REPO / 'tools' / 'search.py'
    monkeypatch.setattr(sys, 'argv', [
        str(tool), str(config), *args, '--work-dir', str(tmp_path)])
    try:
        runpy.run_path(str(tool), run_name='__main__')
    except SystemExit as exit_info:
        return str(exit_info.code)
    return None


def test_tool_runs_the_controller_config_and_resumes(
        tmp_path, digits_cls_root, monkeypatch):
    options = ['--cfg-options', 'model.space.num_blocks=1',
               f'train_dataloader.dataset.data_root={digits_cls_root}',
               'train_dataloader.dataset.embedded=digits_cls',
               f'train_cfg.child.type={REWARD}', 'train_cfg.workers=0',
               'train_cfg.batch_size=4', 'train_cfg.top_k=1']
    assert search_tool(monkeypatch, tmp_path, CONFIG, *options,
                       'train_cfg.num_children=8') is None
    DecisionReward.calls.clear()
    assert search_tool(monkeypatch, tmp_path, CONFIG, '--resume', *options,
                       'train_cfg.num_children=12') is None
    # The search went on from child 8: one batch and the retraining.
    assert [c[2] for c in DecisionReward.calls].count('search') <= 4
    state = json.loads((tmp_path / 'search_children_controller.json')
                       .read_text())
    assert len(state['children']) == 12
    assert NASNetArch.load(tmp_path / 'best_arch.json').num_blocks == 1


def test_tool_refuses_a_checkpoint_the_loop_does_not_take(
        tmp_path, monkeypatch):
    message = search_tool(monkeypatch, tmp_path, CONFIG, 'x.pth')
    assert message.startswith('tools/search.py: error: ')
    assert 'takes no checkpoint, got x.pth' in message


def test_tool_still_asks_evolution_for_its_checkpoint(tmp_path,
                                                      monkeypatch):
    config = REPO / 'configs' / 'neas' / 'neas_search_k2_digits.py'
    message = search_tool(monkeypatch, tmp_path, config)
    assert message.startswith('tools/search.py: error: ')
    assert 'pass its checkpoint' in message

import pytest
import torch

from neas_mm.datasets import DIGIT_CLASSES
from neas_mm.evaluation import (FusedSeedsTrainer, StandaloneRecipe,
                                StandaloneTrainer, load_image_split)
from neas_mm.space import EnsembleArch
from neas_mm.testing import TINY_DEPTHS, TINY_HEAD_CHANNELS, TINY_WIDTHS

HEAD = dict(in_channels=TINY_HEAD_CHANNELS, num_classes=10)
# Split 1 of 5: a shared layer, then two paths with different operators,
# so a fused run must route every model through its own K paths.
ARCH = EnsembleArch(split=1, shared=['k3_e4'],
                    paths=[['k5_e4', 'k3_e4', 'k3_e4', 'k5_e4'],
                           ['k3_e4', 'k5_e4', 'k5_e4', 'k3_e4']],
                    stage_depths=TINY_DEPTHS)


@pytest.fixture(scope='module')
def split(digits_cls_root):
    return load_image_split(str(digits_cls_root), 'train', DIGIT_CLASSES)


def make(split, steps=6, **head):
    recipe = StandaloneRecipe(steps=steps, batch_size=16, lr=0.1,
                              warmup_steps=2)
    return StandaloneTrainer(TINY_WIDTHS, {**HEAD, **head}, recipe, split,
                             dict(train=split))


def trained_state(trainer, seed):
    """A separate run's final weights and BN statistics."""
    captured = {}
    build = trainer.build

    def keep(arch):
        captured['model'] = build(arch)
        return captured['model']
    trainer.build = keep
    result = trainer.run(ARCH, seed)
    trainer.build = build
    return result, captured['model'].state_dict()


def test_fused_seeds_equal_separate_runs(split):
    separate = [trained_state(make(split), seed) for seed in (0, 3)]
    fused_trainer = make(split)
    models = []
    build = fused_trainer.build

    def keep(arch):
        models.append(build(arch))
        return models[-1]
    fused_trainer.build = keep
    fused = FusedSeedsTrainer(fused_trainer).run(ARCH, [0, 3])
    assert len(fused) == 2 and len(models) == 2
    for (result, state), got, model in zip(separate, fused, models):
        assert got['final_loss'] == pytest.approx(result['final_loss'],
                                                  rel=1e-4)
        assert got['acc'] == result['acc']
        mine = model.state_dict()
        for key, value in state.items():
            if value.is_floating_point():
                torch.testing.assert_close(mine[key], value, rtol=1e-4,
                                           atol=1e-5, msg=key)
            else:  # num_batches_tracked
                assert torch.equal(mine[key], value), key
    # Each model kept its own BatchNorm statistics and weights.
    key = next(k for k in separate[0][1] if k.endswith('running_mean'))
    assert not torch.allclose(separate[0][1][key], separate[1][1][key])
    assert int(next(v for k, v in models[0].state_dict().items()
                    if k.endswith('num_batches_tracked'))) == 6


def test_fused_refuses_random_masks_and_repeated_seeds(split):
    with pytest.raises(ValueError, match=r'head_cfg.dropout=0.2'):
        FusedSeedsTrainer(make(split, dropout=0.2))
    with pytest.raises(ValueError, match='distinct seeds'):
        FusedSeedsTrainer(make(split)).run(ARCH, [1, 1])

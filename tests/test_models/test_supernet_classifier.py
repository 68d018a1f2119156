import copy
import random

import torch
from mmpretrain.structures import DataSample

from neas_mm.models import (KPathSampler, NEASSupernetClassifier,
                            unpack_extra_state)
from neas_mm.space import SearchSpace
from neas_mm.testing import TINY_DEPTHS, TINY_HEAD_CHANNELS, TINY_WIDTHS


def tiny_classifier(**kwargs):
    torch.manual_seed(0)
    return NEASSupernetClassifier(
        backbone=dict(type='NEASSupernet', num_paths=2,
                      stage_depths=TINY_DEPTHS, **TINY_WIDTHS),
        head=dict(type='NEASEnsembleHead', num_paths=2,
                  in_channels=TINY_HEAD_CHANNELS, num_classes=5),
        split_range=(1, 5), **kwargs)


def calibrate_bn(model):
    """Running statistics of the data (fresh ones, 0 and 1, shrink every
    layer's output until a new network answers the same for all images)."""
    bns = [m for m in model.modules()
           if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    model.train()
    torch.manual_seed(1)
    with torch.no_grad():
        for _ in range(4):
            model.loss(*batch(16))
    return model


def batch(n=4):
    samples = [DataSample().set_gt_label(i % 5) for i in range(n)]
    return torch.randn(n, 3, 32, 32), samples


def test_sampler_is_deterministic_per_index():
    space = SearchSpace(num_paths=2, stage_depths=(2, 2), split_range=(0, 4))
    a, b = KPathSampler(seed=3), KPathSampler(seed=3)
    # Two "ranks" with the same seed draw the same sequence.
    assert [a.sample(space, i) for i in range(20)] == \
        [b.sample(space, i) for i in range(20)]
    assert [a.sample(space, i) for i in range(20)] != \
        [KPathSampler(seed=4).sample(space, i) for i in range(20)]


def test_loss_is_the_sum_of_path_cross_entropies():
    model = tiny_classifier()
    inputs, samples = batch()
    arch = model.sampler.sample(model.space, 0)
    losses = model.loss(inputs, samples)
    assert model.num_sampled == 1
    logits = model.head(model.backbone(inputs, arch))
    labels = torch.tensor([s.gt_label.item() for s in samples])
    expected = sum(torch.nn.functional.cross_entropy(x, labels)
                   for x in logits)
    torch.testing.assert_close(losses['loss'], expected)


def test_predict_scores_the_mean_of_path_logits():
    model = calibrate_bn(tiny_classifier(eval_bn='running')).eval()
    inputs, samples = batch()
    preds = model.predict(inputs, samples)
    arch = model.reference_arch()
    logits = model.head(model.backbone(inputs, arch))
    mean = torch.stack(logits).mean(0).softmax(1)
    torch.testing.assert_close(torch.stack([p.pred_score for p in preds]),
                               mean)
    assert preds[0].path_scores.shape == (2, 5)
    assert not torch.allclose(preds[0].pred_score, preds[1].pred_score)
    # An explicit evaluation architecture takes precedence.
    other = model.space.sample(random.Random(9))
    assert other != arch
    model.eval_arch = other
    scores = torch.stack([p.pred_score for p in model.predict(inputs)])
    other_logits = model.head(model.backbone(inputs, other))
    torch.testing.assert_close(
        scores, torch.stack(other_logits).mean(0).softmax(1))
    assert not torch.allclose(scores, mean)
    assert model.reference_arch() == arch
    # Shrinking, even its own combinations away, does not redraw it: the
    # validation curve compares one network across the whole run.
    for layer, combo in zip(range(arch.split, model.space.num_layers),
                            arch.combos):
        if len(model.space.combos[layer]) > 1:
            model.space.remove(layer, combo)
    assert not model.space.contains(arch)
    assert model.reference_arch() == arch


def test_space_and_draw_counter_live_in_the_state_dict():
    model = tiny_classifier()
    model.loss(*batch())
    model.loss(*batch())
    model.space.remove(4, model.space.combos[4][0])
    state = model.state_dict()
    fresh = tiny_classifier()
    assert fresh.space != model.space
    fresh.load_state_dict(state)
    assert fresh.space == model.space and fresh.num_sampled == 2
    assert fresh.sample_arch() == model.sample_arch()
    # One tensor, so that mmengine can broadcast it at a distributed start.
    assert torch.is_tensor(state['_extra_state'])
    # Checkpoints written before held the dict itself.
    old = dict(state, _extra_state=unpack_extra_state(
        state['_extra_state']))
    again = tiny_classifier()
    again.load_state_dict(old)
    assert again.space == model.space and again.num_sampled == 2


def test_batch_statistics_validation_leaves_running_stats_alone():
    model = tiny_classifier().eval()
    inputs, samples = batch(8)
    before = {k: v.clone() for k, v in model.state_dict().items()
              if 'running' in k or 'num_batches' in k}
    preds = model.predict(inputs, samples)
    after = model.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in before.items())
    assert not model.training
    # Each BN normalised with this batch's own moments: what a training
    # mode forward computes (no dropout in this head), on a copy.
    twin = copy.deepcopy(model).train()
    with torch.no_grad():
        logits = twin.head(twin.backbone(inputs, model.reference_arch()))
    torch.testing.assert_close(
        torch.stack([p.pred_score for p in preds]),
        torch.stack(logits).mean(0).softmax(1))


def test_bad_eval_bn_is_named():
    import pytest
    with pytest.raises(ValueError, match='eval_bn'):
        tiny_classifier(eval_bn='frozen')

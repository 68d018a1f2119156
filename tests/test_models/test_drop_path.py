"""drop_path: whole samples dropped, the kept ones rescaled."""
import torch

from neas_mm.models.utils.drop_path import drop_path


def test_each_sample_is_dropped_whole_or_scaled_by_one_over_keep():
    torch.manual_seed(0)
    x = torch.rand(4000, 3, 2, 2) + 1.0  # no zeros of its own
    out = drop_path(x, 0.25, training=True)
    kept = (out != 0).flatten(1)
    # One decision per sample: all of a sample's elements, or none.
    assert torch.equal(kept.all(1), kept.any(1))
    kept = kept.all(1)
    assert 0 < kept.sum() < len(x)
    torch.testing.assert_close(out[kept], x[kept] / 0.75)
    dropped = 1 - kept.float().mean().item()
    assert abs(dropped - 0.25) < 0.03  # 4000 draws: s.d. 0.007
    # The expectation is kept: E[out] = x.
    assert abs(out.mean().item() / x.mean().item() - 1) < 0.05


def test_identity_when_evaluating_or_at_zero_probability():
    x = torch.randn(8, 4, 3, 3)
    assert drop_path(x, 0.5, training=False) is x
    assert drop_path(x, 0.0, training=True) is x

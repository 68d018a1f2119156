"""recalibrated_paths: BN statistics re-estimated from the data."""
import random

import torch

from neas_mm.models import NEASSupernet
from neas_mm.models.utils import recalibrated_paths
from neas_mm.testing import TINY_DEPTHS, TINY_WIDTHS


def test_statistics_are_the_calibration_data_moments():
    torch.manual_seed(0)
    net = NEASSupernet(stage_depths=TINY_DEPTHS, **TINY_WIDTHS)
    arch = net.default_space((2, 5)).sample(random.Random(0), split=2)
    batches = [torch.randn(16, 3, 32, 32) * 2 + 0.5 for _ in range(3)]
    with torch.no_grad():
        stem = [net.stem.conv(x) for x in batches]
    # A cumulative average over equal batches: the mean of all images'
    # activations, and the mean of the batches' unbiased variances.
    mean = torch.cat(stem).mean((0, 2, 3))
    var = torch.stack([s.var((0, 2, 3), unbiased=True)
                       for s in stem]).mean(0)
    with recalibrated_paths(net, net, arch, batches):
        torch.testing.assert_close(net.stem.bn.running_mean, mean)
        torch.testing.assert_close(net.stem.bn.running_var, var)
        # The shared layers run with path 0's snapshot (loaded before
        # them): it holds the same moments.
        _, stats = net.path_bn_stats
        torch.testing.assert_close(stats[0][0][0], mean)
    # Outside the block the statistics are those of before.
    assert not torch.allclose(net.stem.bn.running_mean, mean)

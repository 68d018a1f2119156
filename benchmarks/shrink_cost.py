"""Cost of one diversity shrink step against one training epoch.

Runs the digits supernet config (configs/neas/neas_supernet_k2_digits.py,
data from tools/prepare_data.py) for one epoch in a real Runner, then times
the shrink step of its DiversityShrinkHook. Prints one JSON object with

* ``shrink_over_epoch``: shrink step time / epoch time at the digits
  settings (Z and the held-out size of the config);
* ``projected_at_paper_ratios``: the same ratio projected to ImageNet with
  Z = 100 ensembles on 1,000 held-out (search) images against a 1.28M-image
  epoch, from the measured seconds per evaluated image and per trained
  image. Goal: < 0.10.

Run: ``.venv/bin/python benchmarks/shrink_cost.py [--quick]`` (quick: the
same epoch, a shrink step over 5 ensembles on 128 held-out images).
"""
import argparse
import json
import tempfile
import time
from pathlib import Path

from mmengine.config import Config
from mmengine.runner import Runner

from neas_mm.engine import DiversityShrinkHook

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='shrink step over 5 ensembles, 128 images')
    args = parser.parse_args()
    cfg = Config.fromfile(str(CONFIG))
    if args.quick:
        cfg.custom_hooks[0].num_samples = 5
        cfg.custom_hooks[0].score_size = 128
    cfg.work_dir = tempfile.mkdtemp()
    cfg.train_cfg.max_epochs = 1
    cfg.train_cfg.val_interval = 100
    cfg.custom_hooks[0].interval = 100  # shrink only when asked below
    cfg.default_hooks.checkpoint.interval = 100
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.train()
    epoch_s = time.perf_counter() - start
    hook = next(h for h in runner.hooks
                if isinstance(h, DiversityShrinkHook))
    start = time.perf_counter()
    hook._score_batches(runner)
    holdout_prep_s = time.perf_counter() - start
    start = time.perf_counter()
    hook.shrink(runner)
    shrink_s = time.perf_counter() - start

    train_images = len(runner.train_dataloader.dataset)
    evaluated = hook.num_samples * hook.score_size
    per_eval_image = shrink_s / evaluated
    per_train_image = epoch_s / train_images
    paper_eval, paper_epoch = 100 * 1000, 1_281_167
    print(json.dumps(dict(
        settings=dict(num_samples=hook.num_samples,
                      holdout_size=hook.score_size,  # the search split
                      train_images=train_images),
        epoch_s=round(epoch_s, 2),
        shrink_s=round(shrink_s, 2),
        holdout_prep_s=round(holdout_prep_s, 2),
        shrink_over_epoch=round(shrink_s / epoch_s, 3),
        eval_image_over_train_image=round(per_eval_image / per_train_image,
                                          3),
        projected_at_paper_ratios=round(
            paper_eval * per_eval_image / (paper_epoch * per_train_image),
            4))))


if __name__ == '__main__':
    main()

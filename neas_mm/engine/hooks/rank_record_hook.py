import hashlib
import itertools
import json
from pathlib import Path
from typing import Any, Dict, List

from mmengine.dist import get_rank
from mmengine.hooks import Hook

from neas_mm.registry import HOOKS
from ..runner_model import runner_model


@HOOKS.register_module()
class RankRecordHook(Hook):
    """Writes what this process saw to ``<work_dir>/<prefix><rank>.json``,
    so that the ranks of a distributed run can be compared: the
    architecture trained at every iteration, the training indices each
    epoch's sampler gave this rank, and at the end a digest of the weights,
    the search space and (in a search) the best ensemble.

    Args:
        prefix: File name prefix.
    """
    priority = 'LOWEST'

    def __init__(self, prefix: str = 'rank') -> None:
        self.prefix = prefix
        self.record: Dict[str, Any] = dict(archs=[], indices=[])

    def before_train_epoch(self, runner) -> None:
        sampler = runner.train_dataloader.sampler
        # One epoch's worth (an InfiniteSampler never ends).
        self.record['indices'].append(
            [int(i) for i in itertools.islice(sampler, len(sampler))])

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        arch = getattr(runner_model(runner), 'last_arch', None)
        if arch is not None:
            self.record['archs'].append(arch.to_dict())

    def after_train(self, runner) -> None:
        model = runner_model(runner)
        digest = hashlib.sha256()
        for name, param in sorted(model.named_parameters()):
            digest.update(name.encode())
            digest.update(param.detach().cpu().numpy().tobytes())
        self.record['weights_sha256'] = digest.hexdigest()
        space = getattr(model, 'space', None)
        self.record['space'] = None if space is None else space.to_dict()
        loop = runner.train_loop
        if hasattr(loop, 'topk'):
            best: List = loop.topk()[:1]
            self.record['best'] = best[0].to_dict() if best else None
        path = Path(runner.work_dir) / f'{self.prefix}{get_rank()}.json'
        path.write_text(json.dumps(self.record))

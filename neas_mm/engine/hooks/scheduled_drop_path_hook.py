from mmengine.hooks import Hook

from neas_mm.registry import HOOKS
from ..runner_model import runner_model


@HOOKS.register_module()
class ScheduledDropPathHook(Hook):
    """NASNet's ScheduledDropPath: the drop-path probability of the
    backbone's residual blocks rises linearly from 0 at the first iteration
    to ``max_prob`` at the last.

    Args:
        max_prob: Drop-path probability at the end of training, in [0, 1).
    """
    priority = 'NORMAL'

    def __init__(self, max_prob: float = 0.1) -> None:
        if not 0.0 <= max_prob < 1.0:
            raise ValueError(f'ScheduledDropPathHook: max_prob must be in '
                             f'[0, 1), got {max_prob!r}')
        self.max_prob = max_prob

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        model = runner_model(runner)
        if not hasattr(model.backbone, 'set_drop_path_rate'):
            raise TypeError('ScheduledDropPathHook needs a backbone with '
                            'set_drop_path_rate (NEASEnsembleBackbone, '
                            'NASNetBackbone), got '
                            f'{type(model.backbone).__name__}')
        progress = runner.iter / max(runner.max_iters, 1)
        model.backbone.set_drop_path_rate(self.max_prob * progress)

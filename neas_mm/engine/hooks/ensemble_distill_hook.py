from mmengine.hooks import Hook

from neas_mm.registry import HOOKS
from ..runner_model import runner_model


@HOOKS.register_module()
class EnsembleDistillHook(Hook):
    """Switches the head's ensemble distillation (EnNAS section 3.2) on
    from epoch ``start_epoch`` (1-based): before it the K paths learn from
    the labels only, as a teacher built from untrained paths would teach
    noise.

    Args:
        start_epoch: First epoch that distils, >= 1.
    """
    priority = 'NORMAL'

    def __init__(self, start_epoch: int = 1) -> None:
        if not isinstance(start_epoch, int) or start_epoch < 1:
            raise ValueError(f'EnsembleDistillHook: start_epoch must be an '
                             f'int >= 1, got {start_epoch!r}')
        self.start_epoch = start_epoch

    def before_train_epoch(self, runner) -> None:
        head = runner_model(runner).head
        if getattr(head, 'distill_weight', 0) <= 0:
            raise ValueError('EnsembleDistillHook needs a head with '
                             'distill_weight > 0 (NEASEnsembleHead)')
        head.distilling = runner.epoch + 1 >= self.start_epoch

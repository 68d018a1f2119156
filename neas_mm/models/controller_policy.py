"""The Runner's model of a controller search: the controller RNN and the
space its decisions describe."""
from typing import Any, Dict, Optional, Union

from mmengine.model import BaseModel

from neas_mm.registry import MODELS
from neas_mm.search.decision_space_builder import build_decision_space


@MODELS.register_module()
class ControllerPolicy(BaseModel):
    """Holds the controller that :class:`RLControllerSearchLoop` trains
    with policy gradients (it has no data step of its own) and the decision
    space it samples: NASNet's cells (the paper's
    :class:`NASNetController`) or the NEAS K-path space (a
    :class:`DecisionController` over :class:`NEASDecisions`).

    Configs name it with ``custom_imports`` of this module, since
    ``neas_mm.models`` does not import it.

    Args:
        space: ``'nasnet'``, ``'neas'`` or a dict with ``type`` and the
            space's arguments (e.g. ``dict(type='nasnet', num_blocks=5)``,
            ``dict(type='neas', model_config=...)``).
        hidden_size: LSTM units (100 in the paper's A.2).
        init_range: Initial weights uniform in [-init_range, init_range].
        data_preprocessor: Unused (BaseModel's).
        init_cfg: Unused; the loop initialises the controller with its
            seed.
    """

    def __init__(self, space: Union[str, Dict[str, Any]] = 'nasnet',
                 hidden_size: int = 100, init_range: float = 0.1,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.space_cfg = dict(type=space) if isinstance(space, str) \
            else dict(space)
        self.space = build_decision_space(self.space_cfg)
        self.init_range = init_range
        self.controller = self.space.build_controller(hidden_size,
                                                      init_range)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError('ControllerPolicy has no forward pass on data: '
                           'RLControllerSearchLoop samples and trains its '
                           'controller')

    def train_step(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward()

    def val_step(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward()

    def test_step(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward()

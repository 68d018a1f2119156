"""A decision space (NASNet cells or the NEAS K-path space) from its
config."""
from typing import Any, Dict, Union

from .decision_space import DecisionSpace
from .nasnet_decisions import NASNetDecisions
from .neas_decisions import NEASDecisions


def build_decision_space(cfg: Union[str, Dict[str, Any]]) -> DecisionSpace:
    """A decision space from its config: ``'nasnet'``, ``'neas'`` or a dict
    with ``type`` one of them and the class's arguments
    (:class:`NASNetDecisions`, :class:`NEASDecisions`)."""
    kinds = {'nasnet': NASNetDecisions, 'neas': NEASDecisions}
    cfg = dict(type=cfg) if isinstance(cfg, str) else dict(cfg)
    kind = cfg.pop('type', None)
    if kind not in kinds:
        raise ValueError(f'space type must be one of {sorted(kinds)}, got '
                         f'{kind!r}')
    return kinds[kind](**cfg)

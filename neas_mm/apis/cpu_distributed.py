"""Distributed runs without a GPU: the gloo backend, as on a CPU machine.

mmengine 0.10.7's ``init_dist`` for the ``pytorch`` launcher calls
``torch.cuda.set_device`` before creating the process group, and its Runner
wraps the model in DDP with ``device_ids=[LOCAL_RANK]``; both fail when no
GPU exists. Where CUDA is available nothing here changes the config.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config) -> Config:
    """For a distributed ``cfg.launcher`` on a machine without CUDA: start
    the gloo process group from torchrun's environment and let DDP wrap a
    CPU model (``device_ids=None``). Returns ``cfg``.

    Raises:
        ValueError: for a launcher other than ``pytorch`` without CUDA, or
            without torchrun's environment variables.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return cfg
    if launcher != 'pytorch':
        raise ValueError(f'launcher {launcher!r} needs a GPU here; on CPU '
                         'start the processes with torchrun and '
                         '--launcher pytorch (tools/dist_train.sh)')
    missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR',
                           'MASTER_PORT') if k not in os.environ]
    if missing:
        raise ValueError(f'--launcher pytorch needs {missing} in the '
                         'environment: start it with torchrun '
                         '(tools/dist_train.sh CONFIG NUM_PROCESSES)')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg.backend = 'gloo'
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return cfg

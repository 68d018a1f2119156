from .backbone_macs import build_detector_backbone, detector_backbone_macs
from .cfg_options_check import ConfigKeyError, check_cfg_options
from .checkpoint_check import CheckpointError, check_fits, read_checkpoint
from .cpu_distributed import prepare_cpu_distributed
from .tool_config import REPO_WORK_DIRS, add_runner_args, load_runner_config

__all__ = ['REPO_WORK_DIRS', 'add_runner_args', 'build_detector_backbone',
           'CheckpointError', 'ConfigKeyError', 'check_cfg_options',
           'check_fits', 'read_checkpoint',
           'detector_backbone_macs',
           'load_runner_config', 'prepare_cpu_distributed']

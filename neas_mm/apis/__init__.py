from .backbone_macs import build_detector_backbone, detector_backbone_macs
from .cpu_distributed import prepare_cpu_distributed
from .tool_config import REPO_WORK_DIRS, add_runner_args, load_runner_config

__all__ = ['REPO_WORK_DIRS', 'add_runner_args', 'build_detector_backbone',
           'detector_backbone_macs',
           'load_runner_config', 'prepare_cpu_distributed']

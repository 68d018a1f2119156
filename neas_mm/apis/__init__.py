from .tool_config import REPO_WORK_DIRS, add_runner_args, load_runner_config

__all__ = ['REPO_WORK_DIRS', 'add_runner_args', 'load_runner_config']

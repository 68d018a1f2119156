"""Training throughput of the digits supernet on 1 process against 2
(torchrun, gloo on CPU), and what DDP's ``find_unused_parameters`` costs.

Three runs of ``configs/neas/neas_supernet_k2_digits.py`` (no shrinking,
no validation), each through the project's own entry points:

* ``one_process``: ``tools/train.py``;
* ``two_processes``: ``tools/dist_train.sh CONFIG 2`` with the config's
  ``find_unused_parameters=True``;
* ``two_processes_no_find_unused``: the same with ``False``. A layer whose
  shared operator is ``skip`` leaves that layer's weights without a
  gradient; DDP then stops at the next step unless it looks for unused
  parameters.

Images per second come from the Runner's per-iteration ``time`` (first
iteration dropped): processes x batch / mean iteration time. Prints one
JSON object: ``one_process_images_per_s``, ``two_process_images_per_s``,
``speedup`` (2 over 1; expect none on a 2-core machine, where the two
processes share the cores), ``find_unused_false`` (``ok`` and the error
line if it failed), ``no_find_unused_images_per_s`` (when it ran),
``settings``.

Run: ``.venv/bin/python benchmarks/distributed_steps.py [--quick]``.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Optional

from neas_mm.datasets import prepare_digits_classification
from bench_common.args import benchmark_parser
from bench_common.supernet_runs import REPO, logged_records

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'


def train(work_dir: Path, processes: int, options: Dict[str, object],
          find_unused: bool, threads: int) -> Dict[str, Optional[str]]:
    """One training run (``threads`` torch threads shared by the
    processes); its last error line if it failed."""
    cli = [f'{k}={v}'.replace(' ', '') for k, v in {
        **options,
        'model_wrapper_cfg.find_unused_parameters': find_unused}.items()]
    env = dict(os.environ, PYTHON=sys.executable,
               OMP_NUM_THREADS=str(max(1, threads // processes)))
    if processes == 1:
        cmd = [sys.executable, str(REPO / 'tools' / 'train.py'),
               str(CONFIG)]
    else:
        cmd = ['bash', str(REPO / 'tools' / 'dist_train.sh'), str(CONFIG),
               str(processes)]
    done = subprocess.run(cmd + ['--work-dir', str(work_dir),
                                 '--cfg-options', *cli],
                          env=env, capture_output=True, text=True)
    (work_dir.parent / f'{work_dir.name}.log').write_text(
        done.stdout + done.stderr)
    if done.returncode == 0:
        return dict(error=None)
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if 'Error:' in line and 'ChildFailedError' not in line]
    return dict(error=lines[-1][:300] if lines else 'failed')


def images_per_s(work_dir: Path, processes: int, batch: int) -> float:
    times = [r['time'] for r in logged_records(work_dir, 'time')
             if 'loss' in r][1:]
    return processes * batch / statistics.mean(times)


def main() -> None:
    parser = benchmark_parser(
        __doc__, '1 epoch per run instead of 3',
        REPO / 'work_dirs' / 'benchmarks' / 'digits_cls')
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--batch', type=int, default=64,
                        help='images per process and step')
    args = parser.parse_args()
    if args.quick:
        args.epochs = 1
    if not (args.data_root / 'meta' / 'search.txt').is_file():
        prepare_digits_classification(str(args.data_root))
    options = {
        'train_cfg.max_epochs': args.epochs,
        'train_cfg.val_interval': args.epochs + 1,
        'train_dataloader.batch_size': args.batch,
        'custom_hooks': [], 'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': args.epochs + 1,
        **{f'{key}.dataset.data_root': str(args.data_root) for key in (
            'train_dataloader', 'val_dataloader', 'search_dataloader')}}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = dict(one_process=(1, True), two_processes=(2, True),
                    two_processes_no_find_unused=(2, False))
        for name, (processes, find_unused) in runs.items():
            work_dir = Path(tmp) / name
            result = train(work_dir, processes, options, find_unused,
                           args.threads)
            out[name] = dict(result, processes=processes)
            if result['error'] is None:
                out[name]['images_per_s'] = images_per_s(
                    work_dir, processes, args.batch)
    one = out['one_process']['images_per_s']
    two = out['two_processes']['images_per_s']
    no_find = out['two_processes_no_find_unused']
    print(json.dumps(dict(
        one_process_images_per_s=round(one, 1),
        two_process_images_per_s=round(two, 1),
        speedup=round(two / one, 3),
        find_unused_false=dict(ok=no_find['error'] is None,
                               error=no_find['error']),
        no_find_unused_images_per_s=no_find.get('images_per_s'),
        settings=dict(epochs=args.epochs, batch_per_process=args.batch,
                      threads=args.threads))))


if __name__ == '__main__':
    main()

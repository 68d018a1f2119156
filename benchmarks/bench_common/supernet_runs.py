"""Supernet runs shared by the benchmarks: train through tools/train.py
(resumable, reused when done), load the trained classifier, read its log."""
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from neas_mm.compat import load_local_checkpoint, trusted_checkpoints
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.registry import MODELS
from .args import REPO

WALL_FILE = 'wall_seconds.json'
OPTIONS_FILE = 'train_options.json'


def train_supernet(config: Path, work_dir: Path, epochs: int,
                   cfg_options: Sequence[str] = (),
                   threads: Optional[int] = None) -> Path:
    """Train (or resume, or reuse) a supernet for ``epochs``; its final
    checkpoint. The Runner's log goes to ``<work_dir>.log``."""
    return train_with_tool(
        config, work_dir, epochs,
        [f'train_cfg.max_epochs={epochs}', f'param_scheduler.end={epochs}',
         *cfg_options], threads)


def check_options(work_dir: Path, config: Path,
                  cfg_options: Sequence[str]) -> None:
    """Record what ``work_dir`` is trained with (``train_options.json``);
    refuse to reuse or resume it with another config or other options.
    Folders from before this record are reused as they are."""
    wanted = dict(config=str(config), cfg_options=list(cfg_options))
    record = work_dir / OPTIONS_FILE
    if record.is_file():
        before = json.loads(record.read_text())
        if before != wanted:
            raise RuntimeError(
                f'{work_dir} was trained with {before}, not with {wanted}; '
                'delete the folder to train it again')
    elif not (work_dir / 'last_checkpoint').is_file():
        record.write_text(json.dumps(wanted, indent=1))


def train_in_parallel(jobs: Sequence[Tuple[Path, Path, int, List[str]]],
                      workers: int) -> None:
    """Train the supernets of ``jobs`` not done yet, ``workers`` at once
    with one thread each (one process with two threads uses 2 cores less
    well than two with one). After an error no queued run starts (those
    already running finish); finished runs stay done and an interrupted
    one resumes next time.

    Args:
        jobs: ``train_supernet``'s arguments per run; runs into the same
            work dir are trained once.
        workers: Runs at a time.
    """
    todo, seen = [], set()
    for job in jobs:
        if job[1] not in seen and \
                not (job[1] / f'epoch_{job[2]}.pth').is_file():
            todo.append(job)
        seen.add(job[1])
    if not todo:
        return
    log(f'training {len(todo)} supernets, {workers} at a time, one '
        'thread each')
    pool = ThreadPoolExecutor(workers)
    try:
        for future in [pool.submit(train_supernet, *job, threads=1)
                       for job in todo]:
            future.result()
    finally:  # on an error, the queued runs are dropped
        pool.shutdown(cancel_futures=True)


def train_with_tool(config: Path, work_dir: Path, epochs: int,
                    cfg_options: Sequence[str] = (),
                    threads: Optional[int] = None) -> Path:
    """Run ``tools/train.py config`` into ``work_dir`` (resumed if
    interrupted, reused if ``epoch_<epochs>.pth`` exists, refused if it was
    trained with other options: ``check_options``); that checkpoint.
    The Runner's log goes to ``<work_dir>.log``; the wall time, summed over
    resumed parts, to ``wall_seconds.json`` in ``work_dir``."""
    work_dir.mkdir(parents=True, exist_ok=True)
    check_options(work_dir, config, cfg_options)
    done = work_dir / f'epoch_{epochs}.pth'
    if done.is_file():
        return done
    cmd = [sys.executable, str(REPO / 'tools' / 'train.py'), str(config),
           '--work-dir', str(work_dir)]
    if cfg_options:
        cmd += ['--cfg-options', *cfg_options]
    if (work_dir / 'last_checkpoint').is_file():
        cmd.append('--resume')
    log(f'training {config.name} ({epochs} epochs, '
        f'{" ".join(cfg_options) or "as configured"}) -> {work_dir}')
    env = dict(os.environ)
    if threads:
        env.update(OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
    start = time.perf_counter()
    try:
        with (work_dir.parent / f'{work_dir.name}.log').open('w') as out:
            subprocess.run(cmd, check=True, cwd=REPO, stdout=out,
                           stderr=subprocess.STDOUT, env=env)
    finally:  # an interrupted part counts too: the resume adds the rest
        before = wall_seconds(work_dir)
        (work_dir / WALL_FILE).write_text(json.dumps(dict(
            seconds=(0.0 if math.isnan(before) else before)
            + time.perf_counter() - start)))
    return done


def wall_seconds(work_dir: Path) -> float:
    """Wall time of ``tools/train.py`` for the run in ``work_dir``
    (process start to exit, every resumed part summed; nan if unknown)."""
    record = work_dir / WALL_FILE
    return json.loads(record.read_text())['seconds'] \
        if record.is_file() else float('nan')


def load_supernet(config: Path, checkpoint: Path,
                  operators: str) -> torch.nn.Module:
    """The trained ``NEASSupernetClassifier`` (with its shrunk space)."""
    model_cfg = Config.fromfile(str(config)).model
    model_cfg.backbone.operators = operators
    model = MODELS.build(model_cfg)
    with trusted_checkpoints(str(checkpoint)):  # our own Runner wrote it
        state = load_local_checkpoint(str(checkpoint), 'cpu')['state_dict']
    model.load_state_dict(state)
    return model.eval()


def logged_records(work_dir: Path, key: str) -> List[dict]:
    """Every record the Runner logged (``vis_data/scalars.json``) that
    holds ``key``, in order."""
    records = []
    for log_file in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in log_file.read_text().splitlines():
            record = json.loads(line)
            if key in record:
                records.append(record)
    return records


def last_logged(work_dir: Path, key: str) -> float:
    """The last value of ``key`` the Runner logged (nan if none)."""
    records = logged_records(work_dir, key)
    return records[-1][key] if records else float('nan')


def last_val_accuracy(work_dir: Path) -> float:
    """The last ``accuracy/top1`` the Runner logged (fraction)."""
    return last_logged(work_dir, 'accuracy/top1') / 100


def last_train_accuracy(work_dir: Path) -> float:
    """The last training-batch accuracy the Runner logged (fraction)."""
    values = [r for r in logged_records(work_dir, 'accuracy') if 'loss' in r]
    return values[-1]['accuracy'] / 100 if values else float('nan')


def train_seconds(work_dir: Path) -> float:
    """Wall time of the training iterations the Runner logged (the logged
    ``time`` per iteration times the iterations since the last record)."""
    total, prev = 0.0, 0
    for record in logged_records(work_dir, 'loss'):
        total += record['time'] * (record['iter'] - prev)
        prev = record['iter']
    return total

"""README.md and docs/: links resolve, commands name what exists, README stays short.

Fast (no training): the only slow part is ``--help`` of every script under
``tools/`` and ``benchmarks/`` that a command names, run once for all of them in
one subprocess (see ``_HELP_DRIVER``); a script that fails there is run again
alone, so a failure message is that script's own.
"""
import json
import re
import shlex
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README_MAX_LINES = 300

# Link targets another change is writing right now: a link to one of them may
# dangle until that change lands. Once the file exists it is checked like any
# other target (anchors included). Keep this list short and empty it when done.
PENDING: set = set()

# Fenced blocks in these languages are not shell commands.
NOT_SHELL = {'python', 'py', 'text', 'txt', 'json', 'yaml', 'yml', 'ini',
             'toml', 'diff', 'markdown', 'md'}
# A token starting with one of these names a file or folder of the repo.
REPO_DIRS = ('tools/', 'benchmarks/', 'configs/', 'requirements/',
             'neas_mm/', 'tests/', 'docs/')
SCRIPT_RE = re.compile(r'^(?:\./)?((?:tools|benchmarks)/[\w./-]+\.(?:py|sh))$')
FENCE_RE = re.compile(r'^\s*(```|~~~)\s*([\w+-]*)')
LINK_RE = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
REF_LINK_RE = re.compile(r'^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$')
HTML_LINK_RE = re.compile(r'<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]+)"')
HEADING_RE = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
INLINE_CODE_RE = re.compile(r'(`+)(.+?)\1')


def doc_files():
    return [REPO / 'README.md'] + sorted((REPO / 'docs').rglob('*.md'))


def rel(path: Path) -> str:
    return path.resolve().relative_to(REPO).as_posix()


def split_markdown(text: str):
    """(prose lines, fenced blocks as (language, lines)) of a markdown text."""
    prose, blocks, block, fence = [], [], None, None
    for line in text.splitlines():
        match = FENCE_RE.match(line)
        if block is None:
            if match:
                fence, block = match.group(1), (match.group(2).lower(), [])
            else:
                prose.append(line)
        elif match and match.group(1) == fence and not match.group(2):
            blocks.append(block)
            block = None
        else:
            block[1].append(line)
    if block is not None:
        blocks.append(block)
    return prose, blocks


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading (before de-duplication)."""
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', heading)  # links: text
    text = re.sub(r'<[^>]+>', '', text)                          # html tags
    text = text.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)  # keeps letters, digits, _, -, space
    return text.replace(' ', '-')


def anchors(path: Path) -> set:
    prose, _ = split_markdown(path.read_text(encoding='utf-8'))
    seen, slugs = {}, set()
    for line in prose:
        match = HEADING_RE.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f'{slug}-{count}')
    return slugs


def links(text: str):
    """Link and image targets of a markdown text (code is not linked)."""
    prose, _ = split_markdown(text)
    found = []
    for line in prose:
        line = INLINE_CODE_RE.sub('', line)
        found += LINK_RE.findall(line)
        found += HTML_LINK_RE.findall(line)
        match = REF_LINK_RE.match(line)
        if match:
            found.append(match.group(1))
    return found


def link_problems(path: Path, repo: Path = REPO, pending=frozenset()):
    """'file: target (why)' for every relative link of ``path`` that is dead."""
    problems = []
    for target in links(path.read_text(encoding='utf-8')):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):  # http:, mailto:
            continue
        file_part, _, anchor = target.partition('#')
        dest = (path.parent / file_part).resolve() if file_part else path
        try:
            key = dest.relative_to(repo.resolve()).as_posix()
        except ValueError:
            problems.append(f'{path.name}: {target} (outside the repository)')
            continue
        if not dest.exists():
            if key not in pending:
                problems.append(f'{path.name}: {target} (no such file)')
            continue
        if anchor and dest.suffix == '.md' and anchor not in anchors(dest):
            problems.append(f'{path.name}: {target} (no heading #{anchor} in '
                            f'{key})')
    return problems


def commands(text: str):
    """Shell commands of the fenced blocks, as token lists (continuation
    lines joined, comments dropped, [optional] brackets removed)."""
    _, blocks = split_markdown(text)
    found = []
    for language, lines in blocks:
        if language in NOT_SHELL:
            continue
        joined, current = [], ''
        for line in lines:
            if line.rstrip().endswith('\\'):
                current += line.rstrip()[:-1] + ' '
                continue
            joined.append(current + line)
            current = ''
        if current:
            joined.append(current)
        for line in joined:
            tokens = shlex.split(line, comments=True)
            tokens = [t.strip('[]') for t in tokens if t.strip('[]')]
            if tokens:
                found.append(tokens)
    return found


def command_parts(tokens):
    """(program, script, arguments after the script) of one command; the
    program is the first word after VAR=value assignments."""
    words = list(tokens)
    while words and re.match(r'^[A-Za-z_]\w*=', words[0]):
        words = words[1:]
    program = words[0] if words else ''
    for i, token in enumerate(words):
        match = SCRIPT_RE.match(token)
        if match:
            return program, match.group(1), words[i + 1:]
    return program, None, []


def repo_paths(tokens):
    """Tokens (or the values of KEY=value tokens) that name a path of the
    repository; placeholders (``<x>``, ``*``, ``{a,b}``, ``...``) excepted."""
    found = []
    for token in tokens:
        candidates = [token] + ([token.split('=', 1)[1]] if '=' in token
                                else [])
        for part in candidates:
            part = part.strip('"\'')
            part = part[2:] if part.startswith('./') else part
            if (part.startswith(REPO_DIRS)
                    and not re.search(r'[<>*{}]|\.\.\.', part)):
                found.append(part)
                break
    return found


def all_commands():
    return [(path, tokens) for path in doc_files()
            for tokens in commands(path.read_text(encoding='utf-8'))]


def makefile_targets(makefile: Path = REPO / 'Makefile'):
    targets = set()
    for line in makefile.read_text().splitlines():
        match = re.match(r'^([\w.$()/-][\w.$()/ -]*?)\s*::?(?!=)', line)
        if match:
            targets.update(match.group(1).split())
    return targets


def flags_after_script(arguments):
    """Option names (``--x``) given to the script itself."""
    return sorted({a.split('=')[0] for a in arguments
                   if re.match(r'^--[A-Za-z][\w-]*', a)})


# One subprocess runs ``SCRIPT --help`` for every script: the heavy imports
# (torch, mmengine, mmdet) are paid once instead of once a script. Each runs as
# ``__main__`` with its own folder first on sys.path, as ``python SCRIPT`` does.
_HELP_DRIVER = r'''
import contextlib, io, json, runpy, sys
from pathlib import Path
results = {}
for script in sys.argv[1:]:
    out = io.StringIO()
    argv, path = sys.argv, list(sys.path)
    sys.argv = [script, '--help']
    sys.path.insert(0, str(Path(script).resolve().parent))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            runpy.run_path(script, run_name='__main__')
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else (
            0 if exit.code is None else 1)
    except BaseException as error:
        code = 1
        out.write(repr(error))
    finally:
        sys.argv, sys.path[:] = argv, path
    results[script] = dict(rc=code, out=out.getvalue())
print('@@HELP@@' + json.dumps(results))
'''


@lru_cache(maxsize=None)
def help_of(scripts: tuple) -> dict:
    """{script: (exit code, output)} of ``python SCRIPT --help``."""
    done = subprocess.run([sys.executable, '-c', _HELP_DRIVER, *scripts],
                          cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    marker = done.stdout.rfind('@@HELP@@')
    results = json.loads(done.stdout[marker + 8:]) if marker >= 0 else {}
    answers = {}
    for script in scripts:
        result = results.get(script)
        if result is None or result['rc'] != 0:  # confirm it alone
            alone = subprocess.run([sys.executable, script, '--help'],
                                   cwd=REPO, capture_output=True, text=True,
                                   timeout=120)
            result = dict(rc=alone.returncode,
                          out=alone.stdout + alone.stderr)
        answers[script] = (result['rc'], result['out'])
    return answers


# ---------------------------------------------------------------------------
# The documents


def test_readme_is_short():
    lines = len((REPO / 'README.md').read_text(encoding='utf-8').splitlines())
    assert lines <= README_MAX_LINES, (
        f'README.md has {lines} lines (at most {README_MAX_LINES}): move '
        'guides and results to docs/')


def test_relative_links_and_anchors_resolve():
    problems = [p for path in doc_files()
                for p in link_problems(path, pending=PENDING)]
    assert not problems, 'dead links:\n' + '\n'.join(problems)


def test_docs_index_lists_every_page():
    index = REPO / 'docs' / 'README.md'
    listed = {(index.parent / t.partition('#')[0]).resolve()
              for t in links(index.read_text(encoding='utf-8'))}
    missing = [rel(p) for p in sorted((REPO / 'docs').rglob('*.md'))
               if p != index and p.resolve() not in listed]
    assert not missing, f'docs/README.md does not list: {missing}'


def test_commands_name_existing_scripts_and_paths():
    problems, scripts = [], 0
    for path, tokens in all_commands():
        _, script, _ = command_parts(tokens)
        scripts += script is not None
        for name in repo_paths(tokens):
            if not (REPO / name).exists():
                problems.append(f'{rel(path)}: {name} in: {" ".join(tokens)}')
    assert scripts > 20, 'the command parser found too few script commands'
    assert not problems, 'missing files:\n' + '\n'.join(problems)


def test_inline_code_paths_exist():
    """`configs/...py`, `tests/...py` and the like named in prose exist."""
    problems = []
    for path in doc_files():
        prose, _ = split_markdown(path.read_text(encoding='utf-8'))
        for line in prose:
            for _, code in INLINE_CODE_RE.findall(line):
                try:
                    tokens = shlex.split(code)
                except ValueError:
                    tokens = code.split()
                for name in repo_paths(tokens):
                    if not (REPO / name).exists():
                        problems.append(f'{rel(path)}: `{code}`')
    assert not problems, 'missing files:\n' + '\n'.join(problems)


def test_make_targets_exist():
    targets, problems, seen = makefile_targets(), [], 0
    for path, tokens in all_commands():
        program, _, _ = command_parts(tokens)
        if program != 'make':
            continue
        words = tokens[tokens.index('make') + 1:]
        for word in words:
            if word.startswith('-') or '=' in word or word == '...':
                continue
            seen += 1
            if word not in targets:
                problems.append(f'{rel(path)}: make {word}')
    assert seen >= 2, 'no make targets found in the docs'
    assert not problems, ('not Makefile targets:\n' + '\n'.join(problems) +
                          f'\n(targets: {sorted(targets)})')


def test_scripts_answer_help_and_know_the_options_used():
    """Every tools/ and benchmarks/ Python script a command runs exits 0 on
    --help, and lists every --option the documented commands give it."""
    used = {}
    for path, tokens in all_commands():
        _, script, arguments = command_parts(tokens)
        if script and script.endswith('.py') and (REPO / script).exists():
            used.setdefault(script, set()).update(flags_after_script(arguments))
    assert any(s.startswith('tools/') for s in used)
    assert any(s.startswith('benchmarks/') for s in used)
    answers = help_of(tuple(sorted(used)))
    problems = []
    for script, flags in sorted(used.items()):
        code, out = answers[script]
        if code != 0:
            problems.append(f'{script} --help exited {code}:\n{out[-2000:]}')
            continue
        unknown = [f for f in sorted(flags)
                   if not re.search(rf'(?<![\w-]){re.escape(f)}(?![\w-])',
                                    out)]
        if unknown:
            problems.append(f'{script}: documented options not in --help: '
                            f'{unknown}')
    assert not problems, '\n'.join(problems)


def test_shell_scripts_named_are_executable():
    problems = []
    for path, tokens in all_commands():
        _, script, _ = command_parts(tokens)
        if script and script.endswith('.sh'):
            file = REPO / script
            if not file.exists() or not file.stat().st_mode & 0o111:
                problems.append(f'{rel(path)}: {script}')
    assert not problems, ('missing or not executable:\n' +
                          '\n'.join(problems))


# ---------------------------------------------------------------------------
# The checkers themselves: each must see the breakage it exists for.


def test_slug_matches_github():
    assert github_slug('Shrinking: what it keeps') == 'shrinking-what-it-keeps'
    assert github_slug('The cluttered-digits task (for ranking '
                       'architectures)') == ('the-cluttered-digits-task-for-'
                                             'ranking-architectures')
    assert github_slug('`make demo`: the whole pipeline') == (
        'make-demo-the-whole-pipeline')
    assert github_slug('Phase 2: K-path evolution search') == (
        'phase-2-k-path-evolution-search')


def test_link_checker_sees_dead_links_and_anchors(tmp_path):
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('# Title\n\n## Two words\n')
    page = tmp_path / 'README.md'
    page.write_text('[ok](docs/a.md#two-words) [self](#top) '
                    '[web](https://example.com/x.md) `[code](gone.md)`\n'
                    '```bash\n[in code](gone.md)\n```\n'
                    '[gone](docs/gone.md) [bad anchor](docs/a.md#three)\n'
                    '![img](docs/b.png) [later](docs/pending.md)\n\n# Top\n')
    problems = link_problems(page, repo=tmp_path,
                             pending={'docs/pending.md'})
    assert len(problems) == 3, problems
    assert any('docs/gone.md' in p for p in problems)
    assert any('#three' in p for p in problems)
    assert any('docs/b.png' in p for p in problems)
    # a pending page that exists is checked like any other
    (tmp_path / 'docs' / 'pending.md').write_text('# P\n')
    page.write_text('[later](docs/pending.md#nope)\n')
    assert link_problems(page, repo=tmp_path, pending={'docs/pending.md'})


def test_command_parser_finds_scripts_configs_and_flags():
    text = ('```bash\n'
            'PYTHON=.venv/bin/python tools/dist_train.sh configs/x/y.py 2\n'
            '.venv/bin/python tools/search.py configs/a.py CKPT \\\n'
            '    --cfg-options train_cfg.mode=random   # baseline\n'
            '.venv/bin/python benchmarks/ranking.py [--quick] '
            '[--scratch [B ...]]\n'
            'pip install -r requirements/torch.txt\n'
            'torchrun --nproc_per_node=8 tools/train.py CONFIG --launcher '
            'pytorch\n'
            '```\n```text\ntools/renamed.py   not a command\n```\n')
    found = commands(text)
    assert len(found) == 5
    parts = [command_parts(t) for t in found]
    assert parts[0][:2] == ('tools/dist_train.sh', 'tools/dist_train.sh')
    assert parts[1][1] == 'tools/search.py'
    assert flags_after_script(parts[1][2]) == ['--cfg-options']
    assert flags_after_script(parts[2][2]) == ['--quick', '--scratch']
    assert flags_after_script(parts[4][2]) == ['--launcher']
    assert repo_paths(found[0]) == ['tools/dist_train.sh', 'configs/x/y.py']
    assert repo_paths(found[3]) == ['requirements/torch.txt']
    assert repo_paths(['model.backbone.arch=configs/z.py']) == ['configs/z.py']


def test_help_check_sees_a_broken_script(tmp_path):
    broken = tmp_path / 'broken.py'
    broken.write_text('import no_such_module_neas_mm_docs\n')
    good = tmp_path / 'good.py'
    good.write_text('import argparse\n'
                    'parser = argparse.ArgumentParser()\n'
                    'parser.add_argument("--quick", action="store_true")\n'
                    'parser.parse_args()\n')
    answers = help_of((str(broken), str(good)))
    assert answers[str(broken)][0] != 0
    assert 'no_such_module_neas_mm_docs' in answers[str(broken)][1]
    assert answers[str(good)][0] == 0 and '--quick' in answers[str(good)][1]


def test_make_target_parser():
    targets = makefile_targets()
    assert {'test', 'demo', 'env', 'clean-env'} <= targets
    assert 'PYTHON' not in targets and 'VENV' not in targets


def test_pending_targets_are_linked():
    """A PENDING entry no document links to any more is stale: remove it."""
    linked = {(path.parent / t.partition('#')[0]).resolve()
              for path in doc_files()
              for t in links(path.read_text(encoding='utf-8'))}
    assert all((REPO / name).resolve() in linked for name in PENDING)

"""Packaging for neas_mm (requirements are read from requirements/)."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def parse_requirements(name: str) -> list:
    """Requirement lines of requirements/<name>.txt, comments stripped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines
            if line.split('#')[0].strip()]


def get_version() -> str:
    scope = {}
    exec((HERE / 'neas_mm' / 'version.py').read_text(), scope)
    return scope['__version__']


setup(
    name='neas_mm',
    version=get_version(),
    description='NEAS: one-shot neural ensemble architecture search, '
    'as an OpenMMLab plug-in',
    long_description=(HERE / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs',
                                    'tools', 'benchmarks')),
    # The standalone ground-truth tables (benchmarks/truth_table.py).
    package_data={'neas_mm.evaluation': ['truth_tables/*.jsonl',
                                        'truth_tables/budget_study/*.jsonl']},
    python_requires='>=3.9',
    install_requires=[r for r in parse_requirements('torch')
                      if not r.startswith(('setuptools', 'wheel'))] +
    parse_requirements('mmcv') + parse_requirements('runtime'),
    extras_require={'tests': parse_requirements('tests')},
    license='Apache License 2.0',
    zip_safe=False,
)

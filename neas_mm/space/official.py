"""The ensembles of the official NEAS release, as ``arch_list`` data, with
the multiply-adds the release reports for them (224 px, 1000 classes)."""
from typing import Dict, List

OFFICIAL_ARCH_LISTS: Dict[str, List[int]] = {
    'NEAS-S': [20, 2, 0, 0, -1, 0, 2, 0, 0, 2, -1, 0, -1, 0, 3, 2, 4, 0, 2,
               5, 0, 4, 3, 0, 0],
    'NEAS-M': [16, 2, 0, 3, 2, 0, 2, 5, 0, -1, 3, 0, 2, 0, 0, 3, 5, 4, 0, 5,
               0, 5, 4, 0, 3, 5, 2, 5, 0],
    'NEAS-L': [16, 2, 0, 5, 5, 1, 3, 5, 1, 3, 4, 1, 2, 5, 4, 1, 3, 3, 1, 3,
               1, 5, 1, 0, 5, 4, 4, 3, 0],
}

REPORTED_MFLOPS: Dict[str, int] = {'NEAS-S': 314, 'NEAS-M': 472,
                                   'NEAS-L': 574}

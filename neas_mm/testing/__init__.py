from .tiny import (TINY_DEPTHS, TINY_HEAD_CHANNELS, TINY_WIDTHS,
                   tiny_supernet_options)

__all__ = ['TINY_DEPTHS', 'TINY_HEAD_CHANNELS', 'TINY_WIDTHS',
           'tiny_supernet_options']

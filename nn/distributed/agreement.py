"""Checks that every rank set itself up alike, before a difference misaligns the collectives.

MPI matches collectives by their order alone: ranks whose models, options or fit arguments
differ call different collectives (or the same ones with other sizes) and then wait for each
other forever, or average one rank's gradient of one parameter with another's of another.
Each check here is one all-gather of a few lines of text, made once at set-up.
"""
from itertools import zip_longest

import numpy as np

from .collectives import all_gather_rows


def check_ranks_agree(lines, who, advice):
    """Raise a ValueError on every rank (so that none goes on into a collective alone) when
    a rank's `lines` differ from rank 0's, naming the rank and its first differing line."""
    layouts = _gathered(lines)
    for rank, layout in enumerate(layouts[1:], start=1):
        if layout != layouts[0]:
            mine, first = next((m, f) for m, f in zip_longest(layout, layouts[0],
                                                              fillvalue="nothing") if m != f)
            raise ValueError(f"{who}: the ranks differ: rank {rank} has {mine} where rank 0 "
                             f"has {first}; {advice}")


def _gathered(lines):
    """Every rank's `lines`, in rank order."""
    text = np.frombuffer("\n".join(lines).encode(), dtype=np.uint8)
    sizes = all_gather_rows(np.array([text.size], dtype=np.int64))
    joined, bounds = all_gather_rows(text), np.cumsum([0, *sizes])
    return [joined[a:b].tobytes().decode().split("\n") for a, b in zip(bounds[:-1], bounds[1:])]


__all__ = ["check_ranks_agree"]

"""secbrief core: load, split, embed, index and search security press releases.

This package never imports discord; the front ends in ``bot/`` sit on top of it.
"""

__version__ = "0.1.0"

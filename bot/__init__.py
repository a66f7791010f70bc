"""secbrief front ends: the Discord bot and the command line, over the ``index`` core."""

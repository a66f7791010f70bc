"""Keeping the corpus current: the sources it follows (feeds, listing pages, single pages),
fetching their new releases into the corpus folder, and adding one release by hand.

The corpus folder stays the single truth: a fetched release is saved there as the file it was,
with its URL and fetch time in a hidden sidecar, and the index is updated from the folder.
"""

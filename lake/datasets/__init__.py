"""Datasets exported from the published lake into `$LAKE_ROOT/datasets/` (`lake dataset`)."""

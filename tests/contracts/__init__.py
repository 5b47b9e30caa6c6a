"""Tests of the dataset contracts (lake/contracts/) against real and sandbox files."""

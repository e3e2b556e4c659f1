"""Helpers shared by every test folder."""
import os

# The repository root: the working directory (and PYTHONPATH) of tests that start Python.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

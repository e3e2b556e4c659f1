"""rungrad's tests, laid out as the source tree (tests/nn/training tests nn/training, ...).

Every folder is a package, so each can keep its shared code in its own `_helpers.py`,
imported one way (`from ._helpers import ...`, or `from .._helpers import ...` one level
up), and test file names may repeat across folders.
"""

"""A stand-in for autograd.Variable, so these tests need no autograd."""


class Boxed:
    """An object holding its array in `.data`, as a Variable does."""

    def __init__(self, data):
        self.data = data

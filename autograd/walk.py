"""The walk over a graph's Functions, each visited once: drawing a graph and cutting it
(`Variable.unchain_backward`) both go through here.

Iterative (a stack, not recursion), so graphs of any depth work. It reads only `.creator`
and `.inputs`, so it imports nothing.
"""


def functions_behind(outputs):
    """Yield every Function reachable from the Variables `outputs` through creators, each
    once, in depth-first order. A Function's inputs are read before it is yielded, so the
    caller may cut its inputs' links (`unchain`) while walking."""
    stack = [y.creator for y in outputs if y.creator is not None]
    seen = set()
    while stack:
        func = stack.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        stack.extend(x.creator for x in func.inputs if x.creator is not None)
        yield func

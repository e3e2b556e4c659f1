"""Step 26: draw the computation graph. `get_dot_graph` gives the DOT text (no Graphviz
needed); `plot_graph` (DeZero's plot_dot_graph) renders it to a PNG when Graphviz's `dot` is
installed."""
import os
import shutil
import tempfile

import numpy as np
from benchmark_functions import goldstein

import autograd as ag
from autograd import Variable

x, y = Variable(np.array(1.0), name="x"), Variable(np.array(1.0), name="y")
z = goldstein(x, y)
z.name = "z"
dot = ag.get_dot_graph(z, verbose=False)
print(dot[:200])
assert dot.startswith("digraph") and 'label="x"' in dot and 'label="z"' in dot
assert dot.count("Mul") >= 10  # one box per op

if shutil.which("dot"):
    with tempfile.TemporaryDirectory() as out:
        path = ag.plot_graph(z, verbose=False, to_file=os.path.join(out, "goldstein.png"))
        assert os.path.getsize(os.path.join(out, "goldstein.png")) > 0

"""docs/coming_from_dezero.md: every example gives the output it shows, and every rungrad
name its tables give exists."""
import doctest
import pathlib
import re

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

from ._dezero_api import EVERY_NAME, MODULES

GUIDE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "coming_from_dezero.md"
FACES = {"ag": ag, "autograd": ag, "nn": nn, "F": F, "optim": optim}


def test_the_examples_give_what_they_show():
    text = GUIDE.read_text(encoding="utf-8")
    imports = re.search(r"```python\n(.*?)```", text, flags=re.S).group(1)
    globs = {}
    exec(imports, globs)  # the imports the page starts with
    # A code fence closing right after an output line would read as part of that output.
    examples = re.sub(r"^```.*$", "", text, flags=re.M)
    test = doctest.DocTestParser().get_doctest(examples, globs, GUIDE.name, str(GUIDE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 19 and result.failed == 0


def rungrad_names():
    """`F.x`, `nn.data.X`, `ag.x`, `optim.X` written in the tables' rungrad column."""
    names = set()
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) >= 4:
            for code in re.findall(r"`([^`]*)`", cells[2]):
                names.update(re.findall(r"\b(?:ag|autograd|nn|F|optim)(?:\.\w+)+", code))
    return sorted(names)


def test_every_name_in_the_tables_exists():
    names = rungrad_names()
    assert len(names) > 60
    missing = []
    for name in names:
        face, *path = name.split(".")
        value = FACES[face]
        try:
            for part in path:
                value = getattr(value, part)
        except AttributeError:
            missing.append(name)
    assert missing == []


def dezero_column():
    """(section, code) of each code span in the tables' DeZero column; section is the heading
    of its table, or "F" in the table headed DeZero (`F.`), of dezero.functions' names."""
    spans, section = [], None
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            section = line[4:]
        cells = line.split("|")
        if line.startswith("|") and len(cells) >= 4 and not line.startswith("|---"):
            if "(`F.`)" in cells[1]:
                section = "F"
            spans += [(section, code) for code in re.findall(r"`([^`]*)`", cells[1])]
    return spans


def dezero_names(section, code):
    """(module, name) pairs a DeZero code span names: `from module import names`,
    `module.name`, then its other functions and words (not their arguments), which are
    dezero.functions' in the F table and any of DeZero's (module None) outside it."""
    imported = re.fullmatch(r"from (\w+) import (.+)", code)
    if imported:
        return [(imported[1], name) for name in re.split(r",\s*", imported[2])]
    names = [(module, name) for module, name in re.findall(r"(?=\b(\w+)\.(\w+))", code)
             if module in MODULES]
    rest = re.sub(r"\w+(?:\.\w+)+", "", code)  # (`x.grad`, `np.array`: not DeZero's)
    while "(" in rest:
        rest = re.sub(r"\([^()]*\)", "", rest)  # arguments are the caller's names
    words = re.findall(r"\b([A-Za-z]\w+)\b(?!=)", rest)  # (`transform=`: a keyword)
    return names + [("F" if section == "F" else None, word) for word in words]


def test_the_dezero_column_names_only_dezero_s_api():
    spans = dezero_column()
    assert len(spans) > 60
    wrong = sorted({f"{module or ''}.{name} in `{code}`" for section, code in spans
                    for module, name in dezero_names(section, code)
                    if name not in (MODULES[module] if module else EVERY_NAME)})
    assert wrong == []


def test_dezero_names_outside_F_say_what_rungrad_calls_them():
    import pytest
    for where, name, words in ((optim, "MomentumSGD", "momentum=0.9"), (nn, "MLP", "Sequential"),
                               (nn, "EmbedID", "nn.Embedding"), (nn.datasets, "Spiral", "spiral()"),
                               (nn.data, "SeqDataLoader", "SequenceLoader"),
                               (nn, "SeqDataLoader", "nn.data.SequenceLoader"),
                               (nn, "Deconv2d", "nn.ConvTranspose2d"),
                               (nn, "VGG16", "nn.models.vgg16()"),
                               (ag, "plot_dot_graph", "plot_graph"),
                               (ag, "gradient_check", "gradcheck")):
        with pytest.raises(AttributeError, match=f"DeZero's {name} is .*{re.escape(words)}"):
            getattr(where, name)
    model, opt = nn.Linear(2, 3), optim.SGD(lr=0.1)
    with pytest.raises(AttributeError, match=r"DeZero's cleargrads is model.zero_grad\(\)"):
        model.cleargrads()
    with pytest.raises(AttributeError, match=r"DeZero's setup is opt.bind"):
        opt.setup(model)
    with pytest.raises(RuntimeError, match=r"step\(\) with no parameters"):
        opt.step()  # made without parameters and never bound: nothing would be trained
    with pytest.raises(AttributeError, match="no attribute 'anything'$"):
        _ = model.anything
    with pytest.raises(AttributeError, match=r"DeZero's MLP is nn.Sequential\(nn.Linear\(out1\), "
                                             r"nn.Sigmoid\(\)"):
        _ = nn.MLP  # (DeZero's MLP puts a sigmoid between its layers)
    data = nn.data.TensorDataset(np.zeros((4, 2)))
    for loader in (nn.data.DataLoader(data, 2), nn.data.SequenceLoader(np.arange(8.0), 2)):
        for name, words in (("to_gpu", "autograd.cuda.to_gpu(x) on each batch"),
                            ("to_cpu", "autograd.cuda.to_cpu(x) on each batch"),
                            ("next", "next(iter(loader))"), ("reset", "not needed")):
            with pytest.raises(AttributeError, match=f"DeZero's {name} is {re.escape(words)}"):
                getattr(loader, name)()


def test_dezero_habits_that_fail_name_what_to_write():
    import pytest
    with pytest.raises(TypeError, match=r"SGD\(model.parameters\(\), lr=0.2\)"):
        optim.SGD(0.2)  # DeZero's optimizers.SGD(lr)
    with pytest.raises(TypeError, match=r"alpha is the learning rate.*lr=0.001"):
        optim.Adam(nn.Linear(2, 2).parameters(), alpha=0.001)
    assert optim.RMSprop(nn.Linear(2, 2).parameters(), alpha=0.9).defaults["alpha"] == 0.9

    class Square(ag.Function):  # the book's steps 6-12
        def forward(self, x):
            return x ** 2

        def backward(self, gy):
            return 2 * self.input.data * gy
    with pytest.raises(AttributeError, match=r"self.input; here it is self.inputs\[0\]"):
        Square()(ag.Variable(np.array(3.0))).backward()
    with pytest.raises(AttributeError, match="no attribute 'other'$"):
        _ = Square().other

    class Kept(Square):  # a subclass may keep its own self.input and self.output
        def forward(self, x):
            self.input, self.output = x, x ** 2
            return self.output
    kept = Kept()
    y = kept(ag.Variable(np.array(3.0)))
    assert kept.input == 3.0 and kept.output == 9.0 == y.data
    del kept.input
    with pytest.raises(AttributeError, match="here it is self.inputs"):
        _ = kept.input
    with pytest.raises(AttributeError, match="no attribute 'input'"):
        del kept.input


def test_book_idioms_that_would_go_wrong_are_named():
    import numpy as np
    import pytest
    images = np.zeros((10, 1, 28, 28))
    flattened = nn.data.TensorDataset(images, np.zeros(10), transform=lambda x: x.flatten())
    with pytest.raises(ValueError, match=r"returned shape \(784,\) for a batch of 1.*reshape"):
        _ = flattened[0]  # step 51's per-sample transform: a batch here
    batched = nn.data.TensorDataset(images, np.zeros(10), transform=nn.data.Flatten())
    assert batched[0][0].shape == (784,)
    with pytest.raises(TypeError, match="UninitializedParameter"):
        ag.Parameter(None)  # step 44's lazy W
    with pytest.raises(ValueError, match=r"\(in, out\): pass W.T"):
        F.linear(np.ones((4, 2)), np.ones((2, 10)))  # the book's (in, out) weight
    x = ag.Variable(np.array(2.0))
    (x ** 4).backward()
    with pytest.raises(RuntimeError, match=r"create_graph=True"):
        x.grad.backward()  # step 33 without create_graph


def test_the_book_s_keywords_are_named_with_rungrad_s():
    """conv2d(pad=...), dropout(dropout_ratio=...): Python's bare TypeError before."""
    import nn.functional as F
    x, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))
    for call, hint in ((lambda: F.conv2d(x, w, pad=1), "pad= is padding="),
                       (lambda: F.conv2d(x, w, b=None), "b= is bias="),
                       (lambda: F.max_pool2d(x, 2, pad=0), "pad= is padding="),
                       (lambda: F.avg_pool2d(x, 2, pad=0), "pad= is padding="),
                       (lambda: F.im2col(x, 3, pad=1), "pad= is padding="),
                       (lambda: F.dropout(x, dropout_ratio=0.5), "dropout_ratio= is p="),
                       (lambda: F.leaky_relu(x, slope=0.2), "slope= is negative_slope="),
                       (lambda: nn.Linear(10, nobias=True),
                        r"nobias= is bias= \(nobias=True is bias=False\)"),
                       (lambda: nn.LazyConv2d(30, 3, stride=1, pad=1), "pad= is padding="),
                       (lambda: nn.Conv2d(1, 30, 3, pad=1), "pad= is padding="),
                       (lambda: nn.Linear(10, in_size=3), r"in_size= is in_features, given "
                        r"first \(nn.Linear\(in_size, out_size\), PyTorch's order; "
                        r"nn.Linear\(out_size\) alone sizes it at the first call\)")):
        with pytest.raises(TypeError, match=f"DeZero's {hint} here"):
            call()
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'$"):
        F.conv2d(x, w, foo=1)
    import optim
    for name, hint in (("WeightDecay", "weight_decay="), ("ClipGrad", "clip_grad_norm_"),
                       ("FreezeParam", "requires_grad_")):
        with pytest.raises(AttributeError, match=f"DeZero's {name} is .*{hint}"):
            getattr(optim, name)
    with pytest.raises(AttributeError, match="DeZero's F.sigmoid_simple is rungrad's F.sigmoid"):
        F.sigmoid_simple  # noqa: B018 (the attribute read is what raises)


def test_a_recurrent_layer_given_one_size_names_the_cell_and_the_layer():
    """DeZero's L.RNN(hidden_size): Python's bare missing-argument error before."""
    for make, names in ((nn.RNN, r"nn.RNNCell\(in_size, hidden_size\).*nn.RNN\(in_size"),
                        (nn.LSTM, r"nn.LSTMCell\(in_size, hidden_size\).*nn.LSTM\(in_size"),
                        (nn.RNNCell, r"L.RNN\(hidden_size\).*nn.RNNCell\(in_size")):
        with pytest.raises(TypeError, match=f"takes input_size and hidden_size.*{names}"):
            make(100)
    assert nn.RNNCell(3, hidden_size=4).hidden_size == 4 == nn.LSTM(3, 4).hidden_size

    class Square(nn.GRUCell):  # a constructor of its own takes what it takes
        def __init__(self, n):
            super().__init__(n, n)
    assert Square(5).hidden_size == 5


def test_the_book_s_layer_attributes_say_rungrad_s():
    for layer in (nn.Linear(2, 3), nn.Conv2d(1, 2, 3)):
        with pytest.raises(AttributeError, match="DeZero's W is layer.weight"):
            _ = layer.W
        with pytest.raises(AttributeError, match="DeZero's b is layer.bias"):
            _ = layer.b


def test_what_the_tables_say_of_rungrad_s_side_holds():
    """The rungrad half of rows that set it beside DeZero's behaviour."""
    x = np.array([1.0, 2.0])
    grads = ag.numerical_grad(lambda x: x ** 2, x)  # DeZero's numerical_grad sums f's outputs
    assert isinstance(grads, tuple) and np.allclose(grads[0], 2 * x)
    dot = ag.get_dot_graph(ag.Variable(x) ** 2, verbose=False)
    assert "PowScalar(2)" in dot and dot.count("->") == 2  # x -> op -> y: one input
    assert np.allclose(F.leaky_relu(np.array([-1.0])).data, -0.01)
    with pytest.raises(ValueError, match=r"\(4, 1\) and target of shape \(4,\) differ"):
        F.binary_cross_entropy_with_logits(np.zeros((4, 1)), np.zeros(4))
    series = np.arange(999.0)[:, None]  # the book's SinCurve in batches of 30: 33 windows
    assert len(list(nn.data.SequenceLoader(series, batch_size=30, bptt=1))) == 999 // 30


def test_saving_the_weights_of_a_model_never_called_is_refused_not_an_empty_file(tmp_path):
    # the book's lazy L.Linear(10) has no weights before its first call: the file was empty,
    # and loading it into another such model restored nothing, without a word
    model = nn.Sequential(nn.Linear(10), nn.Sigmoid(), nn.Linear(3))
    with pytest.raises(ValueError, match=r"no weights yet \(its lazy layers 0, 2 make them "
                                         r"at their first call\): call it on a batch first"):
        model.save_weights(tmp_path / "w.npz")
    assert not (tmp_path / "w.npz").exists()
    model(np.ones((2, 4)))
    model.save_weights(tmp_path / "w.npz")
    assert sorted(np.load(tmp_path / "w.npz").files) == ["0.bias", "0.weight", "2.bias",
                                                         "2.weight"]


def test_the_book_s_spiral_sides_and_conv2d_argument_order():
    """get_spiral(train=True)'s (x, t), and L.Conv2d(out, kernel, stride, pad) ported as
    nn.Conv2d: a convolution of other channels, named at its call with the port that works."""
    import pytest
    x, t = nn.datasets.spiral(train=True)
    (x_train, t_train), (x_test, _) = nn.datasets.spiral()
    assert np.array_equal(x, x_train) and np.array_equal(t, t_train)
    assert np.array_equal(nn.datasets.spiral(train=False)[0], x_test)
    with pytest.raises(ValueError, match=r"DeZero's L.Conv2d\(out_channels, kernel_size, "
                                         r"stride, pad\) is nn.LazyConv2d"):
        nn.Conv2d(64, 3, 1, 1)(np.zeros((1, 3, 8, 8), np.float32))
    assert nn.LazyConv2d(64, 3, 1, 1)(np.zeros((1, 3, 8, 8), np.float32)).shape == (1, 64, 8, 8)

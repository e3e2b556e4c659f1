"""The `rungrad` command.

    rungrad train                      # MLP on the bundled digits, about 97% test accuracy
    rungrad train --model cnn --epochs 10 --out runs/cnn
    rungrad train --dataset spiral --hidden 30,30 --epochs 200 --lr 0.01

`train` loads a data set, builds the model, trains it with a progress display, prints
the test loss and accuracy and writes into --out: graph.png (the model's computation
graph; needs Graphviz, skipped with a warning without it), learning_curve.png (needs
matplotlib), history.csv and weights.npz.
"""
import argparse
import os
import sys

import numpy as np

_DATASETS = ("digits", "spiral", "iris", "wine", "breast_cancer", "mnist", "fashion_mnist")
_IMAGE_DATASETS = ("digits", "mnist", "fashion_mnist")
_FILES = ("graph.png", "learning_curve.png", "history.csv", "weights.npz")


class UsageError(ValueError):
    """A bad combination of options, reported in one line."""


class _Parser(argparse.ArgumentParser):
    """Reports a bad option in one line (argparse would print the whole usage first)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ----- option parsing -----
def _checked(convert, is_valid, expected):
    """An argparse `type=` that converts the text and checks the value, naming both on error."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not is_valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


_positive_int = _checked(int, lambda v: v >= 1, "a positive integer")
_positive_float = _checked(float, lambda v: 0 < v < float("inf"), "a positive number")
_fraction = _checked(float, lambda v: 0 <= v < 1, "a fraction in [0, 1)")


def _hidden_sizes(text):
    """'100,100' -> (100, 100); '' -> () (no hidden layer)."""
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer sizes "
                                         f"such as 100,100, got {text!r}")
    return tuple(int(part) for part in parts)


def build_parser():
    from .optimizer_names import OPTIMIZER_NAMES

    parser = _Parser(prog="rungrad", description="rungrad: train neural "
                                     "networks written with rungrad's autograd.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    train = commands.add_parser(
        "train", help="train a model on a data set and write its artifacts",
        description="Train a classifier, print its test loss and accuracy, and write "
                    f"{', '.join(_FILES)} into --out.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    train.add_argument("--dataset", default="digits", choices=_DATASETS,
                       help="data set (mnist and fashion_mnist are downloaded once; iris, "
                            "wine and breast_cancer need scikit-learn)")
    train.add_argument("--model", default="mlp", choices=("mlp", "cnn"),
                       help="mlp: Dense+ReLU layers; cnn: Conv2d+ReLU+MaxPool2d+Flatten+"
                            "Linear (image data sets only)")
    train.add_argument("--hidden", default="100,100", type=_hidden_sizes,
                       metavar="SIZES", help="hidden layer sizes of the mlp, e.g. 100,100")
    train.add_argument("--epochs", default=20, type=_positive_int, help="passes over the data")
    train.add_argument("--batch-size", default=32, type=_positive_int, help="mini-batch size")
    train.add_argument("--optimizer", default="adam", choices=OPTIMIZER_NAMES,
                       help="optimizer, with Keras' default hyperparameters")
    train.add_argument("--lr", default=None, type=_positive_float,
                       help="learning rate (default: the optimizer's Keras default)"
                            "%(default).0s")  # marks the default as described already
    train.add_argument("--validation-split", default=0.1, type=_fraction,
                       help="fraction of the training data held out (the last samples)")
    train.add_argument("--seed", default=0, type=int, help="seed of weights and shuffling")
    train.add_argument("--out", default="rungrad-run", help="folder for the written files")
    train.add_argument("--verbose", default=1, type=int, choices=(0, 1, 2),
                       help="0 silent, 1 progress bar, 2 one line per epoch")
    return parser


# ----- data and model -----
def load_dataset(name, images):
    """((x_train, y_train), (x_test, y_test)); images (N, C, H, W) when `images`."""
    from . import datasets
    if name in _IMAGE_DATASETS:
        return getattr(datasets, name)(flatten=not images)
    if images:
        raise UsageError(f"--model cnn needs an image data set ({', '.join(_IMAGE_DATASETS)}), "
                         f"not {name!r}")
    if name == "spiral":
        return datasets.spiral()
    return getattr(datasets, name)(standardize=True)


def build_model(kind, hidden, sample_shape, classes):
    """An mlp or cnn Sequential ending in a softmax over `classes`."""
    from . import Conv2d, Dense, Flatten, Linear, MaxPool2d, ReLU, Sequential, Softmax
    if kind == "cnn":
        return Sequential(Conv2d(sample_shape[0], 16, 3, padding=1), ReLU(), MaxPool2d(2),
                          Flatten(), Linear(classes), Softmax(dim=-1))
    sizes = list(hidden) + [classes]
    return Sequential([Dense(size, activation="relu" if i < len(hidden) else "softmax",
                             input_shape=sample_shape if i == 0 else None)
                       for i, size in enumerate(sizes)])


# ----- the train command -----
def train(args, out=None):
    """Run `rungrad train` with parsed `args`; reports go to `out` (default: stdout)."""
    from . import optimizer_names
    from .callbacks import CSVLogger

    out = sys.stdout if out is None else out
    np.random.seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_dataset(args.dataset, args.model == "cnn")
    classes = int(max(y_train.max(), y_test.max())) + 1
    model = build_model(args.model, args.hidden, x_train.shape[1:], classes)
    model.compile(optimizer=optimizer_names.make_optimizer(args.optimizer, args.lr),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    os.makedirs(args.out, exist_ok=True)
    paths = {name: os.path.join(args.out, name) for name in _FILES}
    print(f"{args.dataset}: {len(x_train)} training and {len(x_test)} test samples, "
          f"{classes} classes; model {args.model}", file=out, flush=True)
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                        validation_split=args.validation_split, verbose=args.verbose,
                        callbacks=[CSVLogger(paths["history.csv"])])
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=256)
    print(f"test loss: {loss:.4f} - test accuracy: {accuracy:.4f}", file=out, flush=True)
    model.save_weights(paths["weights.npz"])
    _write_optional("graph.png", lambda: model.plot(x_test[:1], to_file=paths["graph.png"]))
    _write_optional("learning_curve.png", lambda: _learning_curve(history, paths))
    written = [name for name in _FILES if os.path.exists(paths[name])]
    print(f"wrote {', '.join(written)} to {args.out}", file=out, flush=True)
    return 0


def _learning_curve(history, paths):
    from .learning_curve import plot_learning_curve
    plot_learning_curve(history, paths["learning_curve.png"])


def _write_optional(name, write):
    """Write a file that needs an optional tool; without the tool, warn in one line."""
    try:
        write()
    except ImportError as exc:
        print(f"rungrad: warning: {name} not written: {exc}", file=sys.stderr)
    except RuntimeError as exc:  # plot_graph without Graphviz's `dot`
        print(f"rungrad: warning: {name} not written: {exc}", file=sys.stderr)


def main(argv=None):
    """Entry point of the `rungrad` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return train(args)
    except (UsageError, ValueError, ImportError, OSError) as exc:
        print(f"rungrad {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"rungrad {args.command}: interrupted", file=sys.stderr)
        return 130


def _one_line(exc):
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

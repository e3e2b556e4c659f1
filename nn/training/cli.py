"""The `rungrad` command (also `python -m nn.training`).

    rungrad train                      # MLP on the bundled digits, about 96% test accuracy
    rungrad train --model cnn --epochs 10 --out runs/cnn
    rungrad train --dataset spiral --hidden 30,30 --epochs 200 --lr 0.01
    rungrad train --epochs 100 --dropout 0.3 --weight-decay 0.004 --patience 5

`train` loads a data set, builds the model, trains it with a progress display, prints
the test loss and accuracy and writes into --out: graph.png (the model's computation
graph) and model.png (its layer diagram), which need Graphviz and are skipped with a
warning without it; learning_curve.png and gradients.png (each parameter's gradient norm
per epoch, log scale), which need matplotlib; history.csv and weights.npz.

--workers N trains on N processes (data parallel, over MPI: the `distributed` extra): the
command starts itself again under `mpiexec -n N`; every rank trains on its shard of each
batch (--batch-size stays the global batch) and rank 0 alone prints and writes the files.

A run whose loss becomes NaN or infinite stops there and fails (status 1): it keeps
history.csv and writes no weights.

--out is created and checked before any training (and removed again if the run fails
before writing anything there). A --out that already holds a file of one of those names (an
earlier run's, or the user's own) is refused unless --overwrite is given: then this run
replaces them, and removes those it does not write itself. The weights are saved at each epoch's
end into checkpoint.npz (removed once weights.npz is written), so neither a failed final
save nor Ctrl-C loses the training: Ctrl-C writes the last completed epoch's weights to
weights.npz and exits with status 130.
"""
import argparse
import io
import os
import sys
import tempfile

import numpy as np

_DATASETS = ("digits", "spiral", "iris", "wine", "breast_cancer", "mnist", "fashion_mnist")
_IMAGE_DATASETS = ("digits", "mnist", "fashion_mnist")
_FILES = ("graph.png", "model.png", "learning_curve.png", "gradients.png", "history.csv",
          "weights.npz")
_CHECKPOINT = "checkpoint.npz"


class UsageError(ValueError):
    """A bad combination of options, reported in one line."""


class _Parser(argparse.ArgumentParser):
    """Reports a bad option in one line (argparse would print the whole usage first)."""

    def error(self, message):
        _usage_error(self.prog, message)

    def parse_args(self, args=None, namespace=None):
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:  # told by the command, whose --help lists its options (argparse: the top)
            _usage_error(" ".join(filter(None, (self.prog, getattr(parsed, "command", None)))),
                         f"unrecognized arguments: {' '.join(extra)}")
        return parsed


def _usage_error(prog, message):
    """Exit with argparse's status for a usage error, 2, after one line naming the help."""
    sys.stderr.write(f"{prog}: error: {message} (see {prog} --help)\n")
    sys.exit(2)


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
_non_negative_int = _checked(int, lambda v: v >= 0, "an integer >= 0")
_non_negative_float = _checked(float, lambda v: 0 <= v < float("inf"), "a number >= 0")
_seed = _checked(int, lambda v: 0 <= v < 2 ** 32, "an integer from 0 to 2**32 - 1")


def _hidden_sizes(text):
    """'100,100' -> (100, 100); '' -> () (no hidden layer)."""
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts
    if not all(part.isdecimal() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer sizes "
                                         f"such as 100,100, got {text!r}")
    return tuple(int(part) for part in parts)


def build_parser():
    from autograd import __version__

    from .optimizers import OPTIMIZER_NAMES

    parser = _Parser(prog="rungrad", description="rungrad: train neural "
                                     "networks written with rungrad's autograd.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    train = commands.add_parser(
        "train", help="train a model on a data set and write its artifacts",
        description="Train a classifier, print its test loss and accuracy, and write "
                    f"{', '.join(_FILES)} into --out.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    train.add_argument("--dataset", default="digits", choices=_DATASETS,
                       help="data set (mnist and fashion_mnist are downloaded once; iris, "
                            "wine need scikit-learn)")
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
    train.add_argument("--dropout", default=0.0, type=_fraction, metavar="P",
                       help="dropout rate after each hidden layer of the mlp (before the "
                            "cnn's last layer); 0: none")
    train.add_argument("--weight-decay", default=None, type=_non_negative_float,
                       metavar="D", help="the optimizer's (decoupled) weight decay, Keras' "
                                         "weight_decay; none by default")
    train.add_argument("--patience", default=None, type=_non_negative_int, metavar="N",
                       help="early stopping: stop after N epochs without a better validation "
                            "loss (the training loss without validation) and keep the best "
                            "epoch's weights; none by default")
    train.add_argument("--seed", default=0, type=_seed, help="seed of weights and shuffling")
    train.add_argument("--out", default="rungrad-run", help="folder for the written files")
    train.add_argument("--overwrite", action="store_true",
                       help="replace the files of an earlier run in --out (without it, a "
                            "--out that already holds any of them is refused)")
    train.add_argument("--verbose", default=1, type=int, choices=(0, 1, 2),
                       help="training output, as Keras' fit: 0 none, 1 progress bar, 2 one line "
                            "per epoch (the data, the test metrics and the files written are "
                            "printed always)")
    train.add_argument("--workers", default=1, type=_positive_int,
                       help="processes to train on, under mpiexec (needs the distributed "
                            "extra: mpi4py and mpiexec)")
    train.add_argument("--jit-compile", action="store_true",
                       help="run each update as a captured step (autograd.capture): the same "
                            "training with less Python work per batch")
    return parser


# ----- data and model -----
def load_dataset(name, images):
    """((x_train, y_train), (x_test, y_test)); images (N, C, H, W) when `images`."""
    from .. import datasets
    if name in _IMAGE_DATASETS:
        return getattr(datasets, name)(flatten=not images)
    if images:
        raise UsageError(_not_images(name))
    if name == "spiral":
        return datasets.spiral()
    return getattr(datasets, name)(standardize=True)


def _not_images(name):
    return f"--model cnn needs an image data set ({', '.join(_IMAGE_DATASETS)}), not {name!r}"


def build_model(kind, hidden, sample_shape, classes, dropout=0.0):
    """An mlp or cnn Sequential ending in a softmax over `classes`, with Dropout(dropout)
    after each hidden layer (before the cnn's last) when dropout > 0."""
    from .. import Conv2d, Dense, Dropout, Flatten, Linear, MaxPool2d, ReLU, Softmax
    from .sequential import Sequential
    dropped = [Dropout(dropout)] if dropout else []
    if kind == "cnn":
        return Sequential(Conv2d(sample_shape[0], 16, 3, padding=1), ReLU(), MaxPool2d(2),
                          Flatten(), *dropped, Linear(classes), Softmax(dim=-1))
    layers = [Dense(size, activation="relu", input_shape=sample_shape if i == 0 else None)
              for i, size in enumerate(hidden)]
    return Sequential([*(part for layer in layers for part in [layer, *dropped]),
                       Dense(classes, activation="softmax",
                             input_shape=None if hidden else sample_shape)])


# ----- checks before training -----
def prepare_out(folder, overwrite=False):
    """Create `folder` and make sure the run's files can be written there (and, unless
    `overwrite`, that none of them is there already)."""
    from autograd.atomic import target_of
    if os.path.islink(folder) and not os.path.exists(folder):  # makedirs: "File exists"
        raise UsageError(f"--out {folder}: is a symbolic link to {os.readlink(folder)}, "
                         "which does not exist; create that folder or give another --out")
    if os.path.exists(folder) and not os.path.isdir(folder):  # makedirs: "File exists"
        raise UsageError(f"--out {folder}: exists and is not a folder; give a folder for the "
                         "run's files")
    if not overwrite:
        _refuse_earlier_files(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".rungrad-probe-")
        os.close(fd)
        os.unlink(probe)
        for name in _FILES + (_CHECKPOINT,):
            target_of(os.path.join(folder, name))  # refuses a directory or device there
    except OSError as exc:
        raise UsageError(f"--out {folder}: cannot write there ({_one_line(exc)})") from None


def _refuse_earlier_files(folder):
    """A UsageError when `folder` holds a file this run would replace or remove: it may be
    the user's own, which is not written over without being asked (--overwrite)."""
    there = [name for name in _FILES + (_CHECKPOINT,)
             if os.path.lexists(os.path.join(folder, name))]
    if there:
        raise UsageError(f"--out {folder}: already holds {', '.join(there)}; pass --overwrite "
                         "to replace them, or give another --out")


def check_memory(args, sample_shape, classes, samples):
    """Refuse an mlp too big for this machine's memory before allocating it.

    The estimate is float32 weights, gradients and two optimizer moments (16 bytes a
    parameter) plus a batch's activations and their gradients.
    """
    total = _physical_memory()
    if total is None or args.model != "mlp":
        return
    sizes = [int(np.prod(sample_shape))] + list(args.hidden) + [classes]
    params = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    activations = 2 * min(args.batch_size, samples) * sum(sizes)
    needed = 4 * (4 * params + activations)
    if needed > total:
        culprit = "--hidden" if 4 * params > activations else "--hidden and --batch-size"
        raise UsageError(f"{culprit}: the mlp {'-'.join(map(str, sizes))} has {params:,} "
                         f"parameters and needs about {_gib(needed)} of memory to train, "
                         f"more than this machine's {_gib(total)}; choose smaller sizes")


def _physical_memory():
    """Bytes of RAM, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _gib(n):
    return f"{n / 2 ** 30:,.1f} GiB"


# ----- the train command -----
def train(args, out=None):
    """Run `rungrad train` with parsed `args`; reports go to `out` (default: stdout)."""
    from ..distributed import get_rank
    from .batches import training_count
    from .callbacks import (
        CSVLogger,
        EarlyStopping,
        GradientMonitor,
        ModelCheckpoint,
        TerminateOnNaN,
    )
    from .optimizers import make_optimizer

    writer = get_rank() == 0  # with several workers, rank 0 alone prints and writes files
    out = (sys.stdout if out is None else out) if writer else io.StringIO()
    if writer:
        prepare_out(args.out, args.overwrite)
    paths = {name: os.path.join(args.out, name) for name in _FILES + (_CHECKPOINT,)}
    np.random.seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_dataset(args.dataset, args.model == "cnn")
    classes = int(max(y_train.max(), y_test.max())) + 1
    check_memory(args, x_train.shape[1:], classes, len(x_train))
    model = build_model(args.model, args.hidden, x_train.shape[1:], classes, args.dropout)
    model.compile(optimizer=make_optimizer(args.optimizer, args.lr, args.weight_decay),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=args.jit_compile)
    held = len(x_train) - training_count(len(x_train), args.validation_split) \
        if args.validation_split else 0
    print(f"{args.dataset}: {len(x_train) - held} training, {held} validation and "
          f"{len(x_test)} test samples, {classes} classes; model {args.model}", file=out,
          flush=True)
    # Every epoch's weights, in one file (braces doubled: ModelCheckpoint formats its path).
    checkpoint = ModelCheckpoint(paths[_CHECKPOINT].replace("{", "{{").replace("}", "}}"))
    log = CSVLogger(paths["history.csv"])
    monitor = GradientMonitor(log=False)  # (its plot only: a norm per parameter would
    callbacks = [log, checkpoint, monitor, TerminateOnNaN()]  # make each epoch's line long)
    if args.patience is not None:
        callbacks.append(EarlyStopping(monitor="val_loss" if held else "loss",
                                       patience=args.patience, restore_best_weights=True,
                                       verbose=1))
    try:
        history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                            validation_split=args.validation_split, verbose=args.verbose,
                            callbacks=callbacks)
        if writer:
            _refuse_diverged(history, checkpoint, paths, log)
        loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
        print(f"test loss: {loss:.4f} - test accuracy: {accuracy:.4f}", file=out, flush=True)
        if not writer:
            return 0
        _save_final_weights(model, checkpoint, paths)
    except KeyboardInterrupt:
        if not writer:
            return 130
        status = _keep_last_epoch(checkpoint, paths)
        wrote = ["history.csv"] * log.wrote + ["weights.npz"] * (
            checkpoint.last_saved is not None)
        if wrote:  # (none: the folder still holds an earlier run whole, which stays)
            _remove_earlier(paths, wrote)
        return status
    written = ["history.csv", "weights.npz"]
    images = (("graph.png", lambda: model.plot(x_test[:1], to_file=paths["graph.png"])),
              ("model.png", lambda: _layer_diagram(model, paths)),
              ("learning_curve.png", lambda: _learning_curve(history, paths)),
              ("gradients.png", lambda: _gradient_norms(monitor, paths)))
    try:
        for name, write in images:
            if _write_optional(name, write):
                written.append(name)
    finally:  # (interrupted while drawing too: an earlier run's images must not stay)
        _remove_earlier(paths, written)
    print(f"wrote {', '.join(n for n in _FILES if n in written)} to {args.out}", file=out,
          flush=True)
    return 0


def _refuse_diverged(history, checkpoint, paths, log):
    """A UsageError when the loss ended NaN or infinite: NaN weights are no result. Only
    history.csv (how it diverged) is kept."""
    losses = history.history.get("loss", [])
    if not losses or np.isfinite(losses[-1]):
        return
    if checkpoint.last_saved is not None:
        os.unlink(checkpoint.last_saved[1])
    _remove_earlier(paths, ["history.csv"] * log.wrote)
    raise UsageError(f"training diverged: the loss became {losses[-1]} in epoch "
                     f"{len(losses)}, so no weights were written (history.csv has the "
                     f"epochs); try a smaller --lr")


def _remove_earlier(paths, written):
    """Remove the files of an earlier run into the same folder that this run did not write:
    left there, they would pass for this run's."""
    for name in _FILES:
        if name not in written and os.path.exists(paths[name]):
            os.unlink(paths[name])
            print(f"rungrad: removed {name} of an earlier run (this run did not write it)",
                  file=sys.stderr)


def _save_final_weights(model, checkpoint, paths):
    """Write weights.npz; on failure say where the last epoch's weights are."""
    try:
        model.save_weights(paths["weights.npz"])
    except OSError as exc:
        kept = ("" if checkpoint.last_saved is None else
                f"; the weights of the last epoch ({checkpoint.last_saved[0] + 1}) are in "
                f"{checkpoint.last_saved[1]}")
        raise UsageError(f"could not write {paths['weights.npz']} ({_one_line(exc)}){kept}") \
            from None
    if checkpoint.last_saved is not None:
        os.unlink(checkpoint.last_saved[1])  # weights.npz holds the same weights now


def _keep_last_epoch(checkpoint, paths):
    """After Ctrl-C: the last completed epoch's weights go to weights.npz; status 130."""
    from autograd.atomic import write_bytes
    if checkpoint.last_saved is None:
        message = "interrupted before the first epoch ended; no weights saved"
        if any(os.path.exists(paths[name]) for name in _FILES):
            message += f" (the files in {os.path.dirname(paths['weights.npz']) or '.'} are " \
                       "an earlier run's, left as they were)"
    else:
        epoch, saved = checkpoint.last_saved
        with open(saved, "rb") as f:
            write_bytes(paths["weights.npz"], f.read())
        os.unlink(saved)
        message = (f"interrupted; saved the weights of epoch {epoch + 1}, the last "
                   f"completed, to {paths['weights.npz']}")
    print(f"rungrad train: {message}", file=sys.stderr, flush=True)
    return 130


def _learning_curve(history, paths):
    from .plots import plot_learning_curve
    plot_learning_curve(history, paths["learning_curve.png"])


def _layer_diagram(model, paths):
    from .model_diagram import plot_model
    plot_model(model, to_file=paths["model.png"], show_shapes=True, show_layer_names=True)


def _gradient_norms(monitor, paths):
    from .callbacks import plot_gradient_norms
    plot_gradient_norms(monitor, paths["gradients.png"])


def _write_optional(name, write):
    """Write a file that needs an optional tool (True); without the tool, warn in one line
    (False)."""
    try:
        write()
        return True
    except (ImportError, RuntimeError) as exc:  # RuntimeError: plot_graph without `dot`
        hint = ("; pip install 'rungrad[viz]'" if isinstance(exc, ImportError)
                and "rungrad[viz]" not in str(exc) else "")
        print(f"rungrad: warning: {name} not written: {exc}{hint}", file=sys.stderr)
        return False


def main(argv=None):
    """Entry point of the `rungrad` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.model == "cnn" and args.dataset not in _IMAGE_DATASETS:  # (told before any work)
        _usage_error(f"rungrad {args.command}", _not_images(args.dataset))
    created = not os.path.lexists(args.out)
    try:
        launched = _launched_size()
        if args.workers > 1 and launched not in (1, args.workers):
            raise UsageError(f"--workers {args.workers}, but mpiexec started {launched} "
                             f"processes; give --workers {launched}, or leave --workers out "
                             "under mpiexec")
        if args.workers > 1 and launched == 1:
            from ..distributed.launch import relaunch_module
            # a bad --out is reported once, before any rank starts
            prepare_out(args.out, args.overwrite)
            return relaunch_module("nn.training", sys.argv[1:] if argv is None else argv,
                                   args.workers)
        return train(args)
    except (UsageError, ValueError, ImportError, OSError) as exc:
        print(f"rungrad {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return _failed(1)
    except MemoryError:
        print(f"rungrad {args.command}: error: out of memory; choose smaller --hidden sizes "
              "or --batch-size", file=sys.stderr)
        return _failed(1)
    except KeyboardInterrupt:
        print(f"rungrad {args.command}: interrupted", file=sys.stderr)
        return 130
    finally:
        if created:
            _remove_if_empty(args.out)


def _remove_if_empty(folder):
    """Remove the --out folder this run made when nothing went into it (a run failed or
    interrupted before its first file): an empty folder would pass for a finished run's."""
    try:
        os.rmdir(folder)  # (refuses a folder with anything in it)
    except OSError:
        pass


def _launched_size():
    from ..distributed.group import launched_world_size
    return launched_world_size()


def _failed(status):
    """`status`; on one of several ranks, end the whole job instead (the other ranks would
    wait for this one forever)."""
    from ..distributed import group
    world = group.group() if group.is_initialized() else None
    if world is not None and world.size > 1:
        group.abort(status)
    return status


def _one_line(exc):
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

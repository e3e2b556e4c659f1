"""The model a keras.wrappers estimator fits: built by the user's function, cloned from
the user's compiled model, or (warm_start) the one fitted last time."""
from nn.training.clone import clone_model
from nn.training.model import Model


def model_to_fit(estimator, X, y):
    """A compiled Model for estimator.fit(X, y); y as the model sees it (one-hot classes,
    column targets). warm_start reuses model_ (or, before any fit, the given Model itself);
    otherwise a given Model is cloned (fresh weights) and a function is called anew."""
    owner = type(estimator).__name__
    if estimator.warm_start and hasattr(estimator, "model_"):
        return estimator.model_
    source = estimator.model
    if isinstance(source, Model):
        model = source if estimator.warm_start else clone_model(source)
    elif callable(source):
        model = source(X=X, y=y, **(estimator.model_kwargs or {}))
    else:
        raise TypeError(f"{owner}: model must be a compiled keras Model or a callable "
                        f"model(X=..., y=..., **model_kwargs) returning one; got "
                        f"{type(source).__name__}")
    return checked_compiled(model, owner)


def checked_compiled(model, owner):
    """`model` itself, once it is known to be a Model compiled with a loss and optimizer."""
    if not isinstance(model, Model):
        raise TypeError(f"{owner}: the model function must return a compiled keras Model; "
                        f"it returned {type(model).__name__}")
    if not model.compiled or not model.loss or not model.optimizer:
        raise RuntimeError(f"{owner}: the given model needs to be compiled, and have a loss "
                           "and an optimizer (call model.compile(optimizer=..., loss=...))")
    return model


__all__ = ["model_to_fit", "checked_compiled"]

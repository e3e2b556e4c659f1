"""Keras' `keras.utils.Config`: a dict of named settings also read and written as
attributes (`config.seed = 1`, `config.seed`), which `freeze()` makes read-only and
`to_json()` writes as JSON."""
import difflib
import json


class Config:
    """Config(learning_rate=0.1): a dict-like holder of named values (Keras')."""

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        return self._frozen

    def freeze(self):
        """Refuse any change from now on (ValueError)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        object.__setattr__(self, "_frozen", False)

    def _check_unfrozen(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self):
        return dict(self._values)

    def to_json(self):
        return json.dumps(self._values)

    def keys(self):
        return self._values.keys()

    def values(self):
        return self._values.values()

    def items(self):
        return self._values.items()

    def get(self, keyname, value=None):
        return self._values.get(keyname, value)

    def pop(self, *args):
        self._check_unfrozen()
        return self._values.pop(*args)

    def update(self, *args, **kwargs):
        self._check_unfrozen()
        self._values.update(*args, **kwargs)

    def __getattr__(self, name):  # (only for names that are not the class's own)
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        close = difflib.get_close_matches(name, [str(k) for k in values], n=1, cutoff=0.7)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise AttributeError(f"Unknown attribute: '{name}'.{hint}")

    def __setattr__(self, name, value):
        if hasattr(type(self), name):  # (frozen is read-only, as the methods are)
            raise AttributeError(f"Config: {name!r} is the Config's own attribute")
        self[name] = value

    def __setitem__(self, key, value):
        self._check_unfrozen()
        self._values[key] = value

    def __getitem__(self, key):
        return self._values[key]

    def __delitem__(self, key):
        self._check_unfrozen()
        del self._values[key]

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):  # (Keras iterates the keys sorted)
        return iter(sorted(self._values))

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"<Config {self._values}>"


__all__ = ["Config"]

"""Vocabulary: the characters of a corpus and their ids, to encode text and decode ids."""
import numpy as np


class Vocabulary:
    """`Vocabulary(chars)`: id i stands for chars[i]. `encode(text)` -> int64 ids,
    `decode(ids)` -> text; `len`, indexing and iteration go over the characters, and
    `char_to_id` / `id_to_char` are DeZero's dictionaries."""

    def __init__(self, chars):
        self.chars = tuple(chars)
        self.char_to_id = {c: i for i, c in enumerate(self.chars)}
        if len(self.char_to_id) != len(self.chars):
            raise ValueError("Vocabulary: the characters must be distinct")
        self.id_to_char = dict(enumerate(self.chars))

    @classmethod
    def of(cls, text):
        """The characters of `text`, numbered in order of first appearance (DeZero's)."""
        return cls(dict.fromkeys(text))

    def encode(self, text):
        try:
            return np.array([self.char_to_id[c] for c in text], dtype=np.int64)
        except KeyError as exc:
            raise KeyError(f"Vocabulary.encode: the character {exc.args[0]!r} is not in the "
                           f"vocabulary of {len(self)} characters") from None

    def decode(self, ids):
        ids = np.asarray(ids).reshape(-1)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):  # 1.5, True, "1"
            raise TypeError(f"Vocabulary.decode: ids must be integers, got {ids.dtype} "
                            f"(a model's scores? decode their argmax)")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise IndexError(f"Vocabulary.decode: ids must be in [0, {len(self)}), got "
                             f"{ids.min()}..{ids.max()}")
        return "".join(self.chars[i] for i in ids.tolist())

    def __len__(self):
        return len(self.chars)

    def __getitem__(self, index):
        return self.chars[index]

    def __iter__(self):
        return iter(self.chars)

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and other.chars == self.chars

    __hash__ = None

    def __repr__(self):
        return f"Vocabulary({len(self)} characters)"


__all__ = ["Vocabulary"]

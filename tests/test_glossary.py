"""docs/glossary_ko.md: every rungrad name it gives exists, every notebook it names too."""
import os
import re

import autograd
import nn
import optim
from nn import functional as F

from ._helpers import ROOT

TEXT = open(os.path.join(ROOT, "docs", "glossary_ko.md"), encoding="utf-8").read()


def test_every_qualified_name_in_the_glossary_exists():
    spaces = {"autograd": autograd, "nn": nn, "optim": optim, "F": F}
    names = [n for n in re.findall(r"`([A-Za-z_][\w.]*)", TEXT) if n.split(".")[0] in spaces]
    assert len(names) > 30
    for name in names:
        head, *parts = name.split(".")
        obj = spaces[head]
        for part in parts:
            obj = getattr(obj, part)  # an AttributeError names what is missing


def test_every_notebook_named_exists():
    numbers = {n for row in re.findall(r"\| ([\d, ]+) \|$", TEXT, flags=re.M)
               for n in row.split(", ")}
    notebooks = {name[:2] for name in os.listdir(os.path.join(ROOT, "notebooks"))
                 if name.endswith(".ipynb")}
    assert numbers and numbers <= notebooks, numbers - notebooks


def test_every_bare_name_exists_beside_the_qualified_one_before_it():
    """`nn.metrics.accuracy`, `precision`: a bare name is found where the qualified name
    written before it in the row lives (or inside it: `nn.keras.Sequential`, `compile`);
    Keras `Dense` in nn.keras.layers."""
    spaces = {"autograd": autograd, "nn": nn, "optim": optim, "F": F}
    checked = 0
    for row in TEXT.splitlines():
        places = []
        for keras, code in re.findall(r"(Keras )?`([^`]+)`", row):
            if keras:  # Keras `Dense`: a layer of nn.keras.layers
                places = [nn.keras.layers]
            head = code.split(".")[0]
            qualified = re.match(r"[A-Za-z_][\w.]*", code).group(0) if head in spaces else None
            if qualified:
                obj = spaces[head]
                for part in qualified.split(".")[1:]:
                    parent, obj = obj, getattr(obj, part)
                places = [obj, parent] if "." in qualified else [obj]
            elif re.fullmatch(r"[A-Za-z_]\w*", code) and places:
                assert any(hasattr(place, code) for place in places), (code, row)
                checked += 1
    assert checked > 20

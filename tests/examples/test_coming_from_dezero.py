"""docs/coming_from_dezero.md: every example gives the output it shows, and every rungrad
name its tables give exists."""
import doctest
import pathlib
import re

import autograd as ag
import nn
import nn.functional as F
import optim

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

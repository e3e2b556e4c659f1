"""nn.models: torchvision's structure, parameter names, shapes and counts (known figures,
hard-coded: torchvision is not a dependency), and forward passes against PyTorch written
from torchvision's definition with torch.nn.functional."""
import os
import subprocess
import sys

import numpy as np
import pytest

import nn
from autograd import Variable

from .._helpers import ROOT

# torchvision's figures for 1000 classes
PARAMETER_COUNTS = {"vgg16": 138_357_544, "resnet18": 11_689_512, "resnet34": 21_797_672,
                    "resnet50": 25_557_032}
STATE_DICT_SIZES = {"vgg16": 32, "resnet18": 122, "resnet34": 218, "resnet50": 320}
KNOWN_SHAPES = {
    "vgg16": {"features.0.weight": (64, 3, 3, 3), "features.0.bias": (64,),
              "features.28.weight": (512, 512, 3, 3), "classifier.0.weight": (4096, 25088),
              "classifier.3.bias": (4096,), "classifier.6.weight": (1000, 4096)},
    "resnet18": {"conv1.weight": (64, 3, 7, 7), "bn1.running_var": (64,),
                 "bn1.num_batches_tracked": (), "layer1.1.conv2.weight": (64, 64, 3, 3),
                 "layer2.0.downsample.0.weight": (128, 64, 1, 1),
                 "layer2.0.downsample.1.running_mean": (128,),
                 "layer4.1.bn2.bias": (512,), "fc.weight": (1000, 512), "fc.bias": (1000,)},
    "resnet34": {"layer3.5.conv2.weight": (256, 256, 3, 3), "layer4.2.bn2.weight": (512,)},
    "resnet50": {"layer1.0.conv1.weight": (64, 64, 1, 1), "layer1.0.conv3.weight": (256, 64, 1, 1),
                 "layer1.0.downsample.0.weight": (256, 64, 1, 1),
                 "layer2.0.conv2.weight": (128, 128, 3, 3),
                 "layer4.2.conv3.weight": (2048, 512, 1, 1), "fc.weight": (1000, 2048)},
}
RESNET18_FIRST_KEYS = [
    "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
    "bn1.num_batches_tracked", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
    "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
    "layer1.0.bn1.num_batches_tracked", "layer1.0.conv2.weight"]


@pytest.fixture
def no_random_init(monkeypatch):
    """Layers keep their uninitialized arrays: building VGG-16's 138M parameters then costs
    an allocation, not ~20 s of random draws (the structure is what these tests check)."""
    monkeypatch.setattr(nn.init, "_fill", lambda tensor, draw, who: tensor)


@pytest.mark.parametrize("name", sorted(PARAMETER_COUNTS))
def test_structure_matches_torchvision(name, no_random_init):
    model = getattr(nn.models, name)()
    assert sum(p.size for p in model.parameters()) == PARAMETER_COUNTS[name]
    shapes = {key: param.shape for key, param in model.named_parameters()}
    shapes.update({key: buf.shape for key, buf in model.named_buffers()})
    assert len(shapes) == STATE_DICT_SIZES[name]
    for key, shape in KNOWN_SHAPES[name].items():
        assert shapes[key] == shape, key
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_resnet18_state_dict_keys_are_in_torchvisions_order(no_random_init):
    keys = list(nn.models.resnet18().state_dict())
    assert keys[:len(RESNET18_FIRST_KEYS)] == RESNET18_FIRST_KEYS
    assert keys[-2:] == ["fc.weight", "fc.bias"]


def test_num_classes_sizes_the_last_layer(no_random_init):
    assert nn.models.resnet50(num_classes=7).fc.weight.shape == (7, 2048)
    assert nn.models.vgg16(num_classes=3).classifier[6].weight.shape == (3, 4096)


def test_nn_models_and_attention_load_on_first_use():
    lazy = ("nn.models", "nn.layers.attention", "nn.layers.transformer")
    code = ("import sys, nn\n"
            f"print(sorted(m for m in {lazy!r} if m in sys.modules))\n"
            "print(nn.models.vgg16.__name__, nn.MultiheadAttention.__name__,\n"
            "      nn.TransformerEncoderLayer.__name__, 'models' in dir(nn))\n"
            f"print(sorted(m for m in {lazy!r} if m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    before, names, after = run.stdout.split("\n")[:3]
    assert before == "[]"
    assert names == "vgg16 MultiheadAttention TransformerEncoderLayer True"
    assert after == str(sorted(lazy))


def test_torchvision_initialisation():
    model = nn.models.resnet18(num_classes=10, zero_init_residual=True)
    weight = model.layer3[0].conv1.weight.data
    fan_out = 256 * 3 * 3
    assert abs(weight.std() - np.sqrt(2 / fan_out)) < 0.1 * np.sqrt(2 / fan_out)
    np.testing.assert_array_equal(model.layer1[0].bn1.weight.data, 1)
    np.testing.assert_array_equal(model.layer1[0].bn2.weight.data, 0)  # zero_init_residual


# ----- forward passes against PyTorch -----
def _float64(model, rng):
    """The model in float64, with random BatchNorm statistics (so eval mode is checked)."""
    for param in model.parameters():
        param.data = param.data.astype(np.float64)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean = rng.normal(0, 0.1, module.num_features)
            module.running_var = rng.uniform(0.5, 1.5, module.num_features)
    return model


def _torch_resnet(state, x, bottleneck, training):
    """ResNet's forward from torchvision's definition, on the state dict's tensors."""
    import torch
    import torch.nn.functional as TF

    t = {key: torch.tensor(np.asarray(value, np.float64)) for key, value in state.items()}

    def conv(x, key, stride=1, padding=0):
        return TF.conv2d(x, t[key + ".weight"], stride=stride, padding=padding)

    def norm(x, key):
        return TF.batch_norm(x, t[key + ".running_mean"], t[key + ".running_var"],
                             t[key + ".weight"], t[key + ".bias"], training=training)

    x = TF.max_pool2d(TF.relu(norm(conv(x, "conv1", 2, 3), "bn1")), 3, 2, 1)
    for stage in range(1, 5):
        block = 0
        while f"layer{stage}.{block}.conv1.weight" in t:
            key, stride = f"layer{stage}.{block}", 2 if stage > 1 and block == 0 else 1
            if bottleneck:  # the stride is on the 3x3 convolution (ResNet V1.5)
                out = TF.relu(norm(conv(x, key + ".conv1"), key + ".bn1"))
                out = TF.relu(norm(conv(out, key + ".conv2", stride, 1), key + ".bn2"))
                out = norm(conv(out, key + ".conv3"), key + ".bn3")
            else:
                out = TF.relu(norm(conv(x, key + ".conv1", stride, 1), key + ".bn1"))
                out = norm(conv(out, key + ".conv2", 1, 1), key + ".bn2")
            if key + ".downsample.0.weight" in t:
                x = norm(conv(x, key + ".downsample.0", stride), key + ".downsample.1")
            x = TF.relu(out + x)
            block += 1
    return TF.linear(x.mean(dim=(2, 3)), t["fc.weight"], t["fc.bias"])


@pytest.mark.parametrize("name, training", [("resnet18", True), ("resnet50", False)])
def test_resnet_forward_matches_torch(name, training):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    model = _float64(getattr(nn.models, name)(num_classes=5), rng)
    model.train(training)
    state = model.state_dict()  # before the call: training updates the running statistics
    x = rng.normal(size=(2, 3, 32, 32))
    xt = torch.tensor(x, requires_grad=True)
    expected = _torch_resnet(state, xt, name == "resnet50", training)
    xv = Variable(x)
    y = model(xv)
    np.testing.assert_allclose(y.data, expected.detach().numpy(), rtol=1e-9, atol=1e-9)
    g = rng.normal(size=y.shape)
    (y * Variable(g)).sum().backward()
    (expected * torch.tensor(g)).sum().backward()
    expected_grad = xt.grad.numpy()  # BatchNorm over 2 values (layer4, 1x1) amplifies rounding
    np.testing.assert_allclose(xv.grad.data, expected_grad, rtol=1e-6,
                               atol=1e-7 * np.abs(expected_grad).max())


def test_vgg16_forward_matches_torch_on_a_small_image(no_random_init):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as TF
    rng = np.random.default_rng(1)
    model = nn.models.vgg16(num_classes=4).eval()
    for param in model.parameters():  # He-scaled draws; Linear weights rank 1 (102M draws
        if param.ndim == 2:           # cost seconds), which still depends on the flattening
            a, b = (rng.standard_normal(n).astype(np.float32) for n in param.shape)
            np.multiply.outer(a, b * np.float32(np.sqrt(1 / param.shape[1])), out=param.data)
        else:
            fan_in = np.prod(param.shape[1:]) if param.ndim > 1 else 1
            param.data[...] = rng.standard_normal(param.shape, np.float32) * np.sqrt(2 / fan_in)
    x = rng.normal(size=(1, 3, 32, 32)).astype(np.float32)
    t = {key: torch.from_numpy(p.data) for key, p in model.named_parameters()}
    expected = torch.from_numpy(x)
    for index, layer in enumerate(model.features):
        if isinstance(layer, nn.Conv2d):
            expected = TF.relu(TF.conv2d(expected, t[f"features.{index}.weight"],
                                         t[f"features.{index}.bias"], padding=1))
        elif isinstance(layer, nn.MaxPool2d):
            expected = TF.max_pool2d(expected, 2, 2)
    expected = TF.adaptive_avg_pool2d(expected, (7, 7)).flatten(1)
    for index in (0, 3, 6):
        expected = TF.linear(expected, t[f"classifier.{index}.weight"],
                             t[f"classifier.{index}.bias"])
        expected = TF.relu(expected) if index < 6 else expected
    np.testing.assert_allclose(model(x).data, expected.numpy(), rtol=2e-4, atol=2e-4)


def test_load_weights_reads_a_state_dict_by_its_torchvision_names(tmp_path):
    rng = np.random.default_rng(2)
    source = nn.models.resnet18(num_classes=3)
    state = {key: rng.normal(size=value.shape).astype(value.dtype) for key, value in
             source.state_dict().items()}  # as a torchvision state dict saved as .npz
    np.savez(tmp_path / "resnet18.npz", **state)
    model = nn.models.resnet18(num_classes=3)
    model.load_weights(tmp_path / "resnet18.npz")
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[key])


def test_a_resnet_and_a_vgg_save_whole_and_load_back(tmp_path):
    from nn.models import VGG, ResNet
    from nn.models.resnet import BasicBlock
    from nn.models.vgg import make_layers
    resnet = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3)
    resnet.save(tmp_path / "resnet.rungrad")
    again = nn.load_model(tmp_path / "resnet.rungrad")
    assert again.get_config() == resnet.get_config()
    x = np.random.default_rng(0).normal(size=(1, 3, 32, 32)).astype(np.float32)
    resnet.eval()
    again.eval()
    np.testing.assert_array_equal(again(x).data, resnet(x).data)
    vgg_config = VGG(make_layers([8, "M", 512]), num_classes=2, init_weights=False).get_config()
    assert vgg_config["num_classes"] == 2 and vgg_config["dropout"] == 0.5

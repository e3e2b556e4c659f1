"""DeZero's public names, as its final `dezero` package defines them (the book's API), by the
module docs/coming_from_dezero.md writes them under. DeZero is finished, so this list stays
true; it lets a test check the guide's DeZero column against DeZero rather than memory."""

TOP = {"Variable", "Parameter", "Function", "Config", "using_config", "no_grad", "test_mode",
       "as_array", "as_variable", "setup_variable", "Layer", "Model", "Dataset", "DataLoader",
       "SeqDataLoader", "cuda", "utils", "datasets", "optimizers", "transforms", "functions",
       "layers", "models"}

MODULES = {
    "dezero": TOP,
    "utils": {"get_dot_graph", "plot_dot_graph", "sum_to", "reshape_sum_backward", "logsumexp",
              "max_backward_shape", "gradient_check", "numerical_grad", "array_equal",
              "array_allclose", "get_file", "cache_dir", "get_conv_outsize",
              "get_deconv_outsize", "pair", "show_progress"},
    "cuda": {"gpu_enable", "get_array_module", "as_numpy", "as_cupy"},
    # dezero.functions: `batch_nrom` is spelled so in DeZero's source
    "F": {"sin", "cos", "tanh", "exp", "log", "reshape", "transpose", "get_item", "expand_dims",
          "flatten", "sum", "sum_to", "broadcast_to", "average", "mean", "matmul", "linear",
          "linear_simple", "sigmoid", "sigmoid_simple", "relu", "softmax", "softmax_simple",
          "log_softmax", "leaky_relu", "mean_squared_error", "mean_squared_error_simple",
          "softmax_cross_entropy", "softmax_cross_entropy_simple", "sigmoid_cross_entropy",
          "binary_cross_entropy", "accuracy", "dropout", "batch_nrom", "embed_id", "max", "min",
          "clip", "conv2d", "conv2d_simple", "deconv2d", "im2col", "col2im", "pooling",
          "pooling_simple", "average_pooling", "add", "sub", "rsub", "mul", "div", "neg",
          "pow"},
    "L": {"Layer", "Linear", "Conv2d", "Deconv2d", "RNN", "LSTM", "EmbedID", "BatchNorm"},
    "models": {"Model", "Sequential", "MLP", "VGG16", "ResNet", "ResNet50", "ResNet101",
               "ResNet152", "SqueezeNet"},
    "datasets": {"Dataset", "get_spiral", "Spiral", "MNIST", "CIFAR10", "ImageNet", "SinCurve",
                 "Shakespear", "load_cache_npz", "save_cache_npz"},
    "optimizers": {"Optimizer", "WeightDecay", "ClipGrad", "FreezeParam", "SGD", "MomentumSGD",
                   "AdaGrad", "AdaDelta", "Adam"},
    "transforms": {"Compose", "Convert", "Resize", "CenterCrop", "ToArray", "ToPIL",
                   "RandomHorizontalFlip", "Normalize", "Flatten", "AsType", "ToFloat", "ToInt"},
}

# Methods of DeZero's classes the guide names without their object (`forward(*arrays)`), and
# the function the book's step 4 defines in its own script rather than in the package.
METHODS = {"forward", "backward", "cleargrad", "cleargrads", "unchain", "unchain_backward",
           "params", "plot", "save_weights", "load_weights", "to_cpu", "to_gpu", "reset_state",
           "setup", "update", "add_hook", "prepare", "next", "reset"}
BOOK_SCRIPTS = {"numerical_diff"}

EVERY_NAME = set().union(*MODULES.values(), METHODS, BOOK_SCRIPTS)

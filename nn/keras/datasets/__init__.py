"""keras.datasets: each module's load_data() returns what Keras' does.

mnist, fashion_mnist and cifar10 read nn.datasets' files (downloaded once, checksummed,
cached in nn.datasets.data_home()); imdb, reuters (with get_word_index, and Reuters'
get_label_names), cifar100, boston_housing and california_housing read Keras' own files,
fetched by keras.utils.get_file from Keras' origins into $KERAS_HOME/datasets (a Keras
cache is reused), their pickles read as data, never run (nn.datasets.pickle_reader)."""
from autograd.lazy import lazy_attributes

__all__ = ["mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
           "boston_housing", "california_housing"]

__getattr__, __dir__ = lazy_attributes(__name__, submodules=tuple(__all__))

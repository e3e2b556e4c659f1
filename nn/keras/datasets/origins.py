"""Where Keras downloads its datasets from (the same URLs, so the same cache files)."""

TF_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

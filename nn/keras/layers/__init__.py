"""Keras' layers (`keras.layers`), with Keras' arguments and layouts: channels-last images,
batch-first sequences, sizes taken from the first input. The ones that nn has with Keras'
meaning already are nn's own objects."""
from ...layers.activation import Activation
from ...layers.dropout import Dropout
from ...layers.flatten import Flatten
from ...layers.input_layer import Input, InputLayer
from ...layers.lambda_layer import Lambda
from ...layers.linear import Dense
from .bidirectional import Bidirectional
from .embedding import Embedding
from .recurrent import GRU, LSTM, SimpleRNN

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Lambda",
           "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding"]

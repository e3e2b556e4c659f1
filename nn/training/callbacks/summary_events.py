"""TensorBoard's Event messages, encoded: the file-version event every event file begins
with, and summaries of a scalar (simple_value), a histogram (HistogramProto) and a text
(a string tensor for the text plugin).

Scalars and histograms use the summary fields TensorBoard has always read (as PyTorch's
SummaryWriter writes them), not TF 2's tensor-with-plugin-metadata form: TensorBoard
turns them into its scalar and histogram tensors when it loads them, and its plain
EventAccumulator also reads them as Scalars and Histograms.

Field numbers (tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto):
Event{wall_time 1 double, step 2 int64, file_version 3, summary 5};
Summary{value 1 repeated}; Value{tag 1, simple_value 2 float, histo 5, tensor 8,
metadata 9}; HistogramProto{min 1, max 2, num 3, sum 4, sum_squares 5 (doubles),
bucket_limit 6, bucket 7 (packed doubles)}; TensorProto{dtype 1 (DT_STRING = 7),
tensor_shape 2 (empty: a scalar), string_val 8}; SummaryMetadata{plugin_data 1:
{plugin_name 1, content 2}}."""
import numpy as np

from .protobuf_wire import bytes_field, double_field, float_field, int_field, packed_doubles_field

FILE_VERSION = "brain.Event:2"
HISTOGRAM_BUCKETS = 30  # (tf.summary.histogram's default)
_DT_STRING = 7


def event(wall_time, step=0, file_version=None, value=None):
    """An Event: at `wall_time` (seconds since the epoch) and `step`, holding the file
    version or one summary value (an encoded Summary.Value)."""
    message = double_field(1, wall_time)
    if step:  # (proto3 leaves a field at its default out: the bytes protobuf itself writes)
        message += int_field(2, step)
    if file_version is not None:
        message += bytes_field(3, file_version)
    if value is not None:
        message += bytes_field(5, bytes_field(1, value))  # Summary{value: [value]}
    return message


def scalar_value(tag, number):
    """A Summary.Value holding a float32 simple_value."""
    return bytes_field(1, tag) + float_field(2, float(number))


def histogram_value(tag, values, buckets=HISTOGRAM_BUCKETS):
    """A Summary.Value holding a HistogramProto of `values` (any shape)."""
    return bytes_field(1, tag) + bytes_field(5, histogram_proto(values, buckets))


def histogram_proto(values, buckets=HISTOGRAM_BUCKETS):
    """HistogramProto of the finite entries of `values`: min, max, num, sum, sum of squares,
    and `buckets` equal-width buckets from min to max, bucket_limit holding each one's
    right edge (the first's left edge is min, as TensorBoard reads it); one bucket when
    all values are equal, none when there are no finite values."""
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]  # (a diverged weight: its NaN would make the edges NaN)
    if x.size == 0:
        return double_field(1, 0.0) + double_field(2, 0.0) + double_field(3, 0.0)
    low, high = float(x.min()), float(x.max())
    if low == high:
        counts, limits = [float(x.size)], [high]
    else:
        # (unique: over a range of a few ulps the equal-width edges coincide)
        counts, edges = np.histogram(x, bins=np.unique(np.linspace(low, high, buckets + 1)))
        counts, limits = counts.astype(np.float64).tolist(), edges[1:].tolist()
    return (double_field(1, low) + double_field(2, high) + double_field(3, float(x.size))
            + double_field(4, float(x.sum())) + double_field(5, float(x @ x))
            + packed_doubles_field(6, limits) + packed_doubles_field(7, counts))


def text_value(tag, text):
    """A Summary.Value holding `text` as a scalar string tensor for the text plugin
    (TensorBoard's Text tab renders it as Markdown)."""
    tensor = int_field(1, _DT_STRING) + bytes_field(2, b"") + bytes_field(8, text)
    metadata = bytes_field(1, bytes_field(1, "text"))  # plugin_data{plugin_name: "text"}
    return bytes_field(1, tag) + bytes_field(8, tensor) + bytes_field(9, metadata)


__all__ = ["FILE_VERSION", "HISTOGRAM_BUCKETS", "event", "scalar_value", "histogram_value",
           "histogram_proto", "text_value"]

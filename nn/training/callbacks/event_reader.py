"""Reading TensorBoard event files back without TensorBoard: the events of one file (each
record's CRCs checked), and a folder's scalars by tag, for a notebook or a test."""
import os
from collections import namedtuple

from .event_file import read_records
from .protobuf_wire import as_double, as_doubles, as_float, as_int64, read_fields

Event = namedtuple("Event", "wall_time step file_version values")
Event.__doc__ = "One event: wall_time (s), step, file_version (or None), values [SummaryValue]."
SummaryValue = namedtuple("SummaryValue", "tag kind value")
SummaryValue.__doc__ = ("One summary value: kind 'scalar' (a float), 'histogram' (a dict of "
                        "HistogramProto's fields), 'text' (a str) or 'other' (its raw fields).")

_HISTOGRAM_FIELDS = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}


def read_events(path):
    """The events of the event file at `path`, in order; a ValueError where a record is
    corrupted or cut off (event_file.read_records) or is not an Event."""
    return [parse_event(record, path) for record in read_records(path)]


def event_files(folder):
    """The event files in `folder`, in TensorBoard's reading order (by name)."""
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if "tfevents" in name)


def read_scalars(folder):
    """{tag: [(step, value)]} of the scalars of every event file in `folder`, in file
    order."""
    scalars = {}
    for path in event_files(folder):
        for e in read_events(path):
            for v in e.values:
                if v.kind == "scalar":
                    scalars.setdefault(v.tag, []).append((e.step, v.value))
    return scalars


def parse_event(record, source="record"):
    """The Event one record's data holds; a ValueError naming `source` if it is not one."""
    wall_time, step, version, values = None, 0, None, []
    try:
        for number, _, raw in read_fields(record):
            if number == 1:
                wall_time = as_double(raw)
            elif number == 2:
                step = as_int64(raw)
            elif number == 3:
                version = raw.decode("utf-8")
            elif number == 5:
                values += [_value(v) for n, _, v in read_fields(raw) if n == 1]
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source}: a record is not a TensorBoard Event ({exc})") from None
    if wall_time is None:
        raise ValueError(f"{source}: an Event without its wall_time")
    return Event(wall_time, step, version, values)


def _value(message):
    """A Summary.Value as a SummaryValue."""
    fields = {number: raw for number, _, raw in read_fields(message)}
    tag = fields.get(1, b"").decode("utf-8")
    if 2 in fields:
        return SummaryValue(tag, "scalar", as_float(fields[2]))
    if 5 in fields:
        return SummaryValue(tag, "histogram", _histogram(fields[5]))
    if 8 in fields and _plugin(fields.get(9)) == "text":
        strings = [raw for n, _, raw in read_fields(fields[8]) if n == 8]
        return SummaryValue(tag, "text", b"".join(strings).decode("utf-8"))
    return SummaryValue(tag, "other", fields)


def _histogram(message):
    histogram = {"bucket_limit": [], "bucket": []}
    for number, _, raw in read_fields(message):
        if number in _HISTOGRAM_FIELDS:
            histogram[_HISTOGRAM_FIELDS[number]] = as_double(raw)
        elif number == 6:
            histogram["bucket_limit"] += as_doubles(raw)
        elif number == 7:
            histogram["bucket"] += as_doubles(raw)
    return histogram


def _plugin(metadata):
    """The plugin_name of a SummaryMetadata message (None without one)."""
    for number, _, raw in read_fields(metadata or b""):
        if number == 1:
            return next((n.decode("utf-8") for k, _, n in read_fields(raw) if k == 1), None)
    return None


__all__ = ["Event", "SummaryValue", "read_events", "parse_event", "event_files",
           "read_scalars"]

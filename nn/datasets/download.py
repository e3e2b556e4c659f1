"""Download files once into a local cache, verified by SHA-256.

The cache is ~/.rungrad/datasets, or the directory named by the RUNGRAD_DATA
environment variable. Each file is streamed into a temporary file beside its
destination and moved into place (os.replace) only after its checksum matches, so an
interrupted or corrupt download never leaves a file that looks complete. Each file's
published size bounds its download: a mirror announcing or sending more bytes is cut off
there, so a broken or tampered mirror cannot fill the disk. A cached file is hashed once
per process (see _verified), not on every load.
"""

import errno
import hashlib
import os
import shutil
from pathlib import Path
from typing import NamedTuple

from autograd.atomic import NotARegularFileError, remove_stale_temps, replacing

from ._verified import sha256_of

_CHUNK = 1 << 16


class Published(NamedTuple):
    """A file as its publisher serves it: hex SHA-256 and size in bytes."""

    sha256: str
    size: int

    @classmethod
    def of(cls, data):
        """The Published entry of the bytes `data` (to pin a file of one's own)."""
        return cls(hashlib.sha256(data).hexdigest(), len(data))


class DownloadError(OSError):
    """The files could not be fetched; the message says where to put them by hand."""


class CacheError(DownloadError):
    """The cache folder cannot hold the files (a file in its place, no permission, a full
    disk): a local problem, which no other mirror and no network would solve."""


class ChecksumError(OSError):
    """A downloaded file's SHA-256 differs from the published one."""


class SizeError(ChecksumError):
    """A mirror announced (Content-Length) another size than the published file's, or sent
    more bytes: not the published file. Reading stopped there; nothing was kept."""


def data_home():
    """The cache root: $RUNGRAD_DATA if set, else ~/.rungrad/datasets. A leading ~ in
    RUNGRAD_DATA is the home folder (as a shell would expand it), not a folder named ~."""
    root = os.environ.get("RUNGRAD_DATA") or Path.home() / ".rungrad" / "datasets"
    return Path(root).expanduser()


def _open_url(url):
    """Open `url` for reading (the single place that touches the network)."""
    import urllib.error
    import urllib.request  # lazy: costly to import and rarely needed

    request = urllib.request.Request(url, headers={"User-Agent": "rungrad"})
    try:
        return urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as exc:
        # An HTTPError (a 404) holds the response's open connection, and the error lives on
        # in the DownloadError's chain: unclosed, a later garbage collection warns about it.
        exc.close()
        raise


def _progress_bar(total, name):
    """A tqdm byte counter when tqdm is installed, else a silent stand-in."""
    try:
        from tqdm import tqdm  # not tqdm.auto: it warns in notebooks without ipywidgets
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=name, unit="B", unit_scale=True, unit_divisor=1024)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


class IncompleteDownload(OSError):
    """The connection ended before the whole file arrived."""


def _file_name(url):
    return url.rsplit("/", 1)[-1]


def _announced(headers):
    """The Content-Length as an int; None where absent or not a byte count (the published
    size alone then bounds the body)."""
    value = (headers.get("Content-Length") or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _stream(url, out, size):
    """Copy `url` into the open file `out`, reading at most `size` + 1 bytes (the one more
    tells a longer body); return the SHA-256 of what was written.

    A Content-Length other than `size`, or a body longer than `size`, is a SizeError,
    raised before reading or as the excess arrives. Network failures surface as OSError (a
    dropped connection included). A body that ends early, silently or not, is an
    IncompleteDownload that says how many of the `size` bytes came: not a checksum
    mismatch."""
    import http.client

    digest = hashlib.sha256()
    got = 0
    try:
        with _open_url(url) as response:
            announced = _announced(response.headers)
            if announced is not None and announced != size:
                raise SizeError(f"{_file_name(url)}: {url} announces {announced} bytes "
                                f"(Content-Length), the published file has {size}; nothing "
                                f"was downloaded")
            with _progress_bar(size, _file_name(url)) as bar:
                while got <= size:
                    chunk = response.read(min(_CHUNK, size + 1 - got))
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    got += len(chunk)
                    bar.update(len(chunk))
    except http.client.HTTPException as exc:  # e.g. IncompleteRead: not an OSError
        raise IncompleteDownload(f"{url}: {_incomplete(got, size)} ({exc!r})") from exc
    if got > size:
        raise SizeError(f"{_file_name(url)}: {url} sent more than the published {size} "
                        f"bytes; stopped reading there, the file was not kept")
    if got < size:
        raise IncompleteDownload(f"{url}: {_incomplete(got, size)}")
    return digest.hexdigest()


def _incomplete(got, size):
    return f"incomplete download: got {got} of {size} bytes"


def download(url, dest, published):
    """Fetch `url` to `dest` atomically, reading at most published.size + 1 bytes; raise
    ChecksumError (SizeError for a wrong size), keeping nothing, where the bytes are not
    the published ones, or the network's OSError."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with replacing(dest, suffix=".part") as tmp:  # raising inside keeps nothing
            with open(tmp, "wb") as out:
                actual = _stream(url, out, published.size)
            if actual != published.sha256:
                raise ChecksumError(f"{dest.name}: SHA-256 of the download from {url} is "
                                    f"{actual}, expected {published.sha256}; the file was "
                                    f"not kept")
    except OSError as exc:
        local = exc.filename == str(dest) or isinstance(exc, NotARegularFileError)
        if not local:  # replacing names dest in its own errors; the network's stay as are
            raise
        raise CacheError(f"{dest.name}: cannot write it into the cache folder "
                         f"{dest.parent} ({_described(exc)}); {_remedy(exc)}set "
                         f"RUNGRAD_DATA to another folder") from exc
    return dest


def _remedy(exc):
    """What the user can do about the local write error `exc`, besides another folder."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "free space there, or "
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "make it writable, or "
    return ""


def _mismatch(path, published):
    """None if `path` is missing or holds the published bytes, else what it holds instead
    (its size, or its SHA-256 where the size is right: a file of the wrong size is not
    hashed). Such a file is fetched again (a download replaces it) but never deleted: it
    may be a copy the user put there by hand, which the error then names. A file that
    cannot be read is a CacheError."""
    try:
        if not path.is_file():
            return None
        size = path.stat().st_size
        actual = sha256_of(path) if size == published.size else None
    except OSError as exc:
        raise CacheError(f"{path.name}: cannot read it in the cache folder {path.parent} "
                         f"({_described(exc)}); make it readable, or set RUNGRAD_DATA to "
                         f"another folder") from exc
    if actual is None:
        return f"{size} bytes, expected {published.size}"
    return None if actual == published.sha256 else (f"SHA-256 {actual}, expected "
                                                    f"{published.sha256}")


def _fetch_one(name, published, folder, mirrors):
    """Try each mirror in turn; the first verified copy wins. When all fail, the error
    names each mirror's failure; it is a ChecksumError if any mirror served wrong bytes
    (that tells more than "unreachable")."""
    failures = []
    for base in mirrors:
        try:
            return download(base + name, folder / name, published)
        except CacheError:
            raise  # the next mirror's bytes would not fit either
        except OSError as exc:  # ChecksumError, URLError, timeouts, refused connections
            failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    kind = ChecksumError if any(isinstance(e, ChecksumError) for e in failures) else OSError
    each = [_described(e) if base in str(e) else f"{base}: {_described(e)}"
            for base, e in zip(mirrors, failures)]
    raise kind(f"{name}: every mirror failed: {'; '.join(each)}") from failures[-1]


def _mismatches(wrong, names):
    """The part of the error naming the files of `names` that are there with other bytes."""
    found = [f"{name} ({wrong[name]})" for name in names if wrong[name] is not None]
    return "" if not found else (f". Already there but not the published files (left as "
                                 f"they are): {'; '.join(found)}")


def _described(exc):
    """The error's type and message; a plain OSError (several mirrors' errors) by message."""
    return str(exc) if type(exc) is OSError else f"{type(exc).__name__}: {exc}"


def _make_cache_folder(dataset, folder):
    """Create `folder` before any mirror is tried: a cache path that cannot be a folder (a
    file on it, no permission, a read-only disk) is a local problem, to be said once as
    such, not as every mirror failing followed by advice to put files where none can go."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot use {folder} as the cache folder of {dataset} "
                         f"({_described(exc)}); set RUNGRAD_DATA to a folder you can "
                         f"write to") from exc


def _check_free_space(dataset, folder, needed):
    """A CacheError before any download when `folder`'s disk has less free space than the
    `needed` bytes: said at once, rather than after a long download fails at its end. A disk
    that cannot say is taken at its word later (a full disk's write error is a CacheError)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed:
        raise CacheError(f"{dataset}: the files to download take {_size_text(needed)}, and "
                         f"the cache folder {folder} has {_size_text(free)} free; free "
                         f"space there, or set RUNGRAD_DATA to another folder")


def _size_text(size):
    return f"{size / 1e6:.1f} MB" if size >= 10**6 else f"{size:,} bytes"


def fetch_files(dataset, files, mirrors):
    """Make sure every file of `dataset` is in the cache; return {name: path}.

    files: {file name: Published(sha256, size)}; mirrors: base URLs ending in '/'.
    Without network, raises DownloadError naming the files and the folder to put
    them in.
    """
    folder = data_home() / dataset
    wrong = {name: _mismatch(folder / name, published) for name, published in files.items()}
    missing = [name for name in files
               if wrong[name] is not None or not (folder / name).is_file()]
    for name in files:  # an interrupted download's leftover, as large as what it fetched
        if name not in missing:  # (a download of the file clears its own)
            remove_stale_temps(folder, name, ".part")
    if missing:
        _make_cache_folder(dataset, folder)
        _check_free_space(dataset, folder, sum(files[name].size for name in missing))
    for i, name in enumerate(missing):
        try:
            _fetch_one(name, files[name], folder, mirrors)
        except (ChecksumError, CacheError):
            raise
        except OSError as exc:
            raise DownloadError(
                f"could not download {dataset} ({_described(exc)}). Without "
                f"network, fetch these files from {mirrors[0]} (or another mirror: "
                f"{', '.join(mirrors[1:]) or 'none'}) and put them in {folder}: "
                f"{', '.join(missing[i:])} (set RUNGRAD_DATA to use another cache "
                f"directory){_mismatches(wrong, missing[i:])}") from exc
    return {name: folder / name for name in files}

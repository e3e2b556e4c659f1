"""Keras' `keras.utils.get_file`: a file from a URL, downloaded once into Keras' cache
($KERAS_HOME or ~/.keras, a temp folder's .keras where that cannot be written), checked by
its md5 or sha256 hash, and extracted where asked (tar, tar.gz, tar.bz2, zip).

A download streams into a temp file beside the cached one and replaces it only once complete
and, where a hash is given, verified (autograd.atomic.replacing): a failed or corrupt
download leaves no file that looks cached. Extraction skips, with a warning, every member
that would land outside its folder (absolute paths, '..', links pointing out, devices), as
Keras' extract_archive filters them."""
import hashlib
import os
import tarfile
import tempfile
import urllib.parse
import zipfile
import zlib

from autograd.atomic import replacing
from autograd.user_warnings import user_warning

from ..datasets.download import DownloadError, _open_url
from ..layers.keras_settings import is_interactive_logging_enabled, print_msg
from .progbar import Progbar

_CHUNK = 1 << 16
HASH_ALGORITHMS = ("auto", "md5", "sha256")
ARCHIVE_FORMATS = ("tar", "zip")


def keras_home():
    """Keras' cache root: $KERAS_HOME, else ~/.keras (read at each call, not at import)."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """The path of `origin`'s file in cache_dir/cache_subdir (named fname, else as the URL
    names it), downloaded unless there already and matching file_hash (md5 or sha256;
    'auto': sha256 for 64 hex digits); with extract (or untar), the folder it was extracted
    into: fname without its extension + '_extracted', or fname where it has none."""
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if hash_algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"get_file: hash_algorithm must be one of {HASH_ALGORITHMS}, got "
                         f"{hash_algorithm!r}")
    folder = cache_folder(cache_dir, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    target, extraction_dir = _targets(folder, fname, origin, extract or untar)
    if extraction_dir is not None:
        _formats(archive_format)  # (refused before downloading, not after)
    if force_download or _needs_download(target, file_hash, hash_algorithm):
        _download(origin, target, file_hash, hash_algorithm)
    if extraction_dir is None:
        return target
    _extract_download(target, extraction_dir, "tar" if untar else archive_format)
    return extraction_dir


def _extract_download(target, extraction_dir, archive_format):
    """extract_archive, warning where `target` is no such archive; a damaged one's
    ValueError says how to fetch it again (it stays cached otherwise)."""
    try:
        extracted = extract_archive(target, extraction_dir, archive_format)
    except ValueError as exc:
        raise ValueError(f"get_file: {exc}; to download it again, pass force_download=True "
                         "(or a file_hash, which a damaged file fails)") from exc
    if not extracted:
        user_warning(f"get_file: could not extract {target}: it is not a {archive_format} "
                     "archive")


def cache_folder(cache_dir=None, cache_subdir="datasets"):
    """The folder get_file keeps its files in: cache_subdir under cache_dir (default
    keras_home()), or under /tmp/.keras where that cannot be written."""
    return os.path.join(_writable_root(cache_dir), cache_subdir)


def _writable_root(cache_dir):
    """cache_dir (default keras_home()), made where missing; /tmp/.keras where it cannot be
    written (Keras' fallback)."""
    root = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else keras_home())
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        pass  # (the fallback below)
    if os.access(root, os.W_OK):
        return root
    return os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")


def _targets(folder, fname, origin, extracting):
    """(the downloaded file's path, the extraction folder or None), named as Keras names
    them."""
    given = fname is not None and os.fspath(fname) != ""
    fname = os.fspath(fname) if given else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                         "Please specify the `fname` argument.")
    if os.sep in fname or (os.altsep and os.altsep in fname) or fname in (".", ".."):
        raise ValueError("get_file: paths are not accepted as the `fname` argument (a file "
                         "name only); to choose its folder, use `cache_dir` and "
                         f"`cache_subdir`. Received: fname={fname}")
    if not extracting:
        return os.path.join(folder, fname), None
    if given and "." in fname:
        stem = fname[:fname.find(".")]
        return os.path.join(folder, fname), os.path.join(folder, f"{stem}_extracted")
    return os.path.join(folder, f"{fname}_archive"), os.path.join(folder, fname)


def _needs_download(target, file_hash, algorithm):
    """Whether `target` is missing, or there with another hash than `file_hash` (said)."""
    if not os.path.exists(target):
        return True
    if file_hash is None or validate_file(target, file_hash, algorithm):
        return False
    print_msg("A local file was found, but it seems to be incomplete or outdated because "
              f"the {_algorithm(algorithm, file_hash)} file hash does not match the original "
              f"value of {file_hash} so we will re-download the data.")
    return True


def _algorithm(algorithm, file_hash=None):
    """Keras' resolve_hasher: sha256 when asked, or for 'auto' and a 64-digit hash; else
    md5."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(str(file_hash)) == 64):
        return "sha256"
    return "md5"


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Hex digest (md5 or sha256) of the file at `fpath`, read in chunks."""
    digest = hashlib.new(_algorithm(algorithm))
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file at `fpath` has hash `file_hash` (md5, or sha256 by 'auto''s rule)."""
    return hash_file(fpath, _algorithm(algorithm, file_hash), chunk_size) == str(file_hash)


def _download(origin, target, file_hash, algorithm):
    """Stream `origin` into a temp beside `target`, which it replaces once complete and
    matching file_hash; a DownloadError naming the URL where the network fails."""
    print_msg(f"Downloading data from {origin}")
    digest = hashlib.new(_algorithm(algorithm, file_hash))
    with replacing(target, suffix=".part") as tmp:  # (an error keeps nothing)
        with open(tmp, "wb") as out:
            for chunk in _chunks(origin):
                out.write(chunk)
                digest.update(chunk)
        if file_hash is not None and digest.hexdigest() != str(file_hash):
            raise ValueError(f"Incomplete or corrupted file detected: the "
                             f"{_algorithm(algorithm, file_hash)} file hash of the download "
                             f"from {origin} is {digest.hexdigest()}, not the provided value "
                             f"of {file_hash}; the file was not kept")


def _chunks(origin):
    """The body of `origin` in chunks, shown on a Progbar when logging is interactive; the
    network's failures (and a body shorter than announced) as a DownloadError."""
    import http.client  # (lazily, as urllib)
    import urllib.error
    got, announced = 0, None
    try:
        with _open_url(origin) as response:
            announced = _length(response.headers)
            bar = Progbar(announced) if is_interactive_logging_enabled() else None
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                got += len(chunk)
                if bar is not None:
                    bar.update(min(got, announced) if announced is not None else got)
                yield chunk
            if bar is not None and announced is None:  # (else the last update ended it)
                bar.update(got, finalize=True)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"URL fetch failure on {origin}: {exc.code} -- {exc.msg}") \
            from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"URL fetch failure on {origin}: {exc.errno} -- {exc.reason}") \
            from exc
    except (OSError, http.client.HTTPException) as exc:  # (a dropped connection, a timeout)
        raise DownloadError(f"URL fetch failure on {origin}: {type(exc).__name__}: "
                            f"{exc}") from exc
    if announced is not None and got < announced:
        raise DownloadError(f"URL fetch failure on {origin}: the connection ended after "
                            f"{got} of the {announced} bytes announced")


def _length(headers):
    """The Content-Length as an int; None where absent or not a byte count."""
    value = (headers.get("Content-Length") or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract the tar (plain, gz, bz2, xz) or zip archive at `file_path` into `path`,
    skipping unsafe members (see the module doc); whether it was such an archive.
    archive_format: 'auto' (tar, then zip), 'tar', 'zip', a list of them, or None (none).
    A damaged archive is a ValueError naming it."""
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in _formats(archive_format):
        is_kind = tarfile.is_tarfile if kind == "tar" else zipfile.is_zipfile
        if is_kind(file_path):
            try:
                _extract(file_path, path, kind)
            except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise ValueError(f"extract_archive: the {kind} archive {file_path} is damaged "
                                 f"({type(exc).__name__}: {exc}); what was extracted before "
                                 f"the damage is in {path}") from exc
            return True
    return False


def _formats(archive_format):
    """The archive kinds extract_archive tries, in order ([] for None)."""
    if archive_format is None:
        return []
    formats = list(ARCHIVE_FORMATS) if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    if any(f not in ARCHIVE_FORMATS for f in formats):
        raise ValueError(f"extract_archive: archive_format must be 'auto', None or among "
                         f"{ARCHIVE_FORMATS}, got {archive_format!r}")
    return formats


def _extract(file_path, path, kind):
    os.makedirs(path, exist_ok=True)
    base = os.path.realpath(path)
    if kind == "zip":
        with zipfile.ZipFile(file_path) as archive:
            archive.extractall(path, members=[m for m in archive.infolist()
                                              if _kept(m.filename, _inside(base, m.filename))])
        return
    with tarfile.open(file_path) as archive:
        members = [m for m in archive.getmembers() if _kept(m.name, _tar_member_safe(m, base))]
        archive.extractall(path, members=members, filter=_data_or_skipped)


def _data_or_skipped(member, path):
    """tarfile's 'data' filter, run as each member is extracted (so it sees the links
    extracted before it: 'a' -> '.', then 'a/b' -> '..'); what it refuses is skipped."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return _kept(member.name, False) or None


def _kept(name, safe):
    if not safe:
        user_warning(f"Skipping invalid path during archive extraction: '{name}' (it would "
                     "land outside the extraction folder)")
    return safe


def _inside(base, relative, start=None):
    """Whether `relative`, joined to `start` (default `base`) and resolved, stays in base."""
    resolved = os.path.realpath(os.path.join(base if start is None else start, relative))
    return os.path.commonpath([resolved, base]) == base


def _tar_member_safe(member, base):
    """A tar member inside `base`; a link too where its target is (a hard link's target is
    relative to the root, a symbolic link's to the link's folder)."""
    if not _inside(base, member.name):
        return False
    if member.islnk():
        return _inside(base, member.linkname)
    if member.issym():
        start = os.path.dirname(os.path.realpath(os.path.join(base, member.name)))
        return _inside(base, member.linkname, start)
    return not (member.ischr() or member.isblk() or member.isfifo())


__all__ = ["get_file", "keras_home", "cache_folder", "hash_file", "validate_file",
           "extract_archive"]

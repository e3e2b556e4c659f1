"""Atomic file writes: write a temp file beside the target, then os.replace it, so a crash or
Ctrl-C never leaves a half-written weights file, graph image, log or plot. Every writer in
rungrad (graph images, weights, CSV logs, learning curves, downloads) goes through here.

What a write through `replacing(path)` guarantees besides atomicity:

* a symlink is written through: its target gets the new content, the link stays a link;
* an existing target that is not a regular file (a directory, a device such as /dev/full,
  a fifo, a socket) is refused with NotARegularFileError naming the path, before anything
  is written; a write-protected one (chmod a-w: a protected checkpoint; by its mode bits,
  also for root) with a PermissionError, where a rename, which needs only the folder's
  permission, would replace it;
* the new file keeps the replaced file's permission bits (and owner, where allowed), and a
  temp replacing an existing file is private (0600) until then, so private weights are
  never readable by others, not even half-written;
* temps that killed writers left behind for the same target are removed;
* with overwrite=False the temp is installed by a hard link, which fails where the target
  exists: of two writers racing to create the same new file, one gets FileExistsError and
  neither replaces the other's file (where the file system has no hard links, a check just
  before the rename, which a race can still pass).

Temps are named `.NAME.<32 hex digits>.tmp<suffix>` beside the target. A writer holds an
exclusive flock on its temp from its creation to the rename; the kernel drops the locks of
a process that dies, even by kill -9. So a temp whose lock can be taken has no live
writer, and the next write to the same target deletes it; a temp that another process is
writing right now (a second save of the same file) is locked and left alone. Only the
target's own temp names are considered. A lock was chosen over a pid in the name or an
age limit: pids are reused and mean nothing across the machines sharing a network folder,
and an age limit either keeps litter for hours or deletes a slow writer's file. Where
locks are not supported the temps are kept; on Windows (no flock) a temp still open in
another process cannot be deleted, which is what protects it there.
"""
import contextlib
import errno
import os
import re
import stat
import uuid

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe (fifo)"),
          (stat.S_ISSOCK, "a socket"))


class NotARegularFileError(OSError):
    """The path to write names a directory, device, fifo or socket, not a regular file."""


_SEPARATORS = tuple({os.sep, os.altsep or os.sep})


def target_of(path):
    """(the file a write to `path` replaces, its os.stat or None when it does not exist).

    Symlinks are followed; an existing target that is not a regular file raises
    NotARegularFileError.
    """
    path = os.fsdecode(path)  # (bytes paths too)
    if not path:
        raise FileNotFoundError(errno.ENOENT, "the path to write is empty; give a file's path",
                                path)
    if path.endswith(_SEPARATORS):  # (realpath drops the separator: 'ckpts/' became 'ckpts')
        raise IsADirectoryError(f"{path} ends in a path separator, the path of a folder; "
                                "give the path of a file (folder/name.npz)")
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real, None
    shown = path if real == os.path.abspath(path) else f"{path} (-> {real})"
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise NotARegularFileError(f"{shown} is {kind}; refusing to replace it with a file "
                                   "(give the path of a regular file)")
    # (a rename would replace it: the folder allows that.) By its mode bits too, so that a
    # checkpoint marked read-only stays so for root, who may write anything (a container)
    if not st.st_mode & stat.S_IWUSR or not os.access(real, os.W_OK):
        raise PermissionError(errno.EACCES, "cannot write the file: it is write-protected; "
                              "refusing to replace it (make it writable, or save elsewhere)",
                              shown)
    return real, st


@contextlib.contextmanager
def replacing(path, suffix="", overwrite=True):
    """Yield a temporary path beside `path`'s target; on success it replaces the target.

    The temp file exists (empty) when yielded: open it with "w", not "x". `suffix` keeps
    the extension that writers such as matplotlib read. overwrite=False: a target that
    exists, before or by the time the temp is complete, is a FileExistsError and is left
    as it is. See the module docstring for symlinks, permissions, refused targets, stale
    temps and overwrite=False.
    """
    real, existing = target_of(path)
    if existing is not None and not overwrite:
        raise _exists(path)
    folder, name = os.path.split(real)
    remove_stale_temps(folder, name, suffix)
    try:
        tmp, lock = _create_temp(folder, name, suffix, private=existing is not None)
    except OSError as exc:
        raise _naming(exc, os.fspath(path), "cannot create a file in its folder") from None
    try:
        yield tmp
        if existing is not None:
            _keep_mode_and_owner(tmp, existing)
        if overwrite:
            os.replace(tmp, real)
        else:
            _install_new(tmp, real, path)
    except FileExistsError:
        raise
    except OSError as exc:
        # about our temp, or a builtin one about no file (a write into it failing: a full
        # disk); one naming another file is that file's, and a library's (a URLError while
        # downloading) stays as it is
        unnamed = exc.filename is None and exc.errno is not None and (
            type(exc).__module__ == "builtins")
        if exc.filename != tmp and exc.filename2 != tmp and not unnamed:
            raise
        raise _naming(exc, os.fspath(path), "writing it failed") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)  # the write failed, or a hard link installed it: gone otherwise
        os.close(lock)


def _install_new(tmp, real, path):
    """Give the complete temp the name `real`, which must not exist yet (a hard link fails
    where it does; the temp is removed by the caller). Without hard links (FAT, some
    network folders): a check, then the rename."""
    try:
        os.link(tmp, real)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                             errno.ENOSYS):
            raise
        if os.path.lexists(real):
            raise _exists(path) from None
        os.replace(tmp, real)


def _exists(path):
    return FileExistsError(errno.EEXIST, "cannot write the file: it already exists and "
                           "overwrite=False; pass overwrite=True to replace it",
                           os.fspath(path))


def _naming(exc, path, what):
    """`exc` again (same type and errno) naming the file the user asked for, not our temp."""
    reason = exc.strerror or str(exc)
    return type(exc)(exc.errno, f"cannot write the file: {what} ({reason})", path)


def remove_stale_temps(folder, name, suffix=""):
    """Delete the temps of `folder/name` (with this `suffix`) that no live writer holds."""
    pattern = re.compile(re.escape(f".{name}.") + "[0-9a-f]{32}" + re.escape(f".tmp{suffix}")
                         + r"\Z")
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        return
    for entry in entries:
        if pattern.match(entry):
            _remove_if_abandoned(os.path.join(folder, entry))


def _remove_if_abandoned(tmp):
    if fcntl is None:  # Windows refuses to delete a file another process has open
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    try:
        if not stat.S_ISREG(os.lstat(tmp).st_mode):
            return
        fd = os.open(tmp, os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | _O_CLOEXEC)
    except OSError:  # gone already, or not ours to open
        return
    try:
        if _lock(fd) and _same_file(fd, tmp):
            os.unlink(tmp)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(folder, name, suffix, private):
    """(temp path, the open descriptor holding its lock)."""
    mode = 0o600 if private else 0o666  # the umask applies on top
    for _ in range(8):
        tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp{suffix}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, mode)
        # Between creating and locking, a cleaner may have taken the lock or deleted the
        # file: then take a new name.
        if _lock(fd) is not False and _same_file(fd, tmp):
            return tmp, fd
        os.close(fd)
    raise OSError(errno.EAGAIN, "could not create a temporary file", folder)


def _lock(fd):
    """Take `fd`'s exclusive lock without waiting: True, False when another process holds
    it, None when the file system has no locks."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


def _same_file(fd, path):
    """Whether `path` still names the file open as `fd`."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _keep_mode_and_owner(tmp, existing):
    os.chmod(tmp, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "chown") and existing.st_uid != os.geteuid():
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(tmp, existing.st_uid, existing.st_gid)


def write_text(path, text):
    """Write `text` (UTF-8) to `path` atomically."""
    with replacing(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())


def write_bytes(path, data):
    """Write `data` to `path` atomically."""
    with replacing(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

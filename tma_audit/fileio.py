"""The one way tma-audit reads an input file and the one way it writes a file.

Reading (:func:`read_input`): every input (inventory YAML and CSV, exports, rulesets and
the rulesets they extend, waiver registers, settings and wording files, companions,
saved reports, lifecycle snapshots and the cache) is read here. Only regular files are
read: a FIFO, a device (``/dev/zero``), a socket or a directory is refused before it is
opened (and the open is non-blocking, so a FIFO swapped in meanwhile never hangs), and a
file larger than the input size cap (:data:`DEFAULT_MAX_INPUT_BYTES`, or
``TMA_AUDIT_MAX_INPUT_BYTES``) is refused before it is read. Every failure is the
caller's error class naming the file (an input error, exit 2, unless the caller gives
another: lifecycle snapshots are data errors). Each file read is remembered by device
and inode, so that no write of the same run can replace it.

References from one file to another (``extends``, ``assets_from``, ``wording``) must stay
in the directory of the file that names them (:func:`resolve_reference`): absolute paths,
``..`` and symbolic links out of it are refused unless ``TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES``
is set or the run has ``--allow-outside-references``. A ruleset in a pull request cannot
make the tool read (and quote, in an error) another file on the CI runner.

Writing (:func:`write_file`): reports, ``--output-dir``, waiver drafts and registers,
``inventory convert`` and the lifecycle cache. A regular file (or a new one) is written
to a temporary file made exclusively (``mkstemp``) in the target's own directory, then
renamed over the target: readers see the old file or the new one. A character device or
a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) and ``-`` (standard output) are
streams: written through, never replaced. A directory or another special file is refused.
A file this run read is never written over. Errors (read-only file system, permission,
name too long, disk full) are input errors (exit 2) with the reason.

The core never writes files: the writer is here for the CLI and the lifecycle cache.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tma_audit.errors import InputError, TmaError

#: Inputs larger than this are refused (256 MiB: a 200,000-asset inventory is far smaller).
DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024
#: Environment variable that changes the cap (a number of bytes; K, M or G suffixes).
ENV_MAX_INPUT = "TMA_AUDIT_MAX_INPUT_BYTES"
#: Environment variable that allows references out of the naming file's directory.
ENV_ALLOW_OUTSIDE = "TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES"
#: The name that means standard output wherever a command takes an output file.
STDOUT_NAME = "-"

_READ_CHUNK = 1 << 20
#: (st_dev, st_ino) of every file read in this run -> the name it was read under
_inputs: dict[tuple[int, int], str] = {}
#: `tma-audit --allow-outside-references …` for this run
_allow_outside = [False]


# --- reading -------------------------------------------------------------------------------


def max_input_bytes(env: Mapping[str, str] | None = None) -> int:
    """The input size cap: ``TMA_AUDIT_MAX_INPUT_BYTES`` or the default."""
    text = (env if env is not None else os.environ).get(ENV_MAX_INPUT, "").strip()
    if not text:
        return DEFAULT_MAX_INPUT_BYTES
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    scale = units.get(text[-1].upper(), 1)
    digits = text[:-1] if text[-1].upper() in units else text
    if not digits.isdigit() or len(digits) > 15 or int(digits) == 0:
        raise InputError(
            f"{text!r} is not a size: give a number of bytes, e.g. 300M", field=ENV_MAX_INPUT
        )
    return int(digits) * scale


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(
    path: Path,
    *,
    error: type[TmaError] = InputError,
    display: str | None = None,
    what: str = "",
    not_found: str | None = None,
) -> bytes:
    """The bytes of an input file, or `error` (naming the file) if it cannot be read.

    Refuses anything but a regular file, and files over the size cap. Remembers the file
    (device and inode) so that no output of this run replaces it. `what` names the kind
    of file in messages ("cannot read lifecycle snapshot: …"); `not_found` replaces the
    message for a missing file.
    """
    file = display or str(path)
    failure = f"cannot read {what}" if what else "cannot read"
    limit = max_input_bytes()
    try:
        before = path.stat()
    except FileNotFoundError:
        missing = f"{failure}: file not found" if what else "file not found"
        raise error(not_found or missing, file=file) from None
    except ValueError:  # a NUL in the name
        raise error(f"{failure}: not a valid file name", file=file) from None
    except OSError as exc:
        raise error(f"{failure}: {exc.strerror or exc}", file=file) from None
    _require_regular(before.st_mode, before.st_size, limit, file, error)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(f"{failure}: {exc.strerror or exc}", file=file) from None
    try:
        info = os.fstat(fd)  # what was opened (it may have changed since the stat)
        _require_regular(info.st_mode, info.st_size, limit, file, error)
        chunks: list[bytes] = []
        size = 0
        # the whole file in one read where the system allows (one buffer, no join copy)
        want = min(info.st_size, limit) + 1
        while True:
            chunk = os.read(fd, want)
            want = _READ_CHUNK
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # grew while being read
                _too_large(limit, file, error)
            chunks.append(chunk)
    except OSError as exc:
        raise error(f"{failure}: {exc.strerror or exc}", file=file) from None
    finally:
        os.close(fd)
    _inputs.setdefault((info.st_dev, info.st_ino), file)
    return b"".join(chunks)


def _require_regular(mode: int, size: int, limit: int, file: str, error: type[TmaError]) -> None:
    if stat.S_ISDIR(mode):
        raise error("is a directory, not a file", file=file)
    if not stat.S_ISREG(mode):
        raise error(f"is {_kind(mode)}, not a regular file: refusing to read it", file=file)
    if size > limit:
        _too_large(limit, file, error)


def _too_large(limit: int, file: str, error: type[TmaError]) -> None:
    raise error(
        f"larger than the input size limit of {limit:,} bytes (set {ENV_MAX_INPUT} to "
        "read larger files)",
        file=file,
    )


def inputs_read() -> Mapping[tuple[int, int], str]:
    """The files read so far in this run, by (device, inode)."""
    return _inputs


def forget_inputs() -> None:
    """Start a new run: no file has been read yet, no option allows outside references."""
    _inputs.clear()
    _allow_outside[0] = False


def allow_outside_references() -> None:
    """The run's option `--allow-outside-references`."""
    _allow_outside[0] = True


def outside_references_allowed(env: Mapping[str, str] | None = None) -> bool:
    """The option, or ``TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES`` set (not 0/no/false/off)."""
    if _allow_outside[0]:
        return True
    value = (env if env is not None else os.environ).get(ENV_ALLOW_OUTSIDE, "")
    return value.strip().lower() not in ("", "0", "no", "false", "off")


class RefusedReference(ValueError):
    """A reference to another file that is not followed (the message says why)."""


def resolve_reference(name: str, base: Path) -> Path:
    """The file `name` refers to, from a file in directory `base`.

    RefusedReference when the reference leaves `base` (an absolute path, ``..``, a
    symbolic link out) and that is not allowed, or is not a file name at all.
    """
    if "\x00" in name:
        raise RefusedReference(f"{name!r} is not a file name (it holds a NUL character)")
    given = Path(name)
    path = given if given.is_absolute() else base / given
    if outside_references_allowed():
        return path
    outside = RefusedReference(
        f"{name!r} is outside the directory of the file that names it; refusing to read it "
        f"(name a file beside it, or allow this with `tma-audit --allow-outside-references` "
        f"or {ENV_ALLOW_OUTSIDE}=1)"
    )
    if given.is_absolute() or ".." in given.parts:
        raise outside
    try:
        real = path.resolve()
        root = base.resolve()
    except (OSError, RuntimeError):
        raise outside from None
    if real != root and root not in real.parents:
        raise outside
    return path


# --- writing -------------------------------------------------------------------------------


class TargetExistsError(InputError):
    """An exclusive write found the target already there (nothing was written)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a write goes: a regular file (written by rename) or a stream."""

    path: Path  # as the user named it
    real: Path  # the file actually replaced (a symbolic link's target), or the stream
    stream: bool  # standard output, a character device or a FIFO: written through
    stdout: bool  # standard output itself (`-`, or the file standard output is)
    identity: tuple[int, int] | None  # (st_dev, st_ino) when the target exists


def is_stdout_name(value: str | Path) -> bool:
    return str(value) == STDOUT_NAME


def check_target(
    path: Path,
    *,
    field: str | None = "--output",
    error: type[TmaError] = InputError,
    replace_input: bool = False,
) -> Target:
    """Where writing `path` would go, or an InputError (exit 2) saying why it cannot.

    Does not write. Refuses directories, special files other than character devices and
    FIFOs, a missing directory, a dangling symbolic link, and any file this run read
    (unless `replace_input`: the lifecycle cache, read and then refreshed).
    """
    file = str(path)
    if is_stdout_name(path):
        return Target(path, path, stream=True, stdout=True, identity=None)
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except ValueError:  # a NUL in the name
        raise error("cannot write: not a valid file name", file=file, field=field) from None
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", file=file, field=field) from None
    if info is None:
        if path.is_symlink():
            raise error(
                "is a symbolic link to a missing file: refusing to write through it",
                file=file,
                field=field,
            )
        parent = path.parent
        try:
            parent_info = parent.stat()
        except OSError:
            parent_info = None
        if parent_info is None or not stat.S_ISDIR(parent_info.st_mode):
            raise error(f"directory {parent} does not exist", file=file, field=field)
        return Target(path, path, stream=False, stdout=False, identity=None)
    identity = (info.st_dev, info.st_ino)
    read_as = None if replace_input else _inputs.get(identity)
    if read_as is not None:
        same = "" if read_as == file else f" ({read_as})"
        raise error(
            f"is an input of this run{same}: refusing to write over it; choose another file",
            file=file,
            field=field,
        )
    if stat.S_ISDIR(info.st_mode):
        raise error("is a directory; give a file name", file=file, field=field)
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return Target(path, path, stream=True, stdout=_is_stdout(identity), identity=identity)
    if not stat.S_ISREG(info.st_mode):
        raise error(
            f"is {_kind(info.st_mode)}: refusing to write to it; give a regular file",
            file=file,
            field=field,
        )
    if _is_stdout(identity):  # `/dev/stdout` when standard output is a file
        return Target(path, path, stream=True, stdout=True, identity=identity)
    return Target(path, path.resolve(), stream=False, stdout=False, identity=identity)


def _is_stdout(identity: tuple[int, int]) -> bool:
    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (info.st_dev, info.st_ino) == identity


Content = str | bytes | Iterable[str] | Iterable[bytes]


def write_file(
    path: Path | Target,
    content: Content,
    *,
    field: str | None = "--output",
    error: type[TmaError] = InputError,
    exclusive: bool = False,
    durable: bool = False,
    failure: str = "cannot write",
    replace_input: bool = False,
) -> Target:
    """Write `content` (text, bytes, or their pieces in order) to `path`.

    A regular file is replaced only once everything is written (a failure, an interrupt
    or SIGTERM leaves what was there and no temporary file). Streams are written through.
    `exclusive`: never replace an existing file (TargetExistsError). `durable`: fsync the
    file and its directory (the lifecycle cache). Failures raise `error` naming the file,
    its message starting with `failure`.
    """
    target = (
        path
        if isinstance(path, Target)
        else check_target(path, field=field, error=error, replace_input=replace_input)
    )
    if target.stream:
        if exclusive:
            raise TargetExistsError("exists", file=str(target.path), field=field)
        _write_stream(target, content, field, error)
        return target
    import tempfile  # only when writing a file (a run that prints does not pay for it)

    real = target.real
    name = str(target.path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{real.name[:40]}.", suffix=".tmp", dir=real.parent
        )
    except OSError as exc:
        raise error(f"{failure}: {exc.strerror or exc}", file=name, field=field) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in _pieces(content):
                handle.write(piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); a report gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        if exclusive:
            _link_exclusive(tmp, real, name, field)
        else:
            tmp.replace(real)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"{failure}: {exc.strerror or exc}", file=name, field=field) from None
    except BaseException:
        tmp.unlink(missing_ok=True)  # a renderer bug, an interrupt, SIGTERM: no stray file
        raise
    if durable:
        _sync_directory(real.parent)
    return target


def _link_exclusive(tmp: Path, real: Path, name: str, field: str | None) -> None:
    """Give the written file its name only if nothing has it (atomic: a hard link)."""
    try:
        os.link(tmp, real)  # tmp is the regular file just written: nothing to follow
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise TargetExistsError("exists", file=name, field=field) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # a file system without hard links: claim the name exclusively, then rename
        fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0))
        os.close(fd)
        tmp.replace(real)
        return
    tmp.unlink()


def _pieces(content: Content) -> Iterable[bytes]:
    if isinstance(content, str):
        yield content.encode("utf-8")
        return
    if isinstance(content, bytes):
        yield content
        return
    for piece in content:
        yield piece.encode("utf-8") if isinstance(piece, str) else piece


def _write_stream(
    target: Target, content: Content, field: str | None, error: type[TmaError]
) -> None:
    """Standard output, a device or a FIFO: everything rendered first (a failure midway
    writes nothing), then written through."""
    data = b"".join(_pieces(content))
    name = "standard output" if is_stdout_name(target.path) else str(target.path)
    try:
        if target.stdout:
            sys.stdout.flush()
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is not None:
                buffer.write(data)
                buffer.flush()
            else:  # a text-only stream (tests capture standard output so)
                sys.stdout.write(data.decode("utf-8"))
                sys.stdout.flush()
            return
        flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            # non-blocking: a FIFO nobody reads fails at once (ENXIO) instead of hanging
            fd = os.open(target.path, flags | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise error(
                    "is a named pipe (FIFO) that nobody reads: nothing written",
                    file=name,
                    field=field,
                ) from None
            raise
        try:
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", file=name, field=field) from None


def write_stdout(text: str | Iterable[str]) -> None:
    """Print to standard output and flush it: a full disk is an input error (exit 2); a
    reader that has gone (`| head`) ends the output quietly."""
    try:
        if isinstance(text, str):
            sys.stdout.write(text)
        else:
            sys.stdout.writelines(text)
        sys.stdout.flush()
    except BrokenPipeError:
        return  # `tma-audit … | head`: the reader has what it wanted
    except OSError as exc:
        raise InputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _sync_directory(directory: Path) -> None:
    """Make a rename durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)

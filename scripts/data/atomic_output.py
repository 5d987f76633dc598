"""Writes an output file through a temporary file in the same folder and renames
it into place, so an interrupted converter never leaves a half-written file that
a later idempotent run would mistake for a finished one."""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_text_file(path: str):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        # mkstemp makes the file private (0600); give it the mode a plain open would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise

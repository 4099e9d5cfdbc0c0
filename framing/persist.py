"""Save and load model files without running untrusted code.

Loading a joblib (pickle) file executes whatever the file says. So:

- the bundled model's SHA-256 is recorded in ``framing/data/bundled_model.json``
  and checked before the file is opened; a changed file is refused;
- any other joblib file is loaded only with ``trust=True`` (CLI:
  ``--trust-model``);
- a ``.skops`` file is loaded with skops, which refuses types outside an
  allow-list (scikit-learn, numpy, scipy and framing's own classes) without
  running code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import joblib

from framing import __version__

MODEL_ENV = "FRAMING_MODEL"


class ModelIntegrityError(RuntimeError):
    """A model file failed verification and was not loaded."""


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in chunks.

    Examples
    --------
    >>> len(sha256_file(__file__))
    64
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def models_dir() -> Path:
    """The ``models/`` folder of the framing checkout.

    Examples
    --------
    >>> models_dir().name
    'models'
    """
    return Path(__file__).resolve().parents[1] / "models"


def _record_path() -> Path:
    return Path(str(resources.files("framing").joinpath("data", "bundled_model.json")))


def bundled_record() -> dict:
    """The recorded file name and SHA-256 of the bundled model.

    Examples
    --------
    >>> "sha256" in bundled_record()
    True
    """
    path = _record_path()
    if not path.exists():
        raise FileNotFoundError(f"no bundled model recorded ({path}); run `make model` (framing train)")
    return json.loads(path.read_text(encoding="utf-8"))


def bundled_model_path() -> Path:
    """Path of the bundled model file.

    Examples
    --------
    >>> bundled_model_path().suffix
    '.joblib'
    """
    return models_dir() / bundled_record()["file"]


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write a file so that readers see the old file or the whole new one.

    Examples
    --------
    >>> atomic_write_bytes("/tmp/framing-doc.txt", b"x")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates 0600; give the file the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_model(model: Any, path: str | Path) -> str:
    """Write a model as joblib or skops (by extension), atomically; return its SHA-256.

    Examples
    --------
    >>> save_model(model, "models/mine.skops")  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix == ".skops":
            import skops.io as sio

            sio.dump(model, tmp)
        else:
            joblib.dump(model, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return sha256_file(path)


def record_bundled(path: str | Path, sha256: str) -> None:
    """Record a model file as the bundled model (file name, hash, version).

    Examples
    --------
    >>> record_bundled("models/framing-0.1.0.joblib", "ab12...")  # doctest: +SKIP
    """
    record = {"file": Path(path).name, "sha256": sha256, "framing_version": __version__}
    atomic_write_bytes(_record_path(), (json.dumps(record, indent=2) + "\n").encode())


def _skops_allowed(types: list[str]) -> list[str]:
    prefixes = ("sklearn.", "numpy.", "scipy.", "framing.", "builtins.", "collections.")
    return [t for t in types if not t.startswith(prefixes)]


def load_model(path: str | Path | None = None, *, trust: bool = False) -> Any:
    """Load a framing model safely.

    Parameters
    ----------
    path : path, optional
        A model file. Default: ``$FRAMING_MODEL`` or the bundled model.
    trust : bool, default False
        Allow loading a joblib file that is not the verified bundled model.
        Only pass it for files you made yourself.

    Raises
    ------
    ModelIntegrityError
        The bundled model's hash does not match the record, or a foreign
        joblib file was given without ``trust=True``, or a skops file holds
        types outside the allow-list.

    Examples
    --------
    >>> model = load_model()
    >>> model.classes_[0]
    'boilerplate'
    """
    if path is None and os.environ.get(MODEL_ENV):
        path = os.environ[MODEL_ENV]
    if path is None:
        resolved, expected = bundled_model_path(), bundled_record()["sha256"]
    else:
        resolved, expected = Path(path).resolve(), None
        if not resolved.exists():
            raise FileNotFoundError(f"model file not found: {resolved}")
        try:
            if resolved == bundled_model_path().resolve():
                expected = bundled_record()["sha256"]
        except FileNotFoundError:
            pass
    return _load_cached(str(resolved), expected, trust, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_cached(path: str, expected: str | None, trust: bool, _mtime: int) -> Any:
    p = Path(path)
    if p.suffix == ".skops":
        import skops.io as sio

        unknown = _skops_allowed(sio.get_untrusted_types(file=p))
        if unknown and not trust:
            raise ModelIntegrityError(f"{p}: refusing skops file with untrusted types {unknown}")
        return sio.load(p, trusted=sio.get_untrusted_types(file=p))
    actual = sha256_file(p)
    if expected is not None:
        if actual != expected:
            raise ModelIntegrityError(
                f"{p}: SHA-256 {actual[:12]}... does not match the recorded bundled model "
                f"{expected[:12]}...; the file was changed or replaced. Reinstall framing or "
                "retrain with `framing train`."
            )
    elif not trust:
        raise ModelIntegrityError(
            f"{p}: loading a joblib file runs code; it is not the verified bundled model. "
            "Pass trust=True (CLI: --trust-model) only for a file you made, or use a .skops file."
        )
    return joblib.load(p)

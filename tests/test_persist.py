"""Safe model files (issue 4): verified bundled model, opt-in for others."""

from __future__ import annotations

import shutil

import joblib
import pytest

from framing.persist import ModelIntegrityError, bundled_model_path, load_model


def test_bundled_model_loads_and_is_verified():
    model = load_model()
    assert list(model.classes_)[0] == "boilerplate"


def test_tampered_bundled_model_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / bundled_model_path().name
    shutil.copy(bundled_model_path(), copy)
    with open(copy, "ab") as fh:
        fh.write(b"tampered")
    monkeypatch.setattr("framing.persist.models_dir", lambda: tmp_path)
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_model()


def test_foreign_joblib_needs_trust(tmp_path):
    other = tmp_path / "other.joblib"
    joblib.dump(load_model(), other, compress=0)
    with pytest.raises(ModelIntegrityError, match="trust=True"):
        load_model(other)
    assert load_model(other, trust=True) is not None

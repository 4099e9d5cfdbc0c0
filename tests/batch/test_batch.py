"""The batch scoring job: inputs, outputs, bad input, resume after kill -9, engines."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from framing.cli import main

from ..conftest import ROOT, SEEDS

OUTPUTS = (
    "aggregates.csv",
    "aggregates.json",
    "pairwise.csv",
    "report.html",
    "errors.jsonl",
    "run.json",
)
SOURCES = ("Outlet A", "Outlet B", "Outlet C")


def paragraph_docs(seed_texts: dict[str, str], per_doc: int = 3) -> list[dict]:
    """Small real documents: runs of ``per_doc`` long paragraphs of the seed articles."""
    paras = [p.strip() for t in seed_texts.values() for p in t.split("\n") if len(p.strip()) > 150]
    docs = []
    for i in range(0, len(paras) - per_doc + 1, per_doc):
        k = len(docs)
        docs.append(
            {
                "doc_id": f"p{k:03d}",
                "source": SOURCES[k % len(SOURCES)],
                "published": f"2022-0{1 + k % 3}-15",
                "text": "\n".join(paras[i : i + per_doc]),
            }
        )
    return docs


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def score(capsys, *args) -> tuple[int, str, str]:
    """Run ``framing score`` in this process (fast: the model stays cached)."""
    rc = main(["score", *map(str, args), "--quiet", "--bootstrap", "50"])
    out = capsys.readouterr()
    return rc, out.out, out.err


def sentences(run: Path) -> pd.DataFrame:
    return pd.read_parquet(run / "sentences.parquet")


@pytest.fixture(scope="module")
def docs(seed_texts) -> list[dict]:
    # Titles and URLs under the aliases a scraper's JSON often uses; every
    # engine must carry them to the sentences (see assert_same_run).
    return [
        {**d, "headline": f"Story {d['doc_id']}", "link": f"https://example.org/{d['doc_id']}"}
        for d in paragraph_docs(seed_texts)
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, docs) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "docs.jsonl", docs)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, corpus) -> Path:
    """An uninterrupted in-process run of the paragraph corpus, 4 documents per shard."""
    out = tmp_path_factory.mktemp("baseline") / "run"
    assert (
        main(
            [
                "score",
                str(corpus),
                "--out",
                str(out),
                "--quiet",
                "--bootstrap",
                "50",
                "--chunk-size",
                "4",
            ]
        )
        == 0
    )
    return out


def assert_same_run(a: Path, b: Path) -> None:
    pd.testing.assert_frame_equal(sentences(a), sentences(b))
    s = sentences(a)
    assert (s["title"] == "Story " + s["doc_id"]).all()
    assert (s["url"] == "https://example.org/" + s["doc_id"]).all()
    assert s.groupby("doc_id")["para"].max().min() >= 2  # three paragraphs per document
    for name in (
        "sentences.parquet",
        "aggregates.csv",
        "aggregates.json",
        "pairwise.csv",
        "errors.jsonl",
    ):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# ---------------------------------------------------------------- outputs


def test_seed_folder_prints_table_and_writes_every_output(tmp_path, capsys, seed_manifest):
    rc, out, err = score(capsys, SEEDS, "--out", tmp_path / "run")
    assert rc == 0, err
    for name in ("sentences.parquet", *OUTPUTS):
        assert (tmp_path / "run" / name).is_file(), name
    assert "The Sun" in out and "share_reporting" in out
    assert "report.html" in out and str(tmp_path / "run") in out
    s = sentences(tmp_path / "run")
    assert list(s.columns) == [
        "doc_id", "source", "sent_idx", "para", "start", "end", "text", "label", "p_boilerplate",
        "p_reporting", "p_official_claim", "p_editorialising", "p_propaganda_echo", "evidence",
        "published", "title", "url",
    ]  # fmt: skip
    assert set(s["doc_id"]) == set(seed_manifest["doc_id"])
    assert set(s["published"]) == set(seed_manifest["published"])
    # A folder of .txt files has no titles or URLs; each seed has many paragraphs.
    assert set(s["title"]) == {""} and set(s["url"]) == {""}
    assert str(s["para"].dtype) == "int64" and (s.groupby("doc_id")["para"].max() > 10).all()


def test_run_json_records_model_versions_counts_timings_arguments(tmp_path, capsys):
    from framing.model.persist import bundled_model_path, sha256_file

    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "run", "--seed", "7")
    assert rc == 0, err
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["model"]["sha256"] == sha256_file(bundled_model_path())
    assert {"framing", "scikit-learn", "pandas", "pyarrow"} <= set(run["libraries"])
    assert run["counts"]["documents"] == 5 and run["counts"]["failed"] == 0
    assert run["counts"]["sentences"] == len(sentences(tmp_path / "run"))
    assert {"read", "label", "write", "aggregate", "total"} <= set(run["timings"])
    assert run["arguments"]["seed"] == 7 and run["aggregation"]["seed"] == 7
    assert run["memory"]["total_peak_mib"] > 0


def test_csv_jsonl_parquet_and_folder_inputs_agree(tmp_path, capsys, seed_manifest, seed_texts):
    rows = [
        {"id": r.doc_id, "outlet": r.source, "date": r.published, "body": seed_texts[r.doc_id]}
        for r in seed_manifest.itertuples()
    ]
    frame = pd.DataFrame(rows)
    frame.to_csv(tmp_path / "in.csv", index=False)
    frame.to_parquet(tmp_path / "in.parquet")
    write_jsonl(tmp_path / "in.jsonl", rows)
    cols = ["--text-col", "body", "--id-col", "id", "--source-col", "outlet", "--date-col", "date"]
    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "folder")
    assert rc == 0, err
    expected = sentences(tmp_path / "folder")
    for ext in ("csv", "parquet", "jsonl"):
        rc, _, err = score(capsys, tmp_path / f"in.{ext}", "--out", tmp_path / ext, *cols)
        assert rc == 0, err
        pd.testing.assert_frame_equal(sentences(tmp_path / ext), expected, obj=ext)


def test_csv_output_format_neutralises_formula_cells(tmp_path, capsys):
    rows = [
        {
            "doc_id": '=HYPERLINK("http://x")',
            "source": "@SUM(A1)",
            "text": "-2 soldiers were killed. Kyiv said so.",
        },
        {"doc_id": "+1", "source": "=cmd|' /C calc'!A0", "text": "The tyrant ranted again."},
    ]
    rc, _, err = score(
        capsys,
        write_jsonl(tmp_path / "in.jsonl", rows),
        "--out",
        tmp_path / "run",
        "--format",
        "csv",
    )
    assert rc == 0, err
    run = tmp_path / "run"
    assert not (run / "sentences.parquet").exists()
    for name in ("sentences.csv", "aggregates.csv", "pairwise.csv"):
        frame = pd.read_csv(run / name, dtype=str, keep_default_na=False)
        for col in frame.columns:
            cells = frame[col].tolist()
            assert not any(c.startswith(("=", "+", "@")) for c in cells), (name, col, cells)
    before = (run / "aggregates.json").read_bytes()
    assert main(["aggregate", str(run)]) == 0
    assert (run / "aggregates.json").read_bytes() == before
    assert "@SUM(A1)" in {src["source"] for src in json.loads(before)["sources"]}
    s = pd.read_csv(run / "sentences.csv", dtype=str, keep_default_na=False)
    assert '\'=HYPERLINK("http://x")' in set(s["doc_id"]) and "'-2 soldiers were killed." in set(
        s["text"]
    )


def test_progress_bar_shows_documents_per_second_unless_quiet(tmp_path, capsys):
    assert main(["score", str(SEEDS), "--out", str(tmp_path / "a"), "--bootstrap", "20"]) == 0
    assert "docs/s" in capsys.readouterr().err
    assert (
        main(["score", str(SEEDS), "--out", str(tmp_path / "b"), "--bootstrap", "20", "--quiet"])
        == 0
    )
    assert "docs/s" not in capsys.readouterr().err


def test_aggregate_command_recomputes_the_same_aggregates(tmp_path, baseline, capsys):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(baseline, run)
    before = {
        n: (run / n).read_bytes() for n in ("aggregates.csv", "aggregates.json", "pairwise.csv")
    }
    (run / "aggregates.csv").unlink()
    assert main(["aggregate", str(run)]) == 0
    assert "Outlet A" in capsys.readouterr().out
    for name, data in before.items():
        assert (run / name).read_bytes() == data, name
    assert main(["aggregate", str(run), "--seed", "1"]) == 0
    other = json.loads((run / "aggregates.json").read_text())
    assert (
        other["seed"] == 1 and (run / "aggregates.json").read_bytes() != before["aggregates.json"]
    )


def test_aggregate_of_a_folder_without_run_is_a_config_error(tmp_path, capsys):
    assert main(["aggregate", str(tmp_path)]) == 2
    assert "run.json" in capsys.readouterr().err


# ---------------------------------------------------------------- bad input


def test_per_document_problems_go_to_errors_jsonl_and_exit_1(tmp_path, capsys, seed_texts):
    text = next(iter(seed_texts.values()))
    lines = [
        json.dumps({"doc_id": "good-1", "source": "S", "text": text}),
        json.dumps({"doc_id": "empty", "source": "S", "text": "   \n "}),
        json.dumps({"doc_id": "number", "source": "S", "text": 12345}),
        json.dumps({"doc_id": "null", "source": "S", "text": None}),
        json.dumps({"doc_id": "good-1", "source": "S", "text": "A duplicate, dropped."}),
        "{not json",
        json.dumps({"doc_id": "no-text", "source": "S"}),
        json.dumps(
            {"doc_id": "good-2", "source": "S", "text": "Kyiv said the strike hit a school."}
        ),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc, out, err = score(capsys, path, "--out", tmp_path / "run", "--chunk-size", "3")
    assert rc == 1
    assert "6 of 8 documents failed" in err and "errors.jsonl" in err
    errors = [json.loads(x) for x in (tmp_path / "run" / "errors.jsonl").read_text().splitlines()]
    reasons = {e["doc_id"]: e["reason"] for e in errors if e["doc_id"] != "good-1"}
    assert reasons["empty"] == "empty document"
    assert "non-text" in reasons["number"] and "missing text" in reasons["null"]
    assert "no field 'text'" in reasons["no-text"]
    assert any("duplicate doc_id" in e["reason"] and e["doc_id"] == "good-1" for e in errors)
    assert any("not JSON" in e["reason"] and "line 6" in e["where"] for e in errors)
    s = sentences(tmp_path / "run")
    assert set(s["doc_id"]) == {"good-1", "good-2"}
    assert "A duplicate, dropped." not in set(s["text"])
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["counts"]["failed"] == 6 and run["counts"]["documents"] == 2


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: (d / "in.csv").write_text("id,body\n1,hello\n"), "'text'"),
        (
            lambda d: (d / "in.csv").write_bytes(b"doc_id,text\n1,caf\xe9 cr\xe8me\n"),
            "not valid UTF-8",
        ),
        (lambda d: (d / "in.parquet").write_bytes(b"PAR1 this is not parquet"), "Parquet"),
        (lambda d: (d / "in.xlsx").write_bytes(b"x"), "unsupported"),
    ],
    ids=["missing-column", "encoding", "corrupt-parquet", "format"],
)
def test_configuration_errors_exit_2_with_one_line_naming_the_file(tmp_path, capsys, make, needle):
    make(tmp_path)
    path = next(tmp_path.iterdir())
    rc, _, err = score(capsys, path, "--out", tmp_path / "run")
    assert rc == 2
    assert len(err.strip().splitlines()) == 1, err
    assert path.name in err and needle in err
    assert not (tmp_path / "run" / "run.json").exists()


def test_renamed_column_that_is_missing_is_named(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("doc_id,text\n1,Kyiv said so.\n")
    rc, _, err = score(
        capsys, tmp_path / "in.csv", "--out", tmp_path / "run", "--source-col", "outlet"
    )
    assert rc == 2 and "'outlet'" in err and "in.csv" in err


def test_bad_settings_are_config_errors(tmp_path, capsys):
    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "run", "--jobs", "0")
    assert rc == 2 and "--jobs" in err


def test_doc_ids_never_become_paths(tmp_path, capsys):
    hostile = ["../../x", "/etc/passwd", "..", "a/../../b", "C:\\Windows\\x", "shards/part-00000"]
    rows = [
        {"doc_id": d, "source": "S", "text": f"Kyiv said strike {i} hit a school."}
        for i, d in enumerate(hostile)
    ]
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    rc, _, err = score(
        capsys, write_jsonl(work / "in.jsonl", rows), "--out", work / "run", "--chunk-size", "2"
    )
    assert rc == 0, err
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    shard_files = [p for p in everything if "/shards/" in p]
    assert all(Path(p).name.startswith("part-") for p in shard_files)
    assert not (tmp_path / "x").exists() and not (tmp_path / "b").exists()
    assert set(sentences(work / "run")["doc_id"]) == set(hostile)


# ---------------------------------------------------------------- resume and engines


def _score_cmd(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "framing.cli", "score", str(corpus), "--out", str(out), "--quiet",
            "--bootstrap", "50", "--chunk-size", "4", *extra]  # fmt: skip


def test_resume_after_kill_9_gives_the_same_output(tmp_path, corpus, baseline):
    out = tmp_path / "run"
    env = {**os.environ, "FRAMING_DEBUG_SHARD_PAUSE": "0.4"}
    proc = subprocess.Popen(_score_cmd(corpus, out), cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "shards").glob("part-*.json"))) < 2:
            assert proc.poll() is None, "run finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (out / "run.json").exists() and not (out / "sentences.parquet").exists()
    done = sorted((out / "shards").glob("part-*.json"))
    # A kill between a shard's data and its sidecar, and a torn data file: both must be redone.
    done[-1].unlink()
    (out / "shards" / "part-00000.parquet").write_bytes(b"torn")
    res = subprocess.run(
        _score_cmd(corpus, out, "--resume"), cwd=ROOT, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["resumed_shards"] == len(done) - 2
    assert not [p.name for p in out.rglob("*.tmp")]
    assert_same_run(out, baseline)


def test_resume_with_changed_input_recomputes_everything(tmp_path, capsys, docs):
    corpus = write_jsonl(tmp_path / "in.jsonl", docs[:6])
    args = ("--out", tmp_path / "run", "--chunk-size", "3")
    assert score(capsys, corpus, *args)[0] == 0
    write_jsonl(corpus, docs[6:12])
    os.utime(corpus, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert score(capsys, corpus, *args, "--resume")[0] == 0
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["counts"]["resumed_shards"] == 0
    assert set(sentences(tmp_path / "run")["doc_id"]) == {d["doc_id"] for d in docs[6:12]}


def _downgrade_shard(shards: Path, k: int) -> None:
    """Make shard ``k`` look written by a framing without ``para``, ``title`` and ``url``.

    Its sidecar keeps this run's fingerprint and the new file's hash, so only
    the shard's columns tell it apart.
    """
    data, side = shards / f"part-{k:05d}.parquet", shards / f"part-{k:05d}.json"
    old = pd.read_parquet(data).drop(columns=["para", "title", "url"])
    old.to_parquet(data, index=False)
    meta = json.loads(side.read_text())
    meta["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
    side.write_text(json.dumps(meta))


def test_resume_rescores_shards_with_older_columns_instead_of_mixing(tmp_path, corpus, baseline):
    out = tmp_path / "run"
    assert subprocess.run(_score_cmd(corpus, out), cwd=ROOT).returncode == 0
    _downgrade_shard(out / "shards", 1)
    res = subprocess.run(_score_cmd(corpus, out, "--resume"), cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["resumed_shards"] == run["counts"]["shards"] - 1
    assert "para" in pd.read_parquet(out / "shards" / "part-00001.parquet").columns
    assert_same_run(out, baseline)


def test_fingerprint_covers_the_sentence_columns():
    import pyarrow as pa

    from framing.batch.config import ScoreConfig
    from framing.batch.engines import ModelSpec
    from framing.batch.shards import run_fingerprint
    from framing.io.readers import check_inputs
    from framing.schema import SENTENCE_SCHEMA

    config = ScoreConfig((str(SEEDS),), Path("unused"))
    specs = check_inputs(config.inputs, config.columns)
    model = ModelSpec(None, "0" * 64)
    before = run_fingerprint(config, specs, model)
    older = pa.schema([f for f in SENTENCE_SCHEMA if f.name not in ("para", "title", "url")])
    assert run_fingerprint(config, specs, model, older) != before


def test_two_local_workers_match_one(tmp_path, corpus, baseline, capsys):
    rc, _, err = score(
        capsys, corpus, "--out", tmp_path / "run", "--chunk-size", "4", "--jobs", "2"
    )
    assert rc == 0, err
    assert json.loads((tmp_path / "run" / "run.json").read_text())["engine"]["workers"] == 2
    assert_same_run(tmp_path / "run", baseline)


def test_dask_cluster_matches_local_engine(tmp_path, corpus, baseline, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        rc, _, err = score(
            capsys,
            corpus,
            "--out",
            tmp_path / "run",
            "--chunk-size",
            "4",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert rc == 0, err
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["engine"]["engine"] == "dask" and run["engine"]["workers"] == 2
    assert_same_run(tmp_path / "run", baseline)


def test_unreachable_scheduler_is_a_config_error(tmp_path, capsys):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        rc, _, err = score(
            capsys, SEEDS, "--out", tmp_path / "run", "--scheduler", "tcp://127.0.0.1:9"
        )
    assert rc == 2 and "tcp://127.0.0.1:9" in err


def test_foreign_model_needs_trust(tmp_path, capsys):


    import joblib

    from framing.model.persist import load_model

    mine = tmp_path / "mine.joblib"
    joblib.dump(load_model(), mine, compress=1)  # same model, other bytes: not verified
    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "a", "--model", mine)
    assert rc == 2 and "model:" in err and "trust" in err and len(err.strip().splitlines()) == 1
    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "b", "--model", mine, "--trust-model")
    assert rc == 0, err
    run = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run["model"]["path"] == str(mine) and not run["model"]["bundled"]
    rc, _, err = score(capsys, SEEDS, "--out", tmp_path / "c", "--model", tmp_path / "none.joblib")
    assert rc == 2 and "none.joblib" in err


def test_a_document_that_breaks_the_model_is_reported_and_the_rest_scored(
    tmp_path, capsys, monkeypatch, docs
):
    import framing.batch.engines

    real = framing.pipeline.label_sentences

    def flaky(table, model, **kwargs):
        if table["text"].str.contains("BOOM").any():
            raise RuntimeError("model exploded")
        return real(table, model, **kwargs)

    monkeypatch.setattr(framing.batch.engines, "label_sentences", flaky)
    rows = [docs[0], {**docs[1], "text": docs[1]["text"] + " BOOM."}, docs[2]]
    rc, _, err = score(capsys, write_jsonl(tmp_path / "in.jsonl", rows), "--out", tmp_path / "run")
    assert rc == 1 and "1 of 3 documents failed" in err
    (error,) = [json.loads(x) for x in (tmp_path / "run" / "errors.jsonl").read_text().splitlines()]
    assert error["doc_id"] == docs[1]["doc_id"] and "model exploded" in error["reason"]
    assert set(sentences(tmp_path / "run")["doc_id"]) == {docs[0]["doc_id"], docs[2]["doc_id"]}


def test_engine_dask_starts_its_own_local_cluster(tmp_path, corpus, baseline, capsys):
    pytest.importorskip("distributed")
    rc, _, err = score(
        capsys,
        corpus,
        "--out",
        tmp_path / "run",
        "--chunk-size",
        "4",
        "--engine",
        "dask",
        "--jobs",
        "2",
    )
    assert rc == 0, err
    assert json.loads((tmp_path / "run" / "run.json").read_text())["engine"]["workers"] == 2
    assert_same_run(tmp_path / "run", baseline)

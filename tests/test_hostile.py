"""Hostile input and runs: linear time, per-document errors, paths, locks, outputs kept."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.cli import main
from framing.io.documents import InputError
from framing.text.sentences import split_spans

from .conftest import ROOT, SEEDS

MB = 1_000_000
# Each shape once made a stage quadratic or is a near relative of one that did.
SHAPES = {
    "dots": lambda n: "." * n,
    "bangs": lambda n: "!" * n,
    "questions": lambda n: "?" * n,
    "ellipses": lambda n: "…" * n,
    "dot_space": lambda n: ". " * (n // 2),
    "quotes": lambda n: '"' * n,
    "curly_quotes": lambda n: "“" * n,
    "quote_dot": lambda n: '."' * (n // 2),
    "dashes_promo": lambda n: "-" * (n // 2) + " read more" * (n // 20),
    "no_spaces": lambda n: "a" * n,
    "bullets": lambda n: "- " * (n // 2),
}


def _seconds(fn, text: str) -> float:
    t0 = time.perf_counter()
    fn(text)
    return time.perf_counter() - t0


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_stage_is_linear_in_the_input(shape, model):
    """4 MB must cost about 4x 1 MB: a quadratic stage gives 16x."""
    make = SHAPES[shape]
    classify = lambda t: framing.classify(t, model=model)  # noqa: E731
    classify(make(1000))  # warm caches
    small = min(_seconds(classify, make(MB)) for _ in range(2))
    large = min(_seconds(classify, make(4 * MB)) for _ in range(2))
    # Linear is 4x, quadratic 16x (the old segmenter took minutes here); 12x
    # leaves room for a loaded machine. A floor keeps timer noise on
    # near-instant shapes from deciding.
    assert large <= 12 * max(small, 0.1), f"{shape}: 1 MB {small:.2f}s, 4 MB {large:.2f}s"


def test_segmenter_on_a_run_of_dots_is_fast_and_exact():
    text = "It rained" + "." * 200_000 + " Then it stopped."
    t0 = time.perf_counter()
    spans = split_spans(text)
    assert time.perf_counter() - t0 < 5
    assert [text[a:b] for a, b in spans][-1] == "Then it stopped."


def test_lone_surrogate_in_classify_names_the_document():
    with pytest.raises(InputError, match="surrogate"):
        framing.classify("a\ud800b")


def _score(tmp_path, capsys, inputs, out, *extra) -> tuple[int, str]:
    rc = main(["score", *map(str, inputs), "--out", str(out), "--quiet", "--bootstrap", "20", *map(str, extra)])
    return rc, capsys.readouterr().err


def test_bad_jsonl_lines_are_per_document_errors(tmp_path, capsys):
    good = {"doc_id": "ok", "source": "A", "text": "Putin said the talks went well. Kyiv denied it."}
    lines = [
        "[" * 100_000,  # RecursionError in the JSON parser
        '{"doc_id": 1, "text": ' + "9" * 4301 + "}",  # past Python's integer digit limit
        json.dumps({"doc_id": "s1", "source": "Sky\ud800", "text": "A sentence."}),
        json.dumps({"doc_id": "s2\udc00", "source": "A", "text": "A sentence."}),
        json.dumps(good),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    rc, err = _score(tmp_path, capsys, [path], tmp_path / "out")
    assert rc == 1 and "4 of 5 documents failed" in err  # exit 1: some failed, all outputs written
    errors = [json.loads(x) for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert len(errors) == 4
    reasons = " | ".join(e["reason"] for e in errors)
    assert "nested too deeply" in reasons and "surrogate" in reasons
    sents = pd.read_parquet(tmp_path / "out" / "sentences.parquet")
    assert set(sents["doc_id"]) == {"ok"}


def test_symlink_out_of_the_corpus_folder_is_refused(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch codes are 1234.", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Putin said the talks went well.", encoding="utf-8")
    (corpus / "link.txt").symlink_to(secret)
    rc, err = _score(tmp_path, capsys, [corpus], tmp_path / "out")
    assert rc == 2 and "outside" in err and "link.txt" in err
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    (sub / "b.txt").write_text("Secret text.", encoding="utf-8")
    (corpus / "link.txt").unlink()
    (corpus / "dir").symlink_to(sub)
    (corpus / "manifest.csv").write_text("file,doc_id,source\na.txt,a,A\ndir/b.txt,b,A\n", encoding="utf-8")
    rc, err = _score(tmp_path, capsys, [corpus], tmp_path / "out")
    assert rc == 2 and "outside" in err


def _short_dask_connect_timeout():
    try:
        import dask
    except ImportError:
        return contextlib.nullcontext()
    return dask.config.set({"distributed.comm.timeouts.connect": "3s"})


def test_refused_run_keeps_earlier_outputs(tmp_path, capsys):
    out = tmp_path / "keep"
    rc, err = _score(tmp_path, capsys, [SEEDS], out)
    assert rc == 0, err
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    bad_model = tmp_path / "m.joblib"
    bad_model.write_bytes(b"not a model")
    rc, err = _score(tmp_path, capsys, [SEEDS], out, "--model", bad_model)
    assert rc == 2
    # Nothing listens on port 9; dask would retry for its default 30 s.
    with _short_dask_connect_timeout():
        rc, err = _score(tmp_path, capsys, [SEEDS], out, "--scheduler", "tcp://127.0.0.1:9")
    assert rc == 2
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == before


def test_input_inside_out_is_refused_not_deleted(tmp_path, capsys):
    out = tmp_path / "A"
    assert _score(tmp_path, capsys, [SEEDS], out)[0] == 0
    own = out / "sentences.parquet"
    size = own.stat().st_size
    rc, err = _score(tmp_path, capsys, [own], out, "--text-col", "text")
    assert rc == 2 and "copy it elsewhere" in err
    assert own.stat().st_size == size


def test_second_writer_into_the_same_out_is_refused(tmp_path, capsys):
    from framing.batch.shards import out_lock
    from framing.errors import ConfigError

    out = tmp_path / "run"
    with out_lock(out):
        rc, err = _score(tmp_path, capsys, [SEEDS], out)
        assert rc == 2 and "another framing run" in err
        with pytest.raises(ConfigError):
            with out_lock(out):
                pass
    assert _score(tmp_path, capsys, [SEEDS], out)[0] == 0


def test_csv_output_quotes_a_bare_carriage_return(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"doc_id": "a", "source": "Sky\rNews", "text": "Putin said so."}) + "\n"
        + json.dumps({"doc_id": "b", "source": "BBC", "text": "It rained."}) + "\n",
        encoding="utf-8",
    )
    rc, err = _score(tmp_path, capsys, [path], tmp_path / "out", "--format", "csv")
    assert rc == 0, err
    back = pd.read_csv(tmp_path / "out" / "sentences.csv", keep_default_na=False)
    assert set(back["source"]) == {"Sky\rNews", "BBC"}
    assert main(["aggregate", str(tmp_path / "out"), "--bootstrap", "20"]) == 0


@pytest.mark.parametrize(
    "args, words",
    [(["--seed", "-1"], "--seed"), (["--bootstrap", "100000000000"], "--bootstrap")],
)
def test_impossible_settings_fail_before_scoring(tmp_path, capsys, args, words):
    rc, err = _score(tmp_path, capsys, [SEEDS], tmp_path / "out", *args)
    assert rc == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "sentences.parquet").exists()


def test_read_only_out_is_one_line_exit_2(tmp_path, capsys):
    if os.geteuid() == 0:
        # root ignores permission bits; a read-only bind is not available in tests
        ro = Path("/proc/framing-out")
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
    rc, err = _score(tmp_path, capsys, [SEEDS], ro / "run")
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _pids_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "zombie" not in status.read_text():
            alive.append(pid)
    return alive


def test_workers_exit_when_the_driver_is_killed(tmp_path):
    rows = [
        {"doc_id": f"d{i}", "source": "A", "text": (SEEDS / "001_43382c35e80c0ef9.txt").read_text()}
        for i in range(400)
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "framing.cli", "score", str(path), "--out", str(tmp_path / "o"),
         "--jobs", "2", "--chunk-size", "5", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    deadline = time.time() + 60
    while time.time() < deadline and len(children) < 3:
        time.sleep(0.5)
        children = _descendants(proc.pid)
    assert children, "no worker processes started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 20
    while time.time() < deadline and _pids_alive(children):
        time.sleep(0.5)
    assert not _pids_alive(children), f"orphans left: {_pids_alive(children)}"


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True).stdout.split("\n")[1:]
    parent = {}
    for line in out:
        parts = line.split()
        if len(parts) == 2:
            parent[int(parts[0])] = int(parts[1])
    found, frontier = [], {pid}
    while frontier:
        kids = {c for c, p in parent.items() if p in frontier}
        found += sorted(kids)
        frontier = kids
    return found


def test_malformed_csv_rows_are_per_document_errors(tmp_path, capsys):
    stray = tmp_path / "stray.csv"
    stray.write_text(
        "doc_id,source,text\n1,A,Putin said so.\n2,A,Kyiv denied it.\n3,A,It rained.\n"
        '4,A,"Bad quote here,x\n5,A,Fine again.\n',
        encoding="utf-8",
    )
    rc, err = _score(tmp_path, capsys, [stray], tmp_path / "a")
    assert rc == 1 and "never closes" in err
    assert set(pd.read_parquet(tmp_path / "a" / "sentences.parquet")["doc_id"]) == {"1", "2", "3"}
    extra = tmp_path / "extra.csv"
    extra.write_text("doc_id,source,text\n1,A,Putin said so.\n2,A,Kyiv, denied it.\n3,A,Fine.\n", encoding="utf-8")
    rc, err = _score(tmp_path, capsys, [extra], tmp_path / "b")
    assert rc == 1 and "4 fields where the header has 3" in err
    errors = (tmp_path / "b" / "errors.jsonl").read_text()
    assert "row 2" in errors


def test_integer_ids_with_a_gap_keep_their_values():
    frame = pd.DataFrame({"doc_id": [1, None, 3], "source": ["A"] * 3, "text": ["Putin spoke."] * 3})
    out = framing.classify(frame)
    # The caller's values come back (float: pandas upcast them), the gap included.
    assert set(out["doc_id"].dropna()) == {1.0, 3.0} and out["doc_id"].isna().any()
    assert (out["error"] == "").all()


def test_bad_labels_file_names_the_file(tmp_path):
    from framing.training.corpus import load_user_labels

    path = tmp_path / "mine.csv"
    path.write_text('doc_id,sent_idx,text,label\n1,0,"ok",reporting\n1,1,"bad,row",x,y\n', encoding="utf-8")
    with pytest.raises(ValueError, match="mine.csv"):
        load_user_labels(path)


def test_full_disk_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    import errno

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("framing.batch.shards.atomic_write_bytes", full)
    rc, err = _score(tmp_path, capsys, [SEEDS], tmp_path / "out")
    assert rc == 2 and "No space left on device" in err and len(err.strip().splitlines()) == 1


def test_refused_model_on_dask_is_one_line_before_any_connection(tmp_path, capsys):
    from .model.test_persist import _forged_skops

    forged = _forged_skops(tmp_path, tmp_path / "marker")
    rc, err = _score(tmp_path, capsys, [SEEDS], tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9", "--model", forged)
    assert rc == 2 and "builtins.exec" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "marker").exists()

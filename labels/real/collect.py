"""Collect the real-text corpus from public repositories (maintainer step, needs the mirrors).

Reads each source at a pinned commit from a local git mirror, keeps articles whose
length the annotators can label whole (8-30 sentences as the segmenter cuts them),
draws a seeded sample per source, and writes one text file per article plus
``articles.csv`` with full provenance (repository, commit, path, row).

Usage::

    python labels/real/collect.py --mirrors /work/.mirror

Only the paths named in the ``*_SOURCES`` lists are read. Reserved evaluation data (the NBC,
ABC and HuffPost files of r2nery/ukraine-media, SemEval-2025 dev/test documents,
and the others listed in labels/README.md) is never opened.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from framing.text.sentences import split_spans

HERE = Path(__file__).resolve().parent
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class CsvSource:
    key: str
    outlet: str
    repo: str
    commit: str
    path: str
    n: int


@dataclass(frozen=True)
class FileSource:
    key: str
    outlet: str
    repo: str
    commit: str
    folder: str
    pattern: str
    n: int
    prefer: str = ""


@dataclass(frozen=True)
class ZipSource:
    """Text files inside a zip archive committed to a repository.

    ``unglue`` puts a line break where a scraper ran two paragraphs together
    ("reported.The encounter"): a lower-case letter, digit or closing bracket,
    a full stop (or ! ?) and maybe a closing quote, then a capitalised word.
    """

    key: str
    outlet: str
    repo: str
    commit: str
    path: str
    pattern: str
    n: int
    prefer: str = ""
    unglue: bool = False


_GLUED = re.compile(r"([a-z0-9%)][.!?][\"”’]?)(?=[A-Z][a-z])")

UKRAINE_MEDIA = "r2nery/ukraine-media"
CSV_SOURCES = [
    CsvSource("rt", "RT", UKRAINE_MEDIA, "6715f014", "data/RT.csv", 130),
    CsvSource("bbc", "BBC News", UKRAINE_MEDIA, "b5f49aa5", "data/bbc.csv", 50),
    CsvSource("ap", "Associated Press", UKRAINE_MEDIA, "41d1b800", "scrapersasd.csv", 50),
    CsvSource("fox", "Fox News", UKRAINE_MEDIA, "ff317d4f", "data_filtered/data_removed/Fox.csv", 45),
    CsvSource("nyt", "The New York Times", UKRAINE_MEDIA, "ff317d4f", "data_filtered/data_removed/NYT.csv", 35),
    CsvSource("express", "Daily Express", UKRAINE_MEDIA, "ff317d4f", "data_filtered/data_removed/Express.csv", 30),
    CsvSource("mirror", "Daily Mirror", UKRAINE_MEDIA, "ff317d4f", "data_filtered/data_removed/Mirror.csv", 25),
]
WAR = r"Russia|Ukrain|Putin|Kremlin|Moscow|Kiev|Kyiv"
FILE_SOURCES = [
    FileSource("semeval25", "SemEval-2025 T10 web sites (mixed)", "g-assismoraes/irapuarani", "bb4d98b",
               "data/dez06release/EN/raw-documents", r"EN_UA_.*\.txt$", 179),
    FileSource("breitbart", "Breitbart", "networkdynamics/PolNeAR", "c3eee83", "data/train/text",
               r"breitbart_.*\.txt$", 12),
    FileSource("westjournal", "Western Journal", "networkdynamics/PolNeAR", "c3eee83", "data/train/text",
               r"west-journal_.*\.txt$", 12),
    FileSource("politico", "Politico", "networkdynamics/PolNeAR", "c3eee83", "data/train/text",
               r"politico_.*\.txt$", 10),
    FileSource("usatoday", "USA Today", "networkdynamics/PolNeAR", "c3eee83", "data/train/text",
               r"usa-today_.*\.txt$", 10),
    FileSource("washpost", "The Washington Post", "networkdynamics/PolNeAR", "c3eee83", "data/train/text",
               r"wash-post_.*\.txt$", 10),
]
ZIP_SOURCES = [
    ZipSource("telegraph", "The Daily Telegraph", "nataliakzm/Corpus_Project", "45abc83", "Analysis/Corpus.zip",
              r"^Corpus/(?:Before|After)/Tel_[A-Za-z_]*\d+\.txt$", 30,
              prefer=r"Ukrain|Crimea|Donbas|Donetsk|Luhansk|Kiev", unglue=True),
]
MIN_SENTS, MAX_SENTS = 8, 30


def _git(mirrors: Path, repo: str, *args: str) -> bytes:
    gitdir = mirrors / repo.replace("/", "+") / "repo"
    return subprocess.run(["git", "-C", str(gitdir), *args], check=True, capture_output=True).stdout


def _full_commit(mirrors: Path, repo: str, commit: str) -> str:
    return _git(mirrors, repo, "rev-parse", commit).decode().strip()


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _fits(text: str) -> int:
    n = len(split_spans(text))
    return n if MIN_SENTS <= n <= MAX_SENTS else 0


def _csv_rows(mirrors: Path, src: CsvSource):
    raw = _git(mirrors, src.repo, "show", f"{src.commit}:{src.path}").decode("utf-8", "replace")
    for i, row in enumerate(csv.DictReader(io.StringIO(raw))):
        title = (row.get("Title") or "").strip()
        body = (row.get("Text") or "").strip()
        if not body:
            continue
        text = _clean(f"{title}\n\n{body}" if title else body)
        yield {"row": i, "title": title, "url": (row.get("URL") or "").strip(),
               "published": (row.get("Date") or "")[:10], "text": text, "path": src.path}


def _file_rows(mirrors: Path, src: FileSource):
    names = _git(mirrors, src.repo, "ls-tree", "--name-only", f"{src.commit}:{src.folder}").decode().split()
    for name in sorted(names):
        if not re.search(src.pattern, name):
            continue
        path = f"{src.folder}/{name}"
        text = _clean(_git(mirrors, src.repo, "show", f"{src.commit}:{path}").decode("utf-8", "replace"))
        if src.prefer and not re.search(src.prefer, text):
            continue
        m = re.match(r"[a-z-]+_(\d{4}-\d{2}-\d{2})_", name)
        yield {"row": "", "title": text.split("\n", 1)[0].strip(), "url": "",
               "published": m.group(1) if m else "", "text": text, "path": path}


def _zip_rows(mirrors: Path, src: ZipSource):
    blob = _git(mirrors, src.repo, "show", f"{src.commit}:{src.path}")
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        for name in sorted(zf.namelist()):
            if not re.search(src.pattern, name):
                continue
            text = zf.read(name).decode("utf-8", "replace")
            if src.unglue:
                text = _GLUED.sub(lambda m: m.group(1) + "\n", text)
            text = _clean(text)
            if src.prefer and not re.search(src.prefer, text):
                continue
            yield {"row": "", "title": text.split("\n", 1)[0].strip()[:200], "url": "",
                   "published": "", "text": text, "path": f"{src.path}!{name}"}


def source_rows(mirrors: Path, src: CsvSource | FileSource | ZipSource):
    """The article rows of one source, read with the reader of its kind."""
    if isinstance(src, CsvSource):
        return _csv_rows(mirrors, src)
    if isinstance(src, ZipSource):
        return _zip_rows(mirrors, src)
    return _file_rows(mirrors, src)


def collect(mirrors: Path, out: Path, seed: int = 2026, only: str = "") -> list[dict]:
    """Draw the sample and write texts; return the article records.

    With ``only`` set, read just that source and merge its records into the existing
    ``articles.csv`` (the other sources' rows are kept as they are). A source's draw is
    a seeded shuffle of its eligible pool, so raising its ``n`` keeps the articles
    drawn before and appends new ones.
    """
    (out / "texts").mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    seen: set[str] = set()
    sources = [s for s in [*CSV_SOURCES, *FILE_SOURCES, *ZIP_SOURCES] if not only or s.key == only]
    if only and not sources:
        raise SystemExit(f"unknown source key {only!r}")
    for src in sources:
        rows = source_rows(mirrors, src)
        pool = []
        for r in rows:
            key = hashlib.sha1(r["text"][:400].encode()).hexdigest()
            if key in seen or not _fits(r["text"]):
                continue
            seen.add(key)
            pool.append(r)
        random.Random(f"{seed}-{src.key}").shuffle(pool)
        commit = _full_commit(mirrors, src.repo, src.commit)
        for r in pool[: src.n]:
            digest = hashlib.sha1(r["text"].encode()).hexdigest()
            doc_id = f"r_{src.key}_{digest[:10]}"
            (out / "texts" / f"{doc_id}.txt").write_text(r["text"], encoding="utf-8")
            records.append({"doc_id": doc_id, "source": src.outlet, "source_key": src.key,
                            "published": r["published"], "title": r["title"], "url": r["url"],
                            "repo": src.repo, "commit": commit, "path": r["path"], "row": r["row"],
                            "sha1": digest, "origin": "real"})
        print(f"{src.key}: {min(len(pool), src.n)} of {len(pool)} eligible", file=sys.stderr)
    if only:
        # Rows keep their place (the source's earlier draws stay where they were),
        # newly drawn articles go to the end.
        drawn = {r["doc_id"] for r in records}
        with open(out / "articles.csv", newline="", encoding="utf-8") as fh:
            kept = [r for r in csv.DictReader(fh) if r["source_key"] != only or r["doc_id"] in drawn]
        have = {r["doc_id"] for r in kept}
        records = kept + [r for r in records if r["doc_id"] not in have]
    with open(out / "articles.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(records[0]))
        w.writeheader()
        w.writerows(records)
    return records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirrors", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--only", default="", help="collect one source key and merge it into articles.csv")
    args = ap.parse_args()
    recs = collect(args.mirrors, args.out, only=args.only)
    print(f"{len(recs)} articles", file=sys.stderr)


if __name__ == "__main__":
    main()

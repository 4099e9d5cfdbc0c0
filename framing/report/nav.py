"""Navigation of ``report.html``: contents, article filters, sortable tables.

Everything needed to find things works without a script: the contents list
links every section and each source's articles, and source names in the
tables link to that source's articles. One small inline script adds what
HTML alone cannot (text search, filtering by source and label, sorting
table columns, expanding collapsed sections before printing). The page's
Content-Security-Policy allows exactly that script by its SHA-256 hash
(:func:`script_hash`), so no other script can run, whatever the corpus holds.
The script reads the page through the DOM and writes only ``textContent``,
classes and ``hidden``, never markup.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from framing.report.charts import esc
from framing.schema import LABEL_DISPLAY, LABELS

SCRIPT = """
(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.src"));
  var tools = document.getElementById("tools");
  var q = document.getElementById("q");
  var fsrc = document.getElementById("fsrc");
  var flab = document.getElementById("flab");
  var count = document.getElementById("count");
  function apply() {
    var text = q.value.trim().toLowerCase();
    var src = fsrc.value;
    var lab = flab.value;
    var shown = 0;
    docs.forEach(function (d) {
      var hay = d.querySelector(".text").textContent + " " + d.querySelector(".byline").textContent;
      var ok = (!src || d.getAttribute("data-src") === src) &&
        (!lab || (" " + d.getAttribute("data-labels") + " ").indexOf(" " + lab + " ") >= 0) &&
        (!text || hay.toLowerCase().indexOf(text) >= 0);
      d.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector("article.doc:not([hidden])"); });
    document.body.setAttribute("data-only", lab);
    count.textContent = shown + " of " + docs.length + " articles shown";
  }
  if (tools && docs.length) {
    tools.hidden = false;
    [q, fsrc, flab].forEach(function (el) { el.addEventListener("input", apply); });
    apply();
  }
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v !== null) { return v === "" ? -Infinity : parseFloat(v); }
    return cell.textContent.trim().toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      while (th.firstChild) { b.appendChild(th.firstChild); }
      th.appendChild(b);
      b.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return down ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
"""
"""The report's only script; the CSP names its hash, so editing it needs no other change."""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source that allows exactly ``script`` (``'sha256-<base64>'``).

    Examples
    --------
    >>> script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    True
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def source_ids(names: Sequence[str]) -> dict[str, str]:
    """An anchor id for each source of the shown articles, in order of first appearance.

    Ids are numbered, not derived from the names, so a hostile or odd source
    name can never produce a clashing or unsafe id.

    Examples
    --------
    >>> source_ids(["The Sun", "LBC", "The Sun"])
    {'The Sun': 'src-0', 'LBC': 'src-1'}
    """
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(name, f"src-{len(out)}")
    return out


def contents(sections: Sequence[tuple[str, str]], by_source: dict[str, list[tuple[str, str]]],
             ids: dict[str, str]) -> str:
    """The contents list: sections, then each source with links to its articles.

    Parameters
    ----------
    sections : sequence of (id, title)
        The page's sections, in order.
    by_source : dict
        Source name to its articles' ``(element id, link text)``.
    ids : dict
        Source name to its section id (:func:`source_ids`).

    Examples
    --------
    >>> html = contents([("shares", "Shares")], {"X": [("doc-0", "a1")]}, {"X": "src-0"})
    >>> 'href="#src-0"' in html and 'href="#doc-0"' in html
    True
    """
    items = [f'<li><a href="#{sid}">{esc(title)}</a></li>' for sid, title in sections]
    per_source = [
        f'<li><a href="#{ids[src]}">{esc(src or "(no source)")}</a> ({len(arts)}): '
        + ", ".join(f'<a href="#{aid}">{esc(text)}</a>' for aid, text in arts)
        + "</li>"
        for src, arts in by_source.items()
    ]
    sources = f'<ul class="toc-src">{"".join(per_source)}</ul>' if per_source else ""
    return (
        '<nav id="toc" aria-label="Contents"><h2>Contents</h2>'
        f'<ol>{"".join(items)}</ol>'
        + (f"<details open><summary>Articles by source</summary>{sources}</details>" if sources else "")
        + "</nav>"
    )


def tools(ids: dict[str, str]) -> str:
    """Search box and source and label filters (hidden until the script shows them).

    Examples
    --------
    >>> '<option value="src-0">X</option>' in tools({"X": "src-0"})
    True
    """
    src = "".join(f'<option value="{sid}">{esc(name or "(no source)")}</option>' for name, sid in ids.items())
    labs = "".join(f'<option value="{lab}">{esc(LABEL_DISPLAY[lab].name)}</option>' for lab in LABELS)
    return (
        '<div id="tools" class="tools" hidden>'
        '<label>Search <input type="search" id="q" placeholder="words in the text"></label> '
        f'<label>Source <select id="fsrc"><option value="">all</option>{src}</select></label> '
        '<label>Has a sentence labelled <select id="flab"><option value="">any label</option>'
        f"{labs}</select></label> "
        '<span id="count" class="note" role="status"></span></div>'
    )

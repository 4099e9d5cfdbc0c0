"""Stacked neighbour context (issue 4)."""

from __future__ import annotations

import numpy as np

from framing.model.neighbours import doc_bounds, neighbour_features, neighbour_names


def test_neighbours_stay_inside_documents():
    P = np.eye(4)[[0, 1, 2, 3]]
    N = neighbour_features(P, doc_bounds(np.array(["a", "a", "b", "b"])), np.array([False, True, False, False]))
    assert N.shape == (4, len(neighbour_names()))
    assert N[0, :4].tolist() == [0, 0, 0, 0]  # no previous sentence
    assert N[1, :4].tolist() == P[0].tolist()
    assert N[2, :4].tolist() == [0, 0, 0, 0]  # document b starts here
    assert N[1, 8:12].tolist() == P[0].tolist()  # quote opened in sentence 0
    assert N[3, 12:16].tolist() == P[2].tolist()  # article mean without itself


def test_append_columns_equals_hstack():
    import scipy.sparse as sp

    from framing.model.neighbours import append_columns

    rng = np.random.default_rng(0)
    dense = sp.random(50, 30, density=0.1, random_state=1, dtype=np.float32).toarray()
    dense[3] = 0  # an empty row
    Z = sp.csr_matrix(dense)
    N = rng.random((50, 4))
    N[::7] = 0
    out = append_columns(Z, N)
    assert (out != sp.hstack([Z, sp.csr_matrix(N)], format="csr")).nnz == 0
    assert out.shape == (50, 34) and out.has_sorted_indices

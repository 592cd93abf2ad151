"""Accuracy of a linkage against a ground truth (the generator's `ground_truth.csv`), pure.

Pairwise: every two records placed in the same cluster is a predicted match; a true match
when the truth puts them together too. Counted from the contingency table of (predicted,
true) cluster labels, so it costs a group-by, not the pairs themselves.
Cluster-level: the share of true clusters (of two records or more) reproduced exactly, and of
predicted clusters that are exactly a true one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Accuracy:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    clusters_exact_recall: float
    clusters_exact_precision: float

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 5) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _codes(labels: np.ndarray) -> np.ndarray:
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


def accuracy(*, predicted: np.ndarray, truth: np.ndarray) -> Accuracy:
    """`predicted` and `truth`: one cluster label per record, same order."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must label the same records")
    p, t = _codes(np.asarray(predicted)), _codes(np.asarray(truth))
    joint = p * (t.max(initial=0) + 1) + t
    _, joint_counts = np.unique(joint, return_counts=True)
    correct = _pairs(joint_counts)
    predicted_pairs = _pairs(np.bincount(p))
    true_pairs = _pairs(np.bincount(t))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact_recall, exact_precision = _exact_clusters(p, t)
    return Accuracy(precision, recall, f1, true_pairs, predicted_pairs, correct,
                    exact_recall, exact_precision)


def _exact_clusters(p: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Share of true clusters (size >= 2) that some predicted cluster equals, and the same
    the other way round."""
    def signatures(labels: np.ndarray) -> dict[int, tuple[int, ...]]:
        order = np.argsort(labels, kind="stable")
        bounds = np.flatnonzero(np.diff(labels[order])) + 1
        return {int(labels[g[0]]): tuple(g.tolist()) for g in np.split(order, bounds) if len(g)}

    true_sets = {s for s in signatures(t).values() if len(s) >= 2}
    pred_sets = {s for s in signatures(p).values() if len(s) >= 2}
    both = len(true_sets & pred_sets)
    return (both / len(true_sets) if true_sets else 1.0,
            both / len(pred_sets) if pred_sets else 1.0)


def data_row_labels(*, list_import_id: int) -> dict[int, str]:
    """staged_row_id -> the ground truth's row label (`7`, or `SD:7` on sheet SD) for one import.

    The truth numbers data rows 1, 2, … per sheet, while staged and quarantined rows keep their
    physical row numbers (a header or preamble shifts them): rank both kinds together."""
    from collections import defaultdict

    from bansos.intake.models import QuarantinedRow, StagedRow

    rows = [(sheet, number, pk) for pk, sheet, number in StagedRow.objects.filter(
        list_import_id=list_import_id).values_list("pk", "sheet", "row_number")]
    rows += [(sheet, number, None) for sheet, number in QuarantinedRow.objects.filter(
        list_import_id=list_import_id).values_list("sheet", "row_number")]
    counters: dict[str, int] = defaultdict(int)
    labels = {}
    for sheet, _, pk in sorted(rows, key=lambda r: (r[0], r[1])):
        counters[sheet] += 1
        if pk is not None:
            labels[pk] = f"{sheet}:{counters[sheet]}" if sheet else str(counters[sheet])
    return labels


def staged_labels() -> dict[int, tuple[str, str]]:
    """staged_row_id -> (source code, the ground truth's row label) over every import."""
    from bansos.intake.models import ListImport

    labels = {}
    for li in ListImport.objects.select_related("source"):
        labels.update({pk: (li.source.code, label)
                       for pk, label in data_row_labels(list_import_id=li.pk).items()})
    return labels

#!/usr/bin/env python3
"""Makes the fixture of `model.class_weights`: torch's CrossEntropyLoss(weight=w) on fixed logits.

Run with Debian's python3-torch: /usr/bin/python3 tools/make-class-weight-fixtures.py
Writes packages/cls-engine/tests/fixtures/classWeights/cross_entropy.json (committed): per case the logits,
labels (or soft targets), weights and label smoothing, and torch's mean loss and its gradient with respect
to the logits. The `auto` weights are sklearn's compute_class_weight('balanced'), n_samples / (n_classes *
count_c), written out from the label counts.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(
    os.path.dirname(__file__), "..", "packages", "cls-engine", "tests", "fixtures", "classWeights"
)


def balanced(counts):
    n, k = sum(counts), len(counts)
    return [n / (k * c) for c in counts]


def case(name, logits, weight, smoothing, labels=None, targets=None):
    x = logits.clone().requires_grad_(True)
    w = None if weight is None else torch.tensor(weight, dtype=torch.float64)
    target = labels if targets is None else targets
    loss = F.cross_entropy(x, target, weight=w, label_smoothing=smoothing)
    loss.backward()
    entry = {
        "name": name,
        "logits": logits.tolist(),
        "weights": weight,
        "label_smoothing": smoothing,
        "loss": loss.item(),
        "grad": x.grad.tolist(),
    }
    if targets is None:
        entry["labels"] = labels.tolist()
    else:
        entry["targets"] = targets.tolist()
    return entry


def main():
    g = torch.Generator().manual_seed(13)
    classes = 4
    labels = torch.tensor([0, 0, 0, 0, 0, 1, 1, 2, 0, 3, 1, 0])
    counts = [int((labels == c).sum()) for c in range(classes)]
    logits = torch.randn(len(labels), classes, generator=g, dtype=torch.float64) * 2
    auto = balanced(counts)
    manual = [0.5, 2.0, 1.0, 3.0]
    soft = torch.softmax(torch.randn(len(labels), classes, generator=g, dtype=torch.float64) * 3, dim=1)
    cases = [
        case("unweighted", logits, None, 0.0, labels=labels),
        case("auto", logits, auto, 0.0, labels=labels),
        case("manual", logits, manual, 0.0, labels=labels),
        case("manual_smoothed", logits, manual, 0.1, labels=labels),
        case("auto_smoothed", logits, auto, 0.2, labels=labels),
        case("soft_targets_manual", logits, manual, 0.0, targets=soft),
        case("soft_targets_manual_smoothed", logits, manual, 0.1, targets=soft),
    ]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cross_entropy.json"), "w") as f:
        json.dump({"torch": torch.__version__, "counts": counts, "auto": auto, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()

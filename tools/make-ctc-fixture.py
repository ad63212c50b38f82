"""Writes packages/cls-models/tests/fixtures/ctcLoss.json: torch's CTC loss and its gradient on fixed logits.

Run with Debian's python (torch 1.13): /usr/bin/python3 tools/make-ctc-fixture.py
"""
import json
import pathlib

import torch

torch.manual_seed(15)
batch, columns, classes = 5, 6, 11  # blank + 10 digits
logits = torch.randn(batch, columns, classes, dtype=torch.float64) * 2
# "7", "07", "00" (a repeat needs a blank between), "23", "99"
labels = [[8], [1, 8], [1, 1], [3, 4], [10, 10]]
leaf = logits.clone().requires_grad_(True)
log_probs = torch.log_softmax(leaf, dim=2).transpose(0, 1)  # (T, N, C)
targets = torch.cat([torch.tensor(label) for label in labels])
lengths = torch.tensor([len(label) for label in labels])
loss = torch.nn.functional.ctc_loss(
    log_probs, targets, torch.full((batch,), columns, dtype=torch.long), lengths, blank=0, reduction="mean"
)
loss.backward()
out = pathlib.Path(__file__).resolve().parent.parent / "packages/cls-models/tests/fixtures/ctcLoss.json"
out.write_text(
    json.dumps(
        {
            "logits": logits.tolist(),
            "labels": labels,
            "loss": loss.item(),
            "grad": leaf.grad.tolist(),
        }
    )
    + "\n"
)
print(out, loss.item())

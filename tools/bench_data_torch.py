#!/usr/bin/env python3
"""torchvision + PIL side of tools/bench-data.mjs: the input pipeline alone, as `cls data bench` measures ours.

    /usr/bin/python3 tools/bench_data_torch.py --root DIR [--workers 2] [--epochs 3] [--batch 64] [--size 64]

ImageFolder(DIR/train) with RandomResizedCrop(size, scale=(0.8, 1), ratio=(0.8, 1.25)), RandomRotation(8),
ColorJitter(0.3, 0.3, 0.3), ToTensor, Normalize(ImageNet), DataLoader(shuffle=True, batch_size, num_workers).
Prints one JSON line: {"img_per_s": {"first_epoch", "steady"}, "peak_rss_mb", "epoch_s", ...}; peak RSS is the
largest of this process and of any one worker.
"""
import argparse
import json
import os
import resource
import time

import torch
from torchvision import datasets, transforms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    torch.manual_seed(0)
    recipe = transforms.Compose(
        [
            transforms.RandomResizedCrop(args.size, scale=(0.8, 1.0), ratio=(0.8, 1.25)),
            transforms.RandomRotation(8),
            transforms.ColorJitter(brightness=0.3, contrast=0.3, saturation=0.3),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]
    )
    dataset = datasets.ImageFolder(os.path.join(args.root, "train"), transform=recipe)
    loader = torch.utils.data.DataLoader(
        dataset,
        batch_size=args.batch,
        shuffle=True,
        num_workers=args.workers,
        persistent_workers=args.workers > 0,
    )
    epoch_s = []
    images = 0
    for _ in range(args.epochs):
        start = time.perf_counter()
        seen = 0
        for batch, _labels in loader:
            seen += batch.shape[0]
        epoch_s.append(time.perf_counter() - start)
        images = seen
    later = sum(epoch_s[1:])
    rss_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(
        json.dumps(
            {
                "img_per_s": {
                    "first_epoch": round(images / epoch_s[0], 1),
                    "steady": round(images * (args.epochs - 1) / later, 1) if args.epochs > 1 else None,
                },
                "peak_rss_mb": round(rss_kb / 1024, 1),
                "images": images,
                "epochs": args.epochs,
                "epoch_s": [round(s, 3) for s in epoch_s],
                "num_workers": args.workers,
                "torch_threads": torch.get_num_threads(),
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()

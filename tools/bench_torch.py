#!/usr/bin/env python3
"""PyTorch reference for tools/bench.mjs and tools/bench-e2e.mjs (run with a Python that has torch + torchvision).

Throughput mode (one JSON line, the fields of tools/bench.mjs with "framework": "pytorch"):
    python3 tools/bench_torch.py --size=32 [--batch=32] [--warmup=3] [--steps=N] [--seconds=6] [--infer-steps=N]
End-to-end mode (the recipe of `cls train model=resnet18` on an ImageFolder; one JSON line with test metrics):
    python3 tools/bench_torch.py --e2e --root=DIR [--size=32] [--batch=32] [--epochs=5] [--workers=0]
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torchvision
from torch import nn

NUM_CLASSES = 10


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--infer-steps", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--e2e", action="store_true")
    parser.add_argument("--root", default=None)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def resnet18_flops(size):
    """Multiply-accumulates of one forward pass, counted as cls-models' resnetComplexity does."""
    flops = 0
    side = size

    def conv(cin, cout, k, stride):
        nonlocal side, flops
        side = (side + 2 * ((k - 1) // 2) - k) // stride + 1
        flops += k * k * cin * cout * side * side

    conv(3, 64, 7, 2)
    side = (side + 2 - 3) // 2 + 1  # max pool
    cin = 64
    for stage, planes in enumerate([64, 128, 256, 512]):
        for i in range(2):
            stride = 2 if i == 0 and stage > 0 else 1
            before = side
            conv(cin, planes, 3, stride)
            conv(planes, planes, 3, 1)
            if stride != 1 or cin != planes:
                after, side = side, before
                conv(cin, planes, 1, stride)
                side = after
            cin = planes
    return flops + cin * NUM_CLASSES


def steps_per_second(step, warmup, steps, seconds):
    """`warmup` untimed calls, then `steps` timed ones (or as many as fit in `seconds`, at least two)."""
    for _ in range(warmup):
        step()
    done = 0
    started = time.perf_counter()
    elapsed = 0.0
    while (elapsed < seconds or done < 2) if steps is None else done < steps:
        step()
        done += 1
        elapsed = time.perf_counter() - started
    return done / elapsed


def parameter_groups(model, weight_decay):
    """Weight decay on weights only, not on biases or batch-norm parameters, as the cls engine's AdamW."""
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def throughput(args):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=NUM_CLASSES)
    optimizer = torch.optim.AdamW(parameter_groups(model, 0.05), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    count = args.batch * 3 * args.size * args.size
    pixels = (torch.sin(torch.arange(count, dtype=torch.float32)) * 1.5).reshape(
        args.batch, args.size, args.size, 3
    )
    images = pixels.permute(0, 3, 1, 2).contiguous()
    labels = torch.arange(args.batch) % NUM_CLASSES

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        loss.item()
        (logits.argmax(-1) == labels).sum().item()

    def infer_step():
        with torch.no_grad():
            model(images).numpy()

    model.train()
    train = steps_per_second(train_step, args.warmup, args.steps, args.seconds) * args.batch
    model.eval()
    infer = steps_per_second(infer_step, args.warmup, args.infer_steps, args.seconds) * args.batch
    print(
        json.dumps(
            {
                "case": f"resnet18-{args.size}px-b{args.batch}",
                "framework": "pytorch",
                "train_img_s": round(train, 2),
                "infer_img_s": round(infer, 2),
                # 3 × forward multiply-accumulates per image × img/s, as tools/bench.mjs.
                "train_gflops": round(3 * resnet18_flops(args.size) * train / 1e9, 2),
                "peak_rss_mb": round(peak_rss_mb(), 2),
                "threads": torch.get_num_threads(),
            },
            separators=(",", ":"),
        )
    )


def evaluate(model, loader, loss_fn):
    model.eval()
    loss_sum, correct, size = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images)
            loss_sum += loss_fn(logits, labels).item() * len(labels)
            correct += (logits.argmax(-1) == labels).sum().item()
            size += len(labels)
    return loss_sum / size, correct / size


def split_dir(root, names):
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            return path
    sys.exit(f"bench_torch: no {'/'.join(names)} folder under {root}")


def end_to_end(args):
    """configs/train.yaml + model=resnet18: AdamW(lr 1e-3, wd 0.05 on weights), cosine per step after a one-epoch
    linear warm-up from 0.01·lr, RandomResizedCrop(scale 0.6–1) + flip on images resized to size×size, ImageNet
    normalization, validation every epoch, best-val-acc checkpoint (and last) saved, test with the best weights."""
    from torch.utils.data import DataLoader
    from torchvision import transforms

    if args.root is None:
        sys.exit("bench_torch: --e2e needs --root=DIR")
    torch.manual_seed(args.seed)
    started = time.perf_counter()
    normalize = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    resize = transforms.Resize((args.size, args.size))
    train_tf = transforms.Compose(
        [
            resize,
            transforms.RandomResizedCrop(args.size, scale=(0.6, 1.0), ratio=(0.75, 4 / 3)),
            transforms.RandomHorizontalFlip(0.5),
            transforms.ToTensor(),
            normalize,
        ]
    )
    eval_tf = transforms.Compose([resize, transforms.ToTensor(), normalize])
    folder = torchvision.datasets.ImageFolder
    train_set = folder(split_dir(args.root, ["train"]), train_tf)
    val_set = folder(split_dir(args.root, ["valid", "val", "validation"]), eval_tf)
    test_set = folder(split_dir(args.root, ["test"]), eval_tf)
    loader = lambda dataset, shuffle: DataLoader(  # noqa: E731
        dataset, batch_size=args.batch, shuffle=shuffle, num_workers=args.workers
    )
    train_loader, val_loader, test_loader = loader(train_set, True), loader(val_set, False), loader(test_set, False)

    model = torchvision.models.resnet18(num_classes=len(train_set.classes))
    lr = 1e-3
    optimizer = torch.optim.AdamW(parameter_groups(model, 0.05), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    steps_per_epoch = len(train_loader)
    total_steps = steps_per_epoch * args.epochs
    warmup_steps = min(total_steps, steps_per_epoch)

    def lr_factor(step):
        if step < warmup_steps:
            return 0.01 + 0.99 * step / warmup_steps
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    loss_fn = nn.CrossEntropyLoss()
    checkpoints = os.path.join(args.root + ".torch-checkpoints")
    os.makedirs(checkpoints, exist_ok=True)
    best_acc = -1.0
    train_seconds, train_images = 0.0, 0
    for epoch in range(args.epochs):
        model.train()
        epoch_start = time.perf_counter()
        for images, labels in train_loader:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            if not math.isfinite(loss.item()):
                sys.exit(f"bench_torch: loss diverged in epoch {epoch}")
            train_images += len(labels)
        train_seconds += time.perf_counter() - epoch_start
        val_loss, val_acc = evaluate(model, val_loader, loss_fn)
        torch.save(model.state_dict(), os.path.join(checkpoints, "last.pt"))
        if val_acc > best_acc:
            best_acc = val_acc
            torch.save(model.state_dict(), os.path.join(checkpoints, "best.pt"))
        print(f"epoch {epoch}: val/loss {val_loss:.4f} val/acc {val_acc:.4f}", file=sys.stderr)
    model.load_state_dict(torch.load(os.path.join(checkpoints, "best.pt")))
    test_loss, test_acc = evaluate(model, test_loader, loss_fn)
    print(
        json.dumps(
            {
                "framework": "pytorch",
                "in_process_s": round(time.perf_counter() - started, 2),
                "train_img_s": round(train_images / train_seconds, 2),
                "test_acc": round(test_acc, 4),
                "test_loss": round(test_loss, 4),
                "peak_rss_mb": round(peak_rss_mb(), 2),
                "threads": torch.get_num_threads(),
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    args = parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    if args.e2e:
        end_to_end(args)
    else:
        throughput(args)

#!/usr/bin/env python3
"""ResNet-18 (10 classes) training (AdamW) and inference img/s on CUDA, channels_last, cudnn.benchmark, in fp32 or
(--precision=16-mixed) under autocast with a GradScaler, as Lightning's precision="16-mixed": the recipe
tools/bench-gpu.mjs times on WebGPU. Prints one JSON line; exits 3 when torch has no CUDA."""
import argparse
import json
import sys
import time

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--precision", choices=["32-true", "16-mixed"], default="32-true")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit(3)
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    model = torchvision.models.resnet18(num_classes=10).to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    images = torch.randn(args.batch, 3, args.size, args.size, device=device).to(memory_format=torch.channels_last)
    labels = torch.arange(args.batch, device=device) % 10
    mixed = args.precision == "16-mixed"
    scaler = torch.amp.GradScaler("cuda", enabled=mixed)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.float16, enabled=mixed):
            loss = torch.nn.functional.cross_entropy(model(images), labels)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    def infer_step():
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16, enabled=mixed):
            model(images)

    def rate(step):
        for _ in range(args.warmup):
            step()
        torch.cuda.synchronize()
        started = time.perf_counter()
        for _ in range(args.steps):
            step()
        torch.cuda.synchronize()
        return args.steps * args.batch / (time.perf_counter() - started)

    model.train()
    train = rate(train_step)
    model.eval()
    infer = rate(infer_step)
    print(json.dumps({"framework": "torch-cuda", "precision": args.precision, "device": torch.cuda.get_device_name(0),
                      "train_img_s": round(train, 1), "infer_img_s": round(infer, 1)}))


if __name__ == "__main__":
    main()

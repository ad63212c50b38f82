"""Reference parameter and multiply-accumulate counts of torchvision ResNets, for model_info's tests.
 Parameters: sum(p.numel() for p in model.parameters()).
Multiply-accumulates per image: forward hooks on every Conv2d (output elements x in_channels / groups x kernel
area) and Linear (output elements x in_features), the convention behind torchvision's "GFLOPS" column
(resnet18 at 224 px: 1.814). Weights size: float32 parameters and buffers (BN running statistics), in MiB, as
torchvision's "Size (MB)" column, less the int64 num_batches_tracked counters a tfjs model does not have.

Usage: /usr/bin/python3 tools/make-torchvision-counts.py OUT.json [ARCH:NUM_CLASSES:IMAGE_SIZE:CHANNELS ...]
(without cases: the CASES below). Fixtures made with it:
  packages/callbacks/model-info/tests/fixtures/reference_counts.json   (the CASES below)
  packages/cls-cli/tests/fixtures/torchvision_counts.json              (resnet18:4:32:3)
"""

import json
import sys

import torch
import torchvision

CASES = [
    # (arch, num_classes, image_size, channels)
    ("resnet18", 10, 32, 3),
    ("resnet18", 10, 28, 1),
    ("resnet18", 100, 64, 3),
    ("resnet18", 1000, 224, 3),
    ("resnet34", 10, 32, 3),
    ("resnet34", 1000, 224, 3),
    ("resnet50", 10, 32, 3),
    ("resnet50", 100, 64, 3),
    ("resnet50", 1000, 224, 3),
]


def count(arch: str, num_classes: int, image_size: int, channels: int) -> dict:
    model = getattr(torchvision.models, arch)(weights=None, num_classes=num_classes).eval()
    if channels != 3:
        model.conv1 = torch.nn.Conv2d(channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
    macs = 0

    def hook(module: torch.nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        nonlocal macs
        per_image = output.numel() // output.shape[0]
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            macs += per_image * (module.in_channels // module.groups) * kh * kw
        else:
            macs += per_image * module.in_features

    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            module.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, channels, image_size, image_size))
    float_buffers = sum(b.numel() for b in model.buffers() if b.is_floating_point())
    params = sum(p.numel() for p in model.parameters())
    return {
        "arch": arch,
        "num_classes": num_classes,
        "image_size": image_size,
        "channels": channels,
        "params": params,
        "macs": macs,
        "weights_mib": (params + float_buffers) * 4 / 2**20,
    }


def main() -> None:
    out, *given = sys.argv[1:]
    cases = [tuple([arch, *map(int, numbers)]) for arch, *numbers in (c.split(":") for c in given)] or CASES
    torch.manual_seed(0)
    payload = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cases": [count(*case) for case in cases],
    }
    with open(out, "w") as f:
        f.write(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

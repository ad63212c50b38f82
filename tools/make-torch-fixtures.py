#!/usr/bin/env python3
"""Makes the PyTorch reference fixtures of @nextplay/cls-models and @nextplay/cls-onnx.

Needs PyTorch and torchvision (Debian: apt-get install python3-torch python3-torchvision).

  make-torch-fixtures.py                 small models -> packages/cls-models/tests/fixtures (committed)
  make-torch-fixtures.py --full resnet18 --out DIR [--image-size 32]
                                         a full torchvision model with random weights (tests run this at test
                                         time when PyTorch is present; too large to commit)

Each model gets <name>.pth (torch.save of its state_dict, zip format), <name>.safetensors (the same tensors,
written here by hand), <name>.json (input NCHW and torchvision's logits in eval mode) and the weights have
non-trivial BatchNorm statistics from a few forward passes in train mode. A tiny malicious.pth holds a pickle
that calls os.system: loaders must refuse it.
"""
import argparse
import io
import json
import os
import pickle
import struct
import zipfile

import torch
import torch.nn as nn
from torchvision.models import resnet
from torchvision.models.resnet import BasicBlock, Bottleneck

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', 'packages', 'cls-models', 'tests', 'fixtures')


class NarrowResNet(resnet.ResNet):
    """torchvision's ResNet (its blocks, _make_layer and forward) with narrow stages, for small fixtures."""

    def __init__(self, block, layers, planes, stem, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = stem
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, planes[0], layers[0])
        self.layer2 = self._make_layer(block, planes[1], layers[1], stride=2)
        self.layer3 = self._make_layer(block, planes[2], layers[2], stride=2)
        self.layer4 = self._make_layer(block, planes[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(planes[3] * block.expansion, num_classes)


def randomize(model, seed):
    """Random weights everywhere (BN affine too), then BN running stats from train-mode passes."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('bn1.weight') or '.bn' in name or 'downsample.1' in name:
                p.copy_(torch.rand_like(p) * 1.5 + 0.25 if name.endswith('weight') else torch.randn_like(p) * 0.2)
            elif name.endswith('bias'):
                p.copy_(torch.randn_like(p) * 0.1)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 3, 32, 32) * 1.5 + 0.3)
    model.eval()


SAFETENSORS_DTYPES = {torch.float32: 'F32', torch.int64: 'I64', torch.float16: 'F16', torch.float64: 'F64'}


def save_safetensors(state_dict, path):
    header, blobs, offset = {}, [], 0
    for key, tensor in state_dict.items():
        data = tensor.contiguous().numpy().tobytes()
        header[key] = {'dtype': SAFETENSORS_DTYPES[tensor.dtype], 'shape': list(tensor.shape),
                       'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def write_model(model, name, out, image_size, seed, batch=2):
    os.makedirs(out, exist_ok=True)
    state_dict = model.state_dict()
    torch.save(state_dict, os.path.join(out, name + '.pth'))
    save_safetensors(state_dict, os.path.join(out, name + '.safetensors'))
    torch.manual_seed(seed + 1)
    # Rounded as stored in the JSON, so the logits are those of exactly the stored input.
    x = torch.round(torch.randn(batch, 3, image_size, image_size) * 1e6) / 1e6
    with torch.no_grad():
        logits = model(x)
    with open(os.path.join(out, name + '.json'), 'w') as f:
        json.dump({'input_shape': list(x.shape), 'input': [round(v, 6) for v in x.flatten().tolist()],
                   'logits': logits.tolist()}, f)
        f.write('\n')


class _System:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def write_malicious(out):
    """A torch.save-style zip whose data.pkl calls os.system when unpickled (never unpickled here)."""
    with zipfile.ZipFile(os.path.join(out, 'malicious.pth'), 'w') as z:
        z.writestr('malicious/data.pkl', pickle.dumps({'conv1.weight': _System()}, protocol=2))
        z.writestr('malicious/version', '3\n')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=DEFAULT_OUT)
    parser.add_argument('--full', choices=['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'])
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--num-classes', type=int, default=10)
    args = parser.parse_args()
    if args.full:
        model = getattr(resnet, args.full)(num_classes=args.num_classes)
        randomize(model, 7)
        write_model(model, args.full, args.out, args.image_size, 7)
        return
    basic = NarrowResNet(BasicBlock, [1, 1, 1, 1], [8, 16, 16, 16], 8, 5)
    randomize(basic, 1)
    write_model(basic, 'tiny_basic', args.out, 32, 1)
    bottleneck = NarrowResNet(Bottleneck, [2, 1, 1, 1], [4, 8, 8, 8], 8, 5)
    randomize(bottleneck, 2)
    write_model(bottleneck, 'tiny_bottleneck', args.out, 32, 2)
    write_malicious(args.out)


if __name__ == '__main__':
    main()

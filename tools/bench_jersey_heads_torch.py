#!/usr/bin/python3
"""PyTorch reference for tools/bench-jersey-heads.mjs: the same ImageFolder, the same recipe as `cls train` defaults
(AdamW lr 1e-3 wd 0.05, cosine with one warm-up epoch, batch 32, RandomResizedCrop(scale 0.6-1) without flips,
ImageNet normalization), ResNet-18 with a digits head (tens + units on pooled features) or a sequence head (CTC over
the columns of layer3, strided (2, 1); no layer4), and the digit mixing of `model.digit_mix` (--digit-mix, 0 = off).
Prints one JSON line per head with acc and acc_unseen.

  /usr/bin/python3 tools/bench_jersey_heads_torch.py <root> [--image-size 32] [--epochs 8] [--heads digits,sequence]
      [--digit-mix 0.5]
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image
from torchvision import transforms as T

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def split_dir(root, names):
    for name in names:
        if os.path.isdir(os.path.join(root, name)):
            return os.path.join(root, name)
    return None


def samples(directory):
    out = []
    for number in sorted(os.listdir(directory)):
        folder = os.path.join(directory, number)
        for file in sorted(os.listdir(folder)):
            out.append((os.path.join(folder, file), number))
    return out


class Numbers(torch.utils.data.Dataset):
    def __init__(self, items, transform):
        self.items, self.transform = items, transform

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, number = self.items[i]
        return self.transform(Image.open(path).convert('RGB')), number


def digits(number):
    """(tens class: 0 = none, d + 1; units) as the digits head reads a folder name."""
    return (0 if len(number) == 1 else int(number[0]) + 1), int(number[-1])


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torchvision.models.resnet18(num_classes=10)
        self.body.fc = nn.Identity()
        self.tens, self.units = nn.Linear(512, 11), nn.Linear(512, 10)

    def forward(self, x):
        features = self.body(x)
        return self.tens(features), self.units(features)

    def loss(self, outputs, numbers):
        targets = torch.tensor([digits(n) for n in numbers])
        return F.cross_entropy(outputs[0], targets[:, 0]) + F.cross_entropy(outputs[1], targets[:, 1])

    def read(self, outputs):
        tens, units = outputs[0].argmax(1).tolist(), outputs[1].argmax(1).tolist()
        return [('' if t == 0 else str(t - 1)) + str(u) for t, u in zip(tens, units)]


class SequenceNet(nn.Module):
    def __init__(self):
        super().__init__()
        body = torchvision.models.resnet18(num_classes=10)
        body.layer3[0].conv1.stride = (2, 1)
        body.layer3[0].downsample[0].stride = (2, 1)
        body.layer4, body.fc = nn.Identity(), nn.Identity()
        self.body = body
        self.columns = nn.Linear(256, 11)

    def forward(self, x):
        b = self.body
        x = b.maxpool(b.relu(b.bn1(b.conv1(x))))
        x = b.layer3(b.layer2(b.layer1(x)))
        return self.columns(x.mean(2).transpose(1, 2))  # [N, W, 11]

    def loss(self, columns, numbers):
        log_probs = columns.log_softmax(2).transpose(0, 1)
        targets = torch.tensor([int(d) + 1 for n in numbers for d in n])
        lengths = torch.tensor([len(n) for n in numbers])
        steps = torch.full((columns.shape[0],), columns.shape[1], dtype=torch.long)
        return F.ctc_loss(log_probs, targets, steps, lengths, blank=0)

    def read(self, columns):
        out = []
        for path in columns.argmax(2).tolist():
            text, previous = '', 0
            for symbol in path:
                if symbol != 0 and symbol != previous:
                    text += str(symbol - 1)
                previous = symbol
            out.append(text)
        return out


def mix_digits(images, numbers, share):
    """model.digit_mix: sample i pairs with sample n-1-i; when both are two-digit numbers, with probability `share`,
    its right half (units digit) comes from the partner, and its number becomes (its tens, the partner's units)."""
    mixed, labels, cut = images.clone(), list(numbers), images.shape[3] // 2
    for i in range(len(numbers)):
        j = len(numbers) - 1 - i
        draw = torch.rand(()).item()
        if draw < share and i != j and len(numbers[i]) == 2 and len(numbers[j]) == 2:
            mixed[i, :, :, cut:] = images[j, :, :, cut:]
            labels[i] = numbers[i][0] + numbers[j][1]
    return mixed, labels


def run(head, root, size, epochs, seed, digit_mix):
    torch.manual_seed(seed)
    train_items = samples(split_dir(root, ['train']))
    test_items = samples(split_dir(root, ['test']))
    seen = {number for _, number in train_items}
    train_tf = T.Compose([T.RandomResizedCrop(size, scale=(0.6, 1.0)), T.ToTensor(), T.Normalize(MEAN, STD)])
    eval_tf = T.Compose([T.Resize((size, size)), T.ToTensor(), T.Normalize(MEAN, STD)])
    train = torch.utils.data.DataLoader(Numbers(train_items, train_tf), batch_size=32, shuffle=True, num_workers=2)
    test = torch.utils.data.DataLoader(Numbers(test_items, eval_tf), batch_size=64)
    model = DigitsNet() if head == 'digits' else SequenceNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    steps, warmup = epochs * len(train), len(train)
    def schedule(step):
        if step < warmup:
            return 0.01 + 0.99 * step / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    started = time.time()
    for _ in range(epochs):
        model.train()
        for images, numbers in train:
            if digit_mix > 0:
                images, numbers = mix_digits(images, numbers, digit_mix)
            optimizer.zero_grad()
            model.loss(model(images), numbers).backward()
            optimizer.step()
            scheduler.step()
    model.eval()
    right = unseen = unseen_right = total = 0
    with torch.no_grad():
        for images, numbers in test:
            for read, number in zip(model.read(model(images)), numbers):
                total += 1
                right += read == number
                if number not in seen:
                    unseen += 1
                    unseen_right += read == number
    return {
        'head': head,
        'acc': right / total,
        'acc_unseen': unseen_right / unseen if unseen else None,
        'seconds': round(time.time() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('root')
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--heads', default='digits,sequence')
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--digit-mix', type=float, default=0.5)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    for head in args.heads.split(','):
        print(json.dumps(run(head, args.root, args.image_size, args.epochs, args.seed, args.digit_mix)), flush=True)


if __name__ == '__main__':
    main()

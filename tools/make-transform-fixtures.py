#!/usr/bin/python3
"""Writes packages/cls-data/tests/fixtures/transforms/*.json: torchvision's functional transforms on small fixed
images with fixed parameters, the reference the cls-data transform tests compare against.

Run with Debian's interpreter (torch 1.13, torchvision 0.14): /usr/bin/python3 tools/make-transform-fixtures.py
torchvision 0.14 has no transforms.v2, so the deterministic core of each transform is its functional op on a uint8
tensor (the v2 kernels compute the same); the random parameter sampling is tested separately, with seeds.
"""
import base64
import json
import math
import os

import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'cls-data', 'tests', 'fixtures', 'transforms')
W, H = 24, 20


def make_input():
    """A smooth gradient with a bright square and a dark bar: edges for geometry, colour for the colour ops."""
    y, x = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
    r = (x * 10 + 10).clamp(0, 255)
    g = (y * 12 + 5).clamp(0, 255)
    b = ((x + y) * 5 + 40).clamp(0, 255)
    img = torch.stack([r, g, b]).to(torch.uint8)
    img[:, 5:11, 6:13] = torch.tensor([250, 240, 30], dtype=torch.uint8).view(3, 1, 1)
    img[:, 14:16, 2:20] = torch.tensor([20, 30, 160], dtype=torch.uint8).view(3, 1, 1)
    return img


def encode(img):
    c, h, w = img.shape
    hwc = img.permute(1, 2, 0).contiguous().numpy().tobytes()
    return {'width': w, 'height': h, 'data': base64.b64encode(hwc).decode('ascii')}


def write(name, cases, image):
    os.makedirs(OUT, exist_ok=True)
    doc = {'input': encode(image), 'cases': [{'params': p, 'output': encode(o)} for p, o in cases]}
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


MODES = {'nearest': InterpolationMode.NEAREST, 'bilinear': InterpolationMode.BILINEAR}


def main():
    img = make_input()
    write('resized_crop', [
        (p, F.resized_crop(img, p['top'], p['left'], p['height'], p['width'], p['size'], antialias=True))
        for p in [
            {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8]},
            {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [12, 10]},
            {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16]},
        ]
    ], img)
    write('resize', [(p, F.resize(img, p['size'], antialias=True)) for p in [
        {'size': [10]}, {'size': [30]}, {'size': [7, 15]},
    ]], img)
    write('center_crop', [(p, F.center_crop(img, p['size'])) for p in [
        {'size': [8, 8]}, {'size': [11, 20]}, {'size': [23, 27]},
    ]], img)
    write('pad_crop', [
        (p, F.crop(F.pad(img, p['padding'], fill=p['fill'], padding_mode=p['padding_mode']),
                   p['top'], p['left'], p['height'], p['width']))
        for p in [
            {'padding': [4], 'fill': 0, 'padding_mode': 'constant', 'top': 1, 'left': 6, 'height': 16, 'width': 16},
            {'padding': [2, 3], 'fill': 128, 'padding_mode': 'constant', 'top': 0, 'left': 0, 'height': 20, 'width': 24},
            {'padding': [1, 2, 3, 4], 'fill': 0, 'padding_mode': 'edge', 'top': 3, 'left': 2, 'height': 20, 'width': 20},
            {'padding': [3], 'fill': 0, 'padding_mode': 'reflect', 'top': 0, 'left': 0, 'height': 26, 'width': 30},
            {'padding': [3], 'fill': 0, 'padding_mode': 'symmetric', 'top': 0, 'left': 0, 'height': 26, 'width': 30},
        ]
    ], img)
    write('rotate', [(p, F.rotate(img, p['angle'], MODES[p['interpolation']], fill=[p['fill']] * 3)) for p in [
        {'angle': 17.5, 'interpolation': 'nearest', 'fill': 0},
        {'angle': -8.0, 'interpolation': 'bilinear', 'fill': 0},
        {'angle': 90.0, 'interpolation': 'bilinear', 'fill': 100},
    ]], img)
    write('affine', [
        (p, F.affine(img, p['angle'], p['translate'], p['scale'], p['shear'], MODES[p['interpolation']],
                     fill=[p['fill']] * 3, center=p['center']))
        for p in [
            {'angle': 10.0, 'translate': [2, -1], 'scale': 1.1, 'shear': [5.0, 0.0], 'interpolation': 'nearest',
             'fill': 0, 'center': None},
            {'angle': -6.0, 'translate': [0, 3], 'scale': 0.9, 'shear': [-4.0, 7.0], 'interpolation': 'bilinear',
             'fill': 50, 'center': None},
            {'angle': 0.0, 'translate': [0, 0], 'scale': 1.0, 'shear': [math.degrees(math.atan(0.3)), 0.0],
             'interpolation': 'nearest', 'fill': 128, 'center': [0, 0]},
        ]
    ], img)
    write('perspective', [
        (p, F.perspective(img, p['startpoints'], p['endpoints'], MODES[p['interpolation']], fill=[p['fill']] * 3))
        for p in [
            {'startpoints': [[0, 0], [23, 0], [23, 19], [0, 19]], 'endpoints': [[2, 1], [21, 3], [22, 17], [1, 19]],
             'interpolation': 'bilinear', 'fill': 0},
            {'startpoints': [[0, 0], [23, 0], [23, 19], [0, 19]], 'endpoints': [[4, 0], [23, 2], [19, 19], [0, 15]],
             'interpolation': 'nearest', 'fill': 90},
        ]
    ], img)
    write('color', [
        ({'op': 'brightness', 'factor': 1.37}, F.adjust_brightness(img, 1.37)),
        ({'op': 'brightness', 'factor': 0.6}, F.adjust_brightness(img, 0.6)),
        ({'op': 'contrast', 'factor': 1.5}, F.adjust_contrast(img, 1.5)),
        ({'op': 'contrast', 'factor': 0.3}, F.adjust_contrast(img, 0.3)),
        ({'op': 'saturation', 'factor': 1.8}, F.adjust_saturation(img, 1.8)),
        ({'op': 'saturation', 'factor': 0.2}, F.adjust_saturation(img, 0.2)),
        ({'op': 'hue', 'factor': 0.08}, F.adjust_hue(img, 0.08)),
        ({'op': 'hue', 'factor': -0.31}, F.adjust_hue(img, -0.31)),
        ({'op': 'grayscale', 'factor': 0}, F.rgb_to_grayscale(img, num_output_channels=3)),
        ({'op': 'sharpness', 'factor': 1.9}, F.adjust_sharpness(img, 1.9)),
        ({'op': 'sharpness', 'factor': 0.1}, F.adjust_sharpness(img, 0.1)),
        ({'op': 'posterize', 'factor': 3}, F.posterize(img, 3)),
        ({'op': 'solarize', 'factor': 140.0}, F.solarize(img, 140.0)),
        ({'op': 'autocontrast', 'factor': 0}, F.autocontrast(img)),
        ({'op': 'equalize', 'factor': 0}, F.equalize(img)),
        ({'op': 'invert', 'factor': 0}, F.invert(img)),
    ], img)
    write('gaussian_blur', [(p, F.gaussian_blur(img, p['kernel_size'], p['sigma'])) for p in [
        {'kernel_size': [3, 3], 'sigma': [0.8, 0.8]},
        {'kernel_size': [5, 7], 'sigma': [1.5, 0.6]},
    ]], img)
    write('erase', [(p, F.erase(img, p['top'], p['left'], p['height'], p['width'],
                                torch.tensor(p['value'], dtype=torch.uint8))) for p in [
        {'top': 3, 'left': 4, 'height': 5, 'width': 9, 'value': 0},
        {'top': 0, 'left': 10, 'height': 20, 'width': 3, 'value': 200},
    ]], img)
    write('horizontal_flip', [({}, F.hflip(img))], img)
    write_augment_policies(img)
    write_v2_options(img)
    write_without_antialias(img)


def write_augment_policies(img):
    """The op sets and magnitude bins of RandAugment, TrivialAugmentWide and AutoAugment (imagenet), and each op
    applied through torchvision's own `_apply_op` at one signed magnitude."""
    from torchvision.transforms import autoaugment as aa

    size = [H, W]
    def space(meta):
        return {name: {'magnitudes': [float(v) for v in m.reshape(-1).tolist()] if m.ndim > 0 else [],
                       'signed': bool(signed)} for name, (m, signed) in meta.items()}
    auto = aa.AutoAugment(aa.AutoAugmentPolicy.IMAGENET)
    doc = {
        'image_size': size,
        'rand_augment': space(aa.RandAugment()._augmentation_space(31, (H, W))),
        'trivial_augment_wide': space(aa.TrivialAugmentWide()._augmentation_space(31)),
        'auto_augment': space(auto._augmentation_space(10, (H, W))),
        'imagenet_policy': [[[op, p, m] for op, p, m in pair] for pair in auto.policies],
    }
    with open(os.path.join(OUT, 'augment_space.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    meta = aa.RandAugment()._augmentation_space(31, (H, W))
    cases = []
    for name, (mags, signed) in meta.items():
        magnitude = float(mags[17].item()) if mags.ndim > 0 else 0.0
        if signed:
            magnitude = -magnitude
        out = aa._apply_op(img, name, magnitude, interpolation=InterpolationMode.NEAREST, fill=None)
        cases.append(({'op': name, 'magnitude': magnitude}, out))
    write('augment_ops', cases, img)


def per_channel(op, img, fill):
    """`op(channel, level)` on each channel with its own level, stacked: torchvision v2's vector fill for pad and
    erase, which 0.14's tensor kernels take only as one number."""
    return torch.cat([op(img[c:c + 1], level) for c, level in enumerate(fill)])


def write_v2_options(img):
    """Options torchvision v2 has beyond the cases above: expand, per-channel fill, nearest and bicubic resizing,
    max_size. v2's kernels compute these as 0.14's functional ops on tensors do (v2 skips antialias for nearest)."""
    fill = [124, 116, 104]
    write('rotate_expand', [
        (p, F.rotate(img, p['angle'], MODES[p['interpolation']], expand=True, center=p['center'], fill=p['fill']))
        for p in [
            {'angle': 17.5, 'interpolation': 'nearest', 'center': None, 'fill': [0, 0, 0]},
            {'angle': -33.0, 'interpolation': 'bilinear', 'center': None, 'fill': fill},
            {'angle': 90.0, 'interpolation': 'nearest', 'center': None, 'fill': [0, 0, 0]},
            {'angle': 135.0, 'interpolation': 'bilinear', 'center': [5, 4], 'fill': fill},
            {'angle': 45.0, 'interpolation': 'nearest', 'center': None, 'fill': [7, 8, 9]},
        ]
    ], img)
    write('fill_channels', [
        ({'op': 'rotate', 'interpolation': 'bilinear', 'fill': fill},
         F.rotate(img, 23.0, InterpolationMode.BILINEAR, fill=fill)),
        ({'op': 'affine', 'interpolation': 'nearest', 'fill': fill},
         F.affine(img, 8.0, [3, -2], 0.8, [6.0, -3.0], InterpolationMode.NEAREST, fill=fill)),
        ({'op': 'perspective', 'interpolation': 'bilinear', 'fill': fill},
         F.perspective(img, [[0, 0], [23, 0], [23, 19], [0, 19]], [[4, 0], [23, 2], [19, 19], [0, 15]],
                       InterpolationMode.BILINEAR, fill=fill)),
        ({'op': 'pad', 'interpolation': 'nearest', 'fill': fill},
         per_channel(lambda c, level: F.pad(c, [2, 3, 1, 4], fill=level), img, fill)),
        ({'op': 'erase', 'interpolation': 'nearest', 'fill': fill},
         F.erase(img, 3, 4, 5, 9, torch.tensor(fill, dtype=torch.uint8)[:, None, None])),
    ], img)
    nearest, bicubic = InterpolationMode.NEAREST, InterpolationMode.BICUBIC
    write('resize_modes', [
        (p, F.resize(img, p['size'], MODES.get(p['interpolation'], bicubic), max_size=p['max_size'],
                     antialias=p['interpolation'] != 'nearest'))
        for p in [
            {'size': [10], 'interpolation': 'nearest', 'max_size': None},
            {'size': [30], 'interpolation': 'nearest', 'max_size': None},
            {'size': [7, 15], 'interpolation': 'nearest', 'max_size': None},
            {'size': [40], 'interpolation': 'nearest', 'max_size': None},
            {'size': [10], 'interpolation': 'bicubic', 'max_size': None},
            {'size': [30], 'interpolation': 'bicubic', 'max_size': None},
            {'size': [7, 15], 'interpolation': 'bicubic', 'max_size': None},
            {'size': [16], 'interpolation': 'bilinear', 'max_size': 17},
            {'size': [12], 'interpolation': 'nearest', 'max_size': 13},
            {'size': [30], 'interpolation': 'bicubic', 'max_size': 33},
        ]
    ], img)
    write('resized_crop_modes', [
        (p, F.resized_crop(img, p['top'], p['left'], p['height'], p['width'], p['size'],
                           MODES.get(p['interpolation'], bicubic), antialias=p['interpolation'] != 'nearest'))
        for p in [
            {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8], 'interpolation': 'nearest'},
            {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16], 'interpolation': 'nearest'},
            {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8], 'interpolation': 'bicubic'},
            {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16], 'interpolation': 'bicubic'},
        ]
    ], img)
    # PIL's BICUBIC, as torchvision's resized_crop runs it on a PIL image (crop, then resize); 8 bits between passes.
    from PIL import Image
    pil = Image.fromarray(img.permute(1, 2, 0).numpy())
    def pil_resize(p):
        box = (p['left'], p['top'], p['left'] + p['width'], p['top'] + p['height'])
        out = pil.crop(box).resize((p['size'][1], p['size'][0]), Image.BICUBIC)
        return torch.from_numpy(__import__('numpy').asarray(out).copy()).permute(2, 0, 1)
    write('pil_bicubic', [(p, pil_resize(p)) for p in [
        {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [10, 12]},
        {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [30, 36]},
        {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8]},
        {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16]},
    ]], img)


def write_without_antialias(img):
    """`antialias=False`: torch's plain bilinear (two taps) and bicubic (four taps, a = -0.75) interpolation, the
    crop's border pixels repeated; what v2 computes for tensors when asked."""
    bilinear, bicubic = InterpolationMode.BILINEAR, InterpolationMode.BICUBIC
    write('resize_no_antialias', [
        (p, F.resized_crop(img, p['top'], p['left'], p['height'], p['width'], p['size'],
                           bicubic if p['interpolation'] == 'bicubic' else bilinear, antialias=False))
        for p in [
            {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [10, 12], 'interpolation': 'bilinear'},
            {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [7, 15], 'interpolation': 'bilinear'},
            {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8], 'interpolation': 'bilinear'},
            {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16], 'interpolation': 'bilinear'},
            {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [10, 12], 'interpolation': 'bicubic'},
            {'top': 0, 'left': 0, 'height': 20, 'width': 24, 'size': [30, 36], 'interpolation': 'bicubic'},
            {'top': 2, 'left': 3, 'height': 14, 'width': 17, 'size': [8, 8], 'interpolation': 'bicubic'},
            {'top': 5, 'left': 4, 'height': 6, 'width': 9, 'size': [16, 16], 'interpolation': 'bicubic'},
        ]
    ], img)


if __name__ == '__main__':
    main()

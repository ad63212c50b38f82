#!/usr/bin/python3
"""Jersey-number crops rendered independently of `cls data synth`: another renderer (PIL/FreeType, not
sharp/Pango), other fonts (the system's DejaVu and Liberation bold faces, none of the shipped sports fonts), other
colours and distortions (PIL rotation and affine shear, box blur, JPEG via libjpeg). Writes an ImageFolder
(train/, valid/, test/, per_number crops of each number in each, as an export would have) to check that a model
trained on synthetic crops reads numbers it was not rendered with (`cls test` evaluates test/):

    /usr/bin/python3 tools/render-jersey-check.py out=./data/jersey_check [per_number=5] [size=32] [seed=1]
    cls test ckpt_path=<run>/checkpoints/best data.root=./data/jersey_check
"""
import io
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
]
# Jersey / number colour pairs not in the synthetic palette's exact shades.
PAIRS = [
    ((250, 250, 250), (30, 30, 120)),
    ((25, 25, 25), (240, 240, 240)),
    ((180, 30, 30), (255, 255, 255)),
    ((20, 60, 140), (250, 200, 40)),
    ((0, 100, 60), (255, 255, 255)),
    ((230, 120, 20), (20, 20, 20)),
    ((90, 40, 120), (240, 200, 60)),
    ((200, 200, 205), (160, 20, 40)),
]


def render(text, size, rnd):
    big = size * 4
    jersey, ink = rnd.choice(PAIRS)
    if rnd.random() < 0.5:
        jersey, ink = ink, jersey
    image = Image.new("RGB", (big, big), jersey)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(rnd.choice(FONTS), int(big * rnd.uniform(0.5, 0.7)))
    box = draw.textbbox((0, 0), text, font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    x = (big - width) / 2 - box[0] + rnd.uniform(-0.06, 0.06) * big
    y = (big - height) / 2 - box[1] + rnd.uniform(-0.06, 0.06) * big
    stroke = rnd.choice([0, 0, int(big * 0.03)])
    outline = tuple(255 - c for c in jersey)
    draw.text((x, y), text, font=font, fill=ink, stroke_width=stroke, stroke_fill=outline)
    image = image.rotate(rnd.uniform(-8, 8), resample=Image.BILINEAR, fillcolor=jersey)
    shear = rnd.uniform(-0.12, 0.12)
    image = image.transform(image.size, Image.AFFINE, (1, shear, -shear * big / 2, 0, 1, 0), Image.BILINEAR, fillcolor=jersey)
    image = image.resize((size, size), Image.BILINEAR)
    if rnd.random() < 0.5:
        image = image.filter(ImageFilter.BoxBlur(rnd.uniform(0.3, 0.8)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rnd.randint(50, 90))
    return buffer.getvalue()


def main():
    options = dict(arg.split("=", 1) for arg in sys.argv[1:])
    out = options["out"]
    per_number = int(options.get("per_number", 5))
    size = int(options.get("size", 32))
    rnd = random.Random(int(options.get("seed", 1)))
    for split in ("train", "valid", "test"):
        for number in range(100):
            folder = os.path.join(out, split, str(number))
            os.makedirs(folder, exist_ok=True)
            for index in range(per_number):
                with open(os.path.join(folder, f"{number}_{index}.jpg"), "wb") as file:
                    file.write(render(str(number), size, rnd))
    print(f"{100 * per_number} crops of 0-99 at {size} px in each of {out}/train, valid, test")


if __name__ == "__main__":
    main()

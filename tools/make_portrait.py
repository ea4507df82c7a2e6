#!/usr/bin/env python3
"""Draws the fictional portrait used by the sample profiles (profiles/camille-durand.jpg):
an illustrated head-and-shoulders figure, 1600x2000 pixels like a phone photo.
Needs Pillow. Run: python3 tools/make_portrait.py profiles/camille-durand.jpg"""
import math
import sys

from PIL import Image, ImageDraw, ImageFilter

W, H = 1600, 2000
img = Image.new("RGB", (W, H))
px = img.load()
for y in range(H):  # a soft studio backdrop: warm grey, lighter behind the head
    for x in range(0, W):
        d = math.hypot((x - W * 0.5) / W, (y - H * 0.35) / H)
        v = max(0.0, 1.0 - d * 1.6)
        px[x, y] = (int(150 + 70 * v), int(160 + 65 * v), int(170 + 60 * v))

d = ImageDraw.Draw(img)
skin, shade, hair, coat, shirt = (224, 182, 150), (196, 150, 120), (70, 48, 38), (38, 58, 92), (236, 238, 240)
d.ellipse((300, 1450, 1300, 2500), fill=coat)                      # shoulders
d.polygon([(650, 1480), (950, 1480), (800, 1750)], fill=shirt)    # collar
d.rectangle((700, 1150, 900, 1500), fill=shade)                   # neck
d.ellipse((520, 480, 1080, 1300), fill=skin)                      # face
d.pieslice((480, 380, 1120, 1100), 180, 360, fill=hair)           # hair
d.ellipse((470, 560, 560, 900), fill=hair)
d.ellipse((1040, 560, 1130, 900), fill=hair)
for ex in (680, 920):                                              # eyes and brows
    d.ellipse((ex - 38, 820, ex + 38, 872), fill=(250, 250, 250))
    d.ellipse((ex - 20, 826, ex + 20, 866), fill=(60, 80, 90))
    d.line((ex - 60, 770, ex + 60, 760), fill=hair, width=18)
d.line((800, 880, 780, 1010), fill=shade, width=10)               # nose
d.arc((700, 1020, 900, 1140), 20, 160, fill=(170, 90, 90), width=14)  # smile
img = img.filter(ImageFilter.GaussianBlur(2))
img.save(sys.argv[1] if len(sys.argv) > 1 else "portrait.jpg", quality=88)

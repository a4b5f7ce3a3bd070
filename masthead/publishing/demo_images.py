"""Pictures for the demo content, painted with Pillow at demo time (nothing is downloaded).

Each picture is a simple coastal scene drawn from a seed, so the same demo always gets the
same images and different articles get different ones.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PALETTES = {
    "dawn": [(255, 183, 130), (250, 221, 182), (64, 96, 140), (36, 58, 92)],
    "noon": [(120, 180, 230), (205, 230, 250), (30, 110, 160), (20, 70, 110)],
    "dusk": [(90, 60, 120), (240, 140, 110), (50, 50, 90), (25, 25, 55)],
    "storm": [(95, 105, 120), (160, 170, 180), (60, 75, 85), (35, 45, 52)],
    "forest": [(170, 210, 200), (230, 240, 225), (50, 110, 80), (25, 65, 45)],
    "night": [(15, 25, 55), (50, 70, 120), (20, 30, 60), (8, 12, 30)],
}


def _lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def _gradient(draw, width, top, bottom, start, end):
    for y in range(top, bottom):
        t = (y - top) / max(1, bottom - top - 1)
        draw.line([(0, y), (width, y)], fill=_lerp(start, end, t))


def paint_scene(
    seed: int, *, width: int = 1600, height: int = 1000, mood: str | None = None
) -> Image.Image:
    """A coastal scene: sky, sun or moon, hills, a town on the shore, sea and boats."""
    rng = random.Random(seed)
    mood = mood or rng.choice(sorted(PALETTES))
    sky_top, sky_bottom, sea_top, sea_bottom = PALETTES[mood]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.52, 0.64))

    _gradient(draw, width, 0, horizon, sky_top, sky_bottom)
    if mood == "night":
        for _ in range(160):
            x, y = rng.randrange(width), rng.randrange(horizon)
            draw.point((x, y), fill=(230, 230, 255))

    sun_x = int(width * rng.uniform(0.15, 0.85))
    sun_y = int(horizon * rng.uniform(0.25, 0.7))
    sun_r = int(height * rng.uniform(0.05, 0.09))
    sun_colour = (255, 245, 210) if mood != "dusk" else (255, 200, 150)
    glow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(glow).ellipse(
        [sun_x - sun_r * 3, sun_y - sun_r * 3, sun_x + sun_r * 3, sun_y + sun_r * 3], fill=90
    )
    glow = glow.filter(ImageFilter.GaussianBlur(sun_r))
    image.paste(Image.new("RGB", (width, height), sun_colour), (0, 0), glow)
    draw = ImageDraw.Draw(image)
    draw.ellipse([sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r], fill=sun_colour)

    for layer in range(3):
        shade = _lerp(sky_bottom, sea_bottom, 0.35 + layer * 0.2)
        base = horizon - int(height * (0.02 + 0.05 * (2 - layer)))
        amplitude = height * rng.uniform(0.03, 0.09)
        phase, frequency = rng.uniform(0, math.tau), rng.uniform(1.0, 3.0)
        points = [(0, horizon)]
        for x in range(0, width + 20, 20):
            y = base - amplitude * (0.5 + 0.5 * math.sin(phase + frequency * x / width * math.tau))
            points.append((x, int(y)))
        points.append((width, horizon))
        draw.polygon(points, fill=shade)

    town_left = int(width * rng.uniform(0.05, 0.45))
    x = town_left
    while x < town_left + width * rng.uniform(0.25, 0.45):
        w = rng.randint(28, 70)
        h = rng.randint(30, 130)
        colour = _lerp(sea_bottom, (240, 235, 225), rng.uniform(0.35, 0.85))
        draw.rectangle([x, horizon - h, x + w, horizon], fill=colour)
        draw.polygon(
            [
                (x - 4, horizon - h),
                (x + w // 2, horizon - h - rng.randint(12, 30)),
                (x + w + 4, horizon - h),
            ],
            fill=_lerp(colour, (120, 40, 30), 0.5),
        )
        for wy in range(horizon - h + 12, horizon - 10, 22):
            for wx in range(x + 6, x + w - 10, 16):
                if rng.random() < 0.7:
                    lit = (
                        (255, 220, 140)
                        if mood in {"dusk", "night"}
                        else _lerp(colour, (40, 50, 70), 0.5)
                    )
                    draw.rectangle([wx, wy, wx + 7, wy + 10], fill=lit)
        x += w + rng.randint(2, 10)
    if rng.random() < 0.6:
        lx = int(width * rng.uniform(0.7, 0.92))
        draw.polygon(
            [
                (lx - 18, horizon),
                (lx - 10, horizon - 150),
                (lx + 10, horizon - 150),
                (lx + 18, horizon),
            ],
            fill=(245, 245, 240),
        )
        for band in range(3):
            top = horizon - 140 + band * 45
            draw.rectangle(
                [lx - 13 + band * 1, top, lx + 13 - band * 1, top + 18], fill=(190, 40, 40)
            )
        draw.rectangle([lx - 14, horizon - 170, lx + 14, horizon - 150], fill=(255, 240, 170))

    _gradient(draw, width, horizon, height, sea_top, sea_bottom)
    for _ in range(220):
        y = rng.randint(horizon + 4, height)
        x = rng.randint(0, width)
        length = int(10 + 60 * (y - horizon) / (height - horizon))
        draw.line(
            [(x, y), (x + length, y)],
            fill=_lerp(sea_top, (255, 255, 255), rng.uniform(0.1, 0.35)),
            width=2,
        )
    draw.line(
        [(sun_x, horizon + 2), (sun_x, height)],
        fill=_lerp(sea_top, sun_colour, 0.35),
        width=max(4, sun_r // 3),
    )

    for _ in range(rng.randint(1, 4)):
        bx = rng.randint(50, width - 150)
        by = rng.randint(horizon + 30, height - 60)
        scale = 0.5 + (by - horizon) / (height - horizon)
        hull = [
            (bx, by),
            (bx + int(120 * scale), by),
            (bx + int(100 * scale), by + int(22 * scale)),
            (bx + int(18 * scale), by + int(22 * scale)),
        ]
        draw.polygon(hull, fill=(rng.randint(120, 200), 40, 40))
        mast_x = bx + int(55 * scale)
        draw.line([(mast_x, by), (mast_x, by - int(90 * scale))], fill=(60, 50, 40), width=3)
        draw.polygon(
            [
                (mast_x + 3, by - int(85 * scale)),
                (mast_x + 3, by - 6),
                (mast_x + int(50 * scale), by - 6),
            ],
            fill=(250, 248, 240),
        )

    return image.filter(ImageFilter.SMOOTH)


def paint_portrait(seed: int, *, size: int = 480) -> Image.Image:
    """A friendly abstract portrait for an author (a silhouette on a coloured ground)."""
    rng = random.Random(seed)
    ground = rng.choice(
        [(226, 132, 98), (96, 156, 196), (126, 178, 120), (198, 160, 220), (240, 200, 90)]
    )
    image = Image.new("RGB", (size, size), ground)
    draw = ImageDraw.Draw(image)
    skin = rng.choice([(241, 204, 170), (198, 148, 110), (141, 98, 70), (96, 64, 44)])
    hair = rng.choice([(40, 30, 25), (120, 80, 40), (200, 170, 110), (90, 90, 95)])
    cloth = _lerp(ground, (20, 30, 50), 0.6)
    draw.ellipse([size * 0.18, size * 0.72, size * 0.82, size * 1.3], fill=cloth)
    draw.rectangle([size * 0.43, size * 0.55, size * 0.57, size * 0.78], fill=skin)
    draw.ellipse([size * 0.3, size * 0.2, size * 0.7, size * 0.66], fill=skin)
    draw.chord([size * 0.27, size * 0.14, size * 0.73, size * 0.56], 180, 360, fill=hair)
    return image


def to_jpeg(image: Image.Image, quality: int = 84) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def paint_wordmark(name: str, *, width: int = 600, height: int = 60) -> bytes:
    """The publication's name as a wide logo (PNG), in Pillow's own font: Google's article
    metadata asks for a publisher logo of about this shape."""
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    size = 44
    font = ImageFont.load_default(size=size)
    while draw.textlength(name, font=font) > width - 20 and size > 12:
        size -= 2
        font = ImageFont.load_default(size=size)
    left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
    origin = ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top)
    draw.text(origin, name, font=font, fill=(24, 26, 32))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()

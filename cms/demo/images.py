"""Illustrations for the demo articles, drawn with Pillow.

Each picture is a simple landscape (sky, sun or moon, hills, fields, water,
buildings) whose kind follows the article's category and whose colours,
shapes and time of day follow a seed, so the same article always gets the
same picture. Every picture comes with an alt text in Vietnamese that says
what it shows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: Size of the pictures: 16:9, as wide as the article column of the themes.
WIDTH, HEIGHT = 1200, 675

#: TrueType font of the caption band, when installed (Debian: fonts-dejavu-core).
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Sky:
    """Colours of one time of day."""

    #: How the alt text names it, e.g. ``lúc bình minh``.
    label: str
    top: RGB
    horizon: RGB
    sun: RGB
    #: Whether it is night: a moon instead of the sun, lit windows.
    night: bool = False


SKIES = (
    Sky("lúc bình minh", (96, 140, 200), (250, 196, 150), (255, 236, 190)),
    Sky("giữa buổi sáng", (70, 140, 215), (190, 225, 245), (255, 250, 225)),
    Sky("buổi trưa nắng đẹp", (40, 120, 210), (165, 215, 245), (255, 255, 235)),
    Sky("lúc hoàng hôn", (70, 80, 150), (250, 160, 100), (255, 210, 140)),
    Sky("khi trời chạng vạng", (30, 40, 90), (200, 120, 130), (255, 220, 170)),
)
NIGHT = Sky("về đêm", (8, 14, 40), (40, 60, 110), (245, 240, 215), night=True)
STORM = Sky("khi trời nhiều mây", (90, 100, 115), (170, 178, 188), (230, 230, 225))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour ``t`` of the way from ``a`` to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _jitter(rng: random.Random, colour: RGB, amount: int = 18) -> RGB:
    """``colour`` moved a little at random, each channel kept within 0-255."""
    return (
        max(0, min(255, colour[0] + rng.randint(-amount, amount))),
        max(0, min(255, colour[1] + rng.randint(-amount, amount))),
        max(0, min(255, colour[2] + rng.randint(-amount, amount))),
    )


def _sky(draw: ImageDraw.ImageDraw, sky: Sky, horizon: int) -> None:
    """A vertical gradient from the top colour to the horizon colour."""
    for y in range(HEIGHT):
        t = min(1.0, y / max(1, horizon))
        draw.line([(0, y), (WIDTH, y)], fill=_mix(sky.top, sky.horizon, t**1.4))


def _sun(draw: ImageDraw.ImageDraw, rng: random.Random, sky: Sky, horizon: int) -> None:
    """The sun (or the moon) with a soft halo."""
    x = rng.randint(150, WIDTH - 150)
    y = rng.randint(70, max(80, horizon - 120))
    radius = rng.randint(38, 60) if not sky.night else rng.randint(26, 36)
    for ring in range(6, 0, -1):
        halo = _mix(sky.horizon, sky.sun, 0.25 + 0.1 * (6 - ring))
        r = radius + ring * 9
        draw.ellipse([x - r, y - r, x + r, y + r], fill=halo)
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=sky.sun)
    if sky.night:
        for _ in range(90):
            sx, sy = rng.randint(0, WIDTH), rng.randint(0, max(1, horizon - 40))
            draw.point((sx, sy), fill=(230, 235, 255))


def _ridge(
    rng: random.Random, base: int, amplitude: int, roughness: float = 1.0
) -> list[tuple[int, int]]:
    """Points of a hill line around height ``base``, as sums of random sine waves."""
    waves = [
        (
            rng.uniform(0.5, 1.0) * amplitude / (i + 1),
            rng.uniform(0.002, 0.006) * (i + 1) * roughness,
            rng.uniform(0, math.tau),
        )
        for i in range(3)
    ]
    points = []
    for x in range(0, WIDTH + 20, 20):
        y = base + sum(a * math.sin(x * f + p) for a, f, p in waves)
        points.append((x, round(y)))
    return points


def _hills(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    sky: Sky,
    near: RGB,
    horizon: int,
    layers: int = 3,
) -> None:
    """Layers of hills, the far ones paler (air between them and the viewer)."""
    for layer in range(layers):
        depth = (layers - layer) / layers  # 1 = farthest
        colour = _mix(_jitter(rng, near, 12), sky.horizon, 0.65 * depth)
        base = horizon - round(90 * depth) + rng.randint(-15, 15)
        ridge = _ridge(rng, base, rng.randint(30, 70))
        draw.polygon([*ridge, (WIDTH, HEIGHT), (0, HEIGHT)], fill=colour)


def _fields(
    draw: ImageDraw.ImageDraw, rng: random.Random, colours: list[RGB], horizon: int
) -> None:
    """Fields in perspective: bands that widen towards the viewer, meeting far away."""
    vanish_x = rng.randint(WIDTH // 3, 2 * WIDTH // 3)
    bands = rng.randint(9, 14)
    edges = [round(-WIDTH * 0.8 + i * (WIDTH * 2.6) / bands) for i in range(bands + 1)]
    for i in range(bands):
        left, right = edges[i], edges[i + 1]
        colour = _jitter(rng, colours[i % len(colours)], 10)
        draw.polygon(
            [(vanish_x - 40 + i * 80 // bands, horizon), (left, HEIGHT), (right, HEIGHT)],
            fill=colour,
        )
    # furrows across the bands, closer together near the horizon
    for k in range(1, 14):
        y = horizon + round((HEIGHT - horizon) * (k / 14) ** 1.8)
        draw.line([(0, y), (WIDTH, y)], fill=_mix(colours[0], (40, 60, 20), 0.35), width=1)


def _terraces(
    draw: ImageDraw.ImageDraw, rng: random.Random, colours: list[RGB], horizon: int
) -> None:
    """Rice terraces: curved steps down the slope."""
    steps = rng.randint(7, 10)
    for i in range(steps):
        top = horizon + round((HEIGHT - horizon) * (i / steps) ** 1.3)
        ridge = _ridge(rng, top, 18, roughness=0.6)
        colour = _jitter(rng, colours[i % len(colours)], 10)
        draw.polygon([*ridge, (WIDTH, HEIGHT), (0, HEIGHT)], fill=colour)
        draw.line(ridge, fill=_mix(colour, (255, 255, 230), 0.35), width=3)


def _water(draw: ImageDraw.ImageDraw, rng: random.Random, sky: Sky, top: int) -> None:
    """A lake or river reflecting the sky, with light ripples."""
    deep = (20, 60, 90)
    for y in range(top, HEIGHT):
        t = (y - top) / max(1, HEIGHT - top)
        draw.line([(0, y), (WIDTH, y)], fill=_mix(_mix(sky.horizon, sky.top, t), deep, 0.4))
    glint = _mix(sky.horizon, (255, 255, 255), 0.35)
    for _ in range(140):
        y = rng.randint(top + 6, HEIGHT - 4)
        near = (y - top) / max(1, HEIGHT - top)  # ripples look longer close up
        length = round(rng.randint(20, 60) * (0.4 + near))
        x = rng.randint(-20, WIDTH)
        draw.line([(x, y), (x + length, y)], fill=glint, width=1 if near < 0.5 else 2)


def _buildings(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    sky: Sky,
    ground: int,
    palette: list[RGB],
    count: int,
) -> None:
    """A row of buildings with windows (lit at night)."""
    x = rng.randint(-40, 20)
    while x < WIDTH and count > 0:
        width = rng.randint(70, 150)
        height = rng.randint(120, 330)
        colour = _jitter(rng, rng.choice(palette), 14)
        if sky.night:
            colour = _mix(colour, (10, 15, 35), 0.7)
        draw.rectangle([x, ground - height, x + width, ground], fill=colour)
        for wy in range(ground - height + 16, ground - 20, 26):
            for wx in range(x + 12, x + width - 16, 22):
                lit = sky.night and rng.random() < 0.55
                window = (255, 214, 120) if lit else _mix(colour, sky.top, 0.5)
                draw.rectangle([wx, wy, wx + 10, wy + 14], fill=window)
        x += width + rng.randint(6, 30)
        count -= 1


def _tree(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, colour: RGB) -> None:
    """A round tree on a short trunk."""
    draw.rectangle([x - 4, y - size // 2, x + 4, y], fill=(90, 60, 40))
    draw.ellipse([x - size // 2, y - size * 3 // 2, x + size // 2, y - size // 3], fill=colour)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """The points of a five-pointed star."""
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _hall(draw: ImageDraw.ImageDraw, rng: random.Random, ground: int, wall: RGB) -> None:
    """A public building: columns, a pediment, steps and a flag on the roof."""
    width = rng.randint(520, 680)
    left = (WIDTH - width) // 2 + rng.randint(-120, 120)
    top = ground - rng.randint(200, 250)
    roof = _mix(wall, (120, 40, 30), 0.6)
    draw.rectangle([left, top, left + width, ground], fill=wall)
    draw.polygon(
        [(left - 20, top), (left + width // 2, top - 70), (left + width + 20, top)], fill=roof
    )
    shade = _mix(wall, (60, 60, 60), 0.25)
    for i in range(8):
        cx = left + 40 + i * (width - 80) // 7
        draw.rectangle(
            [cx - 9, top + 20, cx + 9, ground - 24], fill=_mix(wall, (255, 255, 255), 0.5)
        )
        draw.line([(cx + 9, top + 20), (cx + 9, ground - 24)], fill=shade, width=3)
    for step in range(3):
        draw.rectangle(
            [
                left - 20 - step * 14,
                ground - 24 + step * 8,
                left + width + 20 + step * 14,
                ground + 8 * step,
            ],
            fill=_mix(wall, (200, 200, 200), 0.4 + 0.15 * step),
        )
    pole_x = left + width // 2
    draw.line([(pole_x, top - 70), (pole_x, top - 190)], fill=(90, 90, 90), width=4)
    draw.rectangle([pole_x + 2, top - 190, pole_x + 92, top - 130], fill=(218, 37, 29))
    draw.polygon(_star(pole_x + 47, top - 160, 19), fill=(255, 221, 0))


def _lanterns(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """A string of red and yellow lanterns across the top of the picture."""
    sag = rng.randint(40, 90)
    count = rng.randint(7, 11)
    string = [(x, 40 + round(sag * math.sin(math.pi * x / WIDTH))) for x in range(0, WIDTH + 1, 20)]
    draw.line(string, fill=(60, 40, 30), width=2)
    for i in range(count):
        x = round((i + 0.5) * WIDTH / count)
        y = 40 + round(sag * math.sin(math.pi * x / WIDTH))
        colour = rng.choice([(214, 40, 40), (230, 70, 40), (240, 180, 40)])
        draw.line([(x, y), (x, y + 16)], fill=(60, 40, 30), width=2)
        draw.ellipse([x - 20, y + 16, x + 20, y + 62], fill=colour)
        draw.rectangle([x - 8, y + 60, x + 8, y + 66], fill=(240, 200, 60))
        draw.line([(x, y + 66), (x, y + 86)], fill=(240, 200, 60), width=2)


def _network(draw: ImageDraw.ImageDraw, rng: random.Random, bottom: int) -> None:
    """Points joined to their neighbours: a picture of data moving over a network."""
    nodes = [(rng.randint(30, WIDTH - 30), rng.randint(30, bottom)) for _ in range(34)]
    for i, (x1, y1) in enumerate(nodes):
        near = sorted(nodes, key=lambda n: (n[0] - x1) ** 2 + (n[1] - y1) ** 2)[1:3]
        for x2, y2 in near:
            draw.line([(x1, y1), (x2, y2)], fill=(60, 170, 220), width=2)
        r = 5 if i % 4 else 9
        draw.ellipse([x1 - r - 4, y1 - r - 4, x1 + r + 4, y1 + r + 4], fill=(30, 80, 140))
        draw.ellipse([x1 - r, y1 - r, x1 + r, y1 + r], fill=(140, 230, 255))


def _clouds(draw: ImageDraw.ImageDraw, rng: random.Random, colour: RGB, count: int) -> None:
    """Clusters of overlapping ellipses."""
    for _ in range(count):
        cx, cy = rng.randint(-50, WIDTH + 50), rng.randint(30, 260)
        grey = rng.randint(-14, 14)
        shade = (colour[0] + grey, colour[1] + grey, colour[2] + grey)
        for _ in range(7):
            w, h = rng.randint(90, 200), rng.randint(40, 80)
            dx, dy = rng.randint(-120, 120), rng.randint(-25, 25)
            draw.ellipse([cx + dx - w, cy + dy - h, cx + dx + w, cy + dy + h], fill=shade)


def _rain(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """Slanting streaks of rain."""
    for _ in range(420):
        x, y = rng.randint(-100, WIDTH), rng.randint(0, HEIGHT)
        length = rng.randint(18, 34)
        draw.line([(x, y), (x + length // 3, y + length)], fill=(200, 208, 220), width=1)


# --- scenes -------------------------------------------------------------------------------
# Each scene draws on a blank picture and returns what the picture shows (for the alt text).


def scene_fields(img: Image.Image, rng: random.Random) -> str:
    """Ripe or young rice below the hills."""
    draw = ImageDraw.Draw(img)
    sky = rng.choice(SKIES)
    horizon = rng.randint(300, 380)
    _sky(draw, sky, horizon)
    _sun(draw, rng, sky, horizon)
    _hills(draw, rng, sky, (60, 110, 70), horizon)
    ripe = rng.random() < 0.5
    golds = [(224, 182, 60), (205, 160, 45), (236, 200, 90)]
    greens = [(96, 160, 60), (120, 180, 70), (80, 140, 55)]
    if rng.random() < 0.5:
        _terraces(draw, rng, golds if ripe else greens, horizon)
        shape = "ruộng bậc thang"
    else:
        _fields(draw, rng, golds if ripe else greens, horizon)
        shape = "cánh đồng"
    state = "lúa chín vàng" if ripe else "lúa xanh"
    return f"{shape} {state} dưới chân đồi {sky.label}"


def scene_city(img: Image.Image, rng: random.Random) -> str:
    """A street of offices and houses, by day or by night."""
    draw = ImageDraw.Draw(img)
    sky = NIGHT if rng.random() < 0.25 else rng.choice(SKIES)
    ground = rng.randint(520, 580)
    _sky(draw, sky, ground)
    _sun(draw, rng, sky, ground - 150)
    _hills(draw, rng, sky, (70, 100, 90), ground - 150, layers=2)
    pale = [(200, 196, 186), (222, 214, 196), (176, 190, 204), (236, 226, 206)]
    _buildings(draw, rng, sky, ground, pale, count=rng.randint(8, 12))
    road = (70, 72, 78) if not sky.night else (30, 32, 40)
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=road)
    for x in range(rng.randint(0, 60), WIDTH, 120):
        draw.rectangle([x, ground + 50, x + 60, ground + 56], fill=(235, 235, 220))
    if not sky.night:
        for x in range(rng.randint(20, 80), WIDTH, rng.randint(130, 200)):
            _tree(draw, x, ground + 6, rng.randint(40, 60), _jitter(rng, (60, 130, 60)))
    return f"phố phường với nhà cao tầng và hàng cây {sky.label}"


def scene_hall(img: Image.Image, rng: random.Random) -> str:
    """A public office building with a flag, lawns and trees."""
    draw = ImageDraw.Draw(img)
    sky = rng.choice(SKIES[:4])
    ground = rng.randint(540, 590)
    _sky(draw, sky, ground)
    _sun(draw, rng, sky, ground - 250)
    _hills(draw, rng, sky, (70, 110, 80), ground - 160, layers=2)
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=_jitter(rng, (90, 150, 70)))
    wall = _jitter(rng, rng.choice([(238, 222, 170), (236, 230, 214), (222, 200, 150)]))
    _hall(draw, rng, ground, wall)
    for x in (rng.randint(40, 120), rng.randint(WIDTH - 140, WIDTH - 50)):
        _tree(draw, x, ground + 10, rng.randint(70, 100), _jitter(rng, (50, 120, 60)))
    return f"trụ sở cơ quan hành chính có cờ đỏ sao vàng trên mái {sky.label}"


def scene_lake(img: Image.Image, rng: random.Random, festive: bool = False) -> str:
    """Mountains over a lake; at festival time, with lanterns."""
    draw = ImageDraw.Draw(img)
    sky = rng.choice(SKIES)
    shore = rng.randint(380, 440)
    _sky(draw, sky, shore)
    _sun(draw, rng, sky, shore)
    _hills(draw, rng, sky, (50, 95, 80), shore, layers=4)
    _water(draw, rng, sky, shore)
    if festive:
        _lanterns(draw, rng)
        return f"đèn lồng đỏ treo trước hồ nước và dãy núi {sky.label}"
    return f"hồ nước phẳng lặng dưới những dãy núi {sky.label}"


def scene_festival(img: Image.Image, rng: random.Random) -> str:
    """The lake scene, with a string of lanterns."""
    return scene_lake(img, rng, festive=True)


def scene_digital(img: Image.Image, rng: random.Random) -> str:
    """A city at night under a web of connected points."""
    draw = ImageDraw.Draw(img)
    ground = rng.randint(560, 610)
    _sky(draw, NIGHT, ground)
    _network(draw, rng, ground - 300)
    navy = [(60, 80, 120), (70, 90, 140), (50, 70, 110)]
    _buildings(draw, rng, NIGHT, ground, navy, count=rng.randint(10, 14))
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(14, 20, 38))
    return "thành phố về đêm dưới mạng lưới các điểm kết nối, minh họa dữ liệu số"


def scene_weather(img: Image.Image, rng: random.Random) -> str:
    """Heavy clouds and rain over hills and a swollen river."""
    draw = ImageDraw.Draw(img)
    horizon = rng.randint(380, 430)
    _sky(draw, STORM, horizon)
    _clouds(draw, rng, (110, 116, 128), rng.randint(6, 9))
    _hills(draw, rng, STORM, (70, 95, 80), horizon)
    _water(draw, rng, STORM, rng.randint(520, 580))
    _rain(draw, rng)
    return "mây đen và mưa lớn trên đồi núi, nước sông dâng cao"


#: Scene name -> drawing function.
SCENES: dict[str, Callable[[Image.Image, random.Random], str]] = {
    "fields": scene_fields,
    "city": scene_city,
    "hall": scene_hall,
    "lake": scene_lake,
    "festival": scene_festival,
    "digital": scene_digital,
    "weather": scene_weather,
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans when installed, else Pillow's built-in font."""
    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size)
    return ImageFont.load_default(size=size)


def _caption(img: Image.Image, text: str) -> Image.Image:
    """Add a translucent band with ``text`` along the bottom; returns the new picture."""
    band = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    draw.rectangle([0, HEIGHT - 58, WIDTH, HEIGHT], fill=(0, 0, 0, 130))
    draw.text((28, HEIGHT - 29), text, font=_font(26), fill=(255, 255, 255, 235), anchor="lm")
    return Image.alpha_composite(img.convert("RGBA"), band).convert("RGB")


def render(scene: str, seed: int, caption: str = "") -> tuple[Image.Image, str]:
    """Draw ``scene`` with ``seed``; returns the picture and a Vietnamese alt text.

    The same scene and seed always give the same picture.
    """
    rng = random.Random(seed)
    img = Image.new("RGB", (WIDTH, HEIGHT))
    shows = SCENES[scene](img, rng)
    if caption:
        img = _caption(img, caption)
    return img, f"Ảnh minh họa: {shows}"

"""A challenge's image, drawn the same every time it is asked for.

The ``captcha`` library (:class:`captcha.image.ImageCaptcha`) draws each image
with fresh randomness (:mod:`secrets`): asking for the same challenge's image
again gave another drawing of the same characters, and a reader of images
(OCR) could average several drawings until the characters stood out. Here
the same steps (its fonts, offsets, rotation, warp, noise dots and curve,
smoothing) take their randomness from a :class:`random.Random` seeded by the
caller, who derives the seed from the challenge's nonce and the server's
secret: one challenge, one drawing, byte for byte; nobody without the secret
can predict it.
"""

from __future__ import annotations

import random
from io import BytesIO

from captcha.image import ImageCaptcha
from PIL import Image, ImageDraw, ImageFilter

Color = tuple[int, ...]


class SeededDrawing:
    """Draws ``chars`` as :class:`~captcha.image.ImageCaptcha` does, from ``seed`` alone.

    ``width`` and ``height`` in pixels; ``seed``: bytes (32 from an HMAC).
    """

    def __init__(self, width: int, height: int, seed: bytes) -> None:
        #: The library's drawing, for its fonts and its parameters.
        self.base = ImageCaptcha(width=width, height=height)
        #: Width and height of the image, in pixels.
        self.size = (width, height)
        #: The only source of randomness (not for secrets: the seed is the secret).
        self.rng = random.Random(seed)  # noqa: S311 (seeded on purpose; see the module)

    def _uniform(self) -> float:
        return self.rng.random()

    def _between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def _color(self, start: int, end: int, opacity: int | None = None) -> Color:
        rgb = tuple(self._between(start, end) for _ in range(3))
        return rgb if opacity is None else (*rgb, opacity)

    def _character(self, char: str, color: Color) -> Image.Image:
        base = self.base
        font = self.rng.choice(base.truefonts)
        probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
        _, _, w, h = probe.multiline_textbbox((1, 1), char, font=font)
        dx1 = self._between(*base.character_offset_dx)
        dy1 = self._between(*base.character_offset_dy)
        im = Image.new("RGBA", (int(w) + dx1, int(h) + dy1))
        ImageDraw.Draw(im).text((dx1, dy1), char, font=font, fill=color)
        im = im.crop(im.getbbox())
        low, high = base.character_rotate
        im = im.rotate(low + self._uniform() * (high - low), Image.Resampling.BILINEAR, expand=True)
        warp_x, warp_y = base.character_warp_dx, base.character_warp_dy
        dx2 = w * self._uniform() * (warp_x[1] - warp_x[0]) + warp_x[0]
        dy2 = h * self._uniform() * (warp_y[1] - warp_y[0]) + warp_y[0]
        x1 = int(self._uniform() * 2 * dx2 - dx2)
        y1 = int(self._uniform() * 2 * dy2 - dy2)
        x2 = int(self._uniform() * 2 * dx2 - dx2)
        y2 = int(self._uniform() * 2 * dy2 - dy2)
        w2, h2 = int(w + abs(x1) + abs(x2)), int(h + abs(y1) + abs(y2))
        quad = (x1, y1, -x1, h2 - y2, w2 + x2, h2 + y2, w2 - x2, -y1)
        im = im.resize((w2, h2))
        return im.transform((int(w), int(h)), Image.Transform.QUAD, quad)

    def _text(self, chars: str, color: Color, background: Color) -> Image.Image:
        width, height = self.size
        pieces: list[Image.Image] = []
        for char in chars:
            if self._uniform() > self.base.word_space_probability:
                pieces.append(self._character(" ", color))
            pieces.append(self._character(char, color))
        text_width = sum(piece.size[0] for piece in pieces)
        image = Image.new("RGB", (max(text_width, width), height), background)
        average = int(text_width / len(chars))
        spread = int(self.base.word_offset_dx * average)
        offset = int(average * 0.1)
        for piece in pieces:
            w, h = piece.size
            mask = piece.convert("L").point(self.base.lookup_table)
            image.paste(piece, (offset, int((height - h) / 2)), mask)
            offset = offset + w - self._between(0, spread)
        return image.resize(self.size) if image.size != self.size else image

    def _noise(self, image: Image.Image, color: Color) -> None:
        w, h = image.size
        draw = ImageDraw.Draw(image)
        for _ in range(30):
            x, y = self._between(0, w), self._between(0, h)
            draw.line(((x, y), (x - 1, y - 1)), fill=color, width=3)
        x1 = self._between(0, int(w / 5))
        x2 = self._between(int(w / 5), w)
        y1 = self._between(int(h / 5), h - int(h / 5))
        y2 = self._between(y1, h - int(h / 5))
        draw.arc([x1, y1, x2, y2], self._between(0, 20), self._between(160, 200), fill=color)

    def png(self, chars: str) -> bytes:
        """The PNG of ``chars`` (non-empty): the same bytes for the same seed and size."""
        background = self._color(238, 255)
        color = self._color(10, 200, self._between(220, 255))
        image = self._text(chars, color, background)
        self._noise(image, color)
        buffer = BytesIO()
        image.filter(ImageFilter.SMOOTH).save(buffer, format="PNG")
        return buffer.getvalue()

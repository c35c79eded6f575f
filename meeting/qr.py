"""QR codes as inline SVG (no image library, no network): juror links, the viewer address."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str, box_size: int = 10) -> str:
    """An SVG document encoding `data`, with a white quiet zone so phones read it off a projector."""
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=box_size, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode("utf-8")

"""Draw hartdesk's icon, in every form the operating systems want, into resources/icons/.

The icon is qtawesome's briefcase (``hartdesk.ui.app.APP_ICON``) in white on a rounded square of hartdesk's blue, so
it reads well on any panel, taskbar or dock. The glyph is turned into outlines, so nothing needs the icon font:

- ``hartdesk-<size>.png`` (16 to 512 pixels): the window icon (``hartdesk.ui.app.app_icon``) and Linux's hicolor
  theme (``installer/linux/stage.sh``);
- ``hartdesk.svg``: Linux's scalable icon;
- ``hartdesk.ico``: the Windows programs, shortcuts and backup files (``installer/hartdesk.spec``);
- ``hartdesk.icns``: the macOS app bundle.

Each size is drawn at that size, not scaled down from a large one. Run it again after changing the icon:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QTransform
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest a .ico holds
CANVAS = 256.0  # the drawing's own units; every size is scaled from it
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def glyph_path() -> QPainterPath:
    """The briefcase as outlines, centred in the canvas at about 55% of its width."""
    import qtawesome

    from hartdesk.ui.app import APP_ICON

    prefix, name = APP_ICON.split(".", 1)
    qtawesome.icon(APP_ICON)  # loads the icon fonts
    fonts = qtawesome._instance()  # qtawesome's own font registry: the family and code point of the glyph
    family = fonts.fontname[prefix]
    char = fonts.charmap[prefix][name]
    font = QFont(family)
    font.setPixelSize(1000)
    if prefix == "fa5s":  # Font Awesome's solid style is the heavy weight of its family
        font.setWeight(QFont.Weight.Black)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, char)
    bounds = path.boundingRect()
    scale = CANVAS * 0.55 / max(bounds.width(), bounds.height())
    path.translate(-bounds.center())
    return QTransform().translate(CANVAS / 2, CANVAS / 2).scale(scale, scale).map(path)


def paint(painter: QPainter, glyph: QPainterPath) -> None:
    from hartdesk.ui.app import APP_ICON_COLOUR

    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(APP_ICON_COLOUR))
    margin = CANVAS / 16
    tile = QRectF(margin, margin, CANVAS - 2 * margin, CANVAS - 2 * margin)
    painter.drawRoundedRect(tile, CANVAS * 0.18, CANVAS * 0.18)
    painter.setBrush(QColor("white"))
    painter.drawPath(glyph)


def draw(glyph: QPainterPath, size: int) -> QImage:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.scale(size / CANVAS, size / CANVAS)
    paint(painter, glyph)
    painter.end()
    return image


def write_png(image: QImage, out: Path) -> None:
    if not image.save(str(out)):  # PNG, from the suffix
        raise OSError(f"could not write {out}")


def write_ico_and_icns(pngs: dict[int, Path], retina: QImage, ico: Path, icns: Path) -> None:
    """Pillow writes both containers; each size inside is the PNG drawn at that size. A .icns always holds a
    1024-pixel image (512 at double density), so ``retina`` is drawn at that size too rather than scaled up."""
    from io import BytesIO

    from PIL import Image

    images = {size: Image.open(path).convert("RGBA") for size, path in pngs.items()}
    ico_images = [images[size] for size in ICO_SIZES]
    ico_images[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=ico_images[:-1])
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    retina.save(buffer, "PNG")
    largest = Image.open(BytesIO(bytes(data.data()))).convert("RGBA")
    largest.save(icns, format="ICNS", append_images=[images[size] for size in sorted(images)])


def write_svg(glyph: QPainterPath, out: Path) -> None:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(int(CANVAS), int(CANVAS)))
    generator.setViewBox(QRectF(0, 0, CANVAS, CANVAS))
    generator.setTitle("hartdesk")
    painter = QPainter(generator)
    paint(painter, glyph)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(data.data()))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])  # qtawesome needs a QApplication
    glyph = glyph_path()
    ICONS.mkdir(parents=True, exist_ok=True)
    pngs = {size: ICONS / f"hartdesk-{size}.png" for size in SIZES}
    for size, path in pngs.items():
        write_png(draw(glyph, size), path)
    write_svg(glyph, ICONS / "hartdesk.svg")
    write_ico_and_icns(pngs, draw(glyph, 1024), ICONS / "hartdesk.ico", ICONS / "hartdesk.icns")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

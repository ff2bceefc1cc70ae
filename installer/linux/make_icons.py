"""Draw hartdesk's desktop icons (hicolor PNGs and the scalable SVG) from the icon the window shows.

The window icon is qtawesome's briefcase in hartdesk's blue (``hartdesk.ui.app.APP_ICON``); a desktop icon needs a
tile behind it to read well on any panel, so it is drawn here as a white briefcase on a blue rounded square. The
glyph is turned into outlines, so the SVG needs no icon font. Run it again after changing the icon:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/linux/make_icons.py
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

APP_ID = "uk.hartdesk.Hartdesk"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
CANVAS = 256.0  # the drawing's own units; every size is scaled from it
HERE = Path(__file__).resolve().parent


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


def write_png(glyph: QPainterPath, size: int, out: Path) -> None:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.scale(size / CANVAS, size / CANVAS)
    paint(painter, glyph)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):  # PNG, from the suffix
        raise OSError(f"could not write {out}")


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
    icons = HERE / "icons" / "hicolor"
    for size in SIZES:
        write_png(glyph, size, icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    write_svg(glyph, icons / "scalable" / "apps" / f"{APP_ID}.svg")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

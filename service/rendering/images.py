"""Images placed into documents by the compiled renderer (the partnership's logo).

A template shows an image with an ordinary placeholder, ``{{ partnership.logo }}``, in a run
of its own: when the context value is an :class:`Image`, the renderer writes an inline
drawing there and adds the picture to the package (``word/media/``, a relationship of the
part that shows it, the content type). The picture's name and relationship id come from its
SHA-256, so equal documents stay byte-identical.

Only PNG is accepted: LibreOffice and Word both show it reliably in PDF/A, and its size can
be read without an image library. SVG is refused with a clear message (it would need a PNG
fallback picture and may carry scripts or external references).
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EMU_PER_MM = 36000
# The letterhead's logo box: at most this high and this wide, keeping the aspect ratio.
LOGO_HEIGHT_MM = 10
LOGO_MAX_WIDTH_MM = 60
MAX_BYTES = 2_000_000  # a letterhead logo; anything bigger is a mistake (a photo, a scan)


class ImageError(ValueError):
    """The picture cannot be used; the message says why, in English (shown as a detail)."""


@dataclass(frozen=True)
class Image:
    data: bytes
    width_px: int
    height_px: int
    width_emu: int
    height_emu: int
    description: str = ""

    @functools.cached_property
    def sha256(self) -> str:
        return sha256(self.data).hexdigest()

    @property
    def rel_id(self) -> str:
        return f"rIdFwImg{self.sha256[:12]}"

    @property
    def part_name(self) -> str:
        return f"word/media/fw-{self.sha256[:12]}.png"

    def snapshot(self) -> dict[str, str | int]:
        """What the document register keeps of the picture (its bytes are in the DOCX)."""
        return {
            "image": "image/png",
            "sha256": self.sha256,
            "width_px": self.width_px,
            "height_px": self.height_px,
        }

    def run_xml(self) -> str:
        """The inline drawing, closing the placeholder's text run and opening an empty one
        after it (as docxtpl's InlineImage does)."""
        cx, cy, rid = self.width_emu, self.height_emu, self.rel_id
        name = self.description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return (
            '</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="901" name="Logo" descr="{name}"/>'
            "<wp:cNvGraphicFramePr><a:graphicFrameLocks "
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/>'
            "</wp:cNvGraphicFramePr>"
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="logo.png" descr="{name}"/><pic:cNvPicPr/>'
            "</pic:nvPicPr>"
            '<pic:blipFill><a:blip r:embed="'
            + rid
            + '" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
            "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
            '<w:r><w:t xml:space="preserve">'
        )


def png_image(
    data: bytes,
    *,
    height_mm: float = LOGO_HEIGHT_MM,
    max_width_mm: float = LOGO_MAX_WIDTH_MM,
    description: str = "",
) -> Image:
    """A PNG scaled into a box ``height_mm`` high and at most ``max_width_mm`` wide."""
    if len(data) > MAX_BYTES:
        raise ImageError(f"the picture is larger than {MAX_BYTES // 1_000_000} MB")
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR" or len(data) < 33:
        raise ImageError("the picture is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise ImageError("the PNG file has no size")
    scale = min(height_mm / height, max_width_mm / width)
    return Image(
        data=data,
        width_px=width,
        height_px=height,
        width_emu=round(width * scale * EMU_PER_MM),
        height_emu=round(height * scale * EMU_PER_MM),
        description=description,
    )


def check_logo_path(path: str) -> None:
    """Refuse what cannot be a logo before anything is read (settings from the database)."""
    if path.lower().endswith((".svg", ".svgz")):
        raise ImageError(
            "SVG logos are not supported; please save the logo as a PNG file and give that"
        )
    if not path.lower().endswith(".png"):
        raise ImageError("the logo must be a PNG file (.png)")


@functools.lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int, size: int, description: str) -> Image:
    return png_image(Path(path).read_bytes(), description=description)


def load_logo(path: str, description: str = "") -> Image:
    """The logo at ``path``, read once per process while the file is unchanged."""
    check_logo_path(path)
    try:
        stat = Path(path).stat()
        return _read(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, description)
    except OSError as exc:
        raise ImageError(f"cannot read the logo {path}: {exc.strerror or exc}") from exc

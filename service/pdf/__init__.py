"""DOCX → PDF/A-2b with a warm, hardened LibreOffice per worker process."""

from .converter import ConversionError, PdfConverter, convert_cold, get_converter

__all__ = ["ConversionError", "PdfConverter", "convert_cold", "get_converter", "office_pdf"]


def office_pdf(
    docx: bytes, title: str, subject: str, author: str, *, watermark: str | None = None
) -> bytes:
    """The production PDF port (``service.uow.PdfPort``): this process's warm LibreOffice,
    PDF/A."""
    return get_converter().convert(
        docx, pdfa=True, title=title, subject=subject, author=author, watermark=watermark
    )

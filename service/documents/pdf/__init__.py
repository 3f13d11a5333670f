"""DOCX → PDF/A-2b with a warm, hardened LibreOffice per worker process."""

from .converter import ConversionError, PdfConverter, convert_cold, get_converter

__all__ = ["ConversionError", "PdfConverter", "convert_cold", "get_converter"]

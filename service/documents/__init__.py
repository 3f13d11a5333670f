"""Rendering adapters: DOCX from templates, PDF conversion, storage."""

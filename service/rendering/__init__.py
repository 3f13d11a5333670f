"""Rendering documents: DOCX templates, their contexts, letterhead and images."""

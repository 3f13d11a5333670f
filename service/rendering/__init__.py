"""Rendering documents: templates (DOCX), their contexts, letterhead and images."""

"""The rental contract as a PDF: see mobility/pdf.py for what WeasyPrint may read."""

from mobility.pdf import render_pdf

__all__ = ["render_pdf"]

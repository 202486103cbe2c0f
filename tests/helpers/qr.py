"""QR codes read back from images, SVG and PDF pages."""

import io

import pypdfium2
import zxingcpp
from fpdf import FPDF
from PIL import Image

RENDER_DPI = 100


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def svg_as_image(svg: bytes) -> Image.Image:
    """Rasterise through a PDF: fpdf2 reads the SVG, PDFium paints it."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(svg), x=20, y=20, w=120)
    return rendered_pages(bytes(pdf.output()))[0]


def rendered_pages(pdf: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=RENDER_DPI / 72).to_pil() for page in document]
    finally:
        document.close()

"""The look of qingdan's Word documents, after GB/T 9704-2012 (党政机关公文格式), with python-docx.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm); title 2号 (22 pt)
方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312 with a two-character first-line indent and exact line
spacing of 28.95 pt (22 lines a page); level-one headings (一、) in 黑体, level-two ((一)) in 楷体_GB2312, 1. in
the body face; page numbers "— 1 —" in 4号 宋体 in the footer. Tables use "Table Grid" in 小四 仿宋 with no
first-line indent.

Chinese faces need the ``w:eastAsia`` font slot, which python-docx's ``font.name`` does not set, and the built-in
heading styles carry theme-font attributes that override explicit fonts (LibreOffice drew 黑体 as 楷体); both are
handled here, once (../shared/library-notes-2.md). Nothing here knows what a document says.

The font names are the ones Word users have. For viewing with LibreOffice on a machine without them,
``fonts.conf`` beside this module maps them to Noto CJK and AR PL UKai: ``FONTCONFIG_FILE=…/fonts.conf soffice …``.
"""

from __future__ import annotations

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
LINE = Pt(28.95)
PLACEHOLDER = "【待补充"  # a placeholder's opening: shown highlighted so nobody sends it unnoticed

TITLE_STYLE = "公文标题"
SUBTITLE_STYLE = "公文副标题"
HEADING1 = "Heading 1"
HEADING2 = "Heading 2"
TABLE_TEXT = "表格文字"


def set_font(target, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Set every font slot (ascii, hAnsi, eastAsia, cs) of a run or a style to ``name``, dropping theme fonts."""
    font = target.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = target.element if hasattr(target, "type") else target._element
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _paragraph_format(style, *, indent: bool, align=None, before: float = 0, after: float = 0, line=LINE) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    fmt.keep_with_next = None
    if align is not None:
        fmt.alignment = align


def _style(document, name: str, base: str = "Normal"):
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        return style


def new_document() -> Document:
    """An empty A4 document with the official-document page set-up and styles."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)

    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    _paragraph_format(normal, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    title = _style(document, TITLE_STYLE)
    set_font(title, TITLE_FONT, 22, bold=False)
    _paragraph_format(title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, after=14, line=Pt(36))
    subtitle = _style(document, SUBTITLE_STYLE)
    set_font(subtitle, KAI, 16)
    _paragraph_format(subtitle, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, after=14)

    for name, face in ((HEADING1, HEI), (HEADING2, KAI)):
        style = document.styles[name]
        set_font(style, face, 16, bold=False)
        style.font.italic = False
        style.font.color.rgb = None
        _paragraph_format(style, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        style.paragraph_format.keep_with_next = True

    cell = _style(document, TABLE_TEXT)
    set_font(cell, BODY_FONT, 12)
    _paragraph_format(cell, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)

    _page_numbers(section)
    return document


def _page_numbers(section) -> None:
    """Page numbers "— 1 —" centred in the footer, 4号 宋体: the PAGE field between two em dashes."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    set_font(paragraph.add_run("— "), SONG, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()  # a run for each part of the field, as Word writes it
        set_font(run, SONG, 14)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run._element.append(_text(text))
    set_font(paragraph.add_run(" —"), SONG, 14)


def _text(value: str):
    element = OxmlElement("w:t")
    element.text = value
    return element


def add_text(paragraph, text: str) -> None:
    """Append ``text`` to a paragraph; a 【待补充:…】 placeholder in it is highlighted yellow."""
    while text:
        start = text.find(PLACEHOLDER)
        if start < 0:
            paragraph.add_run(text)
            return
        end = text.find("】", start)
        end = len(text) if end < 0 else end + 1
        if start:
            paragraph.add_run(text[:start])
        paragraph.add_run(text[start:end]).font.highlight_color = WD_COLOR_INDEX.YELLOW
        text = text[end:]


def title(document, text: str, subtitle: str | None = None) -> None:
    for line in text.split("\n"):
        document.add_paragraph(line, style=TITLE_STYLE)
    if subtitle:
        document.add_paragraph(subtitle, style=SUBTITLE_STYLE)


def heading(document, text: str, level: int = 1) -> None:
    document.add_paragraph(text, style=HEADING1 if level == 1 else HEADING2)


def body(document, text: str, *, indent: bool = True):
    paragraph = document.add_paragraph()
    if not indent:
        paragraph.paragraph_format.first_line_indent = Pt(0)
    add_text(paragraph, text)
    return paragraph


def signature(document, owner: str | None, date_text: str) -> None:
    """The issuing office and the date, right-aligned, four characters from the right margin, after a blank line."""
    document.add_paragraph()
    for line in (owner, date_text):
        if line:
            paragraph = document.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(64)
            paragraph.paragraph_format.first_line_indent = Pt(0)


def table(document, header: list[str], rows: list[list[str]], widths_mm: list[float] | None = None):
    """A "Table Grid" table, header row in 黑体 and repeated on every page, cells in 小四 仿宋 without indent."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles[TABLE_TEXT]
        set_font(paragraph.add_run(text), HEI, 12)
    _repeat_header(grid.rows[0])
    for values in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles[TABLE_TEXT]
            add_text(paragraph, str(text))
    if widths_mm:  # LibreOffice reads the grid's column widths, Word the cells': set both
        grid.autofit = False
        for column, width in zip(grid.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
    return grid


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)

#!/usr/bin/env python3
"""Writes views/reports_template.docx, the template of the report's DOCX:
godocx's default template with only the styles the report uses (its
styles.xml carries 165, 430 kB, which godocx parsed and wrote again on
every export), and without the duplicate stylesWithEffects part.

Usage: scripts/report-docx-template.py "$(go env GOMODCACHE)/github.com/gomutex/godocx@<version>/templates/default.docx"
"""
import re
import sys
import zipfile

KEEP = ["Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Title", "TitleChar", "Subtitle",
        "SubtitleChar", "Heading1", "Heading1Char", "Heading2", "Heading2Char", "Caption", "Quote", "QuoteChar"]


def trim_styles(xml):
    head, rest = xml.split("<w:style ", 1)
    head = re.sub(r"<w:latentStyles.*?</w:latentStyles>", "", head, flags=re.S)
    kept = []
    for sid in KEEP:
        m = re.search(r'<w:style [^>]*w:styleId="%s"[^>]*>.*?</w:style>' % sid, xml, re.S)
        if not m:
            sys.exit("style %s not in the template" % sid)
        kept.append(m.group(0))
    return head + "".join(kept) + "</w:styles>"


def main(src, dst="views/reports_template.docx"):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/stylesWithEffects.xml":
                continue
            if item.filename == "word/styles.xml":
                data = trim_styles(data.decode("utf-8")).encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*stylesWithEffects[^>]*/>\s*', b"", data)
            elif item.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/word/stylesWithEffects.xml"[^>]*/>', b"", data)
            zout.writestr(item, data)


if __name__ == "__main__":
    main(*sys.argv[1:])

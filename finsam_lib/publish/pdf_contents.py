"""The contents' page numbers written into a printed PDF (issue 15: one print per report).

The report is printed with a placeholder in every contents line's page box: digits as wide as
any page number of as many digits (tabular), running through 0-9 in each font the boxes are set
in, so that the PDF embeds every digit's glyph (pdf._SET_TOC_PAGES_JS); the numbers to come
cannot move a line or a page break. Each contents line is a link to its heading, which Chromium
writes as a /Link annotation over the line with a named destination, /Dests giving the page the
heading landed on. Here each placeholder, found in the page's content stream inside its link's
rectangle, gets that page's digits (right-aligned, as the box sets them), and the page's content
stream is appended as an incremental update. Everything else — the tagged structure, the
outline, the links, the page footers — is left as printed.

What Chromium writes, relied on here: a classic cross-reference table; each page one content
stream; a text run as ``BT /Fn size Tf <Tm> <glyph> Tj [dx 0 Td <glyph> Tj ...] ET``, glyphs as
2-byte codes of a Type0 font whose /ToUnicode maps them. Where any of it does not hold, or a
digit's glyph is not in the font (a font with fewer than five contents lines, whose digits the
report shows nowhere else), or a line's placeholder is not found, :func:`with_contents_pages`
returns None and the caller prints again with the numbers in the page (pdf.PdfPrinter).
"""
from __future__ import annotations

import re
import zlib

from finsam_lib.base.errors import FinsamError

PLACEHOLDER_DIGITS = 2  # the page boxes hold two digits when printed: pages up to 99 are filled in here

# One pass over a content stream: the graphics state's save/restore and matrices, and text runs.
_OPS = re.compile(rb"(?m)^(?:(?P<q>q)|(?P<Q>Q)|(?P<cm>(?:[-.\d]+ ){6})cm|BT\n(?P<bt>.*?)\nET)$", re.S)
_FONT = re.compile(rb"/(\S+) [.\d]+ Tf")
_TM = re.compile(rb"((?:[-.\d]+ ){6})Tm")
_SHOW = re.compile(rb"<([0-9A-Fa-f]*)> Tj")


def _matrix(text: bytes) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split())


def _times(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m × n of two PDF matrices (a b c d e f)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _to_unicode(font) -> dict[str, str]:
    """A Type0 font's /ToUnicode CMap: character (one, as text) -> glyph code (hex, 4 digits)."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    text = cmap.get_object().get_data().decode("latin-1")
    codes: dict[str, str] = {}

    def put(code: int, unicode_hex: str) -> None:
        with_text = bytes.fromhex(unicode_hex).decode("utf-16-be", errors="ignore")
        codes.setdefault(with_text, f"{code:04X}")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            put(int(src, 16), dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo, hi = int(lo, 16), int(hi, 16)
            if dst.startswith("<"):
                first = int(dst[1:-1], 16)
                for k in range(hi - lo + 1):
                    put(lo + k, f"{first + k:04X}")
            else:
                for k, one in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                    put(lo + k, one)
    return codes


def _page_refs(reader) -> list:
    """The page objects' references in page order, read off the page tree without reading each page
    (pypdf's ``reader.pages`` reads every page and what it inherits: 24 ms of a 40-page report)."""
    refs, stack = [], [reader.trailer["/Root"].raw_get("/Pages")]
    while stack:
        ref = stack.pop()
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            stack += reversed(list(node.raw_get("/Kids")))
        else:
            refs.append(ref)
    return refs


def _name(dest) -> str:
    """A named destination as text: a name object without its "/" (what Chromium writes), a string as is."""
    from pypdf.generic import NameObject

    return str(dest)[1:] if isinstance(dest, NameObject) else str(dest)


def _destination_pages(reader, refs: list) -> dict[str, int] | None:
    """Named destination (a heading's id, as the contents' links name it) -> its 1-based page,
    from the catalog's /Dests dictionary (what Chromium writes); None without one."""
    dests = reader.trailer["/Root"].get("/Dests")
    if dests is None:
        return None
    numbers = {ref.idnum: k + 1 for k, ref in enumerate(refs)}
    pages = {}
    for name, target in dests.get_object().items():
        target = target.get_object()
        if isinstance(target, dict):
            target = target.get("/D")
        ref = target[0] if target else None  # an array holds references unread
        if getattr(ref, "idnum", None) in numbers:
            pages[_name(name)] = numbers[ref.idnum]
    return pages


def _links(page, pages: dict[str, int]) -> list[tuple[tuple[float, ...], str, int | None]]:
    """A page's internal links: (rectangle x1 y1 x2 y2, the named destination, the page it is on or
    None)."""
    out = []
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        dest = annot.get("/Dest")
        if annot.get("/Subtype") == "/Link" and dest is not None and not isinstance(dest, list):
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            out.append(((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), _name(dest), pages.get(_name(dest))))
    return out


def _digit_runs(stream: bytes, characters: dict[str, dict[str, str]], digits: int):
    """The text runs of a content stream that show ``digits`` digits and nothing else
    (``characters``: font name -> glyph code -> character): (the span of its show operators in
    ``stream``, the font's name, the digits shown, the run's origin in page space)."""
    ctm, saved, font = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], None
    for op in _OPS.finditer(stream):
        if op["q"]:
            saved.append(ctm)
        elif op["Q"]:
            ctm = saved.pop() if saved else ctm
        elif op["cm"]:
            ctm = _times(_matrix(op["cm"]), ctm)
        else:
            run = op["bt"]
            if (f := _FONT.search(run)) is not None:
                font = f.group(1).decode("latin-1")
            shows = list(_SHOW.finditer(run))
            codes = "".join(s.group(1).decode() for s in shows).upper()
            if not shows or len(codes) != 4 * digits or (tm := _TM.search(run)) is None:
                continue
            text = "".join(characters.get(font, {}).get(codes[k:k + 4], "?") for k in range(0, len(codes), 4))
            if not text.isdecimal():
                continue
            x, y = _times((1, 0, 0, 1, *_matrix(tm.group(1))[4:]), ctm)[4:]
            base = op.start("bt")
            yield (base + shows[0].start(), base + shows[-1].end()), font, text, (x, y)


def _widths(font) -> dict[str, float]:
    """A Type0 font's glyph widths (its CIDFont's /W; glyph space, 1/1000 of the size): glyph code
    (hex, 4 digits) -> width, for the codes /W lists, and under "" the others' (/DW, 1000 unless said)."""
    cid_font = font["/DescendantFonts"][0].get_object()
    widths, w, k = {"": float(cid_font.get("/DW", 1000))}, list(cid_font.get("/W") or []), 0
    while k + 1 < len(w):
        first, then = int(w[k]), w[k + 1].get_object() if hasattr(w[k + 1], "get_object") else w[k + 1]
        if isinstance(then, list):
            widths.update({f"{first + i:04X}": float(v) for i, v in enumerate(then)})
            k += 2
        else:
            widths.update({f"{c:04X}": float(w[k + 2]) for c in range(first, int(then) + 1)})
            k += 3
    return widths


def destination_pages(data: bytes) -> dict[str, int]:
    """A printed PDF's named destinations (a heading's id, as the contents link to it) -> the
    1-based page each is on; {} without any."""
    from finsam_lib.publish.pdf import read_pdf

    return read_pdf(data, lambda reader: _destination_pages(reader, _page_refs(reader))) or {}


class _CannotFill(FinsamError):
    """The printed PDF is not as :func:`with_contents_pages` needs it: the report is printed again
    (never shown to a user)."""


def with_contents_pages(data: bytes, lines: list[list[str]], digits: int = PLACEHOLDER_DIGITS) -> bytes | None:
    """The printed PDF ``data`` with its contents' page numbers filled in; None where it cannot be
    done here (see the module).

    ``lines``: the contents' lines as printed, [heading id, placeholder] (``digits`` digits each,
    pdf._SET_TOC_PAGES_JS), every one of which must be found in its link. A line whose heading has
    no page (no named destination) gets its placeholder blanked. A PDF of more pages than
    ``digits`` digits: None."""
    from finsam_lib.publish.pdf import read_pdf

    shown = dict(lines)
    if len(shown) != len(lines):
        return None  # two lines to one heading: told apart by the numbers put into the page
    try:
        updates = read_pdf(data, lambda reader: _filled_streams(reader, shown, digits))
    except _CannotFill:
        return None
    return appended(data, {ref: b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(z), z)
                           for ref, z in ((ref, zlib.compress(s, 6)) for ref, s in updates.items())})


def _filled_streams(reader, shown: dict[str, str], digits: int) -> dict[tuple[int, int], bytes]:
    """The content streams with_contents_pages rewrites: (object number, generation) -> the page's
    stream with its placeholders replaced (:func:`_page_edits`), for every page holding one of
    ``shown``'s lines (heading id -> placeholder). Raises _CannotFill where the PDF is not as
    needed: no /Dests, more pages than ``digits`` digits number, a page's contents in several
    streams, or a line not found in its link."""
    refs = _page_refs(reader)
    pages = _destination_pages(reader, refs)
    if pages is None or len(refs) >= 10 ** digits:
        raise _CannotFill
    updates, found = {}, set()
    for ref in refs:
        if len(found) == len(shown):
            break
        page = ref.get_object()
        links = _links(page, pages)
        if not links:
            continue
        contents = page.raw_get("/Contents")
        if not hasattr(contents, "idnum"):
            raise _CannotFill  # an array of content streams (not what Chromium writes)
        stream = contents.get_object().get_data()
        edits = _page_edits(page, stream, links, {k: v for k, v in shown.items() if k not in found}, digits)
        if edits:
            updates[(contents.idnum, contents.generation)] = _spliced(stream, [(span, text) for _, span, text in edits])
            found.update(dest for dest, _, _ in edits)
    if len(found) != len(shown):
        raise _CannotFill  # a line's placeholder not found in its link
    return updates


def _page_edits(page, stream: bytes, links, shown: dict[str, str],
                digits: int) -> list[tuple[str, tuple[int, int], str]]:
    """What to write over one page's contents placeholders: (heading id, the span of its run's show
    operators in the page's content ``stream``, what shows its page instead), for every line of
    ``shown`` (heading id -> placeholder) whose link (``links``, :func:`_links`) is on the page.
    Raises _CannotFill where the page is not as this module needs it."""
    fonts = {str(k)[1:]: v.get_object() for k, v in (page["/Resources"].get("/Font") or {}).items()}
    glyphs = {name: _to_unicode(font) for name, font in fonts.items()}
    characters = {name: {code: c for c, code in codes.items()} for name, codes in glyphs.items()}
    runs: dict[str, list] = {}  # heading id -> the runs showing its placeholder inside its link
    for span, font, text, (x, y) in _digit_runs(stream, characters, digits):
        for (x1, y1, x2, y2), dest, number in links:
            if x1 <= x <= x2 and y1 <= y <= y2 and shown.get(dest) == text:
                runs.setdefault(dest, []).append((span, font, number))
    edits, widths = [], {}  # widths: a font's glyph widths, read once a page
    for dest, candidates in runs.items():
        if len(candidates) != 1:
            raise _CannotFill  # the placeholder's digits shown twice in one line: which is the box?
        span, font, number = candidates[0]
        codes = [glyphs[font].get(d) for d in ("" if number is None else str(number))]
        if None in codes:
            raise _CannotFill  # a digit the font was not embedded with
        # Right-aligned as the box sets it: moved right by the placeholder's digits left blank.
        if font not in widths:
            widths[font] = _widths(fonts[font])
        blank = widths[font].get(glyphs[font][shown[dest][0]], widths[font][""]) * (digits - len(codes))
        edits.append((dest, span, f"[{-blank:g} <{''.join(codes)}>] TJ" if codes else ""))
    return edits


def _spliced(stream: bytes, edits: list[tuple[tuple[int, int], str]]) -> bytes:
    """``stream`` with each (start, end) span replaced by its text, in order."""
    parts, at = [], 0
    for (start, end), text in sorted(edits):
        parts += [stream[at:start], text.encode("ascii")]
        at = end
    return b"".join(parts + [stream[at:]])


def appended(data: bytes, objects: dict[tuple[int, int], bytes], trailer: dict[str, str] | None = None) -> bytes | None:
    """``data`` with an incremental update appended (PDF 1.7 §7.5.6): ``objects`` ((number,
    generation) -> the object's body, without ``obj``/``endobj``; new numbers from the trailer's
    /Size on), an xref section for them and a trailer with /Prev, keeping /Root and /Info, plus
    ``trailer``'s entries ("/Info" -> "12 0 R"). None when the PDF's last cross-reference section
    is not a classic table (then use pypdf's incremental writer). Costs milliseconds, where
    rewriting a 40-page report with pypdf costs about 0.5 s."""
    m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-1024:])
    prev = int(m.group(1)) if m else -1
    if prev < 0 or data[prev:prev + 4] != b"xref":
        return None
    keys = re.search(rb"trailer\s*<<(.*?)>>\s*startxref", data[prev:], re.S)
    if keys is None:
        return None
    kept = r"(/Size|/Root|/Info|/ID)\s*(\d+(?:\s+\d+\s+R)?|\[[^\]]*\])"  # what the update's trailer keeps
    old = dict(re.findall(kept, keys.group(1).decode("latin-1")))
    size = max([int(old["/Size"])] + [number + 1 for number, _ in objects])
    entries = dict(old, **(trailer or {}), **{"/Size": str(size), "/Prev": str(prev)})
    tail = b"" if data.endswith(b"\n") else b"\n"
    offset = len(data) + len(tail)
    body, table = [], [b"xref\n0 1\n0000000000 65535 f \n"]
    for (number, generation), text in sorted(objects.items()):
        table.append(b"%d 1\n%010d %05d n \n" % (number, offset, generation))
        chunk = b"%d %d obj\n%s\nendobj\n" % (number, generation, text)
        body.append(chunk)
        offset += len(chunk)
    fields = " ".join(f"{k} {v}" for k, v in entries.items())
    table.append(f"trailer\n<< {fields} >>\nstartxref\n{offset}\n%%EOF\n".encode("latin-1"))
    return data + tail + b"".join(body) + b"".join(table)

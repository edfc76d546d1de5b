"""Structural inspection of an untrusted PDF: nothing is rendered, run or followed outside the file.

pypdf parses the file under tightened decompression caps (a "PDF bomb" hits ``LimitReachedError``), then one
bounded, iterative walk of every object reachable from the trailer looks for active content. Only the streams
we need are decoded: embedded files and the XMP packet. Page content stays compressed, so a bomb there is inert
here (whoever renders later needs its own limits). Every failure leaves as :class:`UnreadableDocument`.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

import pypdf
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from pdp.einvoice.findings import Finding, UnreadableDocument, finding
from pdp.einvoice.formats.policy import FilePolicy, extension_of
from pdp.einvoice.formats.sniff import looks_executable, sniff
from pdp.einvoice.formats.xmlsafe import parse_xml

# pypdf narrates each repair it makes to a sloppy or hostile PDF ("incorrect startxref pointer", "parsing for Object
# Streams") through its "pypdf" logger. With no handler configured, Python's last-resort handler prints those lines
# on stderr: into `pdp validate`'s output and the workers' logs, with bytes the sender chose. What matters is
# reported as findings; the commentary goes nowhere unless an application attaches its own handler to "pypdf".
_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(logging.NullHandler())
_PYPDF_LOG.propagate = False

MAX_OBJECTS = 200_000  # dictionaries and arrays visited; a 500-page invoice has a few thousand
MAX_NESTING = 64  # direct nesting inside one object; real files stay under ~10
MAX_XMP_BYTES = 4 * 1024 * 1024

_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_FX_FIELDS = ("ConformanceLevel", "DocumentFileName", "DocumentType")
_EXECUTABLE_EXTENSIONS = frozenset(
    {"exe", "dll", "com", "scr", "bat", "cmd", "msi", "msp", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh",
     "hta", "jar", "sh", "bash", "csh", "ksh", "zsh", "py", "pl", "rb", "php", "elf", "so", "dylib", "app", "apk",
     "lnk", "pif", "cpl", "reg"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EmbeddedFile:
    name: str  # /UF, else /F, else the name-tree key: what a viewer shows
    names: tuple[str, ...]  # every name it goes by (name-tree key, /UF, /F), for matching
    afrelationship: str | None  # "Data", "Source", "Alternative", "Supplement", "Unspecified"… (no slash)
    subtype: str | None  # MIME type, e.g. "text/xml"
    size: int  # decoded length, not the (untrusted) /Params /Size
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class XmpInfo:
    pdfa_part: str | None
    pdfa_conformance: str | None
    fx_conformance_level: str | None
    fx_document_file_name: str | None
    fx_document_type: str | None


@dataclass(frozen=True, slots=True)
class PdfInfo:
    pages: int
    embedded_files: tuple[EmbeddedFile, ...]
    xmp: XmpInfo | None
    findings: tuple[Finding, ...] = ()  # non-fatal observations


@dataclass(slots=True)
class _Scan:
    # pypdf caches resolved objects, so id() names one object for the reader's lifetime, direct or indirect.
    filespecs: dict[int, DictionaryObject] = field(default_factory=dict)
    tree_names: dict[int, str] = field(default_factory=dict)  # id(filespec) → its key in a name tree


def inspect_pdf(data: bytes, policy: FilePolicy) -> PdfInfo:
    """Pages, attachments and XMP facts of ``data``, or :class:`UnreadableDocument` if it is unsafe or unreadable."""
    if len(data) > policy.max_file_bytes:
        raise UnreadableDocument(
            "PDP-FILE-TOO-LARGE",
            f"The file exceeds {policy.max_file_bytes} bytes.",
            f"Le fichier dépasse {policy.max_file_bytes} octets.",
        )
    if sniff(data) != "pdf":
        raise UnreadableDocument("PDP-PDF-UNREADABLE", "The file is not a PDF.", "Le fichier n'est pas un PDF.")
    # The refusal is raised after the except block so that it carries no __context__: pypdf's traceback would
    # otherwise keep its frames, and the up-to-cap buffers they hold, alive for as long as the error is.
    try:
        with pypdf.apply_configuration(_configuration(policy)):
            return _inspect(data, policy)
    except UnreadableDocument as refusal:
        refusal.__traceback__ = refusal.__context__ = None
        failure = refusal
    except LimitReachedError:
        failure = UnreadableDocument(
            "PDP-PDF-UNREADABLE",
            "The PDF exceeds a safety limit (a stream decompresses too far, or a structure is too large).",
            "Le PDF dépasse une limite de sécurité (flux trop volumineux une fois décompressé, ou structure trop "
            "grande).",
        )
    except Exception as exc:  # pypdf raises anything on hostile input; nothing may escape
        # Only the exception type is echoed: its text can quote attacker-controlled bytes.
        failure = UnreadableDocument(
            "PDP-PDF-UNREADABLE",
            f"The PDF cannot be read ({type(exc).__name__}).",
            f"Le PDF est illisible ({type(exc).__name__}).",
        )
    raise failure


def _configuration(policy: FilePolicy) -> pypdf.Configuration:
    cap = policy.max_pdf_stream_bytes
    # pypdf's defaults (75 MB per stream, 5 MB of byte-by-byte zlib recovery) are sized for trusted desktop use.
    return pypdf.get_configuration().with_overwrites(
        maximum_declared_stream_length=cap,
        array_based_stream_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        jbig2dec_binary=None,  # never start an external decoder on untrusted input
        image_maximum_buffer_size=cap,
        stream_decoding_work_maximum_length=4 * cap,
        zlib_maximum_recovery_input_length=256 * 1024,  # the recovery loop costs one Python call per input byte
        xmp_maximum_input_length=MAX_XMP_BYTES,
        page_tree_maximum_entries=max(1_000, 4 * policy.max_pdf_pages),
    )


def _inspect(data: bytes, policy: FilePolicy) -> PdfInfo:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except Exception:
        # pypdf may fail on the crypto itself (unknown handler) before we can ask it; the trailer key is enough.
        if re.search(rb"/Encrypt\b", data):
            raise _encrypted() from None
        raise
    if reader.is_encrypted:
        raise _encrypted()
    pages = _count_pages(reader, policy.max_pdf_pages)
    scan = _walk(reader)
    files = tuple(_embedded(spec, scan) for spec in scan.filespecs.values())
    if sum(item.size for item in files) > policy.max_invoice_bytes:
        raise UnreadableDocument(
            "PDP-PDF-UNREADABLE",
            f"The embedded files exceed {policy.max_invoice_bytes} bytes once decompressed.",
            f"Les fichiers joints dépassent {policy.max_invoice_bytes} octets une fois décompressés.",
        )
    xmp, findings = _xmp(reader)
    return PdfInfo(pages=pages, embedded_files=files, xmp=xmp, findings=findings)


def _count_pages(reader: pypdf.PdfReader, max_pages: int) -> int:
    root = _resolve(reader.trailer.get("/Root"))
    tree = _resolve(root.get("/Pages")) if isinstance(root, DictionaryObject) else None
    declared = _resolve(tree.get("/Count")) if isinstance(tree, DictionaryObject) else None
    # /Count answers without flattening a huge tree; it can lie, so the real count is checked after.
    if isinstance(declared, int) and declared > max_pages:
        raise _too_many_pages(declared, max_pages)
    try:
        count = len(reader.pages)
    except LimitReachedError:
        raise _too_many_pages(None, max_pages) from None
    if count > max_pages:
        raise _too_many_pages(count, max_pages)
    return count


def _walk(reader: pypdf.PdfReader) -> _Scan:
    """Visit every dictionary and array reachable from the trailer once, refusing active content on sight."""
    scan = _Scan()
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, int]] = [(reader.trailer, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node, depth = node.get_object(), 0
        if not isinstance(node, (DictionaryObject, ArrayObject)):
            continue
        visited += 1
        if visited > MAX_OBJECTS or depth > MAX_NESTING:
            raise UnreadableDocument(
                "PDP-PDF-TOO-COMPLEX",
                "The PDF has too many or too deeply nested objects to be inspected safely.",
                "Le PDF contient trop d'objets, ou des objets trop imbriqués, pour être inspecté sans risque.",
            )
        children = node.values() if isinstance(node, DictionaryObject) else node
        if isinstance(node, DictionaryObject):
            _check(node, scan)
        stack.extend(
            (child, depth + 1)
            for child in children
            if isinstance(child, (DictionaryObject, ArrayObject, IndirectObject))
        )
    return scan


def _check(node: DictionaryObject, scan: _Scan) -> None:
    action = _resolve(node.get("/S"))
    subtype = _resolve(node.get("/Subtype"))
    if "/JS" in node or "/JavaScript" in node or action == "/JavaScript":
        raise UnreadableDocument(
            "PDP-PDF-JAVASCRIPT",
            "The PDF contains JavaScript, which PDF/A forbids.",
            "Le PDF contient du JavaScript, interdit en PDF/A.",
        )
    uri = _resolve(node.get("/URI")) if action == "/URI" else None
    if isinstance(uri, str) and uri.strip().lower().startswith("javascript:"):
        raise UnreadableDocument(
            "PDP-PDF-JAVASCRIPT",
            "The PDF contains a javascript: link.",
            "Le PDF contient un lien javascript:.",
        )
    if action == "/Launch":
        raise UnreadableDocument(
            "PDP-PDF-LAUNCH",
            "The PDF contains a Launch action (it asks the viewer to run a program).",
            "Le PDF contient une action Launch (il demande au lecteur d'exécuter un programme).",
        )
    if subtype == "/RichMedia" or any(str(key).startswith("/RichMedia") for key in node):
        raise UnreadableDocument(
            "PDP-PDF-RICHMEDIA",
            "The PDF contains RichMedia (Flash/video) content.",
            "Le PDF contient du contenu RichMedia (Flash/vidéo).",
        )
    if "/EF" in node:
        scan.filespecs.setdefault(id(node), node)
    names = _resolve(node.get("/Names"))
    if isinstance(names, ArrayObject):  # a name-tree leaf: [key1 value1 key2 value2 …]
        for raw_key, value in zip(names[::2], names[1::2], strict=False):
            key = _resolve(raw_key)
            if isinstance(key, str):
                scan.tree_names.setdefault(id(_resolve(value)), str(key))


def _embedded(spec: DictionaryObject, scan: _Scan) -> EmbeddedFile:
    ef = _resolve(spec.get("/EF"))
    # pypdf (hence the factur-x library) reads /UF before /F; a viewer may show either, so both are checked.
    candidates = [_resolve(ef.get(key)) for key in ("/UF", "/F")] if isinstance(ef, DictionaryObject) else []
    streams = list({id(item): item for item in candidates if isinstance(item, StreamObject)}.values())
    contents = [stream.get_data() for stream in streams]
    names = [_text(spec.get(key)) for key in ("/UF", "/F")] + [scan.tree_names.get(id(spec), "")]
    names = list(dict.fromkeys(name for name in names if name))
    for name in names:
        if extension_of(name) in _EXECUTABLE_EXTENSIONS:
            raise _executable(name)
    if any(looks_executable(content) for content in contents):
        raise _executable(names[0] if names else "(unnamed)")
    content = contents[0] if contents else b""
    relationship = _resolve(spec.get("/AFRelationship"))
    subtype = _resolve(streams[0].get("/Subtype")) if streams else None
    return EmbeddedFile(
        name=names[0] if names else "",
        names=tuple(names),
        afrelationship=str(relationship).lstrip("/") if isinstance(relationship, str) else None,
        subtype=str(subtype).lstrip("/") if isinstance(subtype, str) else None,
        size=len(content),
        data=content,
    )


def _xmp(reader: pypdf.PdfReader) -> tuple[XmpInfo | None, tuple[Finding, ...]]:
    root = _resolve(reader.trailer.get("/Root"))
    stream = _resolve(root.get("/Metadata")) if isinstance(root, DictionaryObject) else None
    if not isinstance(stream, StreamObject):
        return None, ()
    try:
        element = parse_xml(stream.get_data(), max_bytes=MAX_XMP_BYTES)
    except UnreadableDocument as exc:
        return None, (
            finding(
                "PDP-PDF-XMP-UNREADABLE",
                "warning",
                f"The PDF's XMP metadata cannot be read safely ({exc.finding.rule}).",
                f"Les métadonnées XMP du PDF ne peuvent pas être lues sans risque ({exc.finding.rule}).",
            ),
        )
    values: dict[str, str] = {}
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for qname, value in [(node.tag, node.text), *node.attrib.items()]:
            namespace, _, local = qname[1:].partition("}") if qname.startswith("{") else ("", "", qname)
            known = namespace == _PDFAID or (local in _FX_FIELDS and "CrossIndustryDocument" in namespace)
            if known and value and value.strip():
                values.setdefault(local, value.strip())
    return XmpInfo(
        pdfa_part=values.get("part"),
        pdfa_conformance=values.get("conformance"),
        fx_conformance_level=values.get("ConformanceLevel"),
        fx_document_file_name=values.get("DocumentFileName"),
        fx_document_type=values.get("DocumentType"),
    ), ()


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _text(value: object) -> str:
    value = _resolve(value)
    return str(value) if isinstance(value, str) else ""


def _encrypted() -> UnreadableDocument:
    return UnreadableDocument("PDP-PDF-ENCRYPTED", "The PDF is encrypted.", "Le PDF est chiffré.")


def _executable(name: str) -> UnreadableDocument:
    shown = name[:60].encode("ascii", "replace").decode()
    return UnreadableDocument(
        "PDP-PDF-EXECUTABLE",
        f"The PDF embeds an executable or script ({shown}).",
        f"Le PDF contient un exécutable ou un script joint ({shown}).",
    )


def _too_many_pages(count: int | None, max_pages: int) -> UnreadableDocument:
    has = f"{count} pages" if count is not None else "too many pages"
    has_fr = f"{count} pages" if count is not None else "trop de pages"
    return UnreadableDocument(
        "PDP-PDF-TOO-MANY-PAGES",
        f"The PDF has {has}; at most {max_pages} are accepted.",
        f"Le PDF compte {has_fr} ; {max_pages} au maximum.",
    )

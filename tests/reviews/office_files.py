"""Office files built in memory for the upload tests: Office Open XML packages (zip) shaped like the
real ones, with their _rels/.rels and [Content_Types].xml, and minimal OLE compound files (the older
binary .doc/.xls/.ppt) with any streams and storages, for instance the VBA storages of macros."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile

from core.uploads import OLE_MAGIC

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
POWERPOINT_MAIN = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


def ooxml(
    main: str,
    main_type: str,
    *,
    other_types: dict[str, str] | None = None,
    parts: dict[str, bytes] | None = None,
    defaults: dict[str, str] | None = None,
) -> bytes:
    """A package whose officeDocument relationship points to ``main``, of content type
    ``main_type``; ``other_types``: more Overrides (part name: type); ``parts``: more parts."""
    overrides = {main: main_type, **(other_types or {})}
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Default Extension="{ext}" ContentType="{ct}"/>'
            for ext, ct in (defaults or {}).items()
        )
        + "".join(
            f'<Override PartName="/{part}" ContentType="{ct}"/>' for part, ct in overrides.items()
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{main}"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main, "<x/>")
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def understate_size(package: bytes, name: str, declared: int) -> bytes:
    """The package with the headers of part ``name`` claiming it unpacks to ``declared`` bytes."""
    data = bytearray(package)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, declared)
    central = data.index(b"PK\x01\x02", local)
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


_END, _FATSECT, _NONE = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(root_streams: list[str], storages: tuple[tuple[str, ...], ...] = ()) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) as Office writes them: one FAT
    sector, one directory sector (at most four entries), and a 4,096-byte stream for each name in
    ``root_streams``; ``storages`` are paths of (empty) storages, e.g. ("Macros", "VBA")."""
    entries: list[list] = [["Root Entry", 5, [], 0, _END]]  # name, type, children, size, start
    data_sectors: list[bytes] = []

    def add(name: str, kind: int, parent: int, size: int = 0) -> int:
        start = _END
        if size:
            start = 2 + len(data_sectors)  # sector 0 is the FAT, sector 1 the directory
            data_sectors.extend([b"\x00" * 512] * (size // 512))
        entries.append([name, kind, [], size, start])
        entries[parent][2].append(len(entries) - 1)
        return len(entries) - 1

    for name in root_streams:
        add(name, 2, 0, 4096)
    for path in storages:
        parent = 0
        for name in path:
            existing = [i for i in entries[parent][2] if entries[i][0] == name]
            parent = existing[0] if existing else add(name, 1, parent)
    assert len(entries) <= 4
    directory = bytearray(512)
    for index, (name, kind, children, size, start) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        struct.pack_into(
            "<64sHBBIII16sIQQIQ",
            directory,
            index * 128,
            encoded,
            len(encoded),
            kind,
            1,  # black
            _NONE,
            _NONE,
            children[0] if children else _NONE,
            b"",
            0,
            0,
            0,
            start,
            size,
        )
    for _name, _kind, children, _size, _start in entries:
        for left, right in itertools.pairwise(children):  # siblings: a right chain
            struct.pack_into("<I", directory, left * 128 + 72, right)
    for index in range(len(entries), 4):  # unused entries: no siblings, no child
        struct.pack_into("<III", directory, index * 128 + 68, _NONE, _NONE, _NONE)
    fat = [_FATSECT, _END] + [
        2 + i + 1 if i + 1 < len(data_sectors) else _END for i in range(len(data_sectors))
    ]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = (
        OLE_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0, 0)
        + b"\xff" * (4 * 108)
    )
    return header + fat_sector + bytes(directory) + b"".join(data_sectors)

"""Finishing touches to a tagged PDF that WeasyPrint leaves undone, so screen readers read the letter,
not its page furniture.

- Page furniture (what the ``@page`` margin boxes print: page numbers, running heads, "Continued", the
  draft mark) is marked as ``/Artifact``. WeasyPrint keeps it out of the structure tree but still marks
  it as tagged content (``/Span`` with an MCID), so readers read "Page 2 of 5" mid-sentence.
- Table header cells get their ``/Scope``: ``Column`` in a header row, ``Row`` in the body.

The PDF is opened and saved with pikepdf (qpdf); nothing else in it changes.
"""

from __future__ import annotations

import io
from typing import Any

import pikepdf


def _reachable(root: Any) -> set[tuple[int, int]]:
    """The object ids of every structure element reachable from the tree's root."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _parent_tree(root: Any) -> dict[int, Any]:
    out: dict[int, Any] = {}
    tree = root.get("/ParentTree")
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        nums = node.get("/Nums")
        if nums is not None:
            for index in range(0, len(nums), 2):
                out[int(nums[index])] = nums[index + 1]
        for kid in node.get("/Kids", []):
            stack.append(kid)
    return out


def _set_scope(cell: Any, scope: str) -> None:
    table = pikepdf.Dictionary(O=pikepdf.Name("/Table"), Scope=pikepdf.Name(scope))
    attributes = cell.get("/A")
    if attributes is None:
        cell.A = table
        return
    owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for owner in owners:
        if isinstance(owner, pikepdf.Dictionary) and str(owner.get("/O", "")) == "/Table":
            owner.Scope = pikepdf.Name(scope)
            return
    cell.A = pikepdf.Array([*owners, table])


def table_scope(cell: Any) -> str:
    """The /Scope of a table header cell's attributes ("" if none), for tests."""
    attributes = cell.get("/A")
    owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for owner in owners:
        if isinstance(owner, pikepdf.Dictionary) and "/Scope" in owner:
            return str(owner.Scope)
    return ""


def _scope_header_cells(root: Any) -> None:
    stack: list[tuple[Any, bool]] = [(root.get("/K"), False)]
    while stack:
        node, in_head = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((child, in_head) for child in node)
        elif isinstance(node, pikepdf.Dictionary):
            kind = str(node.get("/S", ""))
            if kind == "/TH":
                _set_scope(node, "/Column" if in_head else "/Row")
            stack.append((node.get("/K"), in_head or kind == "/THead"))


def finish_tagged_pdf(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        reachable = _reachable(root)
        parents = _parent_tree(root)
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            owners = parents.get(int(key)) if key is not None else None
            furniture: set[int] = set()
            if isinstance(owners, pikepdf.Array):
                for mcid, owner in enumerate(owners):
                    if isinstance(owner, pikepdf.Dictionary) and owner.objgen not in reachable:
                        furniture.add(mcid)
            if not furniture:
                continue
            commands: list[Any] = []
            changed = False
            for instruction in pikepdf.parse_content_stream(page):
                operands, operator = instruction.operands, instruction.operator
                if str(operator) == "BDC" and len(operands) == 2:
                    properties = operands[1]
                    marked = (
                        properties.get("/MCID")
                        if isinstance(properties, pikepdf.Dictionary)
                        else None
                    )
                    if marked is not None and int(marked) in furniture:
                        commands.append(([pikepdf.Name("/Artifact")], pikepdf.Operator("BMC")))
                        changed = True
                        continue
                commands.append(instruction)
            if changed:
                page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))
        _scope_header_cells(root)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()

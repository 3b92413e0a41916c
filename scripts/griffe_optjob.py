"""A griffe extension for the API reference (mkdocs.yml loads it; the docs session builds).

- Every model field gets the service's own description of its member, read from the
  installed botocore's SageMaker model when the site is built (the models carry the wire
  name and shape of each member in their attrs metadata: ``_meta("Wire", "Shape")``), so the
  reference says what the service says, for the botocore the docs were built with.
- The docstrings' reStructuredText roles (``:class:`~optjob_sdk.X```) become code spans:
  mkdocstrings renders docstrings as Markdown, where a role would show as written.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

import griffe

# As griffe renders the source's expressions (quotes may be either kind).
_META = re.compile(r"_meta\(\s*[\"'](?P<wire>\w+)[\"']")
_SHAPE = re.compile(r"ShapeInfo\(\s*[\"'](?P<shape>\w+)[\"']")
_ROLE = re.compile(r":(?:class|func|meth|attr|exc|data|mod|obj):`~?(?P<target>[^`]+)`")


def fence_examples(text: str) -> str:
    """reST's literal blocks (a paragraph ending in ``::``, then an indented block) and
    doctest blocks (``>>>`` lines and their output, up to a blank line) as fenced code."""
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(">>>"):
            indent = len(line) - len(line.lstrip())
            block = []
            while index < len(lines) and lines[index].strip():
                block.append(lines[index][indent:])
                index += 1
            out += ["```pycon", *block, "```"]
            continue
        if line.rstrip().endswith("::"):
            head = line.rstrip()[:-2].rstrip()
            out.append(head + ":" if head else "")
            index += 1
            base = len(line) - len(line.lstrip())
            block = []
            while index < len(lines) and (
                not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > base
            ):
                block.append(lines[index])
                index += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            if block:
                margin = min(len(b) - len(b.lstrip()) for b in block if b.strip())
                language = "pycon" if block[0].lstrip().startswith(">>>") else "text"
                out += ["", f"```{language}", *(b[margin:] for b in block), "```", ""]
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


@cache
def _service() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker")


def markdown(documentation: str) -> str:
    """botocore's HTML documentation as plain Markdown paragraphs."""
    text = re.sub(r"<code>(.*?)</code>", r"`\1`", documentation, flags=re.DOTALL)
    text = re.sub(r"<li>", "\n- ", text)
    text = re.sub(r"</p>|<br\s*/?>|</ul>|</ol>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text)]
    # Angle brackets left after unescaping (`<model>`) would be HTML to Markdown.
    body = "\n\n".join(p for p in paragraphs if p)
    return re.sub(r"(?m)^ *- ", "- ", body).replace("<", "&lt;").replace(">", "&gt;")


def _role(found: re.Match[str]) -> str:
    target = found["target"]
    shown = target.rsplit(".", 1)[-1] if found[0].count("~") else target
    return f"`{shown}`"


class OptjobDocs(griffe.Extension):
    """The service's member descriptions on model fields; reST roles as code."""

    def on_class(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        for member in cls.members.values():
            # An attribute set in __init__: its value there is the constructor's logic
            # (``x if x is not None else X()``), not something a reader sets.
            if isinstance(member, griffe.Attribute) and member.labels == {"instance-attribute"}:
                member.value = None
        shape_info = cls.members.get("__optjob_shape__")
        found = _SHAPE.search(str(getattr(shape_info, "value", "") or ""))
        if found is None:
            return
        shape = _service().shape_for(found["shape"])
        for member in cls.members.values():
            if not isinstance(member, griffe.Attribute) or member.docstring is not None:
                continue
            wire = _META.search(str(member.value or ""))
            if wire is None or wire["wire"] not in shape.members:
                continue
            # The reference shows a field's default, not the attrs plumbing behind it.
            member.value = "None" if "default=None" in str(member.value) else None
            text = markdown(shape.members[wire["wire"]].documentation)
            if text:
                text += f"\n\nWire name: `{wire['wire']}`."
                member.docstring = griffe.Docstring(text, parent=member)

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            value = _ROLE.sub(_role, obj.docstring.value).replace("``", "`")
            obj.docstring.value = fence_examples(value)

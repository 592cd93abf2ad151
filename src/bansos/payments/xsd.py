"""The official ISO 20022 schemas, as shipped by PyPI packages, and validation against them.

Two validators read the same XSD files: libxml2 through lxml, which checks a million-payment
file in seconds and so guards every export, and `xmlschema`, a complete XSD 1.1 implementation
in Python (about 4,000 payments a second here), which the tests and `bansos payments validate`
use as the validator of record. A test holds them to the same verdicts."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import xmlschema
from lxml import etree

# message → (package, path inside it)
SCHEMAS = {
    "pain.001.001.09": ("sepaxml", "schemas/pain.001.001.09.xsd"),
    "pain.002.001.12": ("pain001", "pain002/schemas/pain.002.001.12.xsd"),
    "camt.054.001.08": ("camt053", "xsd/camt.054.001.08.xsd"),
}


class SchemaError(ValueError):
    """A file that does not conform to its ISO 20022 schema."""


def xsd_path(message: str) -> Path:
    package, inner = SCHEMAS[message]
    return Path(str(resources.files(package).joinpath(inner)))


@functools.cache
def _lxml_schema(message: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xsd_path(message))))


@functools.cache
def _xmlschema_schema(message: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(xsd_path(message)))


def xml_errors(*, path: Path, message: str, engine: str = "lxml", limit: int = 5) -> list[str]:
    """The first `limit` schema violations of the file (empty when it is valid), each with its
    line where the validator gives one."""
    if engine == "xmlschema":
        errors = []
        for error in _xmlschema_schema(message).iter_errors(str(path)):
            errors.append(f"{error.path or ''}: {error.reason or error.message}")
            if len(errors) >= limit:
                break
        return errors
    schema = _lxml_schema(message)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        document = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:limit]]


def xml_check(*, path: Path, message: str, engine: str = "lxml") -> None:
    """Raise SchemaError naming the file and its first violations."""
    errors = xml_errors(path=path, message=message, engine=engine)
    if errors:
        raise SchemaError(f"{path.name} tidak sesuai skema {message} / does not conform to the "
                          f"{message} schema: " + "; ".join(errors))

"""MarketPrism records in Avro single-object encoding, with Debian's python3-avro.

A record on the topics is either JSON (a task you write, or any output when the service runs with
output.format=json) or Avro single-object encoded:

    byte 0-1   C3 01                      marker
    byte 2-9   CRC-64-AVRO fingerprint    of the writer schema's Parsing Canonical Form, little-endian
    byte 10-   Avro binary body

The schemas are the .avsc files in schemas/src/main/avro (current versions) and the older versions shipped in
schemas/src/main/resources/io/marketprism/schemas/history. No schema registry is involved.

The fingerprint is computed here from the schema JSON, not with avro.schema's canonical_form: python3-avro 1.11
keeps a logical type's primitive as {"type":"long"} in the canonical form where the specification (and Java) write
"long", which gives a different fingerprint for every schema with a timestamp.
"""

import io
import json
import os

import avro.io
import avro.schema

MARKER = b"\xc3\x01"
HEADER_LENGTH = 10

# Named types first: later files refer to them by name.
CURRENT_FILES = ["Priority", "DataType", "AttemptOutcome", "ErrorClass", "DeadLetterReason", "Attempt",
                 "CollectorTask", "TaskResult", "DeadLetter"]
RECORDS = ["CollectorTask", "TaskResult", "DeadLetter"]
NAMESPACE = "io.marketprism.schemas"
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}

_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _byte in range(256):
    _fp = _byte
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    """The 64-bit Rabin fingerprint the Avro specification calls CRC-64-AVRO."""
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def _full_name(name, namespace):
    return name if "." in name or not namespace else namespace + "." + name


def canonical_form(schema, definitions, namespace=NAMESPACE, seen=None):
    """Parsing Canonical Form of a schema given as JSON; definitions maps full names to named types' JSON."""
    seen = set() if seen is None else seen
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return json.dumps(schema)
        full = _full_name(schema, namespace)
        return json.dumps(full) if full in seen else canonical_form(definitions[full], definitions, namespace, seen)
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, definitions, namespace, seen) for s in schema) + "]"
    kind = schema["type"]
    if isinstance(kind, (dict, list)):
        return canonical_form(kind, definitions, namespace, seen)
    if kind in PRIMITIVES:
        return json.dumps(kind)  # attributes such as logicalType are not part of the canonical form
    if kind not in ("record", "enum", "fixed", "array", "map"):
        return canonical_form(kind, definitions, namespace, seen)  # {"type": "SomeNamedType"}
    if kind == "array":
        return '{"type":"array","items":' + canonical_form(schema["items"], definitions, namespace, seen) + "}"
    if kind == "map":
        return '{"type":"map","values":' + canonical_form(schema["values"], definitions, namespace, seen) + "}"
    full = _full_name(schema["name"], schema.get("namespace", namespace))
    if full in seen:
        return json.dumps(full)
    seen.add(full)
    inner = full.rpartition(".")[0]
    text = '{"name":' + json.dumps(full) + ',"type":' + json.dumps(kind)
    if kind == "record":
        text += ',"fields":[' + ",".join(
            '{"name":' + json.dumps(f["name"]) + ',"type":' + canonical_form(f["type"], definitions, inner, seen) + "}"
            for f in schema["fields"]) + "]"
    elif kind == "enum":
        text += ',"symbols":' + json.dumps(schema["symbols"], separators=(",", ":"))
    else:
        text += ',"size":' + str(schema["size"])
    return text + "}"


def _collect_definitions(schema, namespace, definitions):
    """Every named type defined in the schema JSON, by full name."""
    if isinstance(schema, list):
        for s in schema:
            _collect_definitions(s, namespace, definitions)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed"):
            full = _full_name(schema["name"], schema.get("namespace", namespace))
            definitions.setdefault(full, schema)
            namespace = full.rpartition(".")[0]
        for key in ("fields", "items", "values"):
            if key in schema:
                _collect_definitions(schema[key], namespace, definitions)
        if isinstance(kind, (dict, list)):
            _collect_definitions(kind, namespace, definitions)


def default_schema_dir():
    """schemas/ of the checkout this example lives in."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "schemas", "src"))


class Schemas:
    """The shipped schemas: the current version of each record for writing, every version for reading."""

    def __init__(self, schema_root=None):
        root = schema_root or default_schema_dir()
        names = avro.schema.Names()
        definitions = {}
        self.current = {}
        for name in CURRENT_FILES:
            with open(os.path.join(root, "main", "avro", name + ".avsc")) as f:
                raw = json.load(f)
            _collect_definitions(raw, NAMESPACE, definitions)
            parsed = avro.schema.make_avsc_object(raw, names)
            if name in RECORDS:
                self.current[name] = (parsed, crc64_avro(canonical_form(raw, definitions).encode()))
        # fingerprint -> (record name, writer schema)
        self.writers = {fp: (name, parsed) for name, (parsed, fp) in self.current.items()}
        history = os.path.join(root, "main", "resources", "io", "marketprism", "schemas", "history")
        index = os.path.join(history, "index.txt")
        if os.path.exists(index):
            with open(index) as f:
                entries = [line.strip() for line in f if line.strip() and not line.startswith("#")]
            for entry in entries:
                with open(os.path.join(history, entry)) as f:
                    raw = json.load(f)
                own = {}
                _collect_definitions(raw, NAMESPACE, own)
                fp = crc64_avro(canonical_form(raw, own).encode())
                self.writers.setdefault(fp, (raw["name"], avro.schema.make_avsc_object(raw, avro.schema.Names())))

    def fingerprint(self, record_name):
        return self.current[record_name][1]

    def encode(self, record_name, datum):
        """The datum (a dict; timestamps as aware datetimes) in single-object encoding with the current schema."""
        schema, fp = self.current[record_name]
        out = io.BytesIO()
        out.write(MARKER + fp.to_bytes(8, "little"))
        avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, record_name, value):
        """The record in value, Avro single-object or JSON, as a dict; raises ValueError saying why not."""
        if value.lstrip()[:1] == b"{":
            return json.loads(value)
        if len(value) < HEADER_LENGTH or value[:2] != MARKER:
            raise ValueError("neither JSON nor Avro single-object encoding: starts with " + value[:10].hex(" "))
        fp = int.from_bytes(value[2:HEADER_LENGTH], "little")
        if fp not in self.writers:
            raise ValueError("unknown writer schema fingerprint %016x: not a shipped schema" % fp)
        name, writer = self.writers[fp]
        if name.rpartition(".")[2] != record_name:
            raise ValueError("a %s, not a %s" % (name, record_name))
        reader = avro.io.DatumReader(writer, self.current[record_name][0])
        return reader.read(avro.io.BinaryDecoder(io.BytesIO(value[HEADER_LENGTH:])))

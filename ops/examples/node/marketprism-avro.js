'use strict';
// MarketPrism records in Avro single-object encoding, with avsc.
//
// A record on the topics is either JSON (a task you write, or any output when the service runs with
// output.format=json) or Avro single-object encoded:
//
//   byte 0-1   C3 01                      marker
//   byte 2-9   CRC-64-AVRO fingerprint    of the writer schema's Parsing Canonical Form, little-endian
//   byte 10-   Avro binary body
//
// The schemas are the .avsc files in schemas/src/main/avro (current versions) and the older versions shipped in
// schemas/src/main/resources/io/marketprism/schemas/history. No schema registry is involved. avsc's Type#schema()
// returns the Parsing Canonical Form; its fingerprint() knows only the hashes of node's crypto module, so CRC-64-AVRO
// is computed here.

const fs = require('fs');
const path = require('path');
const avro = require('avsc');

const MARKER = Buffer.from([0xc3, 0x01]);
const HEADER_LENGTH = 10;
// Named types first: later files refer to them by name.
const CURRENT_FILES = ['Priority', 'DataType', 'AttemptOutcome', 'ErrorClass', 'DeadLetterReason', 'Attempt',
  'CollectorTask', 'TaskResult', 'DeadLetter'];
const RECORDS = ['CollectorTask', 'TaskResult', 'DeadLetter'];

const EMPTY = 0xc15d213aa4d7a795n;
const MASK = (1n << 64n) - 1n;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) {
    fp = (fp >> 1n) ^ (EMPTY & (-(fp & 1n) & MASK));
  }
  return fp;
});

/** The 64-bit Rabin fingerprint the Avro specification calls CRC-64-AVRO, as a BigInt. */
function crc64Avro(bytes) {
  let fp = EMPTY;
  for (const b of bytes) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  }
  return fp;
}

function fingerprintOf(type) {
  return crc64Avro(Buffer.from(JSON.stringify(type.schema()), 'utf8'));
}

function defaultSchemaRoot() {
  return path.resolve(__dirname, '..', '..', '..', 'schemas', 'src');
}

/** The shipped schemas: the current version of each record for writing, every version for reading. */
class Schemas {
  constructor(schemaRoot = defaultSchemaRoot()) {
    const registry = {};
    this.current = {};
    for (const name of CURRENT_FILES) {
      const raw = JSON.parse(fs.readFileSync(path.join(schemaRoot, 'main', 'avro', name + '.avsc'), 'utf8'));
      const type = avro.Type.forSchema(raw, { registry });
      if (RECORDS.includes(name)) {
        this.current[name] = { type, fingerprint: fingerprintOf(type) };
      }
    }
    // fingerprint (hex) -> { name, type }
    this.writers = new Map();
    for (const [name, { type, fingerprint }] of Object.entries(this.current)) {
      this.writers.set(fingerprint.toString(16), { name, type });
    }
    const history = path.join(schemaRoot, 'main', 'resources', 'io', 'marketprism', 'schemas', 'history');
    const index = path.join(history, 'index.txt');
    if (fs.existsSync(index)) {
      const entries = fs.readFileSync(index, 'utf8').split('\n').map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      for (const entry of entries) {
        const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(path.join(history, entry), 'utf8')));
        const key = fingerprintOf(type).toString(16);
        if (!this.writers.has(key)) {
          this.writers.set(key, { name: type.name.split('.').pop(), type });
        }
      }
    }
  }

  fingerprint(recordName) {
    return this.current[recordName].fingerprint;
  }

  /** The value (timestamps as epoch millis) in single-object encoding with the current schema. */
  encode(recordName, value) {
    const { type, fingerprint } = this.current[recordName];
    const header = Buffer.alloc(HEADER_LENGTH);
    MARKER.copy(header);
    header.writeBigUInt64LE(fingerprint, 2);
    return Buffer.concat([header, type.toBuffer(value)]);
  }

  /** The record in the bytes, Avro single-object or JSON, as an object; throws saying why not. */
  decode(recordName, bytes) {
    const text = bytes.toString('utf8').trimStart();
    if (text.startsWith('{')) {
      return JSON.parse(text);
    }
    if (bytes.length < HEADER_LENGTH || bytes[0] !== 0xc3 || bytes[1] !== 0x01) {
      throw new Error('neither JSON nor Avro single-object encoding: starts with '
        + bytes.subarray(0, HEADER_LENGTH).toString('hex'));
    }
    const key = bytes.readBigUInt64LE(2).toString(16);
    const writer = this.writers.get(key);
    if (!writer) {
      throw new Error('unknown writer schema fingerprint ' + key.padStart(16, '0') + ': not a shipped schema');
    }
    if (writer.name !== recordName) {
      throw new Error('a ' + writer.name + ', not a ' + recordName);
    }
    const reader = this.current[recordName].type;
    const resolver = reader.createResolver(writer.type);
    return reader.fromBuffer(bytes.subarray(HEADER_LENGTH), resolver);
  }
}

module.exports = { Schemas, crc64Avro, HEADER_LENGTH };

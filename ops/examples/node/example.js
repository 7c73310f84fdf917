#!/usr/bin/env node
'use strict';
// Produce MarketPrism tasks from Node and read what became of them.
//
// Sends three tasks to collector.tasks: one as JSON, one in Avro single-object encoding, and one for an exchange
// the service does not know. Then reads collector.results and collector.tasks.dlq (read_committed, as the service
// writes them in transactions) until the first two have a result and the third a dead letter, printing one line each:
//
//   result <taskId> <exchange> <dataType> <symbol> endpoint=<endpoint> attempts=<n> format=<avro|json>
//   dead-letter <taskId> reason=<reason> detail=<detail> format=<avro|json>
//
// Needs kafkajs, avsc and fzstd: `npm ci` in this folder, then
//   node ops/examples/node/example.js --bootstrap-servers 127.0.0.1:9092

const crypto = require('crypto');
const { Kafka, Partitioners, logLevel, CompressionTypes, CompressionCodecs } = require('kafkajs');
const fzstd = require('fzstd');
const { Schemas } = require('./marketprism-avro');

// The service compresses its outputs with zstd. kafkajs ships no zstd codec (codecs are plug-ins); reading needs only
// decompression, which the pure-JavaScript fzstd provides without a native build. This example produces uncompressed.
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  async compress() {
    throw new Error('this example reads zstd batches but does not write them');
  },
  async decompress(buffer) {
    return Buffer.from(fzstd.decompress(buffer));
  },
});

function parseArgs(argv) {
  const args = {
    bootstrapServers: '127.0.0.1:9092', tasksTopic: 'collector.tasks', resultsTopic: 'collector.results',
    dlqTopic: 'collector.tasks.dlq', schemas: undefined, timeout: 60,
  };
  const names = {
    '--bootstrap-servers': 'bootstrapServers', '-b': 'bootstrapServers', '--tasks-topic': 'tasksTopic',
    '--results-topic': 'resultsTopic', '--dlq-topic': 'dlqTopic', '--schemas': 'schemas', '--timeout': 'timeout',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) {
      throw new Error('unknown option or missing value: ' + argv[i] + '; options: ' + Object.keys(names).join(', '));
    }
    args[key] = key === 'timeout' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return args;
}

function recordFormat(value) {
  return value[0] === 0xc3 && value[1] === 0x01 ? 'avro' : 'json';
}

async function produce(kafka, args, schemas, run) {
  const ids = { json: run + '-json', avro: run + '-avro', bad: run + '-bad' };
  const jsonTask = { taskId: ids.json, exchange: 'okx', dataType: 'TICKER', symbol: 'BTC-USDT', priority: 'HIGH' };
  const avroTask = {
    taskId: ids.avro, exchange: 'binance', market: 'spot', dataType: 'ORDER_BOOK', symbol: 'BTCUSDT',
    params: { limit: '100' }, priority: 'CRITICAL', weight: null, createdAt: Date.now(), deadline: null,
    attempt: 0, attempts: [], notBefore: null, origin: null,
  };
  const badTask = { taskId: ids.bad, exchange: 'nasdaq', dataType: 'TICKER', symbol: 'AAPL' };
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic: args.tasksTopic,
      acks: -1,
      messages: [
        { value: JSON.stringify(jsonTask) },
        { value: schemas.encode('CollectorTask', avroTask) },
        { value: JSON.stringify(badTask) },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  return ids;
}

async function readOutcomes(kafka, args, schemas, wantedResults, wantedDead) {
  const missing = new Set([...wantedResults, ...wantedDead]);
  const consumer = kafka.consumer({ groupId: 'marketprism-node-example-' + crypto.randomUUID(),
    readUncommitted: false });
  await consumer.connect();
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const timer = setTimeout(finish, args.timeout * 1000);
  try {
    await consumer.subscribe({ topics: [args.resultsTopic, args.dlqTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value;
        if (topic === args.resultsTopic) {
          const result = schemas.decode('TaskResult', value);
          if (wantedResults.includes(result.taskId) && missing.delete(result.taskId)) {
            console.log(`result ${result.taskId} ${result.exchange} ${result.dataType} ${result.symbol} `
              + `endpoint=${result.endpoint} attempts=${result.attempts.length} format=${recordFormat(value)}`);
          }
        } else {
          const letter = schemas.decode('DeadLetter', value);
          if (wantedDead.includes(letter.taskId) && missing.delete(letter.taskId)) {
            console.log(`dead-letter ${letter.taskId} reason=${letter.reason} detail=${letter.detail} `
              + `format=${recordFormat(value)}`);
          }
        }
        if (missing.size === 0) {
          finish();
        }
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return missing;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const schemas = new Schemas(args.schemas);
  const kafka = new Kafka({ clientId: 'marketprism-node-example', brokers: args.bootstrapServers.split(','),
    logLevel: logLevel.WARN });
  const run = 'node-' + crypto.randomBytes(4).toString('hex');
  const ids = await produce(kafka, args, schemas, run);
  console.log(`produced ${ids.json} (JSON), ${ids.avro} (Avro), ${ids.bad} (unknown exchange)`);
  const missing = await readOutcomes(kafka, args, schemas, [ids.json, ids.avro], [ids.bad]);
  if (missing.size > 0) {
    console.error(`no outcome within ${args.timeout} s for: ${[...missing].sort().join(', ')}`);
    return 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(error.stack || String(error));
  process.exitCode = 1;
});

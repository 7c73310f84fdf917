#!/usr/bin/python3
"""Produce MarketPrism tasks from Python and read what became of them.

Sends three tasks to collector.tasks: one as JSON, one in Avro single-object encoding, and one for an exchange the
service does not know. Then reads collector.results and collector.tasks.dlq (read_committed, as the service writes
them in transactions) until the first two have a result and the third a dead letter, printing one line for each:

    result <taskId> <exchange> <dataType> <symbol> endpoint=<endpoint> attempts=<n> format=<avro|json>
    dead-letter <taskId> reason=<reason> detail=<detail> format=<avro|json>

Needs python3-confluent-kafka and python3-avro (Debian packages); run with /usr/bin/python3:

    /usr/bin/python3 ops/examples/python/example.py --bootstrap-servers 127.0.0.1:9092
"""

import argparse
import datetime
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer

from marketprism_avro import Schemas


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", "-b", default="127.0.0.1:9092")
    parser.add_argument("--tasks-topic", default="collector.tasks")
    parser.add_argument("--results-topic", default="collector.results")
    parser.add_argument("--dlq-topic", default="collector.tasks.dlq")
    parser.add_argument("--schemas", help="the schemas/src folder of a MarketPrism checkout (default: this one's)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every outcome")
    return parser.parse_args()


def produce(args, schemas, run):
    """Sends the three tasks; returns their ids: JSON, Avro, and the one that must be dead-lettered."""
    json_id, avro_id, bad_id = run + "-json", run + "-avro", run + "-bad"
    json_task = {"taskId": json_id, "exchange": "okx", "dataType": "TICKER", "symbol": "BTC-USDT",
                 "priority": "HIGH"}
    avro_task = {
        "taskId": avro_id, "exchange": "binance", "market": "spot", "dataType": "ORDER_BOOK", "symbol": "BTCUSDT",
        "params": {"limit": "100"}, "priority": "CRITICAL", "weight": None,
        "createdAt": datetime.datetime.now(datetime.timezone.utc), "deadline": None, "attempt": 0, "attempts": [],
        "notBefore": None, "origin": None,
    }
    bad_task = {"taskId": bad_id, "exchange": "nasdaq", "dataType": "TICKER", "symbol": "AAPL"}

    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(str(error))

    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "enable.idempotence": True})
    producer.produce(args.tasks_topic, json.dumps(json_task).encode(), on_delivery=delivered)
    producer.produce(args.tasks_topic, schemas.encode("CollectorTask", avro_task), on_delivery=delivered)
    producer.produce(args.tasks_topic, json.dumps(bad_task).encode(), on_delivery=delivered)
    if producer.flush(30) != 0 or failures:
        raise SystemExit("could not produce the tasks: " + (", ".join(failures) or "flush timed out"))
    return json_id, avro_id, bad_id


def record_format(value):
    return "avro" if value[:2] == b"\xc3\x01" else "json"


def read_outcomes(args, schemas, wanted_results, wanted_dead):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "marketprism-python-example-" + uuid.uuid4().hex,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    consumer.subscribe([args.results_topic, args.dlq_topic])
    missing = set(wanted_results) | set(wanted_dead)
    deadline = time.monotonic() + args.timeout
    try:
        while missing and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                raise KafkaException(message.error())
            value = message.value()
            if message.topic() == args.results_topic:
                result = schemas.decode("TaskResult", value)
                if result["taskId"] in wanted_results and result["taskId"] in missing:
                    missing.discard(result["taskId"])
                    print("result %s %s %s %s endpoint=%s attempts=%d format=%s" % (
                        result["taskId"], result["exchange"], result["dataType"], result["symbol"],
                        result["endpoint"], len(result["attempts"]), record_format(value)), flush=True)
            else:
                letter = schemas.decode("DeadLetter", value)
                if letter["taskId"] in wanted_dead and letter["taskId"] in missing:
                    missing.discard(letter["taskId"])
                    print("dead-letter %s reason=%s detail=%s format=%s" % (
                        letter["taskId"], letter["reason"], letter["detail"], record_format(value)), flush=True)
    finally:
        consumer.close()
    return missing


def main():
    args = parse_args()
    schemas = Schemas(args.schemas)
    run = "py-" + uuid.uuid4().hex[:8]
    json_id, avro_id, bad_id = produce(args, schemas, run)
    print("produced %s (JSON), %s (Avro), %s (unknown exchange)" % (json_id, avro_id, bad_id), flush=True)
    missing = read_outcomes(args, schemas, [json_id, avro_id], [bad_id])
    if missing:
        print("no outcome within %.0f s for: %s" % (args.timeout, ", ".join(sorted(missing))), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""DynamoDB Local's CPU time over a fixed run of requests, with the JVM's default compilers
and with the options devtools/dynamodb_local.py starts it with (JVM_OPTIONS: the quick
compiler alone, the serial collector). The test suite starts DynamoDB Local many times on
a two-core machine: its CPU time is the suite's time.

For each way, in turns: a fresh DynamoDB Local in memory, one table, then ROUNDS rounds of
puts, strongly consistent reads, a conditional transaction and a Query (one client, one
request at a time, as a test does). Prints the JVM's CPU seconds (user + system, from
/proc), the wall time of the run, the median GetItem in its second half, and the ratios.

    .venv/bin/python -m bench.local_database [--runs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import dataclass
from functools import partial

from app.db.table import dynamodb_client
from bench.common import result, timed
from devtools import dynamodb_local, processes

ROUNDS = 1200
BUDGET = 0.75  # the tuned JVM's CPU time over the default's: worth keeping below this
JVM_DEFAULTS = ("-Xmx512m",)  # the same heap, the JVM's own compilers and collector


@dataclass
class Run:
    cpu_seconds: float
    wall_seconds: float
    get_item_ms: float


def run_once(jvm_options: tuple[str, ...], rounds: int) -> Run:
    port = dynamodb_local.free_port()
    process = dynamodb_local.launch(port, jvm_options=jvm_options)
    try:
        dynamodb_local.until_serving(process, port)
        client = dynamodb_client(f"http://127.0.0.1:{port}", "us-east-1")
        client.create_table(
            TableName="bench",
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        started = time.perf_counter()
        reads: list[float] = []
        for i in range(rounds):
            key = {"PK": {"S": f"P#{i % 50}"}, "SK": {"S": f"S#{i}"}}
            client.put_item(TableName="bench", Item={**key, "n": {"N": str(i)}})
            read = timed(partial(client.get_item, TableName="bench", Key=key, ConsistentRead=True))
            if i >= rounds // 2:
                reads.append(read)
            if i % 10 == 0:
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "bench",
                                "Key": {"PK": {"S": "COUNTER"}, "SK": {"S": "COUNTER"}},
                                "UpdateExpression": "ADD n :one",
                                "ConditionExpression": "attribute_not_exists(closed)",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                    ]
                )
                client.query(
                    TableName="bench",
                    KeyConditionExpression="PK = :pk",
                    ExpressionAttributeValues={":pk": key["PK"]},
                )
        wall = time.perf_counter() - started
        return Run(cpu_of(process.pid), wall, statistics.median(reads) * 1000)
    finally:
        processes.stop(process)


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each way, in turns")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    ways = {"JVM defaults": JVM_DEFAULTS, "JVM_OPTIONS": dynamodb_local.JVM_OPTIONS}
    runs: dict[str, list[Run]] = {name: [] for name in ways}
    for _ in range(args.runs):
        for name, options in ways.items():
            runs[name].append(run_once(options, args.rounds))
    medians = {}
    for name, done in runs.items():
        medians[name] = Run(
            statistics.median(r.cpu_seconds for r in done),
            statistics.median(r.wall_seconds for r in done),
            statistics.median(r.get_item_ms for r in done),
        )
        m = medians[name]
        print(
            f"{name:<13} {' '.join(ways[name]):<50} JVM CPU {m.cpu_seconds:5.1f} s, "
            f"run {m.wall_seconds:5.1f} s, GetItem {m.get_item_ms:.2f} ms "
            f"(medians of {len(done)} runs of {args.rounds} rounds)"
        )
    default, tuned = medians["JVM defaults"], medians["JVM_OPTIONS"]
    print(
        f"JVM_OPTIONS over the defaults: CPU time {tuned.cpu_seconds / default.cpu_seconds:.2f}, "
        f"run time {tuned.wall_seconds / default.wall_seconds:.2f}, "
        f"GetItem {tuned.get_item_ms / default.get_item_ms:.2f}"
    )
    result(
        "DynamoDB Local CPU time, JVM_OPTIONS/defaults",
        tuned.cpu_seconds / default.cpu_seconds,
        "<=",
        BUDGET,
    )
    result(
        "DynamoDB Local GetItem, JVM_OPTIONS/defaults",
        tuned.get_item_ms / default.get_item_ms,
        "<=",
        None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the course layer costs: median ms per KMS call through every middleware vs bare moto, and memory.

Two emulators run in this process on one moto state: the course's (all of layer.MIDDLEWARE) and a twin
serving moto's app with no middleware. Calls alternate between them so both see the same machine load.
moto's in-process hooks (emulator/hooks.py) are installed in both, as they patch moto itself; they are
cheap, and the twin measures the WSGI middleware the course adds. Targets: at most 2 ms median added per
call; a process at most 150 MB RSS after a typical lesson's calls (measured in a fresh subprocess).

    .venv/bin/python benchmarks/emulator_overhead.py [calls]
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

import kmscourse
from kmscourse.emulator import Emulator, layer

LESSON = r'''
import json, resource
import kmscourse
course = kmscourse.start(quiet=True)
kms, s3 = course.client("kms"), course.client("s3")
key = kms.create_key(Description=course.name("bench"))["KeyMetadata"]
kms.create_alias(AliasName="alias/" + course.name("bench"), TargetKeyId=key["KeyId"])
for i in range(20):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret %d" % i)["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
kms.enable_key_rotation(KeyId=key["KeyId"]); kms.rotate_key_on_demand(KeyId=key["KeyId"])
bucket = course.name("bench-bucket")
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": course.region})
for i in range(10):
    s3.put_object(Bucket=bucket, Key=f"o{i}", Body=b"x" * 1024, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    s3.get_object(Bucket=bucket, Key=f"o{i}")["Body"].read()
kms.disable_key(KeyId=key["KeyId"]); kms.enable_key(KeyId=key["KeyId"])
kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7); course.advance_clock(days=8)
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
lesson = rss_mb()
if "cfn" in __import__("sys").argv:
    cfn = course.client("cloudformation")
    cfn.create_stack(StackName=course.name("bench"), TemplateBody=json.dumps({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {}}}}))
    cfn.delete_stack(StackName=course.name("bench"))
print(json.dumps({"lesson_rss_mb": lesson, "final_rss_mb": rss_mb(), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def _bare_twin() -> Emulator:
    """An emulator on another port serving moto's app with no course middleware."""
    return Emulator(0, middleware=[]).start()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(calls: int) -> dict[str, dict[str, float]]:
    """Median ms per Encrypt, Decrypt and DescribeKey through the course layer and through bare moto."""
    course = kmscourse.start(quiet=True)
    twin = _bare_twin()
    clients = {
        "course layer": course.client("kms"),
        "bare moto": course.session.client("kms", region_name=course.region, endpoint_url=twin.url),
    }
    key_id = clients["course layer"].create_key(Description=course.name("bench"))["KeyMetadata"]["KeyId"]
    blob = clients["course layer"].encrypt(KeyId=key_id, Plaintext=b"benchmark")["CiphertextBlob"]
    operations: dict[str, Callable[[Any], Any]] = {
        "Encrypt": lambda c: c.encrypt(KeyId=key_id, Plaintext=b"benchmark"),
        "Decrypt": lambda c: c.decrypt(CiphertextBlob=blob),
        "DescribeKey": lambda c: c.describe_key(KeyId=key_id),
    }
    samples = {op: {name: [] for name in clients} for op in operations}
    for op, call in operations.items():
        for client in clients.values():
            for _ in range(10):  # warm up connections and caches
                call(client)
        for _ in range(calls):
            for name, client in clients.items():
                start = time.perf_counter()
                call(client)
                samples[op][name].append(time.perf_counter() - start)
    twin.stop()
    return {op: {name: _median_ms(s) for name, s in by.items()} for op, by in samples.items()}


def lesson_rss(with_cloudformation: bool) -> dict[str, float]:
    """RSS of a fresh process after a typical lesson's calls (optionally plus one CloudFormation stack)."""
    args = [sys.executable, "-c", LESSON] + (["cfn"] if with_cloudformation else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    medians = measure(calls)
    print(f"KMS call medians over {calls} alternating calls each (ms)")
    print(f"{'operation':<12} {'course layer':>13} {'bare moto':>10} {'added':>7}")
    added = []
    for op, by in medians.items():
        diff = by["course layer"] - by["bare moto"]
        added.append(diff)
        print(f"{op:<12} {by['course layer']:>13.2f} {by['bare moto']:>10.2f} {diff:>7.2f}")
    worst = max(added)
    print(f"added median per call: up to {worst:.2f} ms (target <= 2 ms): {'OK' if worst <= 2 else 'OVER'}")
    kms_s3 = lesson_rss(False)
    with_cfn = lesson_rss(True)
    print(f"RSS after a typical lesson's KMS + S3 calls: {kms_s3['lesson_rss_mb']:.0f} MB "
          f"(target <= 150 MB): {'OK' if kms_s3['lesson_rss_mb'] <= 150 else 'OVER'}")
    print(f"RSS after that plus one CloudFormation stack (lesson 01): {with_cfn['final_rss_mb']:.0f} MB "
          f"(peak {with_cfn['peak_rss_mb']:.0f} MB)")


if __name__ == "__main__":
    main()

"""Reads a /metrics answer with the Prometheus project's own parser
(prometheus_client's OpenMetrics parser, which refuses anything off the
format) and prints its samples as JSON: [{"name", "labels", "value"}]."""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
samples = []
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": sample.name, "labels": sample.labels, "value": sample.value})
print(json.dumps(samples))

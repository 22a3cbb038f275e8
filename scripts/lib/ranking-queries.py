#!/usr/bin/env python3
"""Part of scripts/bench-ranking: writes the query set as JSON for the RankingBenchmark test.

  ranking-queries.py --yaml resources/ranking-queries.yaml [--types T,...]
  ranking-queries.py --tsv resources/ranking/dev-queries.tsv [--exact-from DATA_DIR] [--types T,...]

--exact-from adds every 40th skill and occupation of the export with its preferred label as the query: the
default ranker must find each first (ties: every concept of that type with that preferred label counts).
"""
import argparse, csv, gzip, json, os, sys

ap = argparse.ArgumentParser()
ap.add_argument("--yaml")
ap.add_argument("--tsv")
ap.add_argument("--exact-from")
ap.add_argument("--types", default="")
args = ap.parse_args()
types = {t for t in args.types.split(",") if t}

if args.yaml:
    import yaml
    queries = yaml.safe_load(open(args.yaml))["queries"]
else:
    queries = []
    for line in open(args.tsv, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        query, typ, kind, accept = line.rstrip("\n").split("\t")[:4]
        queries.append({"query": query, "type": typ, "kind": kind, "accept": accept.split()})
queries = [q for q in queries if not types or q["type"] in types]


def rows(data, stem):
    path = os.path.join(data, stem + ".csv")
    opener = open if os.path.exists(path) else gzip.open
    with opener(path if os.path.exists(path) else path + ".gz", "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


exact = []
if args.exact_from:
    for stem, typ in (("skills_en", "skill"), ("occupations_en", "occupation")):
        if types and typ not in types:
            continue
        concepts = list(rows(args.exact_from, stem))
        by_label = {}
        for r in concepts:
            by_label.setdefault(" ".join(r["preferredLabel"].lower().split()), []).append(r["conceptUri"])
        for r in concepts[::40]:
            label = r["preferredLabel"]
            exact.append({"query": label, "type": typ, "kind": "preferred",
                          "accept": by_label[" ".join(label.lower().split())]})
json.dump({"queries": queries, "exact": exact}, sys.stdout)

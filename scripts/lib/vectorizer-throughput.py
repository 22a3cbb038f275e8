#!/usr/bin/env python3
"""Texts/s of a text2vec-transformers server: POSTs {"text": ...} (the form Weaviate and esco send) for
every line of TEXTS_FILE with CONCURRENCY requests in flight, one keep-alive connection per worker.
Prints one JSON line: {"texts": N, "seconds": S, "textsPerSecond": R}.

    vectorizer-throughput.py URL TEXTS_FILE [CONCURRENCY]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def main():
    url, path = sys.argv[1], sys.argv[2]
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    texts = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    target = urllib.parse.urlsplit(url)
    next_index = [0]
    lock = threading.Lock()
    errors = []

    def worker():
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(texts) or errors:
                break
            body = json.dumps({"text": texts[i]})
            conn.request("POST", "/vectors", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.status != 200 or len(json.loads(data)["vector"]) == 0:
                errors.append(f"text {i}: HTTP {response.status} {data[:200]!r}")
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    if errors:
        sys.exit(f"vectorizer-throughput: {url} failed: {errors[0]}")
    print(json.dumps({"texts": len(texts), "seconds": round(seconds, 3), "textsPerSecond": round(len(texts) / seconds, 1)}))


if __name__ == "__main__":
    main()

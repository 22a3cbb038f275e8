#!/usr/bin/env python3
"""The docs/ARCHITECTURE.md#deployment contract for docker-compose.yml, checked on `docker-compose config` output.

`docker-compose config` proves the file is valid compose; this proves it is *our* stack: the promises an
operator relies on (no container_name on esco-init, never prompting, bounded restarts, search only after a
successful init, ...). Used by scripts/validate-deploy.

    docker-compose config | compose-contract.py ROOT FILE   # exit 1 with one line per breach
    docker-compose config | compose-contract.py --commands  # executables the esco services run
    docker-compose config | compose-contract.py --profiles  # config profiles the services pass
"""
import re
import sys

import yaml


def seconds(duration):
    """Compose durations as `config` prints them: '20s', '1m30s', '1m'."""
    total = 0.0
    for amount, unit in re.findall(r"([\d.]+)(h|ms|m|s|us)", str(duration)):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6}[unit]
    return total


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    # Keys case-folded for lookup; values as written (paths), compared case-insensitively where boolean.
    return {key.lower(): None if value is None else str(value) for key, value in env.items()}


def true(value):
    return str(value).lower() in ("true", "1")


def condition(service, dependency):
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return "service_started" if dependency in depends else None
    return (depends.get(dependency) or {}).get("condition")


def command_words(service):
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else list(command)


def check(config):
    services = config.get("services") or {}
    problems = []

    def need(ok, where, what):
        if not ok:
            problems.append(f"services.{where}: {what}")

    for name in ("weaviate", "t2v-transformers", "esco-init", "esco-search"):
        need(name in services, name, "service missing")
    if problems:
        return problems
    weaviate, t2v, init, search = (services[n] for n in ("weaviate", "t2v-transformers", "esco-init", "esco-search"))

    need(re.search(r"/weaviate:1\.32\.\d+$", weaviate.get("image", "")), "weaviate.image",
         "must pin a 1.32.x release (docs/weaviate-compat.md was read from 1.32)")
    need(str(environment(weaviate).get("autoschema_enabled")).lower() == "false", "weaviate.environment",
         "AUTOSCHEMA_ENABLED must be false: a misspelt property must fail, not create a new one")
    data_path = environment(weaviate).get("persistence_data_path")
    need(data_path and any(v["target"] == data_path for v in _long(weaviate.get("volumes") or [])),
         "weaviate.volumes", "PERSISTENCE_DATA_PATH must be on a volume, or the data dies with the container")
    for name, svc in (("weaviate", weaviate), ("t2v-transformers", t2v), ("esco-search", search)):
        need((svc.get("healthcheck") or {}).get("test"), f"{name}.healthcheck", "readiness healthcheck missing")

    need("all-MiniLM-L6-v2" in t2v.get("image", ""), "t2v-transformers.image", "must be all-MiniLM-L6-v2")
    need(true(environment(t2v).get("t2v_transformers_direct_tokenize")),
         "t2v-transformers.environment",
         "T2V_TRANSFORMERS_DIRECT_TOKENIZE must be true (docs/ARCHITECTURE.md#deployment)")

    need("container_name" not in init, "esco-init.container_name", "must be absent so --scale esco-init=N works")
    env = environment(init)
    need(true(env.get("docker_env")), "esco-init.environment", "DOCKER_ENV=true (never prompt)")
    need(true(env.get("non_interactive")), "esco-init.environment", "NON_INTERACTIVE=true (never prompt)")
    need(re.fullmatch(r"on-failure:\d+", str(init.get("restart", ""))), "esco-init.restart",
         "must be on-failure:N: restarts bounded, and never after exit 0")
    for dependency in ("weaviate", "t2v-transformers"):
        need(condition(init, dependency) == "service_healthy", f"esco-init.depends_on.{dependency}",
             "condition must be service_healthy")
    need(seconds(init.get("stop_grace_period", "10s")) > 10, "esco-init.stop_grace_period",
         "must exceed the supervisor's < 10 s child grace, or Docker kills it before it records the state")
    need(command_words(init)[:2] == ["esco-supervise", "run"], "esco-init.command", "must be `esco-supervise run`")
    volumes = init.get("volumes") or []
    need(any(v.get("type") == "volume" and v.get("target") == "/var/lock/esco" for v in _long(volumes)),
         "esco-init.volumes", "/var/lock/esco must be a named volume shared by all replicas (OS file lock)")
    need(any(v.get("target") == "/data/esco" and v.get("read_only") for v in _long(volumes)),
         "esco-init.volumes", "the ESCO data must be mounted read-only at /data/esco")

    need(condition(search, "esco-init") == "service_completed_successfully", "esco-search.depends_on.esco-init",
         "condition must be service_completed_successfully: never serve a half-loaded index")
    need(command_words(search)[:1] == ["esco-search"], "esco-search.command", "must run esco-search")
    return problems


def _long(volumes):
    """Short `src:dst[:mode]` strings (as 1.29 prints them) to the long form."""
    for volume in volumes:
        if isinstance(volume, dict):
            yield volume
            continue
        parts = str(volume).split(":")
        source, target = parts[0], parts[1] if len(parts) > 1 else parts[0]
        mode = parts[2] if len(parts) > 2 else "rw"
        yield {"type": "bind" if source.startswith(("/", ".", "~")) else "volume",
               "source": source, "target": target, "read_only": "ro" in mode.split(",")}


def main():
    config = yaml.safe_load(sys.stdin) or {}
    services = config.get("services") or {}
    if sys.argv[1:] == ["--commands"]:
        for name in ("esco-init", "esco-search"):
            words = command_words(services.get(name) or {})
            if words:
                print(words[0])
        return 0
    if sys.argv[1:] == ["--profiles"]:
        for service in services.values():
            words = command_words(service)
            for flag, value in zip(words, words[1:]):
                if flag == "--profile":
                    print(value)
        return 0
    file = sys.argv[2] if len(sys.argv) > 2 else "docker-compose.yml"
    problems = check(config)
    for problem in problems:
        print(f"  {file}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

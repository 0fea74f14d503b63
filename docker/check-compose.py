#!/usr/bin/env python3
"""Checks docker/compose.yaml without a Docker engine.

1. Parses it (PyYAML, with the x- anchors and << merges) and checks what an engine would only find out at `up`:
   every service has an image or a build whose context and Dockerfile exist; depends_on names services (and a
   service_completed_successfully one has restart "no"); named volumes are declared; bind-mount sources exist in the
   repository, except the generated docker/secrets/..., which must be among what generate-secrets.sh writes (it is
   run into a temporary directory to find out); files the commands name (--file, --kafka-config, --model, the entry
   scripts) are reachable through the service's mounts or the image; host ports are unique; every principal of
   docker/kafka/acls.txt has generated credentials and every mounted client role has ACLs.
2. Runs the Compose CLI's own validation where one is installed: `docker compose config` (v2 plugin), else
   `docker-compose config` (v1, which predates the top-level `name:` key: that key is dropped for it).

Usage: python3 docker/check-compose.py    Exit status 0 when every check passes.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COMPOSE = os.path.join(HERE, "compose.yaml")
errors = []


def err(msg):
    errors.append(msg)


def generated_secrets():
    """The relative paths generate-secrets.sh writes (files and directories)."""
    tmp = tempfile.mkdtemp(prefix="stethostream-secrets-")
    out = os.path.join(tmp, "secrets")
    try:
        subprocess.run(["bash", os.path.join(HERE, "generate-secrets.sh"), "--out", out], check=True,
                       stdout=subprocess.DEVNULL)
        paths = set()
        for root, dirs, files in os.walk(out):
            for n in dirs + files:
                paths.add(os.path.relpath(os.path.join(root, n), out))
        props = {}
        for role in os.listdir(os.path.join(out, "clients")):
            with open(os.path.join(out, "clients", role, "client.properties")) as f:
                props[role] = f.read()
        return paths, props
    finally:
        shutil.rmtree(tmp)


def acl_principals():
    users = set()
    with open(os.path.join(HERE, "kafka", "acls.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                fields = line.split()
                if len(fields) != 5:
                    err(f"acls.txt: expected 5 columns: {line}")
                    continue
                users.add(fields[0].split(":", 1)[1])
    return users


def main():
    with open(COMPOSE) as f:
        doc = yaml.safe_load(f)
    services = doc.get("services") or {}
    declared_volumes = set((doc.get("volumes") or {}).keys())
    secrets, client_props = generated_secrets()
    roles = {p.split("/")[1] for p in secrets if p.startswith("clients/") and p.count("/") == 1}
    acl_users = acl_principals()
    for u in sorted(acl_users - roles):
        err(f"acls.txt names User:{u}, for whom generate-secrets.sh writes no credentials")
    host_ports = {}
    mounted_roles = set()
    print(f"compose.yaml: {len(services)} services: {', '.join(services)}")

    for name, svc in services.items():
        where = f"service {name}"
        build = svc.get("build")
        if not svc.get("image") and not build:
            err(f"{where}: neither image nor build")
        if build:
            ctx = os.path.normpath(os.path.join(HERE, build.get("context", ".")))
            dockerfile = os.path.join(ctx, build.get("dockerfile", "Dockerfile"))
            if not os.path.isdir(ctx):
                err(f"{where}: build context {ctx} missing")
            if not os.path.isfile(dockerfile):
                err(f"{where}: Dockerfile {dockerfile} missing")
            else:
                with open(dockerfile) as f:
                    text = f.read()
                for src in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
                    if src != "." and not os.path.exists(os.path.join(ctx, src)):
                        err(f"{where}: {dockerfile} copies {src}, missing from the build context")
        for dep, cond in (svc.get("depends_on") or {}).items():
            if dep not in services:
                err(f"{where}: depends_on unknown service {dep}")
            elif isinstance(cond, dict) and cond.get("condition") == "service_completed_successfully":
                if services[dep].get("restart", "no") not in ("no", False):
                    err(f"{where}: waits for {dep} to complete, but {dep} restarts")
            elif isinstance(cond, dict) and cond.get("condition") == "service_healthy":
                if "healthcheck" not in services[dep]:
                    err(f"{where}: waits for {dep} to be healthy, but {dep} has no healthcheck")
        mounts = {}  # container path -> host path (or volume name)
        for v in svc.get("volumes") or []:
            parts = v.split(":")
            src, dst = parts[0], parts[1]
            if src.startswith(".") or src.startswith("/"):
                host = os.path.normpath(os.path.join(HERE, src))
                rel_secret = os.path.relpath(host, os.path.join(HERE, "secrets"))
                if not rel_secret.startswith(".."):
                    if rel_secret not in secrets:
                        err(f"{where}: mounts {src}, which generate-secrets.sh does not write")
                    if rel_secret.startswith("clients/"):
                        mounted_roles.add(rel_secret.split("/")[1])
                elif not os.path.exists(host):
                    err(f"{where}: bind source {src} missing")
                mounts[dst] = host
            else:
                if src not in declared_volumes:
                    err(f"{where}: volume {src} not declared at the top level")
                mounts[dst] = None
        for p in svc.get("ports") or []:
            hp = str(p).split(":")[0]
            if hp in host_ports:
                err(f"{where}: host port {hp} also published by {host_ports[hp]}")
            host_ports[hp] = name

        def reachable(path, what):
            for dst, host in mounts.items():
                if path == dst or path.startswith(dst.rstrip("/") + "/"):
                    if host is None:
                        return
                    rel = os.path.relpath(path, dst)
                    target = os.path.normpath(os.path.join(host, rel))
                    rel_secret = os.path.relpath(target, os.path.join(HERE, "secrets"))
                    if not rel_secret.startswith(".."):
                        if rel_secret not in secrets:
                            err(f"{where}: {what} {path} is not among the generated secrets")
                    elif not os.path.exists(target):
                        err(f"{where}: {what} {path} -> {target} missing")
                    return
            if path.startswith("/opt/stethostream/models/"):
                src = os.path.join(REPO, "models", os.path.basename(path))  # copied in by Dockerfile.streams
                if not os.path.exists(src):
                    err(f"{where}: {what} {path}: {src} missing")
                return
            if path.startswith("/opt/kafka/"):
                return  # inside the apache/kafka image
            err(f"{where}: {what} {path} is on no mount")

        cmd = svc.get("command") or []
        for flag in ("--file", "--kafka-config", "--model"):
            if flag in cmd:
                reachable(cmd[cmd.index(flag) + 1], flag)
        if "--kafka-config" in cmd:
            # The truststore the client settings point at must be mounted next to them.
            cfg = cmd[cmd.index("--kafka-config") + 1]
            for dst, host in mounts.items():
                if cfg.startswith(dst + "/") and host and "/secrets/clients/" in host + "/":
                    role = os.path.relpath(host, os.path.join(HERE, "secrets", "clients")).split("/")[0]
                    m = re.search(r"^ssl\.truststore\.location=(.*)$", client_props.get(role, ""), re.M)
                    if m:
                        reachable(m.group(1).strip(), "ssl.truststore.location")
        for e in svc.get("entrypoint") or []:
            if e.endswith(".sh"):
                reachable(e, "entrypoint")
    for r in sorted(mounted_roles - acl_users - {"admin"}):
        err(f"role {r} is mounted into a service but has no ACL in acls.txt")

    # The Compose CLI's own schema validation, where installed.
    cli = None
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        cli = (["docker", "compose", "-f", COMPOSE, "config", "--quiet"], None)
    elif shutil.which("docker-compose"):
        with open(COMPOSE) as f:
            text = re.sub(r"^name: .*\n", "", f.read(), flags=re.M)
        tmp = os.path.join(HERE, ".compose-v1-check.yaml")  # beside the original: relative paths stay valid
        with open(tmp, "w") as f:
            f.write(text)
        cli = (["docker-compose", "-f", tmp, "config", "--quiet"], tmp)
    if cli:
        try:
            r = subprocess.run(cli[0], capture_output=True, text=True)
            tool = " ".join(cli[0][:2]) if cli[0][0] == "docker" else "docker-compose (v1)"
            if r.returncode != 0:
                err(f"{tool} config: {r.stderr.strip() or r.stdout.strip()}")
            else:
                print(f"{tool} config: valid")
        finally:
            if cli[1]:
                os.remove(cli[1])
    else:
        print("no Compose CLI installed: only the checks above ran")

    for e in errors:
        print("ERROR:", e)
    print("check-compose:", "OK" if not errors else f"{len(errors)} problem(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

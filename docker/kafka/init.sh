#!/bin/bash
# One-shot kafka-init service: SCRAM users, topics and ACLs, as the super user admin over SASL_SSL. Idempotent: it
# can run again after a change of acls.txt or of the passwords (it adds what is missing and resets passwords; it
# never removes an ACL: use kafka-acls.sh --remove for that).
set -euo pipefail
bin=/opt/kafka/bin
bs=${BOOTSTRAP:-kafka:9093}
init=/etc/stethostream/init
cfg=$init/admin.properties
acls=/opt/stethostream/kafka/acls.txt
partitions=${PARTITIONS:-4}
replication=${REPLICATION:-1}

echo "kafka-init: waiting for $bs"
for i in $(seq 1 60); do
  if "$bin/kafka-topics.sh" --bootstrap-server "$bs" --command-config "$cfg" --list >/dev/null 2>&1; then break; fi
  [ "$i" = 60 ] && { echo "kafka-init: broker not reachable as admin" >&2; exit 1; }
  sleep 2
done

# Users (admin's credential was added when the storage was formatted).
while IFS='=' read -r user password; do
  [ -z "$user" ] && continue
  case "$user" in \#*) continue ;; esac
  "$bin/kafka-configs.sh" --bootstrap-server "$bs" --command-config "$cfg" --alter --entity-type users \
    --entity-name "$user" --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]" >/dev/null
  echo "kafka-init: user $user"
done < "$init/users.properties"

# Topics, with the settings the application would give them (TopicSetup): models compacted with one partition.
for t in stethoscope.audio stethoscope.predictions stethoscope.alerts stethoscope.audio.dlq; do
  "$bin/kafka-topics.sh" --bootstrap-server "$bs" --command-config "$cfg" --create --if-not-exists --topic "$t" \
    --partitions "$partitions" --replication-factor "$replication"
done
"$bin/kafka-topics.sh" --bootstrap-server "$bs" --command-config "$cfg" --create --if-not-exists \
  --topic stethoscope.models --partitions 1 --replication-factor "$replication" --config cleanup.policy=compact
"$bin/kafka-topics.sh" --bootstrap-server "$bs" --command-config "$cfg" --create --if-not-exists \
  --topic stethoscope.alert-acks --partitions "$partitions" --replication-factor "$replication" --config cleanup.policy=compact

# ACLs: one kafka-acls.sh call per line of acls.txt (principal operation resource-type pattern-type name).
pascal() { echo "$1" | tr 'A-Z' 'a-z' | awk -F_ '{ for (i = 1; i <= NF; i++) printf "%s", toupper(substr($i, 1, 1)) substr($i, 2) }'; }
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$acls" | while read -r principal operation type pattern name; do
  case "$type" in
    topic) resource=(--topic "$name") ;;
    group) resource=(--group "$name") ;;
    transactional-id) resource=(--transactional-id "$name") ;;
    cluster) resource=(--cluster) ;;
    *) echo "kafka-init: unknown resource type $type" >&2; exit 1 ;;
  esac
  "$bin/kafka-acls.sh" --bootstrap-server "$bs" --command-config "$cfg" --add --force \
    --allow-principal "$principal" --operation "$(pascal "$operation")" "${resource[@]}" \
    --resource-pattern-type "$pattern" >/dev/null
  echo "kafka-init: ACL $principal $operation $type $pattern $name"
done
echo "kafka-init: done"

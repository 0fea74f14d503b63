#!/bin/bash
# Entry point of the kafka service: assembles server.properties with the generated secrets, formats the storage on
# first start (adding the admin's SCRAM credential, which must exist before anyone can log in over SASL), then runs
# the broker in the foreground.
set -euo pipefail
secrets=/etc/kafka/stethostream
conf=/tmp/stethostream-server.properties
data=/var/lib/kafka/data
umask 077
cat /opt/stethostream/kafka/server.properties "$secrets/broker-secret.properties" > "$conf"
if [ ! -f "$data/meta.properties" ]; then
  echo "kafka: formatting $data"
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "$(cat "$secrets/cluster.id")" --config "$conf" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$(cat "$secrets/admin.password")]"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"

#!/usr/bin/env bash
# Neo4j for the lineage and Cypher tests: Neo4j's official test harness (org.neo4j.test:neo4j-harness,
# Community, from Maven Central) and a small launcher class that starts it in-process with Bolt on a
# free port (tools/neo4j-harness). Jars go to .cache/neo4j-harness/lib; fast when already done.
# Needs Java 17 (javac) and Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cache/neo4j-harness
stamp="$out/stamp"
want="$(cat tools/neo4j-harness/pom.xml tools/neo4j-harness/src/Neo4jLauncher.java | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/classes/Neo4jLauncher.class" ]; then
  echo "neo4j harness: up to date ($out)"
  exit 0
fi
command -v mvn >/dev/null || { echo "neo4j harness: Maven (mvn) is required" >&2; exit 1; }
command -v javac >/dev/null || { echo "neo4j harness: a JDK 17 (javac) is required" >&2; exit 1; }
rm -rf "$out/lib" "$out/classes"
mkdir -p "$out/lib" "$out/classes"
mvn -B -q -f tools/neo4j-harness/pom.xml dependency:copy-dependencies \
  -DoutputDirectory="$PWD/$out/lib" -DincludeScope=runtime
javac -d "$out/classes" -cp "$out/lib/*" tools/neo4j-harness/src/Neo4jLauncher.java
echo "$want" > "$stamp"
echo "neo4j harness: $(ls "$out/lib" | wc -l) jars in $out/lib, launcher compiled"

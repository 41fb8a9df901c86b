import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts an in-process Neo4j (Community) through Neo4j's official test harness with only Bolt on
 * (no HTTP server), prints one line {@code NEO4J_URI=bolt://127.0.0.1:<port>}, and stops when its
 * standard input closes, so that the database can never outlive the process that started it.
 *
 * <p>Usage: {@code java -cp <lib/*>:<classes> Neo4jLauncher [--port N] [--dir PATH]} (port 0 = a free one).
 */
public final class Neo4jLauncher {
  public static void main(String[] args) throws Exception {
    int port = 0;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null) dir = Files.createTempDirectory("forgeline-neo4j-");
    long started = System.nanoTime();
    Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(dir)
        .withDisabledServer()
        .withConfig(BoltConnector.enabled, true)
        .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        // Small test databases: a small page cache and no long transaction log retention.
        .withConfig(GraphDatabaseSettings.pagecache_memory, 16L * 1024 * 1024)
        .withConfig(GraphDatabaseSettings.keep_logical_logs, "false")
        .withConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
        .build();
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.println("NEO4J_URI=" + neo4j.boltURI());
    System.out.println("NEO4J_STARTED_MS=" + ms);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // Any line is ignored; end of input means the parent is gone.
    }
    System.exit(0);
  }
}

package io.guardops.host;

import io.guardops.tck.OpenAiCompatibleServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test with a local OpenAI-compatible server (key {@code test-key}) and a host whose model client
 * points at it ({@link PlaygroundFixtures#host}), started before and closed after each test.
 */
abstract class WithLocalModels {
  @TempDir
  Path dir;

  OpenAiCompatibleServer server;
  TestHost host;

  @BeforeEach
  void startHostAndModels() throws Exception {
    server = OpenAiCompatibleServer.start("test-key");
    host = PlaygroundFixtures.host(dir, server, Map.of());
  }

  @AfterEach
  void stopHostAndModels() {
    host.close();
    server.close();
  }
}

package io.guardops.plugins.model.openai;

import io.guardops.api.ComponentConfig;
import io.guardops.api.model.ModelClient;
import io.guardops.tck.ModelClientContract;
import io.guardops.tck.OpenAiCompatibleServer;
import io.guardops.tck.TestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

class OpenAiModelClientContractTest extends ModelClientContract {
  @Override
  protected ModelClient newClient(OpenAiCompatibleServer server) {
    ComponentConfig config = ComponentConfig.of("guardops.model-client.openai", Map.of(
        "base-url", server.baseUrl(),
        "api-key", server.apiKey(),
        "max-retries", "2",
        "initial-backoff", "1ms"), Path.of("."), Clock.systemUTC());
    return new OpenAiModelClientProvider().create(config, TestContext.empty());
  }
}

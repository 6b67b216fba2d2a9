package io.guardops.plugins.model.openai;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelClientProvider;
import java.util.concurrent.ThreadLocalRandom;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model client for the OpenAI chat completions protocol: OpenAI itself, Azure OpenAI
 * ({@code azure=true}), and the servers that speak it (Ollama, vLLM, LM Studio, llama.cpp).
 * Selected by {@code guardops.model-client=openai}; settings under {@code guardops.model-client.openai.}
 * (see the module README): {@code base-url}, {@code api-key}, {@code organization}, {@code project},
 * {@code connect-timeout}, {@code request-timeout}, {@code max-retries}, {@code initial-backoff},
 * {@code max-backoff}, {@code max-retry-after}, {@code azure}, {@code api-version}, {@code headers},
 * {@code max-tokens-field}, {@code stream-include-usage}.
 */
@Extension
public final class OpenAiModelClientProvider implements ModelClientProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiModelClientProvider.class);

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String pluginId() {
    return "model-openai";
  }

  @Override
  public ModelClient create(ComponentConfig config, ComponentContext context) {
    OpenAiSettings settings = OpenAiSettings.from(config);
    LOG.info("model client: {}", settings);
    return new OpenAiModelClient(settings, config.clock(), Backoff.Sleeper.real(),
        () -> ThreadLocalRandom.current().nextDouble());
  }
}

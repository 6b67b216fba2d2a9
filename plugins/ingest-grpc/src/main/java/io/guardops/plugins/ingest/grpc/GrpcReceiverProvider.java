package io.guardops.plugins.ingest.grpc;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.ingest.IngestReceiver;
import io.guardops.api.ingest.IngestReceiverProvider;
import io.guardops.api.ingest.IngestService;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * The OTLP/gRPC receiver ({@code guardops.receivers=grpc}, on by default when the plugin is
 * installed): {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} on its own port, with
 * the same API keys, project routing, normalisation and durability as OTLP/HTTP, through the engine's
 * {@link IngestService}.
 *
 * <p>Settings ({@code guardops.receivers.grpc.*}):
 * <ul>
 *   <li>{@code host} (default {@code 127.0.0.1}): the address to listen on. A receiver sees only its own
 *       settings, so it cannot follow {@code guardops.host}: set both when GuardOps should be reachable
 *       from other machines.</li>
 *   <li>{@code port} (default {@code 4317}, the OTLP/gRPC port; {@code 0} picks a free one).</li>
 *   <li>{@code max-message-bytes} (default the engine's {@code guardops.http.max-body-bytes}): the largest
 *       request, after decompression; larger gets {@code RESOURCE_EXHAUSTED}.</li>
 *   <li>{@code threads} (default 16): requests handled at once (each waits for its durable write).</li>
 *   <li>{@code retry-delay} (default {@code 5s}): the delay {@code UNAVAILABLE} replies ask for.</li>
 * </ul>
 */
@Extension
public final class GrpcReceiverProvider implements IngestReceiverProvider {
  @Override
  public String name() {
    return "grpc";
  }

  @Override
  public String pluginId() {
    return "ingest-grpc";
  }

  @Override
  public IngestReceiver create(ComponentConfig config, ComponentContext context) {
    IngestService ingest = context.require(IngestService.class);
    String host = config.getString("host", "127.0.0.1");
    int port = config.getInt("port", 4317);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(config.fullKey("port") + " must be between 0 and 65535, was " + port);
    }
    long maxBytes = config.getLong("max-message-bytes", ingest.maxMessageBytes());
    if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(config.fullKey("max-message-bytes")
          + " must be between 1024 and 2147483639 (gRPC's limit is an int), was " + maxBytes);
    }
    int threads = config.getInt("threads", 16);
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException(config.fullKey("threads") + " must be between 1 and 1024, was " + threads);
    }
    Duration retryDelay = config.getDuration("retry-delay", Duration.ofSeconds(5));
    if (retryDelay.isNegative() || retryDelay.isZero()) {
      throw new IllegalArgumentException(config.fullKey("retry-delay") + " must be positive, was " + retryDelay);
    }
    return new GrpcReceiver(host, port, (int) maxBytes, threads, new ExportHandler(ingest, (int) maxBytes, retryDelay));
  }
}

package io.guardops.host;

import io.guardops.api.auth.Role;
import io.guardops.engine.Engine;
import io.guardops.engine.metrics.EngineMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What operators and tools read: {@code /metrics} (Prometheus), {@code /openapi.json} (generated from
 * the route table) and {@code /docs} (Swagger UI, served from its WebJar).
 */
final class OperationsRoutes {
  private OperationsRoutes() {}

  static void register(RouteTable t, Engine engine, Json json) {
    Role metricsRole = metricsRole(engine);
    t.roleOrScrapeTokenRoute("GET", "/metrics", metricsRole,
        "the server's own metrics, Prometheus text 0.0.4 (OpenMetrics 1.0 with `Accept: application/openmetrics-text`)",
        (q, c) -> {
          EngineMetrics.Format format = EngineMetrics.Format.forAccept(q.header("accept"));
          return new Reply(200, format.contentType(),
              engine.metrics().scrape(format).getBytes(StandardCharsets.UTF_8));
        })
        .produces(EngineMetrics.Format.PROMETHEUS_TEXT.contentType(), EngineMetrics.Format.OPENMETRICS.contentType());

    OpenApi openApi = new OpenApi(t, engine, json.mapper);
    t.publicRoute("GET", "/openapi.json", "this API as an OpenAPI 3.1 document, generated from the route table",
        (q, c) -> new Reply(200, Reply.JSON, openApi.bytes()));

    SwaggerUi docs = new SwaggerUi();
    t.publicRoute("GET", "/docs/", "Swagger UI for this API (`/openapi.json`)", (q, c) -> docs.index(q.path()))
        .produces("text/html");
    t.publicRoute("GET", "/docs/{asset}", "Swagger UI's scripts, styles and icons", (q, c) -> docs.asset(q.path()))
        .params(Param.path("asset", "a file of Swagger UI", SwaggerUi.ASSETS.toArray(String[]::new)))
        .produces("text/javascript", "text/css", "image/png");
  }

  /** {@code guardops.metrics.role}: the role that may read /metrics (default Monitoring). */
  static Role metricsRole(Engine engine) {
    String name = engine.config().getString("metrics.role", Role.MONITORING.claimName());
    Role role = Role.fromClaim(name);
    if (role == null) {
      throw new IllegalArgumentException("guardops.metrics.role must be one of "
          + Arrays.toString(Arrays.stream(Role.values()).map(Role::claimName).toArray()) + ", was '" + name + "'");
    }
    return role;
  }
}

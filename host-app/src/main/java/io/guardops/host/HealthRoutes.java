package io.guardops.host;

import io.guardops.api.Health;
import io.guardops.engine.Engine;
import io.guardops.engine.PluginStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /health}: every component's health and the plugins, as data; 503 when one is down.
 * {@code /health/live}: the process serves (for a liveness probe: restart it when this fails).
 * {@code /health/ready}: the engine is started and every component that serves requests is healthy
 * (for a readiness probe or a load balancer: send no traffic while this is 503).
 */
final class HealthRoutes {
  private HealthRoutes() {}

  static void register(RouteTable t, Engine engine, Json json) {
    t.publicRoute("GET", "/health", "each component's health and the loaded (or failed) plugins; 503 when one is down",
        (q, c) -> health(engine, json));
    t.publicRoute("GET", "/health/live", "200 while the process serves (liveness)",
        (q, c) -> Reply.json(200, "{\"status\":\"UP\"}"));
    t.publicRoute("GET", "/health/ready", "200 once the store is open and migrated and every receiver started, while"
        + " each serving component is healthy; 503 otherwise (readiness)", (q, c) -> ready(engine, json));
  }

  private static Reply ready(Engine engine, Json json) throws Exception {
    // the engine exists only once started (store open and migrated, receivers started): readiness is health
    boolean ready = engine.ready();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "READY" : "NOT_READY");
    body.put("components", components(engine));
    return new Reply(ready ? 200 : 503, Reply.JSON, json.mapper.writeValueAsBytes(body));
  }

  private static Map<String, Object> components(Engine engine) {
    Map<String, Object> components = new LinkedHashMap<>();
    for (Map.Entry<String, Health> e : engine.health().entrySet()) {
      components.put(e.getKey(), Map.of("healthy", e.getValue().healthy(), "detail", e.getValue().detail()));
    }
    return components;
  }

  private static Reply health(Engine engine, Json json) throws Exception {
    Map<String, Object> components = components(engine);
    List<Map<String, Object>> plugins = new ArrayList<>();
    for (PluginStatus p : engine.plugins()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", p.id());
      m.put("version", p.version());
      m.put("state", p.state());
      m.put("source", p.source());
      if (p.error() != null) {
        m.put("error", p.error());
      }
      plugins.add(m);
    }
    boolean healthy = engine.healthy();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", healthy ? "UP" : "DOWN");
    body.put("version", Engine.version());
    body.put("mode", engine.authMode());
    body.put("components", components);
    body.put("plugins", plugins);
    return new Reply(healthy ? 200 : 503, Reply.JSON, json.mapper.writeValueAsBytes(body));
  }
}

package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} is a valid OpenAPI 3.1 document (checked against the official schema, committed
 * in {@code src/test/resources/openapi}) and describes every route of the route table, with its
 * parameters and who may call it; {@code /docs} serves Swagger UI from its WebJar under a strict CSP.
 */
class OpenApiIT {
  @TempDir
  Path dir;

  static Schema openApi31() throws Exception {
    try (InputStream in = OpenApiIT.class.getResourceAsStream("/openapi/oas-3.1-schema-2022-10-07.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  static List<String> problems(Schema schema, JsonNode doc) {
    List<String> out = new ArrayList<>();
    for (Error e : schema.validate(doc)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  @Test
  void theDocumentIsValidOpenApi31AndDescribesEveryRoute() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory", "guardops.auth", "auth0"),
        b -> b.authenticator(new RouteTableIT.OneRoleAtATime()))) {
      TestHost.Reply r = host.send("GET", "/openapi.json");
      assertThat(r.status()).isEqualTo(200);
      JsonNode doc = r.json();
      Schema schema = openApi31();
      assertThat(problems(schema, doc)).as("problems against the OpenAPI 3.1 schema").isEmpty();
      // the validator does find what is wrong: the same document broken in two places
      ObjectNode broken = doc.deepCopy();
      broken.remove("info");
      ((ObjectNode) broken.at("/paths/~1api~1get_trace/get/parameters/0")).put("in", "body");
      assertThat(problems(schema, broken)).isNotEmpty();

      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
      Set<String> documented = new TreeSet<>();
      doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
      Set<String> routes = new TreeSet<>();
      for (RouteTable.Route route : host.server.routeTable().routes()) {
        String key = route.method() + " " + route.path();
        routes.add(key);
        JsonNode op = doc.get("paths").get(route.path()).get(route.method().toLowerCase(Locale.ROOT));
        assertThat(op.get("summary").asText()).isEqualTo(route.summary());
        assertThat(op.get("x-guardops-access").asText()).as(key).isEqualTo(route.access());
        Set<String> params = new TreeSet<>();
        op.path("parameters").forEach(p -> params.add(p.get("name").asText()));
        Set<String> declared = new TreeSet<>();
        route.doc().params().forEach(p -> declared.add(p.name()));
        if (route.guard() == RouteTable.Guard.ROLE) {
          declared.add("user_id");
        }
        assertThat(params).as("%s's parameters", key).isEqualTo(declared);
        JsonNode security = op.get("security");
        switch (route.guard()) {
          case ROLE -> {
            assertThat(security.get(0).has("bearerAuth")).as(key).isTrue();
            assertThat(op.get("x-guardops-role").asText()).isEqualTo(route.role().claimName());
          }
          case ROLE_OR_SCRAPE_TOKEN -> assertThat(security.toString()).contains("bearerAuth", "scrapeToken");
          case API_KEY_HEADER -> assertThat(security.toString()).contains("apiKey", "apiKeyBearer");
          case API_KEY_LIBRARY -> assertThat(security.toString()).contains("libraryKeyHash");
          case PUBLIC -> assertThat(security).as(key).isEmpty();
        }
        assertThat(op.at("/responses/4XX/$ref").asText()).startsWith("#/components/responses/");
      }
      assertThat(documented).as("the document has exactly the routes of the route table").isEqualTo(routes);
      assertThat(doc.at("/paths/~1api~1search_traces/get/parameters").toString()).contains("\"enum\":[\"any\",\"error\",\"ok\"]");
      assertThat(doc.at("/components/schemas/Error/required/0").asText()).isEqualTo("detail");
    }
  }

  @Test
  void inSingleUserModeRoleRoutesNeedNoCredentials() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"))) {
      JsonNode doc = host.send("GET", "/openapi.json").json();
      assertThat(problems(openApi31(), doc)).isEmpty();
      assertThat(doc.at("/paths/~1api~1get_projects/get/security")).isEmpty();
      assertThat(doc.at("/paths/~1api~1get_projects/get/x-guardops-role").asText()).isEqualTo("Projects");
      assertThat(doc.at("/info/description").asText()).contains("single-user");
    }
  }

  @Test
  void swaggerUiIsServedFromItsWebJarUnderAStrictContentSecurityPolicy() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.store", "memory"))) {
      HttpResponse<String> redirect = get(host, "/docs");
      assertThat(redirect.statusCode()).isEqualTo(302);
      assertThat(redirect.headers().firstValue("location")).hasValue("docs/");
      assertThat(get(host, "/tracing/docs").headers().firstValue("location")).hasValue("docs/");

      HttpResponse<String> index = get(host, "/docs/");
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      String csp = index.headers().firstValue("content-security-policy").orElseThrow();
      assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(index.body()).contains("swagger-ui-bundle.js", "swagger-initializer.js").doesNotContain("<script>");

      HttpResponse<String> init = get(host, "/docs/swagger-initializer.js");
      assertThat(init.statusCode()).isEqualTo(200);
      assertThat(init.body()).contains("url: \"../openapi.json\"", "validatorUrl: null").doesNotContain("petstore");
      HttpResponse<String> bundle = get(host, "/docs/swagger-ui-bundle.js");
      assertThat(bundle.statusCode()).isEqualTo(200);
      assertThat(bundle.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
      assertThat(bundle.body().length()).isGreaterThan(500_000);
      assertThat(get(host, "/docs/swagger-ui.css").statusCode()).isEqualTo(200);
      assertThat(get(host, "/docs/favicon-32x32.png").headers().firstValue("content-type")).hasValue("image/png");
      assertThat(get(host, "/docs/oauth2-redirect.html").statusCode()).as("only the files the page needs").isEqualTo(404);
      assertThat(get(host, "/docs/..%2Fpom.properties").statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(TestHost host, String path) throws Exception {
    return host.http.send(HttpRequest.newBuilder(host.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

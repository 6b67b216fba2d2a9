package io.guardops.host.bench;

import java.util.SplittableRandom;

/**
 * The benchmark workload: LLM agent traces generated deterministically from a seed and a sequence
 * number, written straight into an encoder ({@link Sink}) so the same spans go to every server in
 * the encoding it speaks (OTLP protobuf, Zipkin JSON v2, the GuardOps library's JSON).
 *
 * <p>A trace has four spans, as OpenLLMetry instruments an agent: a workflow root, a retrieval task, a
 * tool call (2% of them fail) and an {@code openai.chat} call with GenAI attributes, a ~500-character
 * prompt (system and user message) and a ~300-character completion drawn from a vocabulary of a few
 * hundred words plus per-trace order and account numbers. Trace {@code n} has ids that depend on
 * {@code n} alone (random-looking, never repeated within a run) and starts {@code spread} before
 * "now" at most (uniformly, minus 10 s so every span has ended): "now" is the time the request is
 * built. Stateless and thread-safe.
 */
public final class LlmWorkload {
  public static final int SPANS_PER_TRACE = 4;

  /** OTLP span kinds (Zipkin has no INTERNAL: such spans carry no kind there). */
  static final int KIND_INTERNAL = 1;
  static final int KIND_CLIENT = 3;
  /** OTLP status codes. */
  static final int STATUS_UNSET = 0;
  static final int STATUS_ERROR = 2;

  /** What a workload writes its spans into. Calls come as: begin, its attributes, end; per span. */
  public interface Sink {
    void begin(long traceHi, long traceLo, long spanId, long parentId, String name, int kind, long startNanos,
        long endNanos, int status, String statusMessage);

    void attr(String key, String value);

    void attr(String key, long value);

    void attr(String key, double value);

    void attr(String key, boolean value);

    void end();
  }

  /** The resource of every span: service.name first (Zipkin keeps only that, as the OTel Zipkin exporter does). */
  static final String[][] RESOURCE = {
      {"service.name", "support-bot"},
      {"service.version", "2.3.1"},
      {"deployment.environment", "production"},
      {"host.name", "worker-7"},
      {"telemetry.sdk.name", "opentelemetry"},
      {"telemetry.sdk.language", "python"},
      {"telemetry.sdk.version", "1.27.0"}};
  static final String SCOPE_NAME = "opentelemetry.instrumentation.openai.v1";
  static final String SCOPE_VERSION = "0.33.9";

  /** Never part of a generated text: a search for it must find nothing. */
  public static final String ABSENT_WORD = "zyzzyva";

  private static final String[] VOCABULARY = (
      "order shipment delivery package tracking refund return exchange invoice payment card account address "
      + "customer support agent warehouse carrier courier parcel box item product size color price discount coupon "
      + "voucher balance credit charge subscription plan upgrade downgrade cancel renewal billing receipt tax fee "
      + "shipping express standard overnight weekend holiday delay late early today tomorrow yesterday week month "
      + "morning evening please thanks sorry apologize help question answer issue problem error damaged missing "
      + "broken wrong correct replacement warranty policy terms days business hours status update notification email "
      + "phone message chat ticket case escalation manager team review feedback rating experience service quality "
      + "fast slow quickly immediately soon currently already still again also however therefore because although "
      + "would could should will can may might must need want like know think see check confirm verify process "
      + "handle arrange schedule ship send receive deliver pick drop open close track find locate search resolve "
      + "the a an and or but if then so to of in on at by for with from about into over after before between "
      + "your our their my its this that these those there here where when which who what how why all any some "
      + "every each more most less least many much few several new old same other another next last first second "
      + "green blue red black white small medium large shoes jacket shirt laptop phone headphones charger cable "
      + "camera watch backpack bottle lamp chair desk monitor keyboard mouse speaker blender kettle toaster mixer "
      + "north south east west city street zip code region country local international customs duty import export "
      + "store online app website portal login password reset secure verified pending approved declined processed "
      + "shipped delivered returned refunded exchanged cancelled held flagged reviewed assigned closed reopened")
      .split(" ");
  private static final String[] FIRST_NAMES = {"Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana",
      "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"};
  private static final String[] CARRIERS = {"UPS", "DHL", "FedEx", "USPS", "PostNL", "Royal Mail"};
  private static final String[] SYSTEM_PROMPTS = {
      "You are a helpful customer support assistant for an online store. Answer briefly, politely and only with facts"
          + " from the order records. Never invent tracking numbers.",
      "You are the support agent of a retail company. Use the tool results below to answer the customer; if something"
          + " is unknown, say so and offer to escalate.",
      "You are a concise assistant that resolves delivery, refund and billing questions. Quote order numbers exactly"
          + " and keep answers under four sentences.",
      "You help customers with orders, returns and payments. Be friendly, confirm what you understood and give the"
          + " next step clearly. Do not share internal notes."};

  private final long seed;
  private final long spreadNanos;

  /**
   * @param seed the run's seed: the same seed gives the same spans
   * @param spreadSeconds traces start up to this long before "now" (uniformly); 0 = all "now"
   */
  public LlmWorkload(long seed, long spreadSeconds) {
    this.seed = seed;
    this.spreadNanos = spreadSeconds * 1_000_000_000L;
  }

  /** Writes trace {@code n} (its four spans, root first) into {@code out}, relative to {@code nowNanos}. */
  public void trace(long n, long nowNanos, Sink out) {
    SplittableRandom rnd = new SplittableRandom(mix(seed ^ mix(n + 0x632be59bd9b4e019L)));
    long traceHi = mix(n ^ seed) | 1;
    long traceLo = mix(n + 0x9e3779b97f4a7c15L ^ seed);
    long rootId = spanId(n, 0);
    long start = nowNanos - 10_000_000_000L - (spreadNanos > 0 ? rnd.nextLong(spreadNanos) : 0);
    long retrievalStart = start + ms(2 + rnd.nextInt(4));
    long retrievalEnd = retrievalStart + ms(20 + rnd.nextInt(100));
    long toolStart = retrievalEnd + ms(1 + rnd.nextInt(3));
    long toolEnd = toolStart + ms(15 + rnd.nextInt(70));
    long llmStart = toolEnd + ms(1 + rnd.nextInt(3));
    long llmEnd = llmStart + ms(400 + rnd.nextInt(2100));
    long end = llmEnd + ms(1 + rnd.nextInt(5));
    String session = "sess-" + Long.toHexString(mix(n / 3 ^ seed) >>> 32);
    String user = "user-" + (mix(n ^ 77) >>> 1) % 5000;
    long order = 100_000 + (mix(n ^ 0xabcdefL) >>> 1) % 900_000;
    String account = "ACC-" + (10_000_000 + (mix(n ^ 0x1234L) >>> 1) % 90_000_000);
    String customer = FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)];

    out.begin(traceHi, traceLo, rootId, 0, "support_agent.workflow", KIND_INTERNAL, start, end, STATUS_UNSET, null);
    out.attr("traceloop.span.kind", "workflow");
    out.attr("traceloop.entity.name", "support_agent");
    out.attr("traceloop.workflow.name", "support_agent");
    out.attr("traceloop.association.properties.session_id", session);
    out.attr("traceloop.association.properties.user_id", user);
    out.end();

    out.begin(traceHi, traceLo, spanId(n, 1), rootId, "retrieve_documents.task", KIND_INTERNAL, retrievalStart,
        retrievalEnd, STATUS_UNSET, null);
    out.attr("traceloop.span.kind", "task");
    out.attr("traceloop.entity.name", "retrieve_documents");
    out.attr("traceloop.workflow.name", "support_agent");
    out.attr("db.system", "qdrant");
    out.attr("db.operation", "search");
    out.attr("db.vector.query.top_k", 5L);
    out.attr("retrieval.documents.count", (long) (3 + rnd.nextInt(3)));
    out.end();

    boolean toolFailed = rnd.nextInt(50) == 0;
    out.begin(traceHi, traceLo, spanId(n, 2), rootId, "get_order_status.tool", KIND_INTERNAL, toolStart, toolEnd,
        toolFailed ? STATUS_ERROR : STATUS_UNSET, toolFailed ? "order service timed out" : null);
    out.attr("traceloop.span.kind", "tool");
    out.attr("traceloop.entity.name", "get_order_status");
    out.attr("traceloop.workflow.name", "support_agent");
    out.attr("tool.name", "get_order_status");
    out.attr("tool.arguments", "{\"order_id\": \"" + order + "\"}");
    out.attr("tool.result", toolFailed ? "{\"error\": \"timeout\"}" : "{\"status\": \"shipped\", \"carrier\": \""
        + CARRIERS[rnd.nextInt(CARRIERS.length)] + "\", \"eta_days\": " + (1 + rnd.nextInt(6)) + "}");
    out.end();

    String system = SYSTEM_PROMPTS[rnd.nextInt(SYSTEM_PROMPTS.length)];
    String question = sentence(rnd, customer + " (account " + account + ") asks about order #" + order + ": ",
        330 - system.length() / 10);
    String answer = sentence(rnd, "Hello " + customer + ", order #" + order + " ", 300);
    long promptTokens = 110 + rnd.nextInt(40);
    long completionTokens = 60 + rnd.nextInt(20);
    out.begin(traceHi, traceLo, spanId(n, 3), rootId, "openai.chat", KIND_CLIENT, llmStart, llmEnd, STATUS_UNSET, null);
    out.attr("llm.request.type", "chat");
    out.attr("gen_ai.system", "openai");
    out.attr("gen_ai.request.model", "gpt-4o-mini");
    out.attr("gen_ai.request.temperature", 0.2);
    out.attr("gen_ai.request.max_tokens", 512L);
    out.attr("gen_ai.request.top_p", 1.0);
    out.attr("llm.is_streaming", false);
    out.attr("gen_ai.openai.api_base", "https://api.openai.com/v1/");
    out.attr("gen_ai.prompt.0.role", "system");
    out.attr("gen_ai.prompt.0.content", system);
    out.attr("gen_ai.prompt.1.role", "user");
    out.attr("gen_ai.prompt.1.content", question);
    out.attr("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
    out.attr("gen_ai.response.id", "chatcmpl-" + Long.toHexString(mix(n ^ 0x5eedL)));
    out.attr("gen_ai.openai.system_fingerprint", "fp_" + Long.toHexString(mix(n / 1000 ^ 0xf1L) >>> 24));
    out.attr("gen_ai.completion.0.role", "assistant");
    out.attr("gen_ai.completion.0.finish_reason", "stop");
    out.attr("gen_ai.completion.0.content", answer);
    out.attr("gen_ai.usage.prompt_tokens", promptTokens);
    out.attr("gen_ai.usage.completion_tokens", completionTokens);
    out.attr("llm.usage.total_tokens", promptTokens + completionTokens);
    out.end();
  }

  /** Writes traces {@code first .. first + count - 1}. */
  public void traces(long first, int count, long nowNanos, Sink out) {
    for (int i = 0; i < count; i++) {
      trace(first + i, nowNanos, out);
    }
  }

  /** Words from the vocabulary after {@code lead}, to about {@code length} characters, ending with a period. */
  private static String sentence(SplittableRandom rnd, String lead, int length) {
    StringBuilder sb = new StringBuilder(length + 16).append(lead);
    boolean capital = false;
    while (sb.length() < length) {
      String w = VOCABULARY[rnd.nextInt(VOCABULARY.length)];
      if (capital) {
        sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
        capital = false;
      } else {
        sb.append(w);
      }
      if (rnd.nextInt(12) == 0) {
        sb.append(". ");
        capital = true;
      } else if (rnd.nextInt(15) == 0) {
        sb.append(", ");
      } else {
        sb.append(' ');
      }
    }
    sb.setLength(sb.length() - 1);
    char last = sb.charAt(sb.length() - 1);
    if (last == '.' || last == ',') {
      sb.setLength(sb.length() - 1);
    }
    return sb.append('.').toString();
  }

  private long spanId(long n, int i) {
    return mix((n << 2 | i) ^ ~seed) | 1L << 62;
  }

  private static long ms(long v) {
    return v * 1_000_000L;
  }

  /** SplitMix64's finaliser: a bijection, so distinct inputs give distinct ids. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

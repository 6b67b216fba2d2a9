package io.guardops.api;

/**
 * The normalised LLM view of a span, filled by {@link AttributeMapper}s and pricing. Every field
 * may be {@code null} (unknown); tokens are never negative. {@code cost} is {@code null} when the
 * model has no known price (never a made-up zero).
 *
 * @param usageIsAggregate true when this span's token counts repeat those of its children (an
 *     agent or workflow span); such usage is shown but not summed into trace totals
 */
public record LlmFields(
    String operation,
    String provider,
    String requestModel,
    String responseModel,
    Long inputTokens,
    Long outputTokens,
    Long cachedInputTokens,
    Long reasoningTokens,
    Long totalTokens,
    Double cost,
    String currency,
    String prompt,
    String output,
    String sessionId,
    String userId,
    boolean usageIsAggregate) {

  /** No LLM data at all. */
  public static final LlmFields EMPTY = new Builder().build();

  public LlmFields {
    Checks.notNegative(inputTokens, "inputTokens");
    Checks.notNegative(outputTokens, "outputTokens");
    Checks.notNegative(cachedInputTokens, "cachedInputTokens");
    Checks.notNegative(reasoningTokens, "reasoningTokens");
    Checks.notNegative(totalTokens, "totalTokens");
    if (cost != null && (cost.isNaN() || cost.isInfinite() || cost < 0)) {
      throw new IllegalArgumentException("cost must be a non-negative number, was " + cost);
    }
    if (cost != null && currency == null) {
      currency = "USD";
    }
  }

  /** The served model if known, else the requested one; {@code null} if neither. */
  public String model() {
    return responseModel != null ? responseModel : requestModel;
  }

  /** Whether any field is set. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /** Total tokens as reported, else input + output when either is known. */
  public Long effectiveTotalTokens() {
    if (totalTokens != null) {
      return totalTokens;
    }
    if (inputTokens == null && outputTokens == null) {
      return null;
    }
    return (inputTokens == null ? 0 : inputTokens) + (outputTokens == null ? 0 : outputTokens);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.operation = operation; b.provider = provider; b.requestModel = requestModel;
    b.responseModel = responseModel; b.inputTokens = inputTokens; b.outputTokens = outputTokens;
    b.cachedInputTokens = cachedInputTokens; b.reasoningTokens = reasoningTokens;
    b.totalTokens = totalTokens; b.cost = cost; b.currency = currency; b.prompt = prompt;
    b.output = output; b.sessionId = sessionId; b.userId = userId; b.usageIsAggregate = usageIsAggregate;
    return b;
  }

  /**
   * Builder used by mappers. The {@code xIfAbsent} setters keep a value that an earlier, more
   * specific mapper already set; plain setters overwrite. Not thread-safe.
   */
  public static final class Builder {
    private String operation;
    private String provider;
    private String requestModel;
    private String responseModel;
    private Long inputTokens;
    private Long outputTokens;
    private Long cachedInputTokens;
    private Long reasoningTokens;
    private Long totalTokens;
    private Double cost;
    private String currency;
    private String prompt;
    private String output;
    private String sessionId;
    private String userId;
    private boolean usageIsAggregate;

    private Builder() {}

    public String operation() { return operation; }
    public String provider() { return provider; }
    public String requestModel() { return requestModel; }
    public String responseModel() { return responseModel; }
    public Long inputTokens() { return inputTokens; }
    public Long outputTokens() { return outputTokens; }
    public Long cachedInputTokens() { return cachedInputTokens; }
    public Long reasoningTokens() { return reasoningTokens; }
    public Long totalTokens() { return totalTokens; }
    public String prompt() { return prompt; }
    public String output() { return output; }

    public Builder operation(String v) { operation = v; return this; }
    public Builder provider(String v) { provider = v; return this; }
    public Builder requestModel(String v) { requestModel = v; return this; }
    public Builder responseModel(String v) { responseModel = v; return this; }
    public Builder inputTokens(Long v) { inputTokens = v; return this; }
    public Builder outputTokens(Long v) { outputTokens = v; return this; }
    public Builder cachedInputTokens(Long v) { cachedInputTokens = v; return this; }
    public Builder reasoningTokens(Long v) { reasoningTokens = v; return this; }
    public Builder totalTokens(Long v) { totalTokens = v; return this; }
    public Builder cost(Double v) { cost = v; return this; }
    public Builder currency(String v) { currency = v; return this; }
    public Builder prompt(String v) { prompt = v; return this; }
    public Builder output(String v) { output = v; return this; }
    public Builder sessionId(String v) { sessionId = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder usageIsAggregate(boolean v) { usageIsAggregate = v; return this; }

    public Builder operationIfAbsent(String v) { if (operation == null) operation = v; return this; }
    public Builder providerIfAbsent(String v) { if (provider == null) provider = v; return this; }
    public Builder requestModelIfAbsent(String v) { if (requestModel == null) requestModel = v; return this; }
    public Builder responseModelIfAbsent(String v) { if (responseModel == null) responseModel = v; return this; }
    public Builder inputTokensIfAbsent(Long v) { if (inputTokens == null) inputTokens = v; return this; }
    public Builder outputTokensIfAbsent(Long v) { if (outputTokens == null) outputTokens = v; return this; }
    public Builder cachedInputTokensIfAbsent(Long v) { if (cachedInputTokens == null) cachedInputTokens = v; return this; }
    public Builder reasoningTokensIfAbsent(Long v) { if (reasoningTokens == null) reasoningTokens = v; return this; }
    public Builder totalTokensIfAbsent(Long v) { if (totalTokens == null) totalTokens = v; return this; }
    public Builder promptIfAbsent(String v) { if (prompt == null) prompt = v; return this; }
    public Builder outputIfAbsent(String v) { if (output == null) output = v; return this; }
    public Builder sessionIdIfAbsent(String v) { if (sessionId == null) sessionId = v; return this; }
    public Builder userIdIfAbsent(String v) { if (userId == null) userId = v; return this; }

    public LlmFields build() {
      return new LlmFields(operation, provider, requestModel, responseModel, inputTokens, outputTokens,
          cachedInputTokens, reasoningTokens, totalTokens, cost, currency, prompt, output, sessionId,
          userId, usageIsAggregate);
    }
  }
}

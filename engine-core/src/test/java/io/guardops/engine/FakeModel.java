package io.guardops.engine;

import io.guardops.api.model.ChatListener;
import io.guardops.api.model.ChatMessage;
import io.guardops.api.model.ChatRequest;
import io.guardops.api.model.ChatResponse;
import io.guardops.api.model.ModelClient;
import io.guardops.api.model.ModelException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-process model for engine tests: answers with a function of the request, counts words as
 * tokens, can hold every call at a gate (to observe concurrency and cancel runs in flight), and
 * records the highest number of calls in flight at once.
 */
final class FakeModel implements ModelClient {
  private volatile Function<ChatRequest, String> answer = r -> last(r.messages());
  private volatile CountDownLatch gate;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  volatile ModelException failure;

  FakeModel answer(Function<ChatRequest, String> f) {
    this.answer = f;
    return this;
  }

  /** Holds every call until {@link #open()}. */
  FakeModel hold() {
    gate = new CountDownLatch(1);
    return this;
  }

  void open() {
    CountDownLatch g = gate;
    if (g != null) {
      g.countDown();
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  int calls() {
    return calls.get();
  }

  /** Waits until {@code n} calls are in flight at once. */
  boolean awaitInFlight(int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() < n) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    calls.incrementAndGet();
    requests.add(request);
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      CountDownLatch g = gate;
      if (g != null && !g.await(20, TimeUnit.SECONDS)) {
        throw new ModelException(ModelException.Kind.TIMEOUT, "the test never opened the gate");
      }
      if (failure != null) {
        throw failure;
      }
      String text = answer.apply(request);
      long in = 0;
      for (ChatMessage m : request.messages()) {
        in += words(m.content());
      }
      return new ChatResponse("fake-" + calls.get(), request.model(), text, "stop", in, words(text), 1_000_000L, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException(ModelException.Kind.UNAVAILABLE, "interrupted");
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void stream(ChatRequest request, ChatListener listener) {
    try {
      ChatResponse r = chat(request);
      listener.onDelta(r.content());
      listener.onComplete(r);
    } catch (ModelException e) {
      listener.onError(e);
    }
  }

  static String last(List<ChatMessage> messages) {
    return messages.get(messages.size() - 1).content();
  }

  static long words(String s) {
    String t = s.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }
}

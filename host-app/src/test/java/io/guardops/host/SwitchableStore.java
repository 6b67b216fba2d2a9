package io.guardops.host;

import io.guardops.api.Health;
import io.guardops.api.store.SpanStore;
import io.guardops.api.store.Store;
import io.guardops.api.store.StoreException;
import io.guardops.engine.internal.InMemoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The in-memory store with a switch that takes it "down" the way a dead database is: span writes throw
 * {@link StoreException} and health says so. Everything else answers (keys and projects stay readable),
 * so a test reaches the write.
 */
final class SwitchableStore {
  private final InMemoryStore store = new InMemoryStore();
  volatile boolean down;

  Store store() {
    SpanStore spans = (SpanStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SpanStore.class},
        (proxy, method, args) -> {
          if (down && method.getName().equals("write")) {
            throw new StoreException("the database does not answer (test switch)");
          }
          return invoke(method, store.spans(), args);
        });
    return (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "spans" -> spans;
          case "check" -> down ? Health.down("the database does not answer (test switch)") : store.check();
          default -> invoke(method, store, args);
        });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

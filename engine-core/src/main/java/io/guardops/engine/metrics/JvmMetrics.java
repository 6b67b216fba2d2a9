package io.guardops.engine.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's memory, garbage collection, threads and CPU, read from the JDK's management beans at
 * scrape time, under the names the Prometheus Java client uses ({@code jvm_memory_used_bytes},
 * {@code jvm_gc_collection_seconds}, ...) so existing dashboards work.
 */
final class JvmMetrics implements Registry.Collector {
  private static final List<String> AREA = List.of("area");
  private static final List<String> POOL = List.of("pool");
  private static final List<String> GC = List.of("gc");

  @Override
  public void collect(List<MetricFamily> out) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    MemoryUsage heap = memory.getHeapMemoryUsage();
    MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
    out.add(areas("jvm_memory_used_bytes", "Used bytes of a memory area", heap.getUsed(), nonHeap.getUsed()));
    out.add(areas("jvm_memory_committed_bytes", "Committed bytes of a memory area", heap.getCommitted(),
        nonHeap.getCommitted()));
    out.add(areas("jvm_memory_max_bytes", "Largest size of a memory area in bytes (-1 when undefined)", heap.getMax(),
        nonHeap.getMax()));

    List<MetricFamily.Sample> pools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage u = p.getUsage();
      if (u != null) {
        pools.add(new MetricFamily.Sample("jvm_memory_pool_used_bytes", POOL, List.of(p.getName()), u.getUsed()));
      }
    }
    out.add(new MetricFamily("jvm_memory_pool_used_bytes", MetricFamily.Type.GAUGE, "Used bytes of a memory pool",
        pools));

    List<MetricFamily.Sample> gc = new ArrayList<>();
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      List<String> name = List.of(b.getName());
      gc.add(new MetricFamily.Sample("jvm_gc_collection_seconds_count", GC, name, Math.max(0, b.getCollectionCount())));
      gc.add(new MetricFamily.Sample("jvm_gc_collection_seconds_sum", GC, name, Math.max(0, b.getCollectionTime()) / 1e3));
    }
    out.add(new MetricFamily("jvm_gc_collection_seconds", MetricFamily.Type.SUMMARY,
        "Time spent in a garbage collector, and how many collections it ran", gc));

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    out.add(gauge("jvm_threads_current", "Live threads, daemon or not", threads.getThreadCount()));
    out.add(gauge("jvm_threads_daemon", "Live daemon threads", threads.getDaemonThreadCount()));
    out.add(gauge("jvm_threads_peak", "Most live threads since the JVM started", threads.getPeakThreadCount()));

    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    out.add(gauge("process_start_time_seconds", "When the process started, in seconds since the epoch",
        runtime.getStartTime() / 1e3));
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      out.add(new MetricFamily("process_cpu_seconds_total", MetricFamily.Type.COUNTER,
          "CPU time the process used, in seconds", List.of(new MetricFamily.Sample("process_cpu_seconds_total",
              List.of(), List.of(), os.getProcessCpuTime() / 1e9))));
    }
    out.add(new MetricFamily("jvm_info", MetricFamily.Type.INFO, "The Java runtime", List.of(new MetricFamily.Sample(
        "jvm_info", List.of("runtime", "vendor", "version"), List.of(String.valueOf(runtime.getVmName()),
            String.valueOf(runtime.getVmVendor()), String.valueOf(System.getProperty("java.runtime.version"))), 1))));
  }

  private static MetricFamily areas(String name, String help, long heap, long nonHeap) {
    return new MetricFamily(name, MetricFamily.Type.GAUGE, help, List.of(
        new MetricFamily.Sample(name, AREA, List.of("heap"), heap),
        new MetricFamily.Sample(name, AREA, List.of("nonheap"), nonHeap)));
  }

  static MetricFamily gauge(String name, String help, double value) {
    return new MetricFamily(name, MetricFamily.Type.GAUGE, help,
        List.of(new MetricFamily.Sample(name, List.of(), List.of(), value)));
  }
}

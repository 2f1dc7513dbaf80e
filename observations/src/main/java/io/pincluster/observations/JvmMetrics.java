package io.pincluster.observations;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers the JVM and process metrics, named as the Prometheus Java client (1.x) names them, read
 * from the platform MXBeans at each scrape:
 *
 * <ul>
 *   <li>{@code jvm_memory_used_bytes}, {@code jvm_memory_committed_bytes}, {@code
 *       jvm_memory_max_bytes} (label {@code area}: {@code heap}, {@code nonheap}; max is -1 when
 *       undefined);
 *   <li>{@code jvm_buffer_pool_used_bytes} (label {@code pool}: {@code direct}, {@code mapped}…):
 *       off-heap buffers (Netty, gRPC);
 *   <li>{@code jvm_threads_current}, {@code jvm_threads_daemon}, {@code jvm_threads_peak}, {@code
 *       jvm_threads_started_total};
 *   <li>{@code jvm_gc_collection_seconds} (summary per collector, label {@code gc}: {@code _count}
 *       collections and {@code _sum} seconds spent);
 *   <li>{@code jvm_runtime_info} (1, labels {@code runtime}, {@code vendor}, {@code version});
 *   <li>{@code process_start_time_seconds}, {@code process_uptime_seconds};
 *   <li>when the JVM offers them: {@code process_cpu_seconds_total}, {@code process_open_fds},
 *       {@code process_max_fds}; on Linux, {@code process_resident_memory_bytes} and {@code
 *       process_virtual_memory_bytes} (from {@code /proc/self/status}, which RocksDB's native
 *       memory counts in).
 * </ul>
 */
public final class JvmMetrics {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private JvmMetrics() {}

  /** Registers every metric listed on the class that this JVM and OS can report. */
  public static void register(MetricsRegistry registry) {
    memory(registry, ManagementFactory.getMemoryMXBean());
    bufferPools(registry, ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class));
    threads(registry, ManagementFactory.getThreadMXBean());
    gc(registry, ManagementFactory.getGarbageCollectorMXBeans());
    runtime(registry, ManagementFactory.getRuntimeMXBean());
    process(registry, ManagementFactory.getOperatingSystemMXBean());
    if (Files.isReadable(PROC_STATUS) && procStatusKb("VmRSS:") >= 0) {
      registry.gauge(
          "process_resident_memory_bytes",
          "Resident memory size in bytes.",
          () -> kbToBytes(procStatusKb("VmRSS:")));
      registry.gauge(
          "process_virtual_memory_bytes",
          "Virtual memory size in bytes.",
          () -> kbToBytes(procStatusKb("VmSize:")));
    }
  }

  private static void memory(MetricsRegistry r, MemoryMXBean memory) {
    memoryArea(r, "heap", memory::getHeapMemoryUsage);
    memoryArea(r, "nonheap", memory::getNonHeapMemoryUsage);
  }

  private static void memoryArea(MetricsRegistry r, String area, Supplier<MemoryUsage> usage) {
    Map<String, String> labels = Map.of("area", area);
    r.gauge(
        "jvm_memory_used_bytes",
        "Used bytes of a given JVM memory area.",
        labels,
        () -> usage.get().getUsed());
    r.gauge(
        "jvm_memory_committed_bytes",
        "Committed (bytes) of a given JVM memory area.",
        labels,
        () -> usage.get().getCommitted());
    r.gauge(
        "jvm_memory_max_bytes",
        "Max (bytes) of a given JVM memory area.",
        labels,
        () -> usage.get().getMax());
  }

  private static void bufferPools(MetricsRegistry r, List<BufferPoolMXBean> pools) {
    for (BufferPoolMXBean pool : pools) {
      r.gauge(
          "jvm_buffer_pool_used_bytes",
          "Used bytes of a given JVM buffer pool.",
          Map.of("pool", pool.getName()),
          () -> orNaN(pool.getMemoryUsed()));
    }
  }

  private static void threads(MetricsRegistry r, ThreadMXBean threads) {
    r.gauge(
        "jvm_threads_current", "Current thread count of a JVM.", () -> threads.getThreadCount());
    r.gauge(
        "jvm_threads_daemon",
        "Daemon thread count of a JVM.",
        () -> threads.getDaemonThreadCount());
    r.gauge("jvm_threads_peak", "Peak thread count of a JVM.", () -> threads.getPeakThreadCount());
    r.counter(
        "jvm_threads_started_total",
        "Started thread count of a JVM.",
        () -> threads.getTotalStartedThreadCount());
  }

  private static void gc(MetricsRegistry r, List<GarbageCollectorMXBean> collectors) {
    for (GarbageCollectorMXBean gc : collectors) {
      r.summary(
          "jvm_gc_collection_seconds",
          "Time spent in a given JVM garbage collector in seconds.",
          Map.of("gc", gc.getName()),
          () -> orNaN(gc.getCollectionCount()),
          () -> orNaN(gc.getCollectionTime()) / 1000.0);
    }
  }

  private static void runtime(MetricsRegistry r, RuntimeMXBean runtime) {
    r.gauge(
        "jvm_runtime_info",
        "JVM runtime info.",
        Map.of(
            "runtime", String.valueOf(System.getProperty("java.runtime.name")),
            "vendor", String.valueOf(runtime.getVmVendor()),
            "version", String.valueOf(System.getProperty("java.runtime.version"))),
        () -> 1);
    r.gauge(
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        () -> runtime.getStartTime() / 1000.0);
    r.gauge(
        "process_uptime_seconds",
        "How long the JVM has been running, in seconds.",
        () -> runtime.getUptime() / 1000.0);
  }

  private static void process(MetricsRegistry r, OperatingSystemMXBean os) {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun
        && sun.getProcessCpuTime() >= 0) {
      r.counter(
          "process_cpu_seconds_total",
          "Total user and system CPU time spent in seconds.",
          () -> orNaN(sun.getProcessCpuTime()) / 1e9);
    }
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      r.gauge(
          "process_open_fds",
          "Number of open file descriptors.",
          () -> orNaN(unix.getOpenFileDescriptorCount()));
      r.gauge(
          "process_max_fds",
          "Maximum number of open file descriptors.",
          () -> orNaN(unix.getMaxFileDescriptorCount()));
    }
  }

  /** The MXBeans' "not available" (-1, or any negative) as "not known now". */
  private static double orNaN(long v) {
    return v < 0 ? Double.NaN : v;
  }

  private static double kbToBytes(long kb) {
    return kb < 0 ? Double.NaN : kb * 1024.0;
  }

  /** A {@code kB} field of {@code /proc/self/status}, -1 when absent or unreadable. */
  static long procStatusKb(String field) {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}

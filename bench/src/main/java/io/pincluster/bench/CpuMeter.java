package io.pincluster.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CPU went during a case: CPU time of the peer daemons, the fake Kubo processes (both
 * children of this JVM, told apart by their command line) and this JVM (the load generator), per
 * pin, and how busy the whole machine was ({@code /proc/stat}, every process counted). On a machine
 * that is close to 100% busy, throughput is bounded by CPU and these shares say whose.
 */
final class CpuMeter {
  static final String PEERS = "peers";
  static final String KUBO = "fake Kubo";
  static final String LOAD = "load generator";

  /**
   * CPU time by role and of each peer daemon by process ID, the CPU time of the JIT compiler
   * threads of all those processes, the machine's busy and total jiffies, and the wall clock.
   */
  record Sample(
      Map<String, Duration> cpu,
      Map<Long, Duration> peerCpu,
      Duration jit,
      long busyJiffies,
      long totalJiffies,
      long nanos) {
    /** CPU time of every role together. */
    Duration total() {
      return cpu.values().stream().reduce(Duration.ZERO, Duration::plus);
    }
  }

  /** Linux's clock ticks per second for /proc/PID/task/TID/stat (USER_HZ, 100 everywhere). */
  private static final long TICKS_PER_SECOND = 100;

  static Sample sample() {
    Map<String, Duration> cpu = new LinkedHashMap<>();
    Map<Long, Duration> peerCpu = new LinkedHashMap<>();
    cpu.put(PEERS, Duration.ZERO);
    cpu.put(KUBO, Duration.ZERO);
    Duration jit = jitCpu(ProcessHandle.current().pid());
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      String cmd = p.info().commandLine().orElse("");
      String role =
          cmd.contains("FakeKubo") ? KUBO : cmd.contains("ClusterServiceCommand") ? PEERS : null;
      if (role != null) {
        Duration used = p.info().totalCpuDuration().orElse(Duration.ZERO);
        cpu.merge(role, used, Duration::plus);
        if (role.equals(PEERS)) {
          peerCpu.put(p.pid(), used);
        }
        jit = jit.plus(jitCpu(p.pid()));
      }
    }
    var os = ManagementFactory.getOperatingSystemMXBean();
    long self =
        os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    cpu.put(LOAD, Duration.ofNanos(Math.max(0, self)));
    long[] jiffies = machineJiffies();
    return new Sample(cpu, peerCpu, jit, jiffies[0], jiffies[1], System.nanoTime());
  }

  /**
   * The share of all CPU time of the measured processes between two samples that went to their JIT
   * compiler threads (0 when nothing was measured): near 0 once the code of a case is compiled.
   */
  static double jitShare(Sample from, Sample to) {
    long all = to.total().minus(from.total()).toNanos();
    return all <= 0 ? 0 : (double) to.jit().minus(from.jit()).toNanos() / all;
  }

  /**
   * CPU time of the JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}) of
   * process {@code pid}, from /proc; zero where there is no /proc or the process is gone.
   */
  private static Duration jitCpu(long pid) {
    long ticks = 0;
    try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(task.resolve("stat"));
            // fields after the ")" that ends the name: state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
  }

  /**
   * A one-line account of {@code from} → {@code to} for {@code pins} pins: CPU ms per pin by role,
   * of the busiest peer (a peer with two CPUs of its own could take at most 2 s / that pins a
   * second: an upper bound for peers on separate machines, by CPU alone), and how busy the machine
   * was.
   */
  static String perPin(Sample from, Sample to, long pins) {
    StringBuilder out = new StringBuilder("CPU per pin:");
    to.cpu()
        .forEach(
            (role, d) -> {
              double ms = (d.minus(from.cpu().getOrDefault(role, Duration.ZERO)).toNanos() / 1e6);
              out.append(String.format(Locale.ROOT, " %s %.2f ms,", role, ms / pins));
            });
    out.append(
        String.format(Locale.ROOT, " of which JIT compilers %.0f%%,", 100 * jitShare(from, to)));
    long busiest = busiestPeerNanos(from, to);
    if (busiest > 0 && pins > 0) {
      double ms = busiest / 1e6 / pins;
      out.append(
          String.format(
              Locale.ROOT,
              " busiest peer %.2f ms (alone on 2 CPUs at most %,.0f pins/s),",
              ms,
              2000 / ms));
    }
    long total = to.totalJiffies() - from.totalJiffies();
    if (total > 0) {
      double busy = 100.0 * (to.busyJiffies() - from.busyJiffies()) / total;
      out.append(
          String.format(
              Locale.ROOT,
              " machine %.0f%% busy over %.1f s (all processes, %d CPUs)",
              busy,
              (to.nanos() - from.nanos()) / 1e9,
              Runtime.getRuntime().availableProcessors()));
    } else {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }

  /** The most CPU time one peer process (present in both samples) used between them. */
  private static long busiestPeerNanos(Sample from, Sample to) {
    long most = 0;
    for (Map.Entry<Long, Duration> e : to.peerCpu().entrySet()) {
      Duration before = from.peerCpu().get(e.getKey());
      if (before != null) {
        most = Math.max(most, e.getValue().minus(before).toNanos());
      }
    }
    return most;
  }

  /** {busy, total} jiffies from the first line of /proc/stat, or zeros where there is none. */
  private static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}

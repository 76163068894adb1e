package org.groupcache4j.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The machine and JDK a benchmark ran on, for the report. */
public record MachineInfo(int cpus, String cpuModel, String memory, String os, String jdk) {
  public static MachineInfo current() {
    String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
    String memKb = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    String memory = "unknown";
    if (memKb != null) {
      try {
        long kb = Long.parseLong(memKb.replaceAll("[^0-9]", ""));
        memory = String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
      } catch (NumberFormatException e) {
        memory = memKb;
      }
    }
    String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")";
    return new MachineInfo(Runtime.getRuntime().availableProcessors(), model == null ? "unknown" : model, memory, os, jdk);
  }

  /**
   * The head of a benchmark report: when it was measured (and for how long, unless {@code took} is
   * blank), the command, and the machine table ({@link #markdownTable}).
   */
  public String reportHeader(ZonedDateTime when, String took, String command, String load) {
    StringBuilder sb = new StringBuilder();
    sb.append("Measured ").append(when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)));
    if (took != null && !took.isBlank()) {
      sb.append(" (").append(took).append(")");
    }
    sb.append(" with\n\n```\n").append(command).append("\n```\n\n");
    return sb.append(markdownTable(load)).toString();
  }

  /** The machine as a Markdown table ({@code load}: load averages as text, or blank to leave the row out). */
  public String markdownTable(String load) {
    StringBuilder sb = new StringBuilder();
    sb.append("| machine | |\n|---|---|\n");
    sb.append("| CPUs (`nproc`) | ").append(cpus).append(" |\n");
    sb.append("| CPU model | ").append(cpuModel).append(" |\n");
    sb.append("| memory | ").append(memory).append(" |\n");
    sb.append("| OS | ").append(os).append(" |\n");
    sb.append("| JDK | ").append(jdk).append(" |\n");
    if (load != null && !load.isBlank()) {
      sb.append("| load average (1, 5, 15 min) | ").append(load).append(" |\n");
    }
    return sb.toString();
  }

  private static String firstValue(Path file, String field) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(field)) {
          return line.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}

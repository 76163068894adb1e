package org.groupcache4j.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.groupcache4j.server.internal.cli.Cli;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifest in {@code deploy/kubernetes/} starts nodes with arguments the CLI
 * accepts ({@code serve --check}), and probes the port and path that answer readiness.
 */
class KubernetesManifestTest {
  private static final Path MANIFEST = Path.of("..", "deploy", "kubernetes", "groupcache4j.yaml");
  private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Z_]+)\\)");

  @Test
  void theStatefulSetsArgumentsPassServeCheck() throws Exception {
    String yaml = Files.readString(MANIFEST);
    List<String> args = listUnder(yaml, "args:");
    assertThat(args).as("container args in %s", MANIFEST).isNotEmpty().first().isEqualTo("serve");
    assertThat(args).anyMatch(a -> a.startsWith("--peers-dns=")).anyMatch(a -> a.startsWith("--self="));

    // Kubernetes expands $(VAR) from the container's env; give them values a pod would have.
    Map<String, String> env = Map.of("POD_IP", "10.244.1.7", "POD_NAMESPACE", "default");
    List<String> expanded = new ArrayList<>();
    for (String a : args) {
      Matcher m = ENV_REF.matcher(a);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        assertThat(env).as("$(%s) in %s is set from the pod's env in the manifest", m.group(1), a).containsKey(m.group(1));
        assertThat(yaml).contains("- name: " + m.group(1));
        m.appendReplacement(sb, Matcher.quoteReplacement(env.get(m.group(1))));
      }
      m.appendTail(sb);
      expanded.add(sb.toString());
    }
    expanded.add("--check");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(expanded.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("serve --check %s%n%s", expanded, err).isZero();
    assertThat(out.toString()).contains("http://10.244.1.7:8001").contains("groupcache-peers.default.svc.cluster.local");
  }

  @Test
  void theReadinessProbeAsksHealthzOnTheApiPortAndTheHeadlessServiceListsStartingPods() throws Exception {
    String yaml = Files.readString(MANIFEST);
    assertThat(yaml).contains("clusterIP: None").contains("publishNotReadyAddresses: true");
    Matcher probe = Pattern.compile("readinessProbe:[^\\n]*\\n\\s+httpGet:\\s*\\n\\s+path: (\\S+)\\s*\\n\\s+port: (\\S+)")
        .matcher(yaml);
    assertThat(probe.find()).as("a readinessProbe with httpGet in %s", MANIFEST).isTrue();
    assertThat(probe.group(1)).isEqualTo("/healthz");
    Matcher liveness = Pattern.compile("livenessProbe:[^\\n]*\\n\\s+httpGet:\\s*\\n\\s+path: (\\S+)\\s*\\n\\s+port: (\\S+)")
        .matcher(yaml);
    assertThat(liveness.find()).as("a livenessProbe with httpGet in %s", MANIFEST).isTrue();
    assertThat(liveness.group(1)).as("not the dashboard page").isEqualTo("/livez");
    assertThat(liveness.group(2)).isEqualTo(probe.group(2));
    String apiPortName = probe.group(2);
    Matcher port = Pattern.compile("- name: " + Pattern.quote(apiPortName) + "\\s*\\n\\s+containerPort: (\\d+)").matcher(yaml);
    assertThat(port.find()).as("container port %s", apiPortName).isTrue();
    assertThat(listUnder(yaml, "args:")).contains("--api=0.0.0.0:" + port.group(1));
    Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(yaml);
    assertThat(grace.find()).isTrue();
    assertThat(listUnder(yaml, "args:")).anySatisfy(a -> {
      assertThat(a).startsWith("--shutdown-grace=");
      int drainSeconds = Integer.parseInt(a.replaceAll("\\D", ""));
      assertThat(drainSeconds).as("the drain ends before SIGKILL").isLessThan(Integer.parseInt(grace.group(1)));
    });
  }

  /** The items of the YAML list under the first {@code key} line: {@code - item} lines, comments skipped. */
  private static List<String> listUnder(String yaml, String key) {
    List<String> items = new ArrayList<>();
    String[] lines = yaml.split("\n");
    int i = 0;
    while (i < lines.length && !lines[i].trim().equals(key)) {
      i++;
    }
    int indent = i < lines.length ? lines[i].indexOf(key) : 0;
    for (i++; i < lines.length; i++) {
      String t = lines[i].trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int ind = lines[i].indexOf(t);
      if (!t.startsWith("- ") || ind < indent) {
        break;
      }
      String v = t.substring(2).trim();
      if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
        v = v.substring(1, v.length() - 1);
      }
      items.add(v);
    }
    return items;
  }
}

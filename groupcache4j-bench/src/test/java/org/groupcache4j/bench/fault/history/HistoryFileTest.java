package org.groupcache4j.bench.fault.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
  @TempDir
  Path dir;

  @Test
  void aHistoryReadBackIsTheHistoryWritten() throws IOException {
    Histories h = new Histories();
    String v0 = h.load(3, "k\"7", 0, 1);
    h.freeze(1, 3, 100, 200);
    h.set("k\"7", "v1", 110, 150, Map.of(3, "peer http://10.0.0.3:8001 is judged down"));
    h.remove("k\"7", 160, 170);
    h.write(Op.Kind.SET, 2, "k\"7", "v2", 180, 190, 0, Map.of());
    h.get(2, "k\"7", 300, 310, v0);
    h.failedGet(1, "j", 320, 330, 504, "origin timed out");
    History written = h.build();
    Path file = dir.resolve("history.jsonl");

    HistoryFile.write(written, file);

    assertThat(HistoryFile.read(file)).isEqualTo(written);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("{\"type\":\"run\",\"seed\":42,\"peers\":{\"1\":\"http://10.0.0.1:8001\","
        + "\"2\":\"http://10.0.0.2:8001\",\"3\":\"http://10.0.0.3:8001\"}}");
    assertThat(lines).hasSize(1 + 1 + 2 + 5); // the run, a load, two fault steps, five operations
    assertThat(lines.get(1)).startsWith("{\"type\":\"load\",\"id\":1,\"node\":3,\"key\":\"k\\\"7\"");
  }

  @Test
  void aLineThatIsNotHistoryIsNamed() throws IOException {
    Path file = dir.resolve("history.jsonl");
    Files.writeString(file, "{\"type\":\"run\",\"seed\":1,\"peers\":{}}\n{\"type\":\"op\",\"id\":\"x\"}\n");

    assertThatThrownBy(() -> HistoryFile.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("history.jsonl, line 2: not a history line");
  }
}

package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example of README.md compiles as written, and the same code runs on loopback. */
class ReadmeExampleTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- embedding-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  static String readmeExample() throws IOException {
    Path readme = Path.of("..", "README.md");
    Matcher m = EXAMPLE.matcher(Files.readString(readme, StandardCharsets.UTF_8));
    assertThat(m.find()).as("README.md has a java block after <!-- embedding-example -->").isTrue();
    return m.group(1);
  }

  @Test
  void theReadmeExampleCompiles(@TempDir Path out) throws IOException {
    String code = readmeExample();
    assertThat(code.lines().count()).as("the example is short").isLessThanOrEqualTo(12);
    String source = """
        import org.groupcache4j.*;
        import org.groupcache4j.http.HttpPeerTransport;
        class Example {
          interface Database { byte[] findScore(String name) throws Exception; }
          static void run(Database db) throws Exception {
        %s
          }
        }
        """.formatted(code);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Example.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    StringWriter diagnostics = new StringWriter();
    boolean ok = javac.getTask(diagnostics, null, null,
        List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")), null, List.of(file)).call();
    assertThat(ok).as("compiling the README example:\n%s\n%s", source, diagnostics).isTrue();
  }

  @Test
  void theSameCodeRunsOnLoopback() {
    // The README's lines with a loopback self URL and a one-node peer list.
    try (GroupCache cache = GroupCache.builder()
        .self("http://127.0.0.1:0")
        .transport(HttpPeerTransport.builder().build())
        .build()) {
      cache.setPeers("http://127.0.0.1:0");
      Group scores = cache.newGroup("scores", 64 << 20, key -> ("score of " + key).getBytes(StandardCharsets.UTF_8));
      ByteView v = scores.get("Tom");
      assertThat(v.toString()).isEqualTo("score of Tom");
    }
  }
}

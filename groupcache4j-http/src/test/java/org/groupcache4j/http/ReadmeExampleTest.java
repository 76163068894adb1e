package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example of README.md, compiled and run: its imports and statements as written,
 * with the example's addresses (10.0.0.x:8001) replaced by a free port of 127.0.0.1 and the
 * other two nodes left out, over a "database" that knows Tom. It prints Tom's score.
 */
class ReadmeExampleTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- embedding-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  static String readme() throws IOException {
    return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
  }

  static String readmeExample() throws IOException {
    Matcher m = EXAMPLE.matcher(readme());
    assertThat(m.find()).as("README.md has a java block after <!-- embedding-example -->").isTrue();
    return m.group(1);
  }

  @Test
  void theReadmeExampleRunsAndPrintsTheValue(@TempDir Path out) throws Exception {
    int port = TestNode.freePort();
    String code = readmeExample()
        .replaceAll(",\\s*\"http://10\\.0\\.0\\.[23]:8001\"", "")
        .replace("10.0.0.1:8001", "127.0.0.1:" + port);
    assertThat(code).doesNotContain("10.0.0.");
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    code.lines().forEach(l -> (l.startsWith("import ") ? imports : body).append(l).append('\n'));
    String source = imports + """
        public class Example {
          public interface Database { byte[] findScore(String name) throws Exception; }
          public static void run(Database db) throws Exception {
        %s
          }
        }
        """.formatted(body);
    compile(source, out);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader cl = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> example = cl.loadClass("Example");
      Class<?> database = cl.loadClass("Example$Database");
      Function<String, byte[]> scores = name -> name.equals("Tom") ? "630".getBytes(StandardCharsets.UTF_8) : null;
      Object db = java.lang.reflect.Proxy.newProxyInstance(cl, new Class<?>[] {database},
          (proxy, method, args) -> method.getName().equals("findScore") ? scores.apply((String) args[0]) : null);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      example.getMethod("run", database).invoke(null, db);
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8).strip()).isEqualTo("630");
  }

  @Test
  void theReadmeNamesTheVersionOfThePom() throws IOException {
    String pom = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
    Matcher v = Pattern.compile("<artifactId>groupcache4j-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(v.find()).isTrue();
    assertThat(readme()).contains("version `" + v.group(1) + "`");
  }

  private static void compile(String source, Path out) {
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
}

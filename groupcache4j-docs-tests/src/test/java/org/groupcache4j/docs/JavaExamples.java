package org.groupcache4j.docs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.groupcache4j.docs.contexts.DocContext;

/**
 * The java blocks of the docs, compiled with {@code javax.tools} against this module's test
 * class path (core, http, micrometer, server) and run.
 *
 * <p>A block that declares a class at its top level is a compilation unit: it is compiled as it
 * stands and its {@code main} is run. Any other block is a fragment: its {@code import} lines go
 * to the top, the rest becomes the body of {@link DocContext#run()} in a subclass of the context
 * named by its {@code <!-- context: NAME -->} marker (default {@code none}), whose fields are the
 * variables the fragment uses without declaring ({@code db}, {@code cache}, ...). Each block gets
 * a package of its own, so that two blocks may declare the same class. Ports are replaced by
 * free ones ({@link Ports}). What the block prints on {@code System.out} is compared with the
 * block marked {@code <!-- output -->} right after it, if there is one.
 */
final class JavaExamples {
  private static final Pattern TOP_LEVEL_TYPE =
      Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");
  /** How long a block may run. */
  private static final long RUN_LIMIT_SECONDS = 120;

  private JavaExamples() {}

  /** One block as compiled: its class, its source, and what it should print (or null). */
  record Example(Page.Block block, String className, String source, boolean fragment, String expectedOutput) {
    String where() {
      return block.where();
    }
  }

  /** Every runnable java block of {@code pages}, each with the output block that follows it, if any. */
  static List<Example> collect(List<Page> pages) {
    List<Example> examples = new ArrayList<>();
    for (Page page : pages) {
      List<Page.Block> blocks = page.blocks();
      for (int i = 0; i < blocks.size(); i++) {
        Page.Block b = blocks.get(i);
        if (!b.lang().equals("java") || !b.runnable()) {
          continue;
        }
        String expected = i + 1 < blocks.size() && blocks.get(i + 1).has("output") ? blocks.get(i + 1).text() : null;
        examples.add(example(b, examples.size() + 1, expected));
      }
    }
    return examples;
  }

  static Example example(Page.Block b, int index, String expected) {
    Ports ports = new Ports();
    ports.collect(b.text());
    String text = ports.rewrite(b.text());
    expected = expected == null ? null : ports.rewrite(expected);
    String pkg = "docs.example" + index;
    Matcher type = TOP_LEVEL_TYPE.matcher(text);
    if (type.find()) {
      return new Example(b, pkg + "." + type.group(1), "package " + pkg + ";\n" + text, false, expected);
    }
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    text.lines().forEach(l -> (l.startsWith("import ") ? imports : body).append(l).append('\n'));
    String context = b.marker("context") == null ? "none" : b.marker("context");
    Class<? extends DocContext> base = DocContext.named(context);
    String source = "package " + pkg + ";\n" + imports + "public class Example extends " + base.getName() + " {\n"
        + "  @Override\n  protected void run() throws Exception {\n" + body + "  }\n}\n";
    return new Example(b, pkg + ".Example", source, true, expected);
  }

  /**
   * Compiles every example into {@code out}: all at once, and when that fails, each alone, so
   * that a broken block is reported with its own errors and the others still run. Returns the
   * errors by example; an example missing from the map compiled.
   */
  static Map<Example, String> compile(List<Example> examples, Path out) {
    Map<Example, String> errors = new HashMap<>();
    if (examples.isEmpty() || compile(examples, out, new StringWriter()) == null) {
      return errors;
    }
    for (Example e : examples) {
      String problem = compile(List.of(e), out, new StringWriter());
      if (problem != null) {
        errors.put(e, problem);
      }
    }
    return errors;
  }

  private static String compile(List<Example> examples, Path out, StringWriter log) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> files = new ArrayList<>();
    for (Example e : examples) {
      String path = e.className().replace('.', '/') + ".java";
      files.add(new SimpleJavaFileObject(URI.create("string:///" + path), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return e.source();
        }
      });
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = javac.getTask(log, null, diagnostics, List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-proc:none", "-Xlint:none", "-encoding", "UTF-8"), null, files).call();
    if (ok) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        s.append("line ").append(d.getLineNumber()).append(" of the compiled source: ")
            .append(d.getMessage(Locale.ROOT)).append('\n');
      }
    }
    return s + log.toString();
  }

  /** Runs a compiled example from {@code classes} and returns what it printed on {@code System.out}. */
  static String run(Example e, Path classes) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "docs-example"));
    try (URLClassLoader cl = new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaExamples.class.getClassLoader())) {
      Class<?> c = cl.loadClass(e.className());
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      Future<?> done = thread.submit(() -> {
        if (e.fragment()) {
          ((DocContext) c.getDeclaredConstructor().newInstance()).execute();
        } else {
          c.getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        }
        return null;
      });
      try {
        done.get(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException t) {
        done.cancel(true);
        throw new AssertionError(e.where() + ": the example did not end within " + RUN_LIMIT_SECONDS + " s");
      } catch (java.util.concurrent.ExecutionException x) {
        Throwable cause = x.getCause() instanceof InvocationTargetException i ? i.getCause() : x.getCause();
        throw new AssertionError(e.where() + ": the example threw " + cause + "\nprinted:\n"
            + printed.toString(StandardCharsets.UTF_8) + "\nsource as compiled:\n" + numbered(e.source()), cause);
      }
    } finally {
      System.setOut(stdout);
      thread.shutdownNow();
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  static String numbered(String source) {
    StringBuilder s = new StringBuilder();
    List<String> lines = source.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      s.append(String.format("%4d  %s%n", i + 1, lines.get(i)));
    }
    return s.toString();
  }
}

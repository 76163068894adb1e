package org.groupcache4j.server.internal.settings;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The flag reference of {@code serve}, as Markdown, made from {@link ServerSettings#SERVE}: what
 * the documentation shows, so that it cannot drift from the flags. Print it with
 * {@code java -cp groupcache4j-server/target/groupcache4j-server.jar org.groupcache4j.server.internal.settings.FlagReference}.
 */
public final class FlagReference {
  private FlagReference() {}

  /** The reference: one table row per flag, with its config-file key, default and help. */
  public static String markdown() {
    return ServerSettings.SERVE.markdown();
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    out.print(markdown());
    out.flush();
  }
}

package org.groupcache4j.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One peer URL a line. Read as a whole on every lookup, so writes in place and replacements look
 * the same. A write in place can be seen half done (truncated, then written); a read that differs
 * from the last one is taken only once a second read, a moment later, agrees with it.
 */
final class FilePeerDiscovery implements PeerDiscovery {
  private static final long SETTLE_MILLIS = 100;
  private static final int MAX_SETTLE_ROUNDS = 20;

  /** The wait between a read and the read that checks it; tests make a writer act in it. */
  interface Pause {
    void pause() throws InterruptedException;
  }

  private final Path path;
  private final Pause settle;
  private byte[] lastRead; // only the watcher's thread looks up
  private List<String> lastPeers;

  FilePeerDiscovery(Path path) {
    this(path, () -> Thread.sleep(SETTLE_MILLIS));
  }

  FilePeerDiscovery(Path path, Pause settle) {
    this.path = Objects.requireNonNull(path, "path");
    this.settle = Objects.requireNonNull(settle, "settle");
  }

  @Override
  public synchronized List<String> lookup() throws IOException {
    byte[] now = read();
    if (lastRead != null && Arrays.equals(now, lastRead)) {
      return lastPeers;
    }
    for (int round = 0; ; round++) {
      try {
        settle.pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + path, e);
      }
      byte[] again = read();
      if (Arrays.equals(now, again)) {
        break;
      }
      if (round == MAX_SETTLE_ROUNDS) {
        throw new IOException(path + " is still changing after " + (SETTLE_MILLIS * MAX_SETTLE_ROUNDS)
            + " ms; write it to a temporary file and rename it over " + path.getFileName() + " instead");
      }
      now = again;
    }
    List<String> peers = parse(new String(now, StandardCharsets.UTF_8));
    lastRead = now;
    lastPeers = peers;
    return peers;
  }

  private byte[] read() throws IOException {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "no such peers file (write one peer URL a line)");
    }
  }

  private List<String> parse(String text) throws IOException {
    List<String> peers = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String url = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (url.isEmpty()) {
        continue;
      }
      try {
        url = PeerUrls.check(url);
      } catch (IllegalArgumentException e) {
        throw new IOException(path + " line " + (i + 1) + ": " + e.getMessage());
      }
      if (peers.contains(url)) {
        throw new IOException(path + " line " + (i + 1) + ": '" + url + "' is listed twice; list every node once");
      }
      peers.add(url);
    }
    return List.copyOf(peers);
  }

  @Override
  public String describe() {
    return "file " + path;
  }

  @Override
  public String toString() {
    return describe();
  }
}

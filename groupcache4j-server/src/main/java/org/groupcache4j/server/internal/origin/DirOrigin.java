package org.groupcache4j.server.internal.origin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.internal.Text;

/**
 * Origin {@code dir:PATH}: the key names a file under PATH ({@code a/b.txt} is
 * {@code PATH/a/b.txt}). Keys that would leave PATH are refused: absolute paths, {@code ..}
 * segments, and symbolic links anywhere on the path (the file itself or a directory on the way)
 * whose target lies outside PATH: the real path of the file, every link resolved, must lie under
 * the real path of PATH. Links whose targets stay under PATH are followed. A missing file, a
 * directory or a refused path is "not found"; the client API answers statically refused keys with
 * 400 before loading.
 *
 * <p>The file is then opened along that real path one component at a time from PATH, following
 * no link ({@link SecureDirectoryStream}, i.e. {@code openat} with {@code O_NOFOLLOW}; Linux and
 * the BSDs): a file or directory swapped for a link after the check is refused, not followed. Where
 * the platform has no {@code SecureDirectoryStream} only the file itself is opened without
 * following a link, so a directory swapped for a link between the check and the open could still
 * be followed there.
 */
public final class DirOrigin implements Origin {
  private final Path root; // real path
  private final long maxValueBytes;

  private DirOrigin(Path root, long maxValueBytes) {
    this.root = root;
    this.maxValueBytes = maxValueBytes;
  }

  public static DirOrigin create(String dir, long maxValueBytes) throws OriginConfigException {
    if (dir.isEmpty()) {
      throw new OriginConfigException("no directory named; use dir:PATH, e.g. dir:/srv/files", true, null);
    }
    try {
      Path p = Path.of(dir);
      if (!Files.isDirectory(p)) {
        throw new OriginConfigException(p.toAbsolutePath() + " is not a directory", true, null);
      }
      return new DirOrigin(p.toRealPath(), maxValueBytes);
    } catch (InvalidPathException | IOException e) {
      throw new OriginConfigException("cannot open the directory: " + e.getMessage(), true, e);
    }
  }

  @Override
  public String refuse(String key) {
    if (key.isEmpty()) {
      return "an empty key names no file";
    }
    if (key.indexOf('\0') >= 0) {
      return "a file name cannot contain NUL";
    }
    if (key.startsWith("/") || key.startsWith("\\")) {
      return "absolute paths are not allowed; name a file relative to the directory";
    }
    int start = 0; // each segment between / or \ (no regex: this runs on every request)
    for (int i = 0; i <= key.length(); i++) {
      if (i == key.length() || key.charAt(i) == '/' || key.charAt(i) == '\\') {
        if (i - start == 2 && key.startsWith("..", start)) {
          return "'..' would leave the directory";
        }
        start = i + 1;
      }
    }
    return null;
  }

  @Override
  public byte[] fetch(String key) throws Exception {
    String refused = refuse(key);
    if (refused != null) {
      throw new KeyNotFoundException("refused: " + refused);
    }
    Path file;
    try {
      file = root.resolve(key).normalize();
    } catch (InvalidPathException e) {
      throw new KeyNotFoundException("not a valid file name: " + e.getReason());
    }
    if (!file.startsWith(root)) {
      throw new KeyNotFoundException("refused: the path would leave the directory");
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException(noFile(key));
    }
    // Messages name the key, not the server's paths: they reach API clients.
    if (!real.startsWith(root)) {
      throw new KeyNotFoundException("refused: '" + Text.quotable(key) + "' is a link that leads outside the directory");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new KeyNotFoundException("'" + Text.quotable(key) + "' is not a regular file");
    }
    InputStream in = open(root.relativize(real), key);
    byte[] b;
    try (in) {
      b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxValueBytes + 1));
    } catch (IOException e) { // without the path: messages reach API clients
      throw new IOException("cannot read the file '" + Text.quotable(key) + "': " + e.getMessage(), e);
    }
    if (b.length > maxValueBytes) {
      throw new IOException("the file '" + Text.quotable(key) + "' is larger than the limit of "
          + maxValueBytes + " bytes (--max-value-bytes)");
    }
    return b;
  }

  /**
   * Opens {@code rel}, a path under the root without links (the real path of the file of
   * {@code key}), one component at a time from the root, following no link: a component that is
   * a link now was swapped in after the checks, and the key is refused.
   */
  InputStream open(Path rel, String key) throws IOException, KeyNotFoundException {
    try {
      DirectoryStream<Path> top = Files.newDirectoryStream(root);
      if (!(top instanceof SecureDirectoryStream<Path> secure)) {
        top.close();
        return Files.newInputStream(root.resolve(rel), LinkOption.NOFOLLOW_LINKS);
      }
      SecureDirectoryStream<Path> dir = secure;
      try {
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
          SecureDirectoryStream<Path> next = dir.newDirectoryStream(rel.getName(i), LinkOption.NOFOLLOW_LINKS);
          dir.close();
          dir = next;
        }
        return Channels.newInputStream(dir.newByteChannel(rel.getFileName(),
            Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
      } finally {
        dir.close();
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new KeyNotFoundException(noFile(key));
    } catch (IOException e) {
      String reason = String.valueOf(e instanceof FileSystemException f ? f.getReason() : e.getMessage());
      if (reason.contains("symbolic link")) { // ELOOP: a link where the real path had none
        throw new KeyNotFoundException("refused: '" + Text.quotable(key) + "' became a link");
      }
      if (reason.contains("Not a directory")) { // ENOTDIR: a directory on the way became a file
        throw new KeyNotFoundException(noFile(key));
      }
      throw new IOException("cannot read the file '" + Text.quotable(key) + "': " + reason, e);
    }
  }

  private static String noFile(String key) {
    return "no file '" + Text.quotable(key) + "' in the directory";
  }

  @Override
  public String describe() {
    return "dir:" + root;
  }
}

package org.groupcache4j.server.internal.origin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.internal.Text;

/**
 * Origin {@code dir:PATH}: the key names a file under PATH ({@code a/b.txt} is
 * {@code PATH/a/b.txt}). Keys that would leave PATH are refused: absolute paths, {@code ..}
 * segments, and symbolic links whose target lies outside PATH (checked on the real path of the
 * file, after every link is resolved). A missing file, a directory or a refused path is "not
 * found"; the client API answers statically refused keys with 400 before loading.
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
    // NOFOLLOW_LINKS: a file swapped for a link after the checks above is not followed.
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxValueBytes + 1));
      if (b.length > maxValueBytes) {
        throw new IOException("the file '" + Text.quotable(key) + "' is larger than the limit of "
            + maxValueBytes + " bytes (--max-value-bytes)");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException(noFile(key));
    } catch (FileSystemException e) {
      if (String.valueOf(e.getReason()).contains("symbolic link")) { // ELOOP: it became a link meanwhile
        throw new KeyNotFoundException("refused: '" + Text.quotable(key) + "' became a link");
      }
      throw new IOException("cannot read the file '" + Text.quotable(key) + "': " + e.getReason(), e);
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
